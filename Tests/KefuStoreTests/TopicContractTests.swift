import Foundation
import KefuCore
@testable import KefuStore
import Testing

/// 数据反馈's storage on SQLite and PostgreSQL: the indexer reads customers' messages (not the bot's,
/// not agents') and tickets' problem fields once each, in order, leaving what is too recent; the day's
/// counts by intent, district and source; the samples with their words; two indexers at once count
/// nothing twice.
@Suite struct TopicContractTests {
    @Test func sqlite() async throws { try await TestDatabases.with(.sqlite) { try await Self.run($0) } }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"))
    func postgres() async throws { try await TestDatabases.with(.postgres) { try await Self.run($0) } }

    /// 2026-11-20 12:00 in China, and a fraction finer than a microsecond: an instant SQLite gives back
    /// rounded, which the indexer's cursor must not take for an earlier one (it read its last message twice).
    static let t0 = CalendarDate(iso: "2026-11-20")!.date.addingTimeInterval(12 * 3600 + 0.123_456_789)
    static let day: TimeInterval = 86_400

    /// A reader that knows a few words, and reads 信号 as the signal problem.
    static let read: TopicRepository.Reader = { text in
        let words = ["信号差", "断网", "光猫", "话费"].filter { text.contains($0) }
        return (words, text.contains("信号") ? .mobileSignal : nil)
    }

    static func run(_ db: Database) async throws {
        let store = Store(database: db)
        let data = try await StoreContract.loadDemo(store, customers: 6)
        let topics = store.topics
        func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
        let customer = data.customers[0], other = data.customers[1]
        /// A chat of `who` on `day` days from t0, with the customer's words, the bot's and an agent's.
        func chat(_ id: String, _ who: Customer, day offset: Double, says texts: [String], intent: Intent? = nil) async throws {
            let start = at(offset * day)
            _ = try await store.chat.create(
                Conversation(id: id, customerId: who.id, visitorName: "客", state: .bot, skill: .mobile, vip: false, createdAt: start), greeting: "您好，信号差吗"
            )
            if let intent { _ = try await store.chat.transition(id, to: .queued, now: start.addingTimeInterval(1), handover: (.button, intent)) }
            for (n, text) in texts.enumerated() {
                _ = try await store.chat.append(conversationId: id, sender: .customer, senderId: who.id, clientId: nil, text: text, now: start.addingTimeInterval(Double(10 + n)))
            }
            _ = try await store.chat.append(conversationId: id, sender: .agent, senderId: "staff-agent1", clientId: nil, text: "断网了吗？话费呢？", now: start.addingTimeInterval(30))
        }
        // The previous week: one 信号差 and one 断网. This week: 信号差 three times, 断网 once, 光猫 by ticket.
        try await chat("P1", customer, day: -7, says: ["最近信号差"])
        try await chat("P2", other, day: -6, says: ["家里断网了"], intent: .broadbandFault)
        try await chat("C1", customer, day: 0, says: ["信号差，信号差", "还是信号差"])
        try await chat("C2", other, day: 1, says: ["又断网了，话费还照扣"], intent: .broadbandFault)
        var fault = TicketContract.fault(customer.id)
        fault.fields["symptom"] = "光猫红灯，断网"
        fault.intent = .broadbandFault
        let ticket = try await store.tickets.create(fault, now: at(2 * day), audit: StoreContract.entry()).ticket

        // Nothing newer than the settle point is read: the last chat and the ticket wait.
        #expect(try await topics.index(batch: 100, settledBefore: at(1 * day), read: Self.read) == 4)
        #expect(try await topics.counts(from: CalendarDate(iso: "2026-11-20")!, to: CalendarDate(iso: "2026-11-26")!, .init()) == ["信号差": 2])
        // In small batches, each once, and two indexers at once count nothing twice.
        async let first = topics.index(batch: 1, settledBefore: at(3 * day), read: Self.read)
        async let second = topics.index(batch: 1, settledBefore: at(3 * day), read: Self.read)
        var read = try await first + second
        while case let more = try await topics.index(batch: 1, settledBefore: at(3 * day), read: Self.read), more > 0 { read += more }
        #expect(read == 2)
        #expect(try await topics.index(batch: 100, settledBefore: at(3 * day), read: Self.read) == 0)

        let week = (CalendarDate(iso: "2026-11-20")!, CalendarDate(iso: "2026-11-26")!)
        let before = (CalendarDate(iso: "2026-11-13")!, CalendarDate(iso: "2026-11-19")!)
        // A word counts once per message; the bot's greeting and the agent's words are not the customer's.
        #expect(try await topics.counts(from: week.0, to: week.1, .init()) == ["信号差": 2, "断网": 2, "话费": 1, "光猫": 1])
        #expect(try await topics.counts(from: before.0, to: before.1, .init()) == ["信号差": 1, "断网": 1])
        #expect(try await topics.counts(from: week.0, to: week.1, .init(source: .ticket)) == ["断网": 1, "光猫": 1])
        #expect(try await topics.counts(from: week.0, to: week.1, .init(intent: "broadband_fault")) == ["断网": 2, "话费": 1, "光猫": 1])
        #expect(try await topics.counts(from: week.0, to: week.1, .init(district: other.district, source: .chat)) == ["断网": 1, "话费": 1])
        // The message's own reading first (信号 → the signal problem), else the chat's or the ticket's intent.
        let intents = try await topics.breakdown(of: ["信号差", "断网"], by: "intent", from: week.0, to: week.1, .init())
        #expect(intents["信号差"]?.map(\.value) == ["mobile_signal"])
        #expect(intents["断网"]?.map(\.value) == ["broadband_fault"] && intents["断网"]?.first?.count == 2)
        let districts = try await topics.breakdown(of: ["断网"], by: "district", from: week.0, to: week.1, .init())
        #expect(Set(districts["断网"]?.map(\.value) ?? []) == Set([customer.district, other.district].map { $0 }))

        // Samples: newest first, with the words they were in; a ticket's are its problem fields.
        let samples = try await topics.samples(of: "断网", from: week.0, to: week.1, .init(), limit: 5)
        #expect(samples.map(\.source) == [.ticket, .chat] && samples.map(\.contactId) == [ticket.id, "C2"])
        #expect(samples[0].text == "光猫红灯，断网" && samples[1].text == "又断网了，话费还照扣")
        #expect(abs(try await topics.indexedUntil()!.timeIntervalSince(at(1 * day + 10))) < 0.001)
    }
}
