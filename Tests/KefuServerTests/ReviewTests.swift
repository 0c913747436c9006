import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// 差评复盘 over the API on a test clock: a customer's 1 opens a task QA sees and an agent sees only when
/// it is theirs; QA's finding, the agent's one appeal within 3 days, the lead's decision; refusals by
/// name with nothing stored; the deadline flagged once and the leads told.
@Suite struct ReviewTests {
    struct Ref: Decodable { let id: String; let name: String; let agentNo: String? }
    struct Finding: Decodable { let cause: String; let action: String; let calledBack: Bool; let by: Ref }
    struct Decision: Decodable { let upheld: Bool; let note: String; let by: Ref }
    struct Review: Decodable {
        let id: String; let contactKind: ContactKind; let contactId: String; let customerId: String?; let agent: Ref?; let csat: Int
        let reason: RatingReason?; let comment: String?; let status: String; let overdue: Bool; let late: Bool; let dueAt: Date
        let finding: Finding?; let appealUntil: Date?; let decision: Decision?; let allowed: [String]
    }
    struct Counts: Decodable, Equatable { let open: Int; let overdue: Int; let concluded: Int; let appealed: Int; let decided: Int }
    struct Queue: Decodable { let counts: Counts; let items: [Review] }
    struct Note: Decodable { let kind: String; let reviewId: String? }

    /// agent2 resolves cus-100000's fault ticket and the customer gives it a 1.
    static func ratedOne(_ client: any TestClientProtocol, _ database: Database, sms: RecordingSmsSender) async throws -> Ticket {
        let customer = try await client.customerLogin("13800138000", sms: sms)
        let ticket = try await SurveyTests.fault(client, database, customer: customer)
        try await SurveyTests.resolve(ticket, client, agent: try await client.login("agent2"))
        let rated = try await client.json(
            .post, "/api/v1/surveys", token: customer,
            body: #"{"contactKind":"ticket","contactId":"\#(ticket.id)","csat":1,"reason":"unresolved","comment":"修了还是断"}"#
        )
        #expect(rated.status == .created)
        return ticket
    }

    @Test func aNegativeRatingIsReviewedAppealedAndDecided() async throws {
        let clock = TestClock()
        try await TestApp.run(clock: clock) { client, sms, database in
            let ticket = try await Self.ratedOne(client, database, sms: sms)
            let qa = try await client.login("qa"), lead = try await client.login("lead")
            let agent2 = try await client.login("agent2"), agent1 = try await client.login("agent1")

            let queue = try await client.json(.get, "/api/v1/reviews", token: qa).decoded(Queue.self)
            #expect(queue.counts == Counts(open: 1, overdue: 0, concluded: 0, appealed: 0, decided: 0))
            let item = try #require(queue.items.first)
            #expect(item.contactKind == .ticket && item.contactId == ticket.id && item.csat == 1 && item.reason == .unresolved)
            #expect(item.agent?.agentNo == "K3002" && item.comment == "修了还是断" && item.allowed == ["conclude"] && !item.overdue)
            // The task carries the customer whose record QA opens beside it.
            let one = try await client.json(.get, "/api/v1/reviews/\(item.id)", token: qa).decoded(Review.self)
            #expect(one.customerId == "cus-100000")

            // The agent credited sees it, another agent does not; a customer may not look.
            #expect(try await client.json(.get, "/api/v1/reviews?tab=all", token: agent2).decoded(Queue.self).items.map(\.id) == [item.id])
            #expect(try await client.json(.get, "/api/v1/reviews?tab=all", token: agent1).decoded(Queue.self).items.isEmpty)
            #expect(try await client.json(.get, "/api/v1/reviews?tab=all&agentId=staff-agent2", token: agent1).decoded(Queue.self).items.isEmpty)
            #expect(try await client.json(.get, "/api/v1/reviews/\(item.id)", token: agent1).status == .notFound)
            let customer = try await client.customerLogin("18600186002", sms: sms)
            #expect(try await client.json(.get, "/api/v1/reviews", token: customer).status == .forbidden)

            // Bad findings are refused by name; only QA finds.
            let path = "/api/v1/reviews/\(item.id)"
            let blank = try await client.json(.post, "\(path)/finding", token: qa, body: #"{"cause":"agent","action":"  ","calledBack":true}"#)
            #expect(blank.status == .unprocessableContent && blank.error?.fieldNames == ["action"])
            #expect(try await client.json(.post, "\(path)/finding", token: qa, body: #"{"cause":"weather","action":"x","calledBack":true}"#).status == .badRequest)
            #expect(try await client.json(.post, "\(path)/finding", token: lead, body: #"{"cause":"agent","action":"x","calledBack":true}"#).status == .forbidden)
            #expect(try await client.json(.post, "\(path)/finding", token: agent1, body: #"{"cause":"agent","action":"x","calledBack":true}"#).status == .notFound)
            #expect(try await client.json(.post, "\(path)/appeal", token: agent2, body: #"{"text":"先申诉"}"#).error?.code == "not_concluded")
            #expect(try await client.json(.get, path, token: qa).decoded(Review.self).status == "open")

            clock.advance(by: 3600)
            let found = try await client.json(.post, "\(path)/finding", token: qa, body: #"{"cause":"agent","action":"已辅导端口检测流程","calledBack":true}"#)
            #expect(found.status == .ok)
            let concluded = try found.decoded(Review.self)
            #expect(concluded.status == "concluded" && concluded.finding?.by.name == "李质检" && concluded.finding?.calledBack == true && !concluded.late)
            #expect(try await client.json(.post, "\(path)/finding", token: qa, body: #"{"cause":"process","action":"改","calledBack":false}"#).error?.code == "already_concluded")
            // The agent is told and offered the appeal.
            #expect(try await client.json(.get, "/api/v1/notifications", token: agent2).decoded([Note].self).contains { $0.kind == "review_concluded" && $0.reviewId == item.id })
            #expect(try await client.json(.get, path, token: agent2).decoded(Review.self).allowed == ["appeal"])

            // Only the agent credited appeals, once.
            #expect(try await client.json(.post, "\(path)/appeal", token: lead, body: #"{"text":"代为申诉"}"#).status == .forbidden)
            #expect(try await client.json(.post, "\(path)/decision", token: lead, body: #"{"upheld":true,"note":"维持"}"#).error?.code == "not_appealed")
            clock.advance(by: 71 * 3600)
            let agent2Again = try await client.login("agent2")
            let appealed = try await client.json(.post, "\(path)/appeal", token: agent2Again, body: #"{"text":"端口已更换，断网是小区故障"}"#)
            #expect(appealed.status == .ok)
            #expect(try await client.json(.post, "\(path)/appeal", token: agent2Again, body: #"{"text":"再次"}"#).error?.code == "already_appealed")
            let leadAgain = try await client.login("lead"), qaAgain = try await client.login("qa")
            #expect(try await client.json(.get, "/api/v1/notifications", token: leadAgain).decoded([Note].self).contains { $0.kind == "review_appealed" })

            // QA may not decide; the lead does, with a note.
            clock.advance(by: 60)
            #expect(try await client.json(.post, "\(path)/decision", token: qaAgain, body: #"{"upheld":true,"note":"x"}"#).status == .forbidden)
            #expect(try await client.json(.post, "\(path)/decision", token: leadAgain, body: #"{"upheld":false}"#).status == .badRequest)
            let decided = try await client.json(.post, "\(path)/decision", token: leadAgain, body: #"{"upheld":false,"note":"确认为小区故障，撤销"}"#).decoded(Review.self)
            #expect(decided.status == "decided" && decided.decision?.upheld == false && decided.decision?.by.name == "王班长" && decided.allowed.isEmpty)
            let counts = try await client.json(.get, "/api/v1/reviews?tab=decided", token: leadAgain).decoded(Queue.self).counts
            #expect(counts == Counts(open: 0, overdue: 0, concluded: 0, appealed: 0, decided: 1))

            let trail = try await Store(database: database).audit.search(.init(targetID: item.id)).map(\.action)
            #expect(trail == ["review.decide", "review.appeal", "review.conclude", "review.open"])
        }
    }

    @Test func anAppealAfterThreeDaysIsRefused() async throws {
        let clock = TestClock()
        try await TestApp.run(clock: clock) { client, sms, database in
            _ = try await Self.ratedOne(client, database, sms: sms)
            let qa = try await client.login("qa")
            let id = try #require(try await client.json(.get, "/api/v1/reviews", token: qa).decoded(Queue.self).items.first?.id)
            #expect(try await client.json(.post, "/api/v1/reviews/\(id)/finding", token: qa, body: #"{"cause":"agent","action":"辅导","calledBack":false}"#).status == .ok)
            clock.advance(by: 72 * 3600 + 1)
            let late = try await client.json(.post, "/api/v1/reviews/\(id)/appeal", token: try await client.login("agent2"), body: #"{"text":"申诉"}"#)
            #expect(late.status == .gone && late.error?.code == "appeal_expired")
            #expect(try await Store(database: database).reviews.review(id: id)?.status == .concluded)
        }
    }

    @Test func aTaskPastItsDeadlineIsFlaggedAndTheLeadsTold() async throws {
        let clock = TestClock()
        try await TestApp.run(clock: clock) { client, sms, database in
            _ = try await Self.ratedOne(client, database, sms: sms)
            let store = Store(database: database)
            #expect(try await store.reviews.flagOverdue(now: clock.now).isEmpty)
            clock.advance(by: 48 * 3600 + 60)
            let qa = try await client.login("qa")
            let queue = try await client.json(.get, "/api/v1/reviews?tab=overdue", token: qa).decoded(Queue.self)
            #expect(queue.counts.overdue == 1 && queue.items.count == 1 && queue.items[0].overdue && queue.items[0].late)
            // Flagged once: here, or by the "review deadlines" job if its tick came first since the clock moved.
            #expect(try await store.reviews.flagOverdue(now: clock.now).count <= 1)
            #expect(try await store.reviews.flagOverdue(now: clock.now).isEmpty)
            let lead = try await client.login("lead")
            let notes = try await client.json(.get, "/api/v1/notifications", token: lead).decoded([Note].self).filter { $0.kind == "review_overdue" }
            #expect(notes.map(\.reviewId) == [queue.items[0].id])
            // A late finding is kept, and shows as late.
            let found = try await client.json(.post, "/api/v1/reviews/\(queue.items[0].id)/finding", token: qa, body: #"{"cause":"network","action":"转网络部","calledBack":true}"#)
            #expect(try found.decoded(Review.self).late)
        }
    }
}
