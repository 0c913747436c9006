import Foundation
import KefuCore
import KefuNLU
import KefuStore

extension KefuAPI {
    /// Longer messages are refused rather than silently cut: nobody types more into a chat box.
    static let maxClassifyCharacters = 2000
    static var knownIntents: Set<String> { Set(BotPolicy.intentNames.keys) }

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
        let readings = [(understanding.intent, understanding.confidence)] + understanding.alternatives.map { ($0.intent, $0.confidence) }
        let articles = SolutionArticle.suggestions(from: brain.articles, intents: readings.map { (intent: $0.0, confidence: $0.1) }, text: body.text)
        return .ok(.init(body: .json(.init(
            intent: understanding.intent, confidence: understanding.confidence, keywords: understanding.keywords, articles: articles
        ))))
    }

    // MARK: Knowledge, kept by admins

    func listIntents(_ input: Operations.ListIntents.Input) async throws -> Operations.ListIntents.Output {
        try require(.botManage)
        let phrases = try await store.knowledge.phraseCounts()
        let articles = Dictionary(grouping: try await store.knowledge.articles(), by: \.intent)
        return .ok(.init(body: .json(BotPolicy.intentNames.sorted { $0.key < $1.key }.map {
            .init(id: $0.key, name: $0.value, phrases: phrases[$0.key] ?? 0, articles: articles[$0.key]?.count ?? 0)
        })))
    }

    func listTrainingPhrases(_ input: Operations.ListTrainingPhrases.Input) async throws -> Operations.ListTrainingPhrases.Output {
        try require(.botManage)
        let q = input.query
        return .ok(.init(body: .json(try await store.knowledge.phrases(intent: q.intent, containing: q.q, limit: q.limit ?? 200))))
    }

    func addTrainingPhrase(_ input: Operations.AddTrainingPhrase.Input) async throws -> Operations.AddTrainingPhrase.Output {
        let principal = try require(.botManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let problems = TrainingPhrase.problems(text: text, intent: body.intent, knownIntents: Self.knownIntents)
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let phrase = TrainingPhrase(id: Store.newID("tp"), text: text, intent: body.intent, source: "admin", createdAt: now())
        try await store.knowledge.addPhrase(
            phrase, createdBy: principal.actorID,
            audit: entry(principal, "bot.phrase.add", targetType: "training_phrase", targetId: phrase.id, detail: phrase.intent)
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
        return .ok(.init(body: .json(try await store.knowledge.articles(intent: input.query.intent))))
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
        let article = SolutionArticle(
            id: id, intent: body.intent, title: clean(body.title), answer: clean(body.answer),
            steps: (body.steps ?? []).map(clean).filter { !$0.isEmpty }, keywords: (body.keywords ?? []).map(clean).filter { !$0.isEmpty },
            updatedAt: now()
        )
        let problems = article.problems(knownIntents: Self.knownIntents)
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        try await store.knowledge.save(article, by: principal.actorID, audit: entry(principal, action, targetType: "article", targetId: id, detail: article.intent))
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
