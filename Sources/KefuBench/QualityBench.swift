import Foundation
import KefuCore
import KefuStore
import Logging

/// `KefuBench quality`: a month of a centre's history (by default 100,000 chats with 1,000,000 messages,
/// 5,000 tickets, their surveys), written through the same repositories live use writes with, then every
/// figure of the quality report over those 30 days, in total and by each breakdown, timed over several
/// runs. Prints the median and the slowest run of each; the target is under 300 ms.
struct QualityBench {
    struct Options {
        var conversations = 100_000
        /// Abandoned chats have two: 11 brings 100,000 chats past 1,000,000 messages.
        var messagesPerChat = 11
        var tickets = 5_000
        var runs = 7
        var database: String?

        static func parse(_ arguments: [String]) throws -> Options {
            var options = Options()
            try BenchFlags.each(arguments) { flag, value in
                switch flag {
                case "--conversations": options.conversations = try BenchFlags.int(value, flag, 100...1_000_000)
                case "--messages-per-chat": options.messagesPerChat = try BenchFlags.int(value, flag, 2...50)
                case "--tickets": options.tickets = try BenchFlags.int(value, flag, 0...100_000)
                case "--runs": options.runs = try BenchFlags.int(value, flag, 1...50)
                case "--database": options.database = value
                default: return false
                }
                return true
            }
            return options
        }
    }

    let options: Options
    let logger: Logger
    static let agents = (1...60).map { "staff-bench-\($0)" }

    func run() async throws {
        try await ServerProcess.withBenchDatabase(options.database, logger: logger) { url, _ in
            try await Database.withDatabase(try DatabaseURL(parsing: url), logger: logger) { db in
                try await db.migrate()
                let store = Store(database: db)
                var generator = DemoGenerator(customerCount: 2_000, asOf: CalendarDate(year: 2026, month: 12, day: 1)!)
                let demo = generator.generate()
                _ = try await DemoLoader(store: store).load(demo, hash: { "bench-\($0)" })
                let end = Date()
                let start = end.addingTimeInterval(-30 * 86_400)
                let began = ContinuousClock.now
                let messages = try await writeChats(store, customers: demo.customers.map(\.id), from: start, to: end)
                try await writeTickets(store, customers: demo.customers.map(\.id), from: start, to: end)
                print("history: \(options.conversations) chats, \(messages) messages, \(options.tickets) tickets over 30 days, written in \(String(format: "%.0f", milliseconds(ContinuousClock.now - began) / 1000)) s")
                try await measure(store, try ReportPeriod(from: start, to: end.addingTimeInterval(1)))
            }
        }
    }

    /// Each chat lives its life on the clock of its own day: the bot alone (3 in 10), or queued, taken (or
    /// abandoned, 1 in 14 of the queued), answered, resolved, rated (1 in 3).
    private func writeChats(_ store: Store, customers: [String], from start: Date, to end: Date) async throws -> Int {
        let perTask = 400
        let chunks = stride(from: 0, to: options.conversations, by: perTask).map { ($0, min($0 + perTask, options.conversations)) }
        let span = end.timeIntervalSince(start) - 3600
        let perChat = options.messagesPerChat
        return try await withThrowingTaskGroup(of: Int.self) { group in
            var next = chunks.makeIterator()
            func add(_ chunk: (Int, Int)) {
                group.addTask {
                    var random = SeededGenerator(seed: UInt64(chunk.0 + 1))
                    var written = 0
                    for n in chunk.0..<chunk.1 {
                        let created = start.addingTimeInterval(Double.random(in: 0..<span, using: &random))
                        written += try await Self.oneChat(
                            store, id: "conv-bench-\(n)", customer: customers[n % customers.count], at: created, messages: perChat, &random
                        )
                    }
                    return written
                }
            }
            // 64 chats at a time: enough writers for group commit, few enough to keep memory small.
            for _ in 0..<64 { if let chunk = next.next() { add(chunk) } }
            var total = 0
            for try await written in group {
                total += written
                if let chunk = next.next() { add(chunk) }
            }
            return total
        }
    }

    private static func oneChat(
        _ store: Store, id: String, customer: String, at created: Date, messages: Int, _ random: inout SeededGenerator
    ) async throws -> Int {
        let skill = [SkillGroup.mobile, .broadband, .billing, .enterprise].randomElement(using: &random)!
        _ = try await store.chat.create(
            Conversation(id: id, customerId: customer, visitorName: "客户", state: .bot, skill: skill, vip: false, createdAt: created),
            greeting: "您好，欢迎来到在线客服！"
        )
        var clock = created
        var written = 1
        func say(_ sender: ChatMessage.Sender, _ text: String, after seconds: Double) async throws {
            clock = clock.addingTimeInterval(seconds)
            _ = try await store.chat.append(conversationId: id, sender: sender, senderId: sender == .customer ? customer : nil, clientId: nil, text: text, now: clock)
            written += 1
        }
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 30 {
            while written < messages {
                try await say(.customer, "我的话费怎么这么多", after: 20)
                if written < messages { try await say(.bot, "您本月账单合计 ¥99.00", after: 1) }
            }
            return written
        }
        try await say(.customer, "转人工", after: 15)
        clock = clock.addingTimeInterval(1)
        // What the bot read the problem as: a handful of common ones, so repeats on the same one happen.
        let intent = [Intent.billQuery, .broadbandFault, .dataUsage, .packageChange, .recharge, nil].randomElement(using: &random)!
        _ = try await store.chat.transition(id, to: .queued, now: clock, handover: (.button, intent))
        if roll < 35 {
            _ = try await store.chat.transition(id, to: .closed, now: clock.addingTimeInterval(Double.random(in: 30...300, using: &random)))
            return written
        }
        let agent = agents.randomElement(using: &random)!
        clock = clock.addingTimeInterval(Double.random(in: 1...90, using: &random))
        _ = try await store.chat.transition(id, to: .assigned, now: clock, agentId: .some(agent))
        try await say(.agent, "您好，请问有什么可以帮您？", after: Double.random(in: 2...75, using: &random))
        while written < messages {
            try await say(.customer, "宽带晚上经常掉线", after: 30)
            if written < messages { try await say(.agent, "已为您登记处理", after: 40) }
        }
        clock = clock.addingTimeInterval(30)
        let resolved = try await store.chat.transition(id, to: .resolved, now: clock)
        if Int.random(in: 0..<3, using: &random) == 0 {
            let csat = [5, 5, 5, 4, 4, 3, 2, 1].randomElement(using: &random)!
            _ = try await store.surveys.record(SurveyResponse(
                id: Store.newID("svy"), contactKind: .chat, contactId: id, ownerId: customer, agentId: agent, skill: skill,
                endedAt: resolved.resolvedAt, answeredAt: clock.addingTimeInterval(60),
                answer: .service(csat: csat, nps: Int.random(in: 0...10, using: &random), reason: csat <= 3 ? .slowResponse : nil, comment: nil)
            ))
        }
        _ = try await store.chat.transition(id, to: .closed, now: clock.addingTimeInterval(60))
        return written
    }

    private func writeTickets(_ store: Store, customers: [String], from start: Date, to end: Date) async throws {
        let span = end.timeIntervalSince(start) - 3 * 86_400
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var random = SeededGenerator(seed: UInt64(1_000_000 + worker))
                    for n in stride(from: worker, to: options.tickets, by: 16) {
                        let at = start.addingTimeInterval(Double.random(in: 0..<span, using: &random))
                        let actor = TicketAction.Actor(kind: "staff", id: Self.agents[n % Self.agents.count])
                        let draft = TicketRepository.Draft(
                            type: .complaint, title: "营业厅服务态度差",
                            fields: ["subject": "服务态度", "details": "办理业务时等待很久", "expectedOutcome": "改进服务"],
                            customerId: customers[n % customers.count], actor: actor
                        )
                        func audit(_ action: String, _ at: Date) -> AuditEntry {
                            AuditEntry(id: Store.newID("aud"), at: at, actorKind: "staff", actorId: actor.id, action: action, targetType: "ticket", targetId: draft.customerId)
                        }
                        let ticket = try await store.tickets.create(draft, now: at, audit: audit("ticket.create", at)).ticket
                        var clock = at
                        for action in [TicketAction.assign(to: actor.id), .move(to: .inProgress, note: nil), .move(to: .resolved, note: "已处理")] {
                            clock = clock.addingTimeInterval(Double.random(in: 600...40_000, using: &random))
                            _ = try await store.tickets.apply(action, ticketId: ticket.id, actor: actor, now: clock, audit: audit("ticket.change", clock))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func measure(_ store: Store, _ period: ReportPeriod) async throws {
        print("quality report over 30 days, \(options.runs) runs each (chat, survey and ticket figures):")
        let dimensions: [QualityDimension?] = [nil] + QualityDimension.allCases.map { $0 }
        for dimension in dimensions {
            var times: [Double] = []
            var groups = 0
            var chats = 0
            for _ in 0..<options.runs {
                let began = ContinuousClock.now
                let figures = try await store.quality.figures(period, by: dimension, now: Date())
                times.append(milliseconds(ContinuousClock.now - began))
                groups = Set(figures.chats.keys).union(figures.surveys.keys).union(figures.tickets.keys).count
                chats = figures.chats.values.map(\.chats).reduce(0, +)
            }
            times.sort()
            let name = dimension?.rawValue ?? "total"
            if dimension == nil {
                let parts: [(String, () async throws -> Void)] = [
                    ("chat figures", { _ = try await store.quality.chatFigures(period, by: nil) }),
                    ("survey figures", { _ = try await store.quality.surveyFigures(period, by: nil, now: Date()) }),
                    ("ticket figures", { _ = try await store.quality.ticketFigures(period, by: nil, now: Date()) }),
                ]
                for (part, read) in parts {
                    var alone: [Double] = []
                    for _ in 0..<options.runs {
                        let began = ContinuousClock.now
                        try await read()
                        alone.append(milliseconds(ContinuousClock.now - began))
                    }
                    print("  (\(part) alone: median \(String(format: "%.1f", alone.sorted()[alone.count / 2])) ms)")
                }
            }
            print("  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%4d", groups)) groups, \(chats) chats: median \(String(format: "%.1f", times[times.count / 2])) ms, slowest \(String(format: "%.1f", times.last!)) ms")
        }
    }
}
