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
        let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed = Intent.parse(body.intent)
        var problems = TrainingPhrase.problems(text: text)
        if case .failure(let problem) = parsed { problems.insert(problem.message, at: 0) }
        guard problems.isEmpty, case .success(let intent) = parsed else { throw KefuError.unprocessable(problems) }
        let phrase = TrainingPhrase(id: Store.newID("tp"), text: text, intent: intent, source: "admin", createdAt: now())
        try await store.knowledge.addPhrase(
            phrase, createdBy: principal.actorID,
            audit: entry(principal, "bot.phrase.add", targetType: "training_phrase", targetId: phrase.id, detail: intent.rawValue)
        )
        return .created(.init(body: .json(phrase)))
    }

    func deleteTrainingPhrase(_ input: Operations.DeleteTrainingPhrase.Input) async throws -> Operations.DeleteTrainingPhrase.Output {
        let principal = try require(.botManage)
        let id = input.path.phraseId
        guard try await store.knowledge.deletePhrase(id: id, audit: entry(principal, "bot.phrase.delete", targetType: "training_phrase", targetId: id)) else {
            throw KefuError.notFound("训练语料")
        }
        return .noContent(.init())
    }

    func retrainBot(_ input: Operations.RetrainBot.Input) async throws -> Operations.RetrainBot.Output {
        let principal = try require(.botManage)
        let trained = try await brain.reload(from: store)
        try await audit(principal, "bot.retrain", targetType: "bot", targetId: "nlu", detail: "version=\(trained.version) phrases=\(trained.phrases)")
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
        let article = try await saveArticle(body, id: Store.newID("art"), by: principal, action: "bot.article.create")
        return .created(.init(body: .json(article)))
    }

    func updateArticle(_ input: Operations.UpdateArticle.Input) async throws -> Operations.UpdateArticle.Output {
        let principal = try require(.botManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        guard try await store.knowledge.article(id: input.path.articleId) != nil else { throw KefuError.notFound("知识库文章") }
        return .ok(.init(body: .json(try await saveArticle(body, id: input.path.articleId, by: principal, action: "bot.article.update"))))
    }

    private func saveArticle(_ body: Components.Schemas.ArticleInput, id: String, by principal: Principal, action: String) async throws -> SolutionArticle {
        let clean = { (text: String) in text.trimmingCharacters(in: .whitespacesAndNewlines) }
        let parsed = Intent.parse(body.intent)
        let article = SolutionArticle(
            id: id, intent: (try? parsed.get()) ?? .outOfScope, title: clean(body.title), answer: clean(body.answer),
            steps: (body.steps ?? []).map(clean).filter { !$0.isEmpty }, keywords: (body.keywords ?? []).map(clean).filter { !$0.isEmpty },
            updatedAt: now()
        )
        // Every field's problem at once, the intent's first.
        var problems = article.problems()
        if case .failure(let problem) = parsed { problems.insert(problem.message, at: 0) }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        try await store.knowledge.save(article, by: principal.actorID, audit: entry(principal, action, targetType: "article", targetId: id, detail: article.intent.rawValue))
        try await brain.refreshArticles(from: store)
        return article
    }

    func deleteArticle(_ input: Operations.DeleteArticle.Input) async throws -> Operations.DeleteArticle.Output {
        let principal = try require(.botManage)
        let id = input.path.articleId
        guard try await store.knowledge.deleteArticle(id: id, audit: entry(principal, "bot.article.delete", targetType: "article", targetId: id)) else {
            throw KefuError.notFound("知识库文章")
        }
        try await brain.refreshArticles(from: store)
        return .noContent(.init())
    }
}
