import Foundation

/// The broadband self-check as a dialogue: one instruction per message and one way to answer it, until
/// the line works again or the checks are exhausted and a fault ticket is due. The step is read back from
/// the bot's last message, so the dialogue survives a restart and a second node without stored state.
public enum SelfCheck {
    public enum Step: Int, CaseIterable, Sendable {
        case losLight = 1, restartModem, restartRouter
    }

    public enum Move: Equatable, Sendable {
        /// Ask this step (the next, or the same again when the reply did not answer it).
        case ask(Step)
        /// The customer says it works again.
        case fixed
        /// The checks point at the line: open the fault ticket, with what was found.
        case openTicket(found: String)
        /// The reply is about something else: answer it as any message.
        case leave
    }

    public static let total = Step.allCases.count

    public static func prompt(_ step: Step) -> String {
        switch step {
        case .losLight:
            "先帮您做个简单自检，共 \(total) 步。\n第 1 步：请看一下光猫上的“LOS”指示灯，它是红色或在闪烁吗？\n请回复“是”或“不是”。"
        case .restartModem:
            "第 2 步：请把光猫断电，等 30 秒后重新通电，2 分钟后再试试上网。\n\(replyAfterTrying)"
        case .restartRouter:
            "第 3 步：请把路由器断电重启，2 分钟后再试试上网。\n\(replyAfterTrying)"
        }
    }

    public static let fixedReply = "太好了，网络已经恢复。之后如果再断网，随时告诉我。"

    private static let replyAfterTrying = "恢复了请回复“好了”，还是上不了网请回复“还是不行”。"

    /// The step the bot's message asked, if it was one of the self-check's.
    public static func step(askedIn botText: String) -> Step? {
        Step.allCases.first { prompt($0) == botText }
    }

    /// What the customer's reply to `step` means. `aboutTheFault` is whether the message is read as the
    /// broadband fault (e.g. "还是断网"), which counts as not fixed.
    public static func next(after step: Step, reply: String, aboutTheFault: Bool) -> Move {
        let text = reply.uppercased().filter { !$0.isWhitespace && !$0.isPunctuation }
        switch step {
        case .losLight:
            if said(text, Words.lightOff) { return .ask(.restartModem) }
            // "还是" (still) is not a yes.
            if said(text.replacingOccurrences(of: "还是", with: ""), Words.lightOn) { return .openTicket(found: "光猫 LOS 灯红色或闪烁，光纤线路故障") }
            if said(text, Words.broken) || aboutTheFault { return .ask(.losLight) }
            return .leave
        case .restartModem, .restartRouter:
            if said(text, Words.broken) || (aboutTheFault && !said(text, Words.fixed)) {
                return step == .restartModem ? .ask(.restartRouter) : .openTicket(found: "光猫 LOS 灯正常，已重启光猫和路由器，仍无法上网")
            }
            if said(text, Words.fixed) { return .fixed }
            return .leave
        }
    }

    /// A reply that says the line still does not work, whether or not a check was asked.
    public static func saysStillBroken(_ reply: String) -> Bool { said(reply.uppercased(), Words.broken) }

    private static func said(_ text: String, _ words: [String]) -> Bool { words.contains { text.contains($0) } }

    /// Checked in this order: a negation before the word it negates ("不是" before "是", "没好" before "好了").
    private enum Words {
        static let lightOff = ["不是", "不红", "没红", "不闪", "没闪", "没有", "不亮", "没亮", "灭", "绿", "正常", "否", "NO"]
        static let lightOn = ["是", "对", "红", "闪", "亮", "嗯", "YES"]
        static let broken = ["还是不行", "不行", "没用", "没有用", "还是", "依然", "仍然", "没恢复", "没好", "一样", "上不了", "不能", "连不上", "没网"]
        static let fixed = ["好了", "好啦", "可以了", "能上", "可以上", "恢复了", "正常了", "解决了", "没问题", "OK", "谢谢"]
    }
}
