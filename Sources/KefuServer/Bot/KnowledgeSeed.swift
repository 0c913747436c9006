public import Foundation
import KefuCore
import KefuNLU
public import KefuStore

extension KnowledgeRepository {
    /// The project's training phrases and articles, stored once: by `kefu migrate` or the first start;
    /// an installation seeded by an earlier release gets the articles' new wording where nobody edited them.
    public func seedProjectKnowledge(now: Date) async throws {
        let phrases = try NLU.bundledTraining().enumerated().map { line, sample in
            guard let intent = Intent(rawValue: sample.intent) else {
                throw NLUDataError(line: line + 1, reason: "unknown intent \(sample.intent) in the project's training phrases")
            }
            return (text: sample.text, intent: intent)
        }
        let articles = SolutionLibrary.seeds(at: now)
        try await seedIfNeeded(phrases: phrases, articles: articles, now: now)
        try await upgradeShippedArticles(articles, retired: SolutionLibrary.retiredWordings, added: SolutionLibrary.addedArticles, wording: SolutionLibrary.wording, now: now)
    }
}
