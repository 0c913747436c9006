import Foundation
import KefuCore
import KefuNLU
import KefuStore
import Logging

/// `KefuBench quality`: a month of a centre's history (by default 100,000 chats with 1,000,000 messages,
/// 5,000 tickets, their surveys and reviews), written by the demo's `DemoHistory` through the same
/// repositories and rules live use goes through, then every
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
                // The agents are staff with a 工号, so their chats are greeted, closed and QA-scored as live ones are.
                for (n, id) in Self.agents.enumerated() {
                    let user = StaffUser(
                        id: id, username: "bench-\(n + 1)", displayName: "压测坐席\(n + 1)", role: .agent, agentNo: String(format: "B%04d", n + 1),
                        skills: ["mobile", "broadband", "billing", "enterprise"], disabled: false, autoAssign: true, createdAt: start
                    )
                    let audit = AuditEntry(id: "aud-bench-q-\(n)", at: start, actorKind: "system", actorId: "bench", action: "staff.create", targetType: "staff", targetId: id)
                    try await store.staff.create(user, passwordHash: "-", audit: audit)
                }
                let began = ContinuousClock.now
                let plan = DemoHistory.Plan(
                    chats: options.conversations, messagesPerChat: options.messagesPerChat, tickets: options.tickets, days: 30,
                    agents: Self.agents.map { ($0, [.mobile, .broadband, .billing, .enterprise]) }, qa: "staff-bench-qa", lead: "staff-bench-lead",
                    customers: demo.customers.map(\.id)
                )
                let history = try await DemoHistory(store: store, plan: plan).write(until: end)
                print("history: \(history.chats) chats, \(history.messages) messages, \(history.tickets) tickets, \(history.surveys) survey answers, \(history.reviews) reviews over 30 days, written in \(String(format: "%.0f", milliseconds(ContinuousClock.now - began) / 1000)) s")
                let period = try ReportPeriod(from: start, to: end.addingTimeInterval(1))
                try await measure(store, period)
                try await measureQA(store, period)
                try await measureHotTopics(store, end: end)
            }
        }
    }

    /// The QA score page's two reads over the month: the summary over every score (mean, pass rate per
    /// check) and a page of the list, newest first and lowest first.
    private func measureQA(_ store: Store, _ period: ReportPeriod) async throws {
        var filter = QAScoreRepository.Filter()
        (filter.from, filter.to, filter.limit) = (period.from, period.to, 100)
        var below = filter
        below.below = 80
        let summary = try await store.qaScores.summary(filter)
        print("QA scores over 30 days: \(summary.count) scored chats, mean \(String(format: "%.1f", summary.average ?? 0)); \(options.runs) runs each:")
        let reads: [(String, () async throws -> Void)] = [
            ("summary", { _ = try await store.qaScores.summary(filter) }),
            ("list 100", { _ = try await store.qaScores.list(filter) }),
            ("below 80", { _ = try await store.qaScores.list(below) }),
        ]
        for (name, read) in reads {
            var times: [Double] = []
            for _ in 0..<options.runs {
                let began = ContinuousClock.now
                try await read()
                times.append(milliseconds(ContinuousClock.now - began))
            }
            times.sort()
            print("  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) median \(String(format: "%.1f", times[times.count / 2])) ms, slowest \(String(format: "%.1f", times.last!)) ms")
        }
    }

    /// The hot-topics indexer over the whole month (as the server's job would, in batches), then the
    /// report of the last 7 and the last 30 days against the days before.
    private func measureHotTopics(_ store: Store, end: Date) async throws {
        let nlu = NLU(training: try NLU.bundledTraining())
        let began = ContinuousClock.now
        var read = 0
        while case let done = try await store.topics.index(batch: 1_000, settledBefore: end.addingTimeInterval(1), read: { nlu.topicReading($0) }), done > 0 {
            read += done
        }
        print("hot topics: indexed \(read) customer messages and tickets in \(String(format: "%.1f", milliseconds(ContinuousClock.now - began) / 1000)) s; \(options.runs) runs each:")
        let last = CalendarDate(chinaTime: end)
        for days in [7, 30] {
            let period = try HotTopics.Period(from: last.addingDays(1 - days), to: last)
            var times: [Double] = []
            var words = 0
            for _ in 0..<options.runs {
                let started = ContinuousClock.now
                let report = try await store.topics.report(period, .init(), limit: 20)
                times.append(milliseconds(ContinuousClock.now - started))
                words = report.frequent.count + report.rising.count
            }
            times.sort()
            print("  last \(days) days: \(words) words listed, median \(String(format: "%.1f", times[times.count / 2])) ms, slowest \(String(format: "%.1f", times.last!)) ms")
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
