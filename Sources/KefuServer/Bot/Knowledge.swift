import Foundation
import KefuCore
import KefuStore

/// The bot's knowledge as admins keep it: training phrases and solution articles, checked, stored with
/// their audit entry and a new knowledge version (which every node retrains from), and taken by this
/// node's bot at once.
struct Knowledge: Sendable {
    let store: Store
    let brain: BotBrain
    let now: @Sendable () -> Date

    /// An article as an admin writes it; the intent is still the id they sent.
    struct ArticleDraft: Sendable {
        var intent: String
        var title: String
        var answer: String
        var steps: [String]
        var keywords: [String]
    }

    func addPhrase(text raw: String, intent id: String, by acting: Acting) async throws -> TrainingPhrase {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed = Intent.parse(id)
        var problems = TrainingPhrase.problems(text: text)
        if case .failure(let problem) = parsed { problems.insert(problem.message, at: 0) }
        guard problems.isEmpty, case .success(let intent) = parsed else { throw KefuError.unprocessable(problems) }
        let phrase = TrainingPhrase(id: Store.newID("tp"), text: text, intent: intent, source: "admin", createdAt: now())
        try await store.knowledge.addPhrase(
            phrase, createdBy: acting.principal.actorID,
            audit: acting.audit("bot.phrase.add", targetType: "training_phrase", targetId: phrase.id, detail: intent.rawValue, at: now())
        )
        return phrase
    }

    func deletePhrase(id: String, by acting: Acting) async throws {
        let audit = acting.audit("bot.phrase.delete", targetType: "training_phrase", targetId: id, at: now())
        guard try await store.knowledge.deletePhrase(id: id, audit: audit) else { throw KefuError.notFound("训练语料") }
    }

    /// Retrains this node now from the stored phrases; other nodes follow the new version by themselves.
    func retrain(by acting: Acting) async throws -> BotBrain.Snapshot {
        let trained = try await brain.reload(from: store)
        try await store.audit.append(
            acting.audit("bot.retrain", targetType: "bot", targetId: "nlu", detail: "version=\(trained.version) phrases=\(trained.phrases)", at: now())
        )
        return trained
    }

    /// Creates (`id` new) or replaces an article; every field's problem is told at once, the intent's first.
    func saveArticle(_ draft: ArticleDraft, id: String, creating: Bool, by acting: Acting) async throws -> SolutionArticle {
        if !creating, try await store.knowledge.article(id: id) == nil { throw KefuError.notFound("知识库文章") }
        let clean = { (text: String) in text.trimmingCharacters(in: .whitespacesAndNewlines) }
        let parsed = Intent.parse(draft.intent)
        let article = SolutionArticle(
            id: id, intent: (try? parsed.get()) ?? .outOfScope, title: clean(draft.title), answer: clean(draft.answer),
            steps: draft.steps.map(clean), keywords: draft.keywords.map(clean), updatedAt: now()
        )
        var problems = article.problems()
        if case .failure(let problem) = parsed { problems.insert(problem.message, at: 0) }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let action = creating ? "bot.article.create" : "bot.article.update"
        try await store.knowledge.save(
            article, by: acting.principal.actorID,
            audit: acting.audit(action, targetType: "article", targetId: id, detail: article.intent.rawValue, at: now())
        )
        try await brain.refreshArticles(from: store)
        return article
    }

    func deleteArticle(id: String, by acting: Acting) async throws {
        let audit = acting.audit("bot.article.delete", targetType: "article", targetId: id, at: now())
        guard try await store.knowledge.deleteArticle(id: id, audit: audit) else { throw KefuError.notFound("知识库文章") }
        try await brain.refreshArticles(from: store)
    }
}
