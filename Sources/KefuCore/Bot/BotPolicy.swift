/// The bot's decisions that do not depend on I/O: which group serves an intent, when a message is angry,
/// and when to ask rather than answer.
public enum BotPolicy {
    /// The skill group that serves an intent when the chat goes to a person.
    public static func skill(for intent: String) -> SkillGroup {
        switch intent {
        case "bill_query", "recharge", "billing_dispute", "invoice", "points_rewards", "value_added_cancel": .billing
        case "broadband_fault", "broadband_install", "iptv": .broadband
        case "enterprise": .enterprise
        default: .mobile
        }
    }

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
        case handOver(reason: String)
        case clarify(first: String, second: String)
        case answer(intent: String)
        case notUnderstood
    }

    /// What to do with one message, given how many times in a row the bot has already failed.
    public static func decide(
        intent: String, confidence: Double, runnerUp: (intent: String, confidence: Double)?, angry: Bool, failuresSoFar: Int
    ) -> Decision {
        if angry || intent == "complaint" { return .handOver(reason: "客户情绪激动或要求投诉") }
        if intent == "human_agent" && confidence >= lowConfidence { return .handOver(reason: "客户要求人工服务") }
        if confidence < lowConfidence {
            return failuresSoFar >= 1 ? .handOver(reason: "机器人两次未能理解") : .notUnderstood
        }
        if let runnerUp, confidence - runnerUp.confidence < ambiguityMargin, runnerUp.intent != intent {
            return .clarify(first: intent, second: runnerUp.intent)
        }
        return .answer(intent: intent)
    }

    /// How intents are named when the bot asks which one the customer meant.
    public static let intentNames: [String: String] = [
        "bill_query": "查询话费账单", "recharge": "充值缴费", "data_usage": "查询流量和通话余量", "package_inquiry": "了解套餐",
        "package_change": "变更套餐", "value_added_cancel": "退订增值业务", "billing_dispute": "费用争议", "broadband_fault": "宽带故障",
        "broadband_install": "宽带新装或移机", "mobile_signal": "手机信号问题", "iptv": "电视/IPTV", "sim_card": "补换卡和激活",
        "suspend_resume": "停机复机和挂失", "account_open": "办理新号码", "number_portability": "携号转网", "cancel_account": "销户",
        "roaming": "国际及港澳台漫游", "invoice": "发票", "points_rewards": "积分", "password_reset": "服务密码",
        "enterprise": "政企业务", "complaint": "投诉", "human_agent": "转人工", "greeting": "问候", "out_of_scope": "其他问题",
    ]
}
