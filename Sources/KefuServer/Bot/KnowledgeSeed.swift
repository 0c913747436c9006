public import Foundation
import KefuCore
import KefuNLU
public import KefuStore

extension KnowledgeRepository {
    /// The project's training phrases and articles, stored once: by `kefu migrate` or the first start.
    public func seedProjectKnowledge(now: Date) async throws {
        let phrases = try NLU.bundledTraining().map { (text: $0.text, intent: $0.intent) }
        try await seedIfNeeded(phrases: phrases, articles: SolutionLibrary.seeds(at: now), now: now)
    }
}
