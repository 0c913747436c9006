import Foundation

/// What the automatic QA score checks in a chat an agent handled (质检项).
public enum QACheck: String, Codable, Sendable, CaseIterable {
    /// A greeting carrying the agent's 工号 (the system's greeting on assignment is said on their behalf).
    case greeting
    /// A closing phrase when the agent ended the chat.
    case closing
    /// No message stopped for a forbidden word.
    case noForbiddenWord = "no_forbidden_word"
    /// The agent's first own message soon after taking the chat.
    case firstResponse = "first_response"
    /// The customer never left waiting for an answer too long.
    case noSilence = "no_silence"
    /// A soothing phrase when the customer was angry.
    case soothing
    /// A solution offered: a library answer, a business action or a ticket.
    case solution

    /// The check's bit in a score's applied and passed masks, which the summary over a period adds up in
    /// SQL. Fixed per check, never reused: a check added later takes the next bit.
    public var bit: Int {
        switch self {
        case .greeting: 0
        case .closing: 1
        case .noForbiddenWord: 2
        case .firstResponse: 3
        case .noSilence: 4
        case .soothing: 5
        case .solution: 6
        }
    }

    public var label: String {
        switch self {
        case .greeting: "问候语含工号"
        case .closing: "结束语"
        case .noForbiddenWord: "无禁用词"
        case .firstResponse: "首次响应及时"
        case .noSilence: "无冷场"
        case .soothing: "情绪安抚"
        case .solution: "提供解决方案"
        }
    }
}

/// One version of the QA rules: each check's points and the thresholds and phrases the checks use.
/// Admins publish a new version; a chat is scored by the version in force when it closed, so a chat
/// scored again later is judged by the rules its agent worked under.
public struct QARules: Codable, Hashable, Sendable {
    public struct Item: Codable, Hashable, Sendable {
        public var check: QACheck
        /// What the check is worth; 0 leaves it out of the score.
        public var points: Int

        public init(check: QACheck, points: Int) {
            self.check = check
            self.points = points
        }
    }

    public var version: Int
    public var items: [Item]
    /// From taking the chat to the agent's first own message.
    public var firstResponseSeconds: Int
    /// The longest a waiting customer may go without an answer.
    public var silenceSeconds: Int
    public var greetingWords: [String]
    public var closingPhrases: [String]
    public var soothingPhrases: [String]
    public var note: String
    public var createdBy: String
    public var createdAt: Date

    public init(
        version: Int, items: [Item], firstResponseSeconds: Int, silenceSeconds: Int, greetingWords: [String],
        closingPhrases: [String], soothingPhrases: [String], note: String, createdBy: String, createdAt: Date
    ) {
        self.version = version
        self.items = items
        self.firstResponseSeconds = firstResponseSeconds
        self.silenceSeconds = silenceSeconds
        self.greetingWords = greetingWords
        self.closingPhrases = closingPhrases
        self.soothingPhrases = soothingPhrases
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The first version, in force from the start: the operator's targets (30 s first response, 60 s
    /// silence) and the phrases its service scripts use.
    public static let standard = QARules(
        version: 1,
        items: [
            .init(check: .greeting, points: 10), .init(check: .closing, points: 10), .init(check: .noForbiddenWord, points: 15),
            .init(check: .firstResponse, points: 15), .init(check: .noSilence, points: 15), .init(check: .soothing, points: 15),
            .init(check: .solution, points: 20),
        ],
        firstResponseSeconds: 30, silenceSeconds: 60,
        greetingWords: ["您好", "你好", "很高兴为您服务"],
        closingPhrases: ["祝您生活愉快", "感谢您的咨询", "感谢您的耐心", "再见", "还有其他可以帮您"],
        soothingPhrases: ["抱歉", "对不起", "理解您的心情", "给您带来不便", "请您放心", "别着急", "请不要着急"],
        note: "初始规则", createdBy: "system", createdAt: Date(timeIntervalSince1970: 0)
    )

    /// The draft as typed, with the space around each phrase and the note gone.
    public var tidied: QARules {
        var copy = self
        copy.greetingWords = greetingWords.map { $0.trimmingWhitespace() }
        copy.closingPhrases = closingPhrases.map { $0.trimmingWhitespace() }
        copy.soothingPhrases = soothingPhrases.map { $0.trimmingWhitespace() }
        copy.note = note.trimmingWhitespace()
        return copy
    }

    public func points(for check: QACheck) -> Int { items.first { $0.check == check }?.points ?? 0 }

    /// What is wrong with a draft, by field; empty when it can be published. Every check is listed once
    /// and the points add up to 100, so a score reads as a percentage whatever the version.
    public func problems() -> [String] {
        var problems: [String] = []
        let checks = items.map(\.check)
        if Set(checks).count != checks.count || Set(checks) != Set(QACheck.allCases) {
            problems.append("items：每个质检项列出一次")
        }
        if items.contains(where: { !(0...100).contains($0.points) }) { problems.append("items：分值为 0–100") }
        if items.map(\.points).reduce(0, +) != 100 { problems.append("items：各项分值合计须为 100") }
        if !(5...600).contains(firstResponseSeconds) { problems.append("firstResponseSeconds：为 5–600 秒") }
        if !(10...1800).contains(silenceSeconds) { problems.append("silenceSeconds：为 10–1800 秒") }
        for (field, phrases) in [("greetingWords", greetingWords), ("closingPhrases", closingPhrases), ("soothingPhrases", soothingPhrases)] {
            if phrases.isEmpty || phrases.count > 30 || phrases.contains(where: { !Validation.isCleanText($0, max: 20) || $0.contains("\n") }) {
                problems.append("\(field)：1–30 条，每条 1–20 字")
            }
        }
        if !Validation.isCleanText(note, max: 200) { problems.append("note：说明为 1–200 字") }
        return problems
    }

    /// The version in force at `instant`: the newest published at or before it.
    public static func inForce(at instant: Date, among versions: [QARules]) -> QARules? {
        versions.filter { $0.createdAt <= instant }.max { $0.version < $1.version }
    }
}
