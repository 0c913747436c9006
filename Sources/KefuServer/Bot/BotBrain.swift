import Foundation
import KefuCore
import KefuNLU
import KefuStore
import Synchronization

/// The bot's trained classifier and its articles, swapped whole when the knowledge changes: a message
/// is understood by one model from start to end, and retraining never blocks a reader.
final class BotBrain: Sendable {
    struct Snapshot: Sendable {
        let nlu: NLU
        let articles: [SolutionArticle]
        /// The knowledge version it was trained from; 0 for the project's bundled phrases.
        let version: Int
        let phrases: Int
        let trainingTime: Duration
    }

    struct NothingToTrain: KefuErrorConvertible, CustomStringConvertible {
        var description: String { "没有训练语料，保留当前模型" }
        var kefuError: KefuError { .conflict(description) }
    }

    /// Nil until the first training: the server trains from the database before it starts, so the
    /// fallback phrases are trained only if that never happened (no phrases stored).
    private let state = Mutex<Snapshot?>(nil)
    private let fallbackPhrases: [LabelledText]
    private let fallbackArticles: [SolutionArticle]

    init(fallbackPhrases: [LabelledText], articles: [SolutionArticle]) {
        self.fallbackPhrases = fallbackPhrases
        self.fallbackArticles = articles
    }

    var current: Snapshot { state.withLock { trained(&$0) } }

    /// The snapshot under the lock, training the fallback the first time it is needed.
    private func trained(_ snapshot: inout Snapshot?) -> Snapshot {
        if let snapshot { return snapshot }
        let fallback = Self.train(fallbackPhrases, articles: fallbackArticles, version: 0)
        snapshot = fallback
        return fallback
    }

    private static func train(_ phrases: [LabelledText], articles: [SolutionArticle], version: Int) -> Snapshot {
        let started = ContinuousClock.now
        let nlu = NLU(training: phrases)
        return Snapshot(nlu: nlu, articles: articles, version: version, phrases: phrases.count, trainingTime: ContinuousClock.now - started)
    }
    var nlu: NLU { current.nlu }

    /// The intent's first article, as the bot answers with it.
    func article(for intent: Intent) -> SolutionArticle? { current.articles.first { $0.intent == intent } }

    /// Trains from the database and swaps the new model in.
    @discardableResult
    func reload(from store: Store) async throws -> Snapshot {
        // The version is read first: an edit made while reading retrains on the next check.
        let version = try await store.knowledge.version()
        let phrases = try await store.knowledge.allPhrases()
        guard !phrases.isEmpty else { throw NothingToTrain() }
        let articles = try await store.knowledge.articles()
        let snapshot = Self.train(phrases.map { LabelledText(text: $0.text, intent: $0.intent.rawValue) }, articles: articles, version: version)
        state.withLock { $0 = snapshot }
        return snapshot
    }

    /// Takes the edited articles at once on this node; no retraining is needed for them.
    func refreshArticles(from store: Store) async throws {
        let articles = try await store.knowledge.articles()
        state.withLock { snapshot in
            let old = trained(&snapshot)
            snapshot = Snapshot(nlu: old.nlu, articles: articles, version: old.version, phrases: old.phrases, trainingTime: old.trainingTime)
        }
    }

    /// Retrains when another node (or an admin here) changed the knowledge; what every node runs periodically.
    @discardableResult
    func reloadIfChanged(from store: Store) async throws -> Bool {
        guard try await store.knowledge.version() != current.version else { return false }
        try await reload(from: store)
        return true
    }
}
