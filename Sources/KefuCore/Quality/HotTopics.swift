import Foundation

/// 数据反馈: which words customers use most, and which more than before, in their chat messages and in
/// the problems their tickets describe, over whole China days against the same number of days just
/// before. The counting is the store's; which words lead and which are rising is decided here.
public enum HotTopics {
    /// Where a mention was made.
    public enum Source: String, Codable, Sendable, CaseIterable {
        /// A customer's message in a chat (bot or agent alike).
        case chat
        /// The fields of a ticket that describe the customer's problem.
        case ticket
    }

    /// The span of the report: whole China days `from`...`to`, at most a year, and the days just before
    /// it, as many, which it is compared with.
    public struct Period: Sendable, Equatable {
        public let from: CalendarDate
        public let to: CalendarDate

        public init(from: CalendarDate, to: CalendarDate) throws(ReportPeriod.Problem) {
            guard from <= to else { throw .reversed }
            guard to.daysSinceEpoch - from.daysSinceEpoch < 366 else { throw .tooLong }
            self.from = from
            self.to = to
        }

        public var days: Int { to.daysSinceEpoch - from.daysSinceEpoch + 1 }
        public var previous: (from: CalendarDate, to: CalendarDate) {
            (from.addingDays(-days), from.addingDays(-1))
        }
    }

    /// Words of the lexicon that say how people talk, not what about: greetings, asking for a person,
    /// small talk. They are never topics.
    public static let notTopics: Set<String> = [
        "你好", "谢谢", "再见", "在吗", "人工", "转人工", "人工客服", "真人", "机器人", "客服", "天气", "笑话", "电影", "不对", "不用了",
    ]

    /// The fields of a ticket that say what the customer's problem is, by type: the symptom of a fault,
    /// what a complaint is about, the disputed item and why, what is asked for.
    public static func problemFields(_ type: TicketType) -> [String] {
        switch type {
        case .fault: ["symptom"]
        case .complaint: ["subject", "details"]
        case .billingDispute: ["disputedItem", "reason"]
        case .businessRequest: ["requestType", "details"]
        }
    }

    /// A keyword's count in the period and in the one before.
    public struct Count: Sendable, Equatable {
        public var keyword: String
        public var count: Int
        public var previous: Int

        public init(keyword: String, count: Int, previous: Int) {
            self.keyword = keyword
            self.count = count
            self.previous = previous
        }

        /// How many times the previous count this one is; nil when the word was not used before.
        public var ratio: Double? { previous == 0 ? nil : Double(count) / Double(previous) }
    }

    /// A word is rising when it was used at least this many more times than before…
    public static let risingBy = 5
    /// …and at least this much more often (1.5: half as often again).
    public static let risingRatio = 1.5

    /// The most used words, most first (ties by the word, so the order never wobbles).
    public static func frequent(_ counts: [Count], limit: Int) -> [Count] {
        Array(counts.filter { $0.count > 0 }.sorted { ($0.count, $1.keyword) > ($1.count, $0.keyword) }.prefix(limit))
    }

    /// The words used markedly more than before (`risingBy` more, `risingRatio` times as often, new words
    /// counting as rising once they reach `risingBy`), the sharpest rise first: by the ratio of the counts
    /// with one added to each (so a new word ranks by its count), then by the rise itself.
    public static func rising(_ counts: [Count], limit: Int) -> [Count] {
        let rose = counts.filter { c in
            c.count - c.previous >= risingBy && Double(c.count) >= risingRatio * Double(c.previous)
        }
        func sharpness(_ c: Count) -> Double { Double(c.count + 1) / Double(c.previous + 1) }
        return Array(rose.sorted { a, b in
            (sharpness(a), a.count - a.previous, b.keyword) > (sharpness(b), b.count - b.previous, a.keyword)
        }.prefix(limit))
    }
}
