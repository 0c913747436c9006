import Foundation
import KefuCore
@testable import KefuStore
import SQLKit
import Testing

/// Survey answers on SQLite and PostgreSQL: one of each kind per contact even when sent at once, and
/// the customer's open surveys.
@Suite struct SurveyContractTests {
    @Test func sqlite() async throws { try await TestDatabases.with(.sqlite) { try await Self.run($0) } }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"))
    func postgres() async throws { try await TestDatabases.with(.postgres) { try await Self.run($0) } }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func response(_ contact: String, _ answer: SurveyAnswer, kind: ContactKind = .chat, at: Date = t0) -> SurveyResponse {
        SurveyResponse(
            id: Store.newID("svy"), contactKind: kind, contactId: contact, ownerId: "cus-100000", agentId: "staff-agent1",
            skill: .mobile, endedAt: t0, answeredAt: at, answer: answer
        )
    }

    static func run(_ db: Database) async throws {
        let store = Store(database: db)
        _ = try await StoreContract.loadDemo(store, customers: 5)
        // Two chats of one customer that ended with agent1 within the window, one older, one the bot's only.
        for (id, agent, ended) in [("conv-1", "staff-agent1", t0), ("conv-2", "staff-agent1", t0.addingTimeInterval(60)),
                                   ("conv-old", "staff-agent1", t0.addingTimeInterval(-80 * 3600)), ("conv-bot", nil, t0)] {
            let c = Conversation(id: id, customerId: "cus-100000", visitorName: "张*", state: .bot, skill: .mobile, vip: false, createdAt: ended)
            _ = try await store.chat.create(c, greeting: "您好")
            if let agent {
                _ = try await store.chat.transition(id, to: .assigned, now: ended, agentId: .some(agent))
                _ = try await store.chat.transition(id, to: .resolved, now: ended)
            }
        }
        let open = try await store.surveys.open(ownerId: "cus-100000", since: t0.addingTimeInterval(-72 * 3600))
        #expect(open.map(\.contact.id) == ["conv-2", "conv-1"])
        #expect(open[0].contact.agentId == "staff-agent1" && open[0].title.contains("移动业务"))

        // Eight answers to one chat at once: exactly one is kept.
        let kept = try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 1...8 { group.addTask { try await store.surveys.record(response("conv-1", .service(csat: 1 + n % 5, nps: n, reason: n % 5 < 3 ? .other : nil, comment: "第\(n)次"))) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(kept == 1)
        let stored = try #require(try await store.surveys.response(.chat, "conv-1"))
        guard case .service(let csat, let nps, _, let comment) = stored.answer else { Issue.record("not a service answer"); return }
        #expect((1...5).contains(csat) && comment == "第\(nps ?? 0)次")
        // The bot's rating is kept apart: the same chat may have one of each.
        #expect(try await store.surveys.record(response("conv-bot", .bot(helpful: true))))
        #expect(try await store.surveys.record(response("conv-bot", .bot(helpful: false))) == false)
        #expect(try await store.surveys.response(.chat, "conv-bot", bot: true)?.answer == .bot(helpful: true))
        #expect(try await store.surveys.response(.chat, "conv-bot") == nil)
        // A ticket with the same id as a chat is another contact.
        #expect(try await store.surveys.record(response("conv-1", .service(csat: 5, nps: nil, reason: nil, comment: nil), kind: .ticket)))

        #expect(try await store.surveys.open(ownerId: "cus-100000", since: t0.addingTimeInterval(-72 * 3600)).map(\.contact.id) == ["conv-2"])
        let listed = try await store.surveys.responses(from: t0, to: t0.addingTimeInterval(1), agentId: "staff-agent1")
        #expect(listed.count == 3)
        #expect(try await store.surveys.responses(from: t0, to: t0.addingTimeInterval(1), agentId: "staff-agent2").isEmpty)
    }

    /// Ratings conversations held before surveys had their own table are carried over.
    @Test func ratingsOfEarlierChatsAreCarriedOver() async throws {
        try await TestDatabases.with(.sqlite, migratedThrough: 11) { db in
            let store = Store(database: db)
            _ = try await StoreContract.loadDemo(store, customers: 3)
            try await db.transaction { sql in
                for (id, rating) in [("conv-r", 2), ("conv-n", nil)] as [(String, Int?)] {
                    try await sql.raw("""
                        INSERT INTO conversations (id, customer_id, visitor_name, state, skill, vip, agent_id, last_seq, created_at, \
                        resolved_at, closed_at, rating, rating_comment) VALUES (\(bind: id), 'cus-100000', '张*', 'closed', 'billing', \
                        \(bind: false), 'staff-agent1', 3, \(bind: Self.t0), \(bind: Self.t0), \(bind: Self.t0.addingTimeInterval(30)), \
                        \(bind: rating), \(bind: rating == nil ? nil : "慢"))
                        """).run()
                }
            }
            #expect(try await db.migrate() == [12, 13, 14, 15, 16, 17, 18, 19, 20])
            let carried = try #require(try await store.surveys.response(.chat, "conv-r"))
            #expect(carried.answer == .service(csat: 2, nps: nil, reason: nil, comment: "慢"))
            #expect(carried.agentId == "staff-agent1" && carried.skill == .billing && carried.endedAt == Self.t0)
            #expect(try await store.surveys.response(.chat, "conv-n") == nil)
            #expect(try await store.chat.conversation(id: "conv-r")?.state == .closed)
            // Its 2 opens a review, due 48 hours after it was given (the chat's closing, the only time known).
            let review = try #require(try await store.reviews.list(.init()).first)
            #expect(review.contactId == "conv-r" && review.surveyId == carried.id && review.status == .open)
            #expect(review.dueAt == Self.t0.addingTimeInterval(30 + 48 * 3600))
        }
    }
}
