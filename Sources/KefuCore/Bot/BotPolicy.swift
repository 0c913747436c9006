/// Why a chat went from the bot to a person: what the quality report counts hand-overs by, and what
/// the agent's summary says.
public enum HandoverReason: String, Codable, Sendable, CaseIterable {
    /// Anger or a complaint: a person at once.
    case upset
    /// The customer asked for a person in words.
    case askedInWords = "asked"
    /// The customer pressed 转人工 (or chose a group from the menu for a person).
    case button
    /// The bot failed to understand twice in a row.
    case notUnderstood = "not_understood"

    public var label: String {
        switch self {
        case .upset: "客户情绪激动或要求投诉"
        case .askedInWords: "客户要求人工服务"
        case .button: "客户点击“转人工”"
        case .notUnderstood: "机器人两次未能理解"
        }
    }
}

/// The bot's decisions that do not depend on I/O: which group serves an intent, when a message is angry,
/// and when to ask rather than answer.
public enum BotPolicy {
    static let angerWords = ["投诉", "工信部", "12300", "消协", "曝光", "骗子", "垃圾", "气死", "太差", "恶心", "滚", "欺诈", "忍无可忍", "什么破", "坑人", "退钱"]

    /// Anger: emotion words, or punctuation hammered three times or more.
    public static func isAngry(_ text: String) -> Bool {
        if angerWords.contains(where: { text.contains($0) }) { return true }
        var run = 0
        for c in text {
            if c == "!" || c == "！" || c == "?" || c == "？" {
                run += 1
                if run >= 3 { return true }
            } else {
                run = 0
            }
        }
        return false
    }

    /// Below this the bot does not trust its reading of a message.
    public static let lowConfidence = 0.45
    /// When the two best readings are closer than this, the bot asks which one was meant.
    public static let ambiguityMargin = 0.12

    public enum Decision: Equatable, Sendable {
        case handOver(reason: HandoverReason)
        case clarify(first: Intent, second: Intent)
        case answer(intent: Intent)
        case notUnderstood
    }

    /// What to do with one message, given how many times in a row the bot has already failed.
    public static func decide(
        intent: Intent, confidence: Double, runnerUp: (intent: Intent, confidence: Double)?, angry: Bool, failuresSoFar: Int
    ) -> Decision {
        if angry || intent == .complaint { return .handOver(reason: .upset) }
        if intent == .humanAgent && confidence >= lowConfidence { return .handOver(reason: .askedInWords) }
        if confidence < lowConfidence {
            return failuresSoFar >= 1 ? .handOver(reason: .notUnderstood) : .notUnderstood
        }
        if let runnerUp, confidence - runnerUp.confidence < ambiguityMargin, runnerUp.intent != intent {
            return .clarify(first: intent, second: runnerUp.intent)
        }
        return .answer(intent: intent)
    }
}
