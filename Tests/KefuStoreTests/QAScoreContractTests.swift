import Foundation
import KefuCore
@testable import KefuStore
import SQLKit
import Testing

/// Automatic QA scores on SQLite and PostgreSQL: a chat an agent had is scored in the transaction that
/// closes it (by the agent's close, or the idle sweep's), a chat nobody took is not; re-scoring uses the
/// version in force at the close, keeps QA's adjustment; the list, its summary, and the back-fill.
@Suite struct QAScoreContractTests {
    @Test func sqlite() async throws { try await TestDatabases.with(.sqlite) { try await Self.run($0) } }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"))
    func postgres() async throws { try await TestDatabases.with(.postgres) { try await Self.run($0) } }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(_ db: Database) async throws {
        let store = Store(database: db)
        _ = try await StoreContract.loadDemo(store, customers: 3)
        let chat = store.chat, qa = store.qaScores
        func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
        let agent = "staff-agent1"
        let agentNo = try #require(try await store.staff.find(id: agent)?.agentNo)
        func say(_ id: String, _ sender: ChatMessage.Sender, _ text: String, by: String?, _ seconds: TimeInterval, staffOnly: Bool = false) async throws {
            _ = try await chat.append(
                conversationId: id, sender: sender, senderId: by, clientId: nil, text: text, visibility: staffOnly ? .staff : .everyone, now: at(seconds)
            )
        }
        /// Handed over, taken by agent1 at `start + 2` and greeted for them, asked once.
        func taken(_ id: String, at start: TimeInterval, customer: String = "cus-100000") async throws {
            let c = Conversation(id: id, customerId: customer, visitorName: "客", state: .bot, skill: .billing, vip: false, createdAt: at(start))
            _ = try await chat.create(c, greeting: "您好")
            _ = try await chat.transition(id, to: .queued, now: at(start + 1), handover: (.button, .billQuery))
            _ = try await chat.transition(id, to: .assigned, now: at(start + 2), agentId: .some(agent))
            try await say(id, .system, ChatScripts.greeting(agentNo: agentNo), by: agent, start + 2)
            try await say(id, .customer, "话费怎么多了", by: customer, start + 5)
        }

        // A: answered in 10 s, a forbidden word tried, an apology only in a note to colleagues, ended by the agent.
        try await taken("A", at: 0)
        try await store.chatTools.recordHit(.init(id: "hit-1", conversationId: "A", agentId: agent, word: "滚", text: "你滚", at: at(8)))
        try await say("A", .agent, "我帮您查一下", by: agent, 12)
        try await say("A", .agent, "客户很生气，抱歉话术备用", by: agent, 13, staffOnly: true)
        _ = try await chat.transition("A", to: .resolved, now: at(60))
        try await say("A", .system, ChatScripts.closing(agentNo: agentNo), by: agent, 60)
        #expect(try await qa.score(conversationId: "A") == nil)
        _ = try await chat.transition("A", to: .closed, now: at(120))
        let a = try #require(try await qa.score(conversationId: "A"))
        func outcome(_ s: QAScore, _ check: QACheck) -> QAScore.Outcome? { s.items.first { $0.check == check }?.outcome }
        #expect(a.agentId == agent && a.rulesVersion == 1 && a.closedAt == at(120) && a.scoredAt == at(120) && a.skill == .billing)
        #expect(outcome(a, .greeting) == .passed && outcome(a, .closing) == .passed && outcome(a, .firstResponse) == .passed)
        #expect(outcome(a, .noForbiddenWord) == .failed && outcome(a, .solution) == .failed && outcome(a, .soothing) == .notApplicable)
        // 15 (forbidden word) and 20 (solution) lost of the 85 that applied.
        #expect(a.automatic == Int((50.0 * 100 / 85).rounded()))

        // B: the bot's alone; C: given up in the queue. Neither had an agent at the end: no score.
        _ = try await chat.create(Conversation(id: "B", customerId: "cus-100000", visitorName: "客", state: .bot, skill: .billing, vip: false, createdAt: at(0)), greeting: "您好")
        _ = try await chat.transition("B", to: .closed, now: at(30))
        _ = try await chat.create(Conversation(id: "C", customerId: "cus-100000", visitorName: "客", state: .bot, skill: .billing, vip: false, createdAt: at(0)), greeting: "您好")
        _ = try await chat.transition("C", to: .queued, now: at(1), handover: (.button, nil))
        _ = try await chat.transition("C", to: .closed, now: at(90))
        #expect(try await qa.score(conversationId: "B") == nil)
        #expect(try await qa.score(conversationId: "C") == nil)

        // D: the customer went silent and the idle sweep closed it: scored there too, the closing not applying.
        try await taken("D", at: 200)
        try await say("D", .agent, "请问是哪个号码？", by: agent, 215)
        #expect(try await chat.claimIdleReminders(now: at(400), after: 60).map(\.id) == ["D"])
        #expect(try await chat.claimIdleClosures(now: at(600), after: 120, farewell: "会话已结束").map(\.0.id) == ["D"])
        let d = try #require(try await qa.score(conversationId: "D"))
        #expect(outcome(d, .closing) == .notApplicable && d.closedAt == at(600))

        // Rules v2 from t0 + 1000: stricter first response. E closes under it; A and D keep v1.
        var strict = QARules.standard
        strict.firstResponseSeconds = 5
        strict.note = "首响收紧到 5 秒"
        let v2 = try await qa.publish(strict, by: "staff-admin", now: at(1000), audit: StoreContract.entry(action: "qa.rules.publish"))
        #expect(v2.version == 2 && v2.createdBy == "staff-admin" && v2.createdAt == at(1000))
        #expect(try await qa.rules().map(\.version) == [2, 1])
        #expect(try await store.audit.search(.init(action: "qa.rules.publish")).first?.targetId == "2")
        try await taken("E", at: 2000)
        try await say("E", .agent, "我帮您查一下", by: agent, 2012)
        _ = try await chat.transition("E", to: .closed, now: at(2100))
        let e = try #require(try await qa.score(conversationId: "E"))
        #expect(e.rulesVersion == 2 && outcome(e, .firstResponse) == .failed)

        // QA adjusts A; a ticket is opened from A afterwards; re-scoring sees it, by v1, and keeps the adjustment.
        await #expect(throws: KefuError.forbidden) {
            try await qa.adjust(conversationId: "A", to: 90, note: "x", by: "staff-qa", now: at(3000), audit: StoreContract.entry()) { _ in throw KefuError.forbidden }
        }
        await #expect(throws: KefuError.self) {
            try await qa.adjust(conversationId: "A", to: 190, note: "超范围", by: "staff-qa", now: at(3000), audit: StoreContract.entry()) { _ in }
        }
        #expect(try await qa.score(conversationId: "A") == a)
        let adjusted = try await qa.adjust(
            conversationId: "A", to: 80, note: "禁用词未发出，酌情加分", by: "staff-qa", now: at(3000), audit: StoreContract.entry(action: "qa.adjust")
        ) { _ in }
        #expect(adjusted.final == 80 && adjusted.automatic == a.automatic && adjusted.adjustment?.by == "staff-qa")
        var draft = TicketContract.fault("cus-100000")
        draft.conversationId = "A"
        let ticket = try await store.tickets.create(draft, now: at(3100), audit: StoreContract.entry()).ticket
        let rescored = try await qa.rescore(conversationId: "A", now: at(3200), audit: StoreContract.entry(action: "qa.rescore")) { _ in }
        #expect(rescored.rulesVersion == 1 && outcome(rescored, .solution) == .passed && rescored.scoredAt == at(3200))
        #expect(rescored.items.first { $0.check == .solution }?.reason == "为客户开立工单 \(ticket.number)")
        #expect(rescored.automatic == Int((70.0 * 100 / 85).rounded()) && rescored.final == 80)
        #expect(try await qa.score(conversationId: "A") == rescored)
        await #expect(throws: QAScoreRepository.Failure.notFound) {
            try await qa.rescore(conversationId: "B", now: at(3200), audit: StoreContract.entry()) { _ in }
        }

        // The list and its summary over a period, by agent, below a mark.
        var filter = QAScoreRepository.Filter()
        (filter.from, filter.to) = (at(0), at(10_000))
        #expect(try await qa.list(filter).map(\.conversationId) == ["E", "D", "A"])
        filter.below = 80
        let below = try await qa.list(filter)
        #expect(!below.contains { $0.conversationId == "A" } && below.map(\.final) == below.map(\.final).sorted())
        filter.below = nil
        let summary = try await qa.summary(filter)
        #expect(summary.count == 3 && summary.adjusted == 1)
        #expect(summary.average == Double(80 + d.final + e.final) / 3)
        #expect(summary.applicable[.closing] == 1 && summary.passed[.noForbiddenWord] == 2 && summary.applicable[.noForbiddenWord] == 3)
        filter.agentId = "staff-agent2"
        #expect(try await qa.list(filter).isEmpty)
        #expect(try await qa.summary(filter).count == 0)
        (filter.agentId, filter.from, filter.to) = (nil, at(500), at(700))
        #expect(try await qa.list(filter).map(\.conversationId) == ["D"])

        // A chat closed before scoring existed is scored by the back-fill, by the version in force at its close.
        try await db.transaction { try await $0.delete(from: "qa_scores").where("conversation_id", .equal, "D").run() }
        #expect(try await qa.scoreMissing(batch: 1, now: at(5000)) == 1)
        let backfilled = try #require(try await qa.score(conversationId: "D"))
        #expect(backfilled.rulesVersion == 1 && backfilled.items == d.items && backfilled.scoredAt == at(5000))
        #expect(try await qa.scoreMissing(now: at(5000)) == 0)
    }
}
