import Foundation
import KefuCore
import KefuNLU
import KefuStore

extension KefuAPI {
    /// Longer messages are refused rather than silently cut: nobody types more into a chat box.
    static let maxClassifyCharacters = 2000

    /// An intent id from a request: one of shared/intents.md, or a 422 naming the field.
    static func intent(_ id: String, field: String = "intent") throws -> Intent {
        switch Intent.parse(id, field: field) {
        case .success(let intent): return intent
        case .failure(let problem): throw KefuError.unprocessable([problem.message])
        }
    }

    func classify(_ input: Operations.Classify.Input) async throws -> Operations.Classify.Output {
        _ = try requirePrincipal()
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        return .ok(.init(body: .json(nlu.understand(try Self.messageText(body.text)))))
    }

    static func messageText(_ raw: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw KefuError.unprocessable(["text: 不能为空"]) }
        guard text.count <= maxClassifyCharacters else { throw KefuError.unprocessable(["text: 最多 2000 字"]) }
        return text
    }

    func suggestArticles(_ input: Operations.SuggestArticles.Input) async throws -> Operations.SuggestArticles.Output {
        try require(.chatHandle)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let brain = self.brain.current
        let understanding = brain.nlu.understand(try Self.messageText(body.text))
        let readings = [(intent: understanding.intent, confidence: understanding.confidence)]
            + understanding.alternatives.map { (intent: $0.intent, confidence: $0.confidence) }
        let articles = SolutionArticle.suggestions(from: brain.articles, intents: readings, text: body.text)
        return .ok(.init(body: .json(.init(
            intent: understanding.intent.rawValue, confidence: understanding.confidence, keywords: understanding.keywords, articles: articles
        ))))
    }

    // MARK: Knowledge, kept by admins

    func listIntents(_ input: Operations.ListIntents.Input) async throws -> Operations.ListIntents.Output {
        try require(.botManage)
        let phrases = try await store.knowledge.phraseCounts()
        let articles = Dictionary(grouping: try await store.knowledge.articles(), by: \.intent)
        return .ok(.init(body: .json(Intent.allCases.sorted().map { intent in
            .init(id: intent.rawValue, name: intent.displayName, phrases: phrases[intent] ?? 0, articles: articles[intent]?.count ?? 0)
        })))
    }

    func listTrainingPhrases(_ input: Operations.ListTrainingPhrases.Input) async throws -> Operations.ListTrainingPhrases.Output {
        try require(.botManage)
        let q = input.query
        let intent = try q.intent.map { try Self.intent($0) }
        return .ok(.init(body: .json(try await store.knowledge.phrases(intent: intent, containing: q.q, limit: q.limit ?? 200))))
    }

    func addTrainingPhrase(_ input: Operations.AddTrainingPhrase.Input) async throws -> Operations.AddTrainingPhrase.Output {
        let principal = try require(.botManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        return .created(.init(body: .json(try await knowledge.addPhrase(text: body.text, intent: body.intent, by: acting(principal)))))
    }

    func deleteTrainingPhrase(_ input: Operations.DeleteTrainingPhrase.Input) async throws -> Operations.DeleteTrainingPhrase.Output {
        let principal = try require(.botManage)
        try await knowledge.deletePhrase(id: input.path.phraseId, by: acting(principal))
        return .noContent(.init())
    }

    func retrainBot(_ input: Operations.RetrainBot.Input) async throws -> Operations.RetrainBot.Output {
        let principal = try require(.botManage)
        let trained = try await knowledge.retrain(by: acting(principal))
        let ms = Double(trained.trainingTime.components.seconds) * 1000 + Double(trained.trainingTime.components.attoseconds) / 1e15
        return .ok(.init(body: .json(.init(
            phrases: trained.phrases, intents: trained.nlu.classifier.intents.count, version: trained.version, trainingMilliseconds: ms
        ))))
    }

    func listArticles(_ input: Operations.ListArticles.Input) async throws -> Operations.ListArticles.Output {
        let principal = try requirePrincipal()
        guard principal.has(.botManage) || principal.has(.chatHandle) else { throw KefuError.forbidden }
        let intent = try input.query.intent.map { try Self.intent($0) }
        return .ok(.init(body: .json(try await store.knowledge.articles(intent: intent))))
    }

    func createArticle(_ input: Operations.CreateArticle.Input) async throws -> Operations.CreateArticle.Output {
        let principal = try require(.botManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let article = try await knowledge.saveArticle(Self.draft(body), id: Store.newID("art"), creating: true, by: acting(principal))
        return .created(.init(body: .json(article)))
    }

    func updateArticle(_ input: Operations.UpdateArticle.Input) async throws -> Operations.UpdateArticle.Output {
        let principal = try require(.botManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        return .ok(.init(body: .json(try await knowledge.saveArticle(Self.draft(body), id: input.path.articleId, creating: false, by: acting(principal)))))
    }

    static func draft(_ body: Components.Schemas.ArticleInput) -> Knowledge.ArticleDraft {
        .init(intent: body.intent, title: body.title, answer: body.answer, steps: body.steps ?? [], keywords: body.keywords ?? [])
    }

    func deleteArticle(_ input: Operations.DeleteArticle.Input) async throws -> Operations.DeleteArticle.Output {
        let principal = try require(.botManage)
        try await knowledge.deleteArticle(id: input.path.articleId, by: acting(principal))
        return .noContent(.init())
    }
}
