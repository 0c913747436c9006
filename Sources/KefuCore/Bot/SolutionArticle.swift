import Foundation

/// An article of the solution library: what the bot answers for an intent, and what agents are offered.
public struct SolutionArticle: Codable, Hashable, Sendable {
    public var id: String
    public var intent: Intent
    public var title: String
    public var answer: String
    public var steps: [String]
    public var keywords: [String]
    public var updatedAt: Date

    public init(id: String, intent: Intent, title: String, answer: String, steps: [String], keywords: [String], updatedAt: Date) {
        self.id = id
        self.intent = intent
        self.title = title
        self.answer = answer
        self.steps = steps
        self.keywords = keywords
        self.updatedAt = updatedAt
    }

    /// The article as the bot writes it in the chat: the answer, then numbered steps.
    public var chatText: String {
        ([answer] + steps.enumerated().map { "\($0.offset + 1). \($0.element)" }).joined(separator: "\n")
    }

    /// What is wrong with an article, by field; empty when it can be stored.
    public func problems() -> [String] {
        var problems: [String] = []
        if !Validation.isCleanText(title, max: 60) { problems.append("title：标题为 1–60 字") }
        if !Validation.isCleanText(answer, max: 1000) { problems.append("answer：答复为 1–1000 字") }
        if steps.count > 12 || steps.contains(where: { !Validation.isCleanText($0, max: 300) }) { problems.append("steps：最多 12 步，每步 1–300 字") }
        if keywords.count > 20 || keywords.contains(where: { !Validation.isCleanText($0, max: 20) }) { problems.append("keywords：最多 20 个，每个 1–20 字") }
        return problems
    }

    /// The articles best matching a message: the intent's confidence, plus a little for each keyword of the
    /// article found in the message. `intents` are the classifier's readings, best first.
    public static func suggestions(
        from articles: [SolutionArticle], intents: [(intent: Intent, confidence: Double)], text: String, limit: Int = 3
    ) -> [SolutionArticle] {
        let weight = Dictionary(intents.map { ($0.intent, $0.confidence) }, uniquingKeysWith: max)
        let lowered = text.lowercased()
        let scored = articles.map { article -> (SolutionArticle, Double) in
            let hits = article.keywords.filter { !$0.isEmpty && lowered.contains($0.lowercased()) }.count
            return (article, (weight[article.intent] ?? 0) + 0.15 * Double(hits))
        }
        return scored.filter { $0.1 > 0.05 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }.prefix(limit).map(\.0)
    }
}

/// A phrase the classifier learns from. Project phrases ship with Kefu; admins add their own.
public struct TrainingPhrase: Codable, Hashable, Sendable {
    public var id: String
    public var text: String
    public var intent: Intent
    public var source: String
    public var createdAt: Date

    public init(id: String, text: String, intent: Intent, source: String, createdAt: Date) {
        self.id = id
        self.text = text
        self.intent = intent
        self.source = source
        self.createdAt = createdAt
    }

    public static func problems(text: String) -> [String] {
        Validation.isCleanText(text, max: 200) ? [] : ["text：语料为 1–200 字，不能含控制字符"]
    }
}

extension Intent {
    /// An intent id from a request, or the problem naming it: the ids are those of shared/intents.md.
    public static func parse(_ id: String, field: String = "intent") -> Result<Intent, IntentProblem> {
        Intent(rawValue: id).map { .success($0) } ?? .failure(IntentProblem(message: "\(field)：未知的意图 \(id)，请使用 shared/intents.md 中的 25 个意图之一"))
    }
}

public struct IntentProblem: Error, Sendable, Equatable {
    public let message: String
}
