import Foundation
import KefuCore
import Testing

@testable import KefuNLU

@Suite struct NLUTests {
    static let nlu = NLU(training: try! NLU.bundledTraining())
    static let testFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/nlu/test.jsonl")

    @Test func trainingDataHasFortyPhrasesForEachOfTheTwentyFiveIntents() throws {
        let training = try NLU.bundledTraining()
        let byIntent = Dictionary(grouping: training, by: \.intent)
        #expect(byIntent.count == 25)
        #expect(byIntent.values.allSatisfy { $0.count >= 40 })
    }

    @Test func heldOutSetIsSeparateAndAccurate() throws {
        let test = try LabelledText.parseJSONL(try String(contentsOf: Self.testFile, encoding: .utf8))
        let training = Set(try NLU.bundledTraining().map(\.text))
        #expect(test.count >= 250)
        #expect(test.allSatisfy { !training.contains($0.text) }, "the test file never overlaps the training phrases")
        let evaluation = Evaluation(nlu: Self.nlu, samples: test)
        #expect(evaluation.accuracy >= 0.92, "\(evaluation.report())")
    }

    /// The project's phrases and its test file speak only the intents of shared/intents.md, each of them.
    @Test func everyLabelIsAnIntent() throws {
        let labels = Set(try NLU.bundledTraining().map(\.intent))
        #expect(labels == Set(Intent.allCases.map(\.rawValue)))
    }

    @Test func normalisesWidthCaseAndVariants() {
        #expect(TextNormalizer.normalize("ＷＩＦＩ連不上，留量") == "wifi連不上,流量")
        #expect(TextNormalizer.normalize("  話費   多少 ") == "话费 多少")
    }

    @Test func classifiesTyposAndAbbreviations() {
        #expect(Self.nlu.understand("我的留量还剩多少").intent == .dataUsage)
        #expect(Self.nlu.understand("zrg").intent == .humanAgent)
        #expect(Self.nlu.understand("光猫亮红灯了上不了网!!!").intent == .broadbandFault)
    }

    @Test func keywordsAndEntities() {
        let understanding = Self.nlu.understand("我上个月话费被多扣了50元，号码13800138000，身份证11010519491231002X")
        #expect(understanding.keywords.contains("话费"))
        let kinds = Dictionary(grouping: understanding.entities, by: \.kind)
        #expect(kinds[.phone]?.first?.value == "13800138000")
        #expect(kinds[.amount]?.first?.normalized == "5000")
        #expect(kinds[.month]?.first?.normalized == "-1")
        // ID-like numbers are never kept whole.
        #expect(kinds[.idNumber]?.first?.value == "**************002X")
        #expect(!understanding.entities.contains { $0.value.contains("110105") })
        #expect(NLU.entities("帮我查3月份账单").contains { $0.kind == .month && $0.normalized == "3" })
    }

    @Test func confidenceAndAlternativesAreProbabilities() {
        let understanding = Self.nlu.understand("查一下话费")
        #expect(understanding.confidence > 0.5 && understanding.confidence <= 1)
        #expect(understanding.alternatives.count == 3)
        #expect(understanding.alternatives.allSatisfy { $0.confidence <= understanding.confidence })
    }

    @Test func oddInputDoesNotCrash() {
        #expect(Self.nlu.understand("😀😀😀").confidence >= 0)
        #expect(Self.nlu.understand("").intent == .outOfScope)
        _ = Self.nlu.understand(String(repeating: "流量", count: 5000))
    }

    @Test func malformedLinesAreNamed() {
        #expect(throws: NLUDataError.self) { try LabelledText.parseJSONL("{\"text\":\"a\",\"intent\":\"greeting\"}\nnot json") }
        do {
            _ = try LabelledText.parseJSONL("{\"text\":\"a\",\"intent\":\"x\"}\n", knownIntents: ["greeting"])
            Issue.record("accepted an unknown intent")
        } catch let error as NLUDataError {
            #expect(error.line == 1 && error.reason.contains("unknown intent"))
        } catch {
            Issue.record("\(error)")
        }
    }
}
