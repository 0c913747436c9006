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

    struct NothingToTrain: Error, CustomStringConvertible {
        var description: String { "没有训练语料，保留当前模型" }
    }

    private let state: Mutex<Snapshot>

    init(phrases: [LabelledText], articles: [SolutionArticle]) {
        let started = ContinuousClock.now
        let nlu = NLU(training: phrases)
        state = Mutex(Snapshot(nlu: nlu, articles: articles, version: 0, phrases: phrases.count, trainingTime: ContinuousClock.now - started))
    }

    var current: Snapshot { state.withLock { $0 } }
    var nlu: NLU { current.nlu }

    /// The intent's first article, as the bot answers with it.
    func article(for intent: String) -> SolutionArticle? { current.articles.first { $0.intent == intent } }

    /// Trains from the database and swaps the new model in.
    @discardableResult
    func reload(from store: Store) async throws -> Snapshot {
        // The version is read first: an edit made while reading retrains on the next check.
        let version = try await store.knowledge.version()
        let phrases = try await store.knowledge.allPhrases()
        guard !phrases.isEmpty else { throw NothingToTrain() }
        let articles = try await store.knowledge.articles()
        let started = ContinuousClock.now
        let nlu = NLU(training: phrases.map { LabelledText(text: $0.text, intent: $0.intent) })
        let snapshot = Snapshot(nlu: nlu, articles: articles, version: version, phrases: phrases.count, trainingTime: ContinuousClock.now - started)
        state.withLock { $0 = snapshot }
        return snapshot
    }

    /// Takes the edited articles at once on this node; no retraining is needed for them.
    func refreshArticles(from store: Store) async throws {
        let articles = try await store.knowledge.articles()
        state.withLock { old in
            old = Snapshot(nlu: old.nlu, articles: articles, version: old.version, phrases: old.phrases, trainingTime: old.trainingTime)
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
