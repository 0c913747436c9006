import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// Surveys after chats and tickets: the chat's own over the socket, later ones over REST, one answer per
/// contact, within 72 hours, only by the contact's customer.
@Suite struct SurveyTests {
    struct Open: Decodable { let contactKind: ContactKind; let contactId: String; let title: String; let agentNo: String?; let expiresAt: Date }
    struct Answer: Decodable { let kind: String; let agentId: String?; let csat: Int?; let nps: Int?; let reason: RatingReason?; let helpful: Bool? }

    /// A chat agent1 answered once and ended: the customer has its survey in front of them.
    static func answeredAndEnded(_ client: any TestClientProtocol, sms: RecordingSmsSender) async throws -> ChatTests.Pair {
        let pair = try await ChatTests.connectPair(client, sms: sms)
        pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-1", "text": "已为您处理"])
        try await pair.agent.next("ack")
        pair.agent.send(["type": "end", "conversationId": pair.conversationId])
        try await pair.customer.next("survey")
        return pair
    }

    @Test func chatSurveyOverTheSocketIsCreditedAndClosesTheChat() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let pair = try await Self.answeredAndEnded(client, sms: sms)

            // Bad answers are refused by name and store nothing; the chat keeps waiting for its survey.
            let id = pair.conversationId
            for (frame, code) in [
                (["type": "rate", "conversationId": id, "score": 2, "ref": "r1"] as [String: Any], "reason_required"),
                (["type": "rate", "conversationId": id, "score": 6, "ref": "r2"], "invalid_score"),
                (["type": "rate", "conversationId": id, "score": 5, "reason": "attitude", "ref": "r3"], "reason_not_asked"),
                (["type": "rate", "conversationId": id, "score": 4, "nps": 11, "ref": "r4"], "invalid_nps"),
                (["type": "rate", "conversationId": id, "helpful": true, "ref": "r5"], "wrong_survey"),
            ] {
                pair.customer.send(frame)
                let ref = frame["ref"] as? String
                let refused = try await pair.customer.next("error") { $0["ref"] as? String == ref }
                #expect(refused["code"] as? String == code, "\(frame)")
            }
            #expect(try await Store(database: database).surveys.response(.chat, id) == nil)
            // The agent cannot rate the chat for the customer.
            pair.agent.send(["type": "rate", "conversationId": id, "score": 5, "ref": "a"])
            #expect(try await pair.agent.next("error")["code"] as? String == "customers_only")

            pair.customer.send([
                "type": "rate", "conversationId": id, "score": 2, "reason": "slow_response", "nps": 3, "comment": "  等太久了  ", "ref": "ok",
            ])
            // Thanked and closed, then told the answer is stored.
            try await pair.customer.next("conversation") { $0.conversation?["state"] as? String == "closed" }
            let rated = try await pair.customer.next("rated")
            #expect(rated["ref"] as? String == "ok" && rated["survey"] as? String == "service")
            let stored = try #require(try await Store(database: database).surveys.response(.chat, id))
            #expect(stored.answer == .service(csat: 2, nps: 3, reason: .slowResponse, comment: "等太久了"))
            #expect(stored.agentId == "staff-agent1" && stored.skill == .mobile && stored.ownerId == "cus-100000")

            // Once only, over the socket or over REST.
            pair.customer.send(["type": "rate", "conversationId": id, "score": 5, "ref": "again"])
            #expect(try await pair.customer.next("error") { $0["ref"] as? String == "again" }["code"] as? String == "already_rated")
            let twice = try await client.json(.post, "/api/v1/surveys", token: pair.customerToken, body: #"{"contactKind":"chat","contactId":"\#(id)","csat":5}"#)
            #expect(twice.status == .conflict && twice.error?.code == "already_rated")
            #expect(try await client.json(.get, "/api/v1/surveys", token: pair.customerToken).decoded([Open].self).isEmpty)

            // QA reads it, with the credited agent; an agent may not.
            let qa = try await client.login("qa")
            let day = ISO8601DateFormatter()
            let range = "from=\(day.string(from: Date().addingTimeInterval(-86_400)))&to=\(day.string(from: Date().addingTimeInterval(86_400)))"
            let answers = try await client.json(.get, "/api/v1/quality/survey-responses?\(range)", token: qa).decoded([Answer].self)
            #expect(answers.count == 1 && answers[0].agentId == "staff-agent1" && answers[0].reason == .slowResponse && answers[0].nps == 3)
            #expect(try await client.json(.get, "/api/v1/quality/survey-responses?\(range)", token: try await client.login("agent2")).status == .forbidden)
            await pair.customer.close()
            await pair.agent.close()
        }
    }

    @Test func theBotIsRatedApartWhileItAnswers() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let token = try await client.customerLogin("13800138000", sms: sms)
            let customer = ChatTestClient(port: try #require(client.port), token: token)
            try await customer.next("welcome")
            customer.send(["type": "start", "skill": "billing"])
            let id = try #require(try await customer.next("message")["conversationId"] as? String)
            customer.send(["type": "rate", "conversationId": id, "score": 5, "ref": "service"])
            #expect(try await customer.next("error") { $0["ref"] as? String == "service" }["code"] as? String == "wrong_survey")
            customer.send(["type": "rate", "conversationId": id, "helpful": false, "ref": "bot"])
            #expect(try await customer.next("rated")["survey"] as? String == "bot")
            let stored = try #require(try await Store(database: database).surveys.response(.chat, id, bot: true))
            #expect(stored.answer == .bot(helpful: false) && stored.agentId == nil)
            customer.send(["type": "rate", "conversationId": id, "helpful": true, "ref": "again"])
            #expect(try await customer.next("error") { $0["ref"] as? String == "again" }["code"] as? String == "already_rated")
            // The chat is still the bot's: rating it ends nothing.
            #expect(try await Store(database: database).chat.conversation(id: id)?.state == .bot)
            await customer.close()
        }
    }

    /// cus-100000's broadband fault, opened by the customer; `resolve` has agent2 take it and resolve it.
    static func fault(_ client: any TestClientProtocol, _ database: Database, customer: String) async throws -> Ticket {
        let line = try await TicketAPITests.broadband(database, "cus-100000")
        let created = try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"fault","title":"宽带断网","subscriptionId":"\#(line)","fields":\#(TicketAPITests.faultFields)}"#)
        return try created.decoded(TicketAPITests.Opened.self).ticket
    }

    static func resolve(_ ticket: Ticket, _ client: any TestClientProtocol, agent: String) async throws {
        for body in [#"{"action":"assign"}"#, #"{"action":"start"}"#, #"{"action":"resolve","text":"更换端口"}"#] {
            #expect(try await client.json(.post, "/api/v1/tickets/\(ticket.id)/actions", token: agent, body: body).status == .ok)
        }
    }

    @Test func aResolvedTicketIsRatedByItsCustomerWithin72Hours() async throws {
        let clock = TestClock()
        try await TestApp.run(clock: clock) { client, sms, database in
            let customer = try await client.customerLogin("13800138000", sms: sms)
            let ticket = try await Self.fault(client, database, customer: customer)
            let agent = try await client.login("agent2")
            let early = try await client.json(.post, "/api/v1/surveys", token: customer, body: #"{"contactKind":"ticket","contactId":"\#(ticket.id)","csat":5}"#)
            #expect(early.status == .conflict && early.error?.code == "not_ended")
            try await Self.resolve(ticket, client, agent: agent)

            let open = try await client.json(.get, "/api/v1/surveys", token: customer).decoded([Open].self)
            #expect(open.map(\.contactId) == [ticket.id] && open[0].contactKind == .ticket && open[0].title.contains(ticket.number))
            #expect(open[0].agentNo == "K3002")
            // Another customer's ticket is not found, whatever its state; staff do not answer surveys.
            let other = try await client.customerLogin("18600186002", sms: sms)
            let body = #"{"contactKind":"ticket","contactId":"\#(ticket.id)","csat":4,"nps":9}"#
            #expect(try await client.json(.post, "/api/v1/surveys", token: other, body: body).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/surveys", token: agent, body: body).status == .forbidden)
            #expect(try await client.json(.post, "/api/v1/surveys", token: customer, body: #"{"contactKind":"ticket","contactId":"nope","csat":4}"#).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/surveys", token: customer, body: #"{"contactKind":"ticket","contactId":"\#(ticket.id)"}"#).status == .badRequest)
            #expect(try await client.json(.post, "/api/v1/surveys", token: customer, body: #"{"contactKind":"ticket","contactId":"\#(ticket.id)","csat":3,"reason":"rude"}"#).status == .badRequest)

            // A day-long session ended meanwhile: the customer logs in again, as they would.
            clock.advance(by: 71 * 3600)
            let customerAgain = try await client.customerLogin("13800138000", sms: sms)
            let answered = try await client.json(.post, "/api/v1/surveys", token: customerAgain, body: body)
            #expect(answered.status == .created)
            let answer = try answered.decoded(Answer.self)
            #expect(answer.kind == "service" && answer.csat == 4 && answer.nps == 9 && answer.agentId == "staff-agent2")
            #expect(try await client.json(.get, "/api/v1/surveys", token: customerAgain).decoded([Open].self).isEmpty)
        }
    }

    @Test func aSurveyAfter72HoursIsRefusedAndNothingIsStored() async throws {
        let clock = TestClock()
        try await TestApp.run(clock: clock) { client, sms, database in
            let ticket = try await Self.fault(client, database, customer: try await client.customerLogin("13800138000", sms: sms))
            try await Self.resolve(ticket, client, agent: try await client.login("agent2"))
            clock.advance(by: 72 * 3600 + 1)
            let again = try await client.customerLogin("13800138000", sms: sms)
            #expect(try await client.json(.get, "/api/v1/surveys", token: again).decoded([Open].self).isEmpty)
            let late = try await client.json(.post, "/api/v1/surveys", token: again, body: #"{"contactKind":"ticket","contactId":"\#(ticket.id)","csat":1,"reason":"unresolved"}"#)
            #expect(late.status == .gone && late.error?.code == "survey_expired")
            #expect(try await Store(database: database).surveys.response(.ticket, ticket.id) == nil)
        }
    }

    @Test func aReportPeriodIsForwardAndAtMostAYear() async throws {
        try await TestApp.run { client, _, _ in
            let qa = try await client.login("qa")
            let reversed = try await client.json(.get, "/api/v1/quality/survey-responses?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", token: qa)
            #expect(reversed.status == .badRequest && reversed.error?.code == "invalid_period")
            let long = try await client.json(.get, "/api/v1/quality/survey-responses?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", token: qa)
            #expect(long.status == .badRequest && long.error?.code == "period_too_long")
            #expect(try await client.json(.get, "/api/v1/quality/survey-responses?from=2026-01-01T00:00:00Z", token: qa).status == .badRequest)
        }
    }
}
