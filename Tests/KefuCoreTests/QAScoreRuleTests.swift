import Foundation
import KefuCore
import Testing

/// The automatic QA score on hand-built chats whose answer is known: each check passing, failing and not
/// applying, the total over the checks that applied, the rules' validation, the version in force, and
/// QA's adjustment.
@Suite struct QAScoreRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    let rules = QARules.standard

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    func line(_ speaker: QAChatFacts.Line.Speaker, _ text: String, _ seconds: Double) -> QAChatFacts.Line {
        .init(speaker: speaker, text: text, at: at(seconds))
    }

    /// A chat done by the book: greeted, answered in 10 s, never left waiting, a library answer, ended.
    func goodChat() -> QAChatFacts {
        QAChatFacts(
            conversationId: "conv-1", agentId: "s-a1", agentNo: "8001", skill: .billing, assignedAt: t0, resolvedAt: at(200),
            closedAt: at(260), handoverReason: .button,
            lines: [
                line(.onBehalf, ChatScripts.greeting(agentNo: "8001"), 0),
                line(.customer, "话费怎么多了", 5),
                line(.agent, "我帮您查一下", 10),
                line(.customer, "好", 40),
                line(.agent, "本月多了一个流量包。\n1. 打开账单", 70),
                line(.onBehalf, ChatScripts.closing(agentNo: "8001"), 200),
            ],
            forbiddenAttempts: [], tickets: [], businessOrders: []
        )
    }

    let article = SolutionArticle(
        id: "art-1", intent: .billQuery, title: "话费明细", answer: "本月多了一个流量包。", steps: ["打开账单"], keywords: [],
        updatedAt: Date(timeIntervalSince1970: 0)
    )

    func item(_ score: QAScore, _ check: QACheck) -> QAScore.Item { score.items.first { $0.check == check }! }

    @Test func aChatByTheBookScoresFullMarks() {
        let score = QAScorer.score(goodChat(), rules: rules, articles: [article], at: at(300))
        #expect(score.automatic == 100 && score.final == 100 && score.rulesVersion == 1)
        #expect(item(score, .greeting).outcome == .passed)
        #expect(item(score, .firstResponse).reason == "接入后 10 秒首次回复")
        #expect(item(score, .noSilence).reason == "客户最长等待 30 秒")
        #expect(item(score, .solution).reason == "发送知识库答案“话费明细”")
        // Never angry: the soothing check leaves the total instead of counting for or against.
        #expect(item(score, .soothing).outcome == .notApplicable && item(score, .soothing).earned == 0)
        #expect(score.items.map(\.check) == QACheck.allCases)
    }

    @Test func eachFailureCostsItsPointsOverWhatApplied() {
        var facts = goodChat()
        // The greeting without the 工号, a late first answer, a 90 s silence, a forbidden word tried, no solution.
        facts.lines = [
            line(.onBehalf, "会话已转接给您", 0),
            line(.customer, "在吗", 5),
            line(.agent, "您好", 45),
            line(.customer, "话费怎么多了", 50),
            line(.agent, "稍等", 140),
            line(.onBehalf, ChatScripts.closing(agentNo: "8001"), 200),
        ]
        facts.forbiddenAttempts = ["滚", "滚"]
        let score = QAScorer.score(facts, rules: rules, articles: [article], at: at(300))
        #expect(item(score, .greeting).outcome == .failed && item(score, .greeting).reason == "未见含工号 8001 的问候语")
        #expect(item(score, .firstResponse).reason == "接入后 45 秒才首次回复（标准 30 秒）")
        #expect(item(score, .noSilence).reason == "客户等待回复最长 90 秒（标准 60 秒）")
        #expect(item(score, .noForbiddenWord).reason == "尝试发送禁用词“滚”共 2 次（已拦截）")
        #expect(item(score, .solution).outcome == .failed)
        // Only the closing phrase (10) earned, over 85 that applied (soothing, 15, did not).
        #expect(score.automatic == Int((10.0 * 100 / 85).rounded()))
    }

    @Test func aTicketOrBusinessDoneIsASolution() {
        var facts = goodChat()
        facts.lines.removeAll { $0.text.hasPrefix("本月") }
        #expect(item(QAScorer.score(facts, rules: rules, articles: [article], at: t0), .solution).outcome == .failed)
        facts.businessOrders = ["套餐变更 A → B"]
        #expect(item(QAScorer.score(facts, rules: rules, articles: [article], at: t0), .solution).reason == "为客户办理业务：套餐变更 A → B")
        facts.tickets = ["GD20261203ABC123"]
        #expect(item(QAScorer.score(facts, rules: rules, articles: [article], at: t0), .solution).reason == "为客户开立工单 GD20261203ABC123")
    }

    @Test func anAngryCustomerNeedsSoothingAfterTheAnger() {
        var facts = goodChat()
        facts.lines.insert(line(.agent, "抱歉久等", 12), at: 3)
        facts.lines.insert(line(.customer, "什么破服务！！！", 50), at: 5)
        var score = QAScorer.score(facts, rules: rules, articles: [article], at: t0)
        // The apology came before the anger: it does not count.
        #expect(item(score, .soothing).outcome == .failed && item(score, .soothing).reason.hasPrefix("客户说“什么破服务！！！”后"))
        facts.lines.insert(line(.agent, ChatScripts.soothing, 55), at: 6)
        score = QAScorer.score(facts, rules: rules, articles: [article], at: t0)
        #expect(item(score, .soothing).outcome == .passed)
        // Handed over upset: soothing from the start counts.
        var upset = goodChat()
        upset.handoverReason = .upset
        #expect(item(QAScorer.score(upset, rules: rules, articles: [], at: t0), .soothing).reason == "客户因情绪激动转人工，客服未安抚")
        upset.lines.insert(line(.agent, "非常理解您的心情，给您带来不便很抱歉", 3), at: 1)
        #expect(item(QAScorer.score(upset, rules: rules, articles: [], at: t0), .soothing).outcome == .passed)
    }

    @Test func aCustomerWhoLeftIsNotTheAgentsFault() {
        var facts = goodChat()
        facts.resolvedAt = nil
        facts.closedAt = at(20)
        facts.lines = [line(.onBehalf, ChatScripts.greeting(agentNo: "8001"), 0), line(.customer, "算了", 5)]
        let score = QAScorer.score(facts, rules: rules, articles: [], at: t0)
        #expect(item(score, .closing).outcome == .notApplicable)
        #expect(item(score, .firstResponse).outcome == .notApplicable && item(score, .firstResponse).reason == "客户在 20 秒内离开，客服来不及回复")
        // Waiting 15 s when the chat closed: under the 60 s.
        #expect(item(score, .noSilence).outcome == .passed)
        // An agent who never wrote in 10 minutes fails the first response and the silence.
        facts.closedAt = at(600)
        let silent = QAScorer.score(facts, rules: rules, articles: [], at: t0)
        #expect(item(silent, .firstResponse).reason == "客服接入后未发送任何消息")
        #expect(item(silent, .noSilence).reason == "客户等待回复最长 595 秒（标准 60 秒）")
    }

    @Test func anotherAgentsWordsAreNotTheScoredAgents() {
        var facts = goodChat()
        facts.lines = facts.lines.map { line in
            var copy = line
            if line.speaker == .agent { copy.speaker = .other }
            return copy
        }
        let score = QAScorer.score(facts, rules: rules, articles: [article], at: t0)
        #expect(item(score, .firstResponse).outcome == .failed && item(score, .solution).outcome == .failed)
    }

    @Test func theRulesVersionDecidesThresholdsAndPoints() throws {
        var strict = rules
        strict.version = 2
        strict.firstResponseSeconds = 5
        strict.items = strict.items.map { .init(check: $0.check, points: $0.check == .firstResponse ? 25 : $0.check == .solution ? 10 : $0.points) }
        #expect(strict.problems().isEmpty)
        let score = QAScorer.score(goodChat(), rules: strict, articles: [article], at: t0)
        #expect(score.rulesVersion == 2 && item(score, .firstResponse).outcome == .failed && item(score, .firstResponse).points == 25)
        #expect(score.automatic == Int((60.0 * 100 / 85).rounded()))
        // In force: the newest published at or before the instant.
        strict.createdAt = at(1000)
        #expect(QARules.inForce(at: at(999), among: [rules, strict])?.version == 1)
        #expect(QARules.inForce(at: at(1000), among: [rules, strict])?.version == 2)
        #expect(QARules.inForce(at: Date(timeIntervalSince1970: -1), among: [rules, strict]) == nil)
    }

    @Test func aDraftIsRefusedWithEveryProblemNamed() {
        var draft = rules
        draft.items.removeLast()
        draft.firstResponseSeconds = 0
        draft.greetingWords = []
        draft.closingPhrases = [String(repeating: "长", count: 21)]
        draft.note = " "
        let problems = draft.problems()
        #expect(problems.contains("items：每个质检项列出一次") && problems.contains("items：各项分值合计须为 100"))
        #expect(problems.contains("firstResponseSeconds：为 5–600 秒") && problems.contains("greetingWords：1–30 条，每条 1–20 字"))
        #expect(problems.contains("closingPhrases：1–30 条，每条 1–20 字") && problems.contains("note：说明为 1–200 字"))
        var negative = rules
        negative.items[0].points = -10
        negative.items[1].points = 30
        #expect(negative.problems() == ["items：分值为 0–100"])
        var twice = rules
        twice.items[1] = .init(check: .greeting, points: twice.items[1].points)
        #expect(twice.problems() == ["items：每个质检项列出一次"])
        #expect(QARules(
            version: 0, items: rules.items, firstResponseSeconds: 30, silenceSeconds: 60, greetingWords: ["  您好 "], closingPhrases: ["再见"],
            soothingPhrases: ["抱歉"], note: " 调整 ", createdBy: "s", createdAt: t0
        ).tidied.greetingWords == ["您好"])
    }

    @Test func anAdjustmentNeedsAScoreInRangeAndANote() throws {
        var score = QAScorer.score(goodChat(), rules: rules, articles: [], at: t0)
        let before = score
        #expect(throws: KefuError.unprocessable(["score：分数为 0–100", "note：调整须写明原因（1–500 字）"])) {
            try score.adjust(to: 101, note: "  ", by: "s-qa", at: t0)
        }
        #expect(score == before)
        try score.adjust(to: 95, note: " 客户原话已答复 ", by: "s-qa", at: at(60))
        #expect(score.final == 95 && score.automatic == before.automatic && score.adjustment?.note == "客户原话已答复")
    }
}
