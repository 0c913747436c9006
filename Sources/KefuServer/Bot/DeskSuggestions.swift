import Foundation
import KefuCore
import KefuNLU
import KefuStore

/// The answers the desk offers the agent holding a chat. They answer the customer's latest message that
/// says what they need ("人工" or "你好" say nothing; the problem was said before), so a billing complaint
/// after an earlier broadband question gets billing answers; when that message alone is unclear, the
/// chat's topic (its latest clear need) is weighed in. The articles are written to be sent as they are.
struct DeskSuggestions: Sendable {
    struct Offer: Sendable {
        var basedOn: String?
        var intent: Intent?
        var articles: [SolutionArticle]
    }

    let store: Store
    let brain: BotBrain

    /// Customer messages looked back over: a long chat's first question is rarely what is asked now.
    static let lookBack = 30

    func offer(for conversation: Conversation) async throws -> Offer {
        let snapshot = brain.current
        let said = try await store.chat.messages(conversationId: conversation.id, after: max(0, conversation.lastSeq - Self.lookBack))
            .filter { $0.sender == .customer && !$0.text.isEmpty }
        let read = said.reversed().lazy.map { (text: $0.text, understanding: snapshot.nlu.understand($0.text)) }
        guard let latest = read.first(where: { $0.understanding.intent.describesAProblem }) else {
            return Offer(basedOn: nil, intent: nil, articles: [])
        }
        var readings = [(intent: latest.understanding.intent, confidence: latest.understanding.confidence)]
            + latest.understanding.alternatives.map { (intent: $0.intent, confidence: $0.confidence) }
        if latest.understanding.confidence < BotPolicy.lowConfidence,
            let topic = read.dropFirst().first(where: { $0.understanding.intent.describesAProblem && $0.understanding.confidence >= BotPolicy.lowConfidence })
        {
            readings.append((intent: topic.understanding.intent, confidence: topic.understanding.confidence / 2))
        }
        let articles = SolutionArticle.suggestions(
            from: snapshot.articles.filter { $0.intent != .outOfScope }, intents: readings, text: latest.text
        )
        return Offer(basedOn: latest.text, intent: latest.understanding.intent, articles: articles)
    }
}
