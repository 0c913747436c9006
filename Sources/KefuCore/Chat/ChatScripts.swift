/// What the system says for an agent: the greeting with their 工号 when they take a chat and the
/// closing phrase when they end it. The desk says them live, the demo's history says them the same
/// way, and the QA score's greeting and closing checks find them as said on the agent's behalf.
public enum ChatScripts {
    /// What the bot's hand-over summary suggests an agent say to an angry customer.
    public static let soothing = "非常抱歉给您带来不便，我马上为您处理。"

    public static func greeting(agentNo: String) -> String {
        "您好，客服 \(agentNo) 很高兴为您服务，请问有什么可以帮您？"
    }

    public static func closing(agentNo: String) -> String {
        "感谢您的咨询，客服 \(agentNo) 祝您生活愉快！请对本次服务进行评价。"
    }
}
