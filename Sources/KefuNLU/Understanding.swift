import Foundation
import KefuCore

/// What the bot understands of one message.
public struct Understanding: Codable, Hashable, Sendable {
    public struct Alternative: Codable, Hashable, Sendable {
        public var intent: Intent
        public var confidence: Double
    }

    public struct Entity: Codable, Hashable, Sendable {
        public enum Kind: String, Codable, Sendable { case phone, month, amount, idNumber = "id_number" }
        public var kind: Kind
        /// The value as found; ID-like numbers are masked, never kept whole.
        public var value: String
        /// Normalised: the phone digits, the month as an offset ("-1") or number ("3"), the amount in fen.
        public var normalized: String
    }

    public var intent: Intent
    public var confidence: Double
    public var keywords: [String]
    public var entities: [Entity]
    public var alternatives: [Alternative]
}

/// The NLU: classifier, keywords and entities together.
public struct NLU: Sendable {
    public let classifier: IntentClassifier

    public init(training: [LabelledText]) {
        self.classifier = IntentClassifier(training: training)
    }

    /// The project's own training phrases, shipped with the module.
    public static func bundledTraining() throws -> [LabelledText] {
        guard let url = Bundle.module.url(forResource: "training", withExtension: "jsonl") else {
            throw NLUDataError(line: 0, reason: "training.jsonl is missing from the module's resources")
        }
        return try LabelledText.parseJSONL(String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    public func understand(_ text: String) -> Understanding {
        // The classifier learns whatever labels it is given; only the intents of shared/intents.md come out.
        let ranked = classifier.rank(text).compactMap { reading in Intent(rawValue: reading.intent).map { (intent: $0, confidence: reading.confidence) } }
        let best = ranked.first ?? (.outOfScope, 0)
        return Understanding(
            intent: best.intent, confidence: (best.confidence * 10_000).rounded() / 10_000,
            keywords: keywords(text), entities: Self.entities(text),
            alternatives: ranked.dropFirst().prefix(3).map { .init(intent: $0.intent, confidence: ($0.confidence * 10_000).rounded() / 10_000) }
        )
    }

    /// What the hot topics count of a text: its keywords less the words of small talk, and the problem
    /// it is about when the classifier reads one with confidence.
    public func topicReading(_ text: String) -> (keywords: [String], intent: Intent?) {
        let understanding = understand(text)
        let sure = understanding.confidence >= BotPolicy.lowConfidence && understanding.intent.describesAProblem
        return (understanding.keywords.filter { !HotTopics.notTopics.contains($0) }, sure ? understanding.intent : nil)
    }

    /// Domain words in the message, the rarest in the corpus (most telling) first.
    public func keywords(_ text: String) -> [String] {
        let normalized = TextNormalizer.normalize(text)
        var words: [String] = []
        for (kind, run) in Tokenizer.runs(normalized) {
            switch kind {
            case .han: words += classifier.tokenizer.words(in: run)
            case .ascii:
                if let expansion = Tokenizer.abbreviations[run] { words.append(expansion) }
                if classifier.tokenizer.lexicon.contains(run) { words.append(run) }
            default: break
            }
        }
        var seen = Set<String>()
        let unique = words.filter { seen.insert($0).inserted }
        return unique.sorted { classifier.idf("w:" + $0) > classifier.idf("w:" + $1) }.prefix(5).map { $0 }
    }

    /// Phone numbers, months, amounts and ID-like numbers.
    public static func entities(_ text: String) -> [Understanding.Entity] {
        let normalized = TextNormalizer.normalize(text)
        var found: [Understanding.Entity] = []
        let chars = Array(normalized)
        var index = 0
        while index < chars.count {
            guard chars[index].isASCII, chars[index].isNumber else { index += 1; continue }
            var end = index
            while end < chars.count, chars[end].isASCII, chars[end].isNumber || (chars[end] == "." && end + 1 < chars.count && chars[end + 1].isNumber) { end += 1 }
            if end < chars.count, chars[end] == "x" || chars[end] == "X", end - index == 17 { end += 1 }
            let run = String(chars[index..<end])
            let after = end < chars.count ? chars[end] : " "
            let digitsOnly = run.allSatisfy { $0.isNumber }
            if digitsOnly, run.count == 11, run.hasPrefix("1"), let second = run.dropFirst().first, "3456789".contains(second) {
                found.append(.init(kind: .phone, value: run, normalized: run))
            } else if run.count == 18 || (digitsOnly && run.count == 15) {
                found.append(.init(kind: .idNumber, value: String(repeating: "*", count: run.count - 4) + run.suffix(4).uppercased(), normalized: "masked"))
            } else if after == "元" || after == "块" {
                if let fen = Money.parse(run) { found.append(.init(kind: .amount, value: run + String(after), normalized: String(fen))) }
            } else if after == "月", digitsOnly, let month = Int(run), (1...12).contains(month) {
                found.append(.init(kind: .month, value: run + "月", normalized: String(month)))
            }
            index = end
        }
        for (phrase, offset) in [("上上个月", "-2"), ("上个月", "-1"), ("上月", "-1"), ("这个月", "0"), ("本月", "0"), ("下个月", "1")] {
            if normalized.contains(phrase) {
                found.append(.init(kind: .month, value: phrase, normalized: offset))
                break
            }
        }
        return found
    }
}

enum Money {
    /// Yuan with up to two decimals to fen.
    static func parse(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = parts.first.flatMap({ Int64($0) }), parts.count <= 2 else { return nil }
        var fraction = parts.count == 2 ? String(parts[1].prefix(2)) : ""
        while fraction.count < 2 { fraction += "0" }
        return whole * 100 + (Int64(fraction) ?? 0)
    }
}

/// A line of a labelled file that cannot be used, with its number.
public struct NLUDataError: Error, CustomStringConvertible {
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}

extension LabelledText {
    /// One `{"text":…,"intent":…}` per line; blank lines are skipped; anything else is an error naming its line.
    public static func parseJSONL(_ content: String, knownIntents: Set<String>? = nil) throws -> [LabelledText] {
        var samples: [LabelledText] = []
        for (offset, line) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let sample = try? JSONDecoder().decode(LabelledText.self, from: Data(trimmed.utf8)) else {
                throw NLUDataError(line: offset + 1, reason: "not a JSON object with string fields \"text\" and \"intent\"")
            }
            guard !sample.text.trimmingCharacters(in: .whitespaces).isEmpty else { throw NLUDataError(line: offset + 1, reason: "empty text") }
            if let knownIntents, !knownIntents.contains(sample.intent) {
                throw NLUDataError(line: offset + 1, reason: "unknown intent \"\(sample.intent)\"")
            }
            samples.append(sample)
        }
        return samples
    }
}
