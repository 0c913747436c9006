import KefuCore

/// Accuracy, per-intent precision and recall, and the most frequent confusions on a labelled set.
public struct Evaluation: Sendable {
    public struct IntentScore: Sendable {
        public var intent: String
        public var support: Int
        public var precision: Double
        public var recall: Double
    }

    public var accuracy: Double
    public var scores: [IntentScore]
    public var confusions: [(expected: String, predicted: String, count: Int)]
    public var misclassified: [(text: String, expected: String, predicted: String)]

    public init(nlu: NLU, samples: [LabelledText]) {
        var correct = 0
        var predictedCount: [String: Int] = [:]
        var truePositive: [String: Int] = [:]
        var support: [String: Int] = [:]
        var confusion: [String: Int] = [:]
        var misclassified: [(String, String, String)] = []
        for sample in samples {
            let predicted = nlu.understand(sample.text).intent.rawValue
            support[sample.intent, default: 0] += 1
            predictedCount[predicted, default: 0] += 1
            if predicted == sample.intent {
                correct += 1
                truePositive[predicted, default: 0] += 1
            } else {
                confusion[sample.intent + "\u{1}" + predicted, default: 0] += 1
                misclassified.append((sample.text, sample.intent, predicted))
            }
        }
        accuracy = samples.isEmpty ? 0 : Double(correct) / Double(samples.count)
        scores = Set(support.keys).union(predictedCount.keys).sorted().map { intent in
            IntentScore(
                intent: intent, support: support[intent] ?? 0,
                precision: predictedCount[intent].map { Double(truePositive[intent] ?? 0) / Double($0) } ?? 0,
                recall: support[intent].map { Double(truePositive[intent] ?? 0) / Double($0) } ?? 0
            )
        }
        confusions = confusion.map { key, count in
            let parts = key.split(separator: "\u{1}").map(String.init)
            return (parts[0], parts[1], count)
        }.sorted { ($0.count, $1.expected) > ($1.count, $0.expected) }
        self.misclassified = misclassified
    }

    /// The report `kefu nlu eval` prints.
    public func report(confusionsShown: Int = 10) -> String {
        func pct(_ value: Double) -> String {
            let scaled = Int((value * 1000).rounded())
            return "\(scaled / 10).\(scaled % 10)%"
        }
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        let accuracyText = String(Int((accuracy * 10_000).rounded())).leftPadded(to: 4)
        var lines = ["accuracy: 0.\(accuracyText)".replacingFirstAccuracy(accuracy), "", pad("intent", 22) + pad("support", 9) + pad("precision", 11) + "recall"]
        for score in scores {
            lines.append(pad(score.intent, 22) + pad(String(score.support), 9) + pad(pct(score.precision), 11) + pct(score.recall))
        }
        lines.append("")
        lines.append("most frequent confusions (expected → predicted):")
        if confusions.isEmpty { lines.append("  none") }
        for c in confusions.prefix(confusionsShown) { lines.append("  \(c.expected) → \(c.predicted): \(c.count)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }

    /// 1.0 prints as "accuracy: 1.0000", not "0.10000".
    func replacingFirstAccuracy(_ accuracy: Double) -> String {
        accuracy >= 0.99995 ? "accuracy: 1.0000" : self
    }
}
