import Foundation

/// What the QA score of a chat is judged on: the part of the chat its last agent handled, from the
/// moment they took it to its close. The store gathers it; `QAScorer` judges it without I/O.
public struct QAChatFacts: Sendable, Equatable {
    /// One message the customer saw, as the score tells speakers apart.
    public struct Line: Sendable, Equatable {
        public enum Speaker: Sendable, Equatable {
            case customer
            /// The scored agent, in their own words (quick replies and library answers included).
            case agent
            /// The system speaking for the scored agent: the greeting on assignment, the closing phrase.
            case onBehalf
            /// The bot, the system for nobody in particular, another agent.
            case other
        }

        public var speaker: Speaker
        public var text: String
        public var at: Date

        public init(speaker: Speaker, text: String, at: Date) {
            self.speaker = speaker
            self.text = text
            self.at = at
        }
    }

    public var conversationId: String
    public var agentId: String
    public var agentNo: String
    public var skill: SkillGroup
    /// When the scored agent took the chat (the last assignment).
    public var assignedAt: Date
    /// When the agent ended it; nil when the customer left or the system closed it.
    public var resolvedAt: Date?
    public var closedAt: Date
    public var handoverReason: HandoverReason?
    /// What the customer saw from `assignedAt` on, in order.
    public var lines: [Line]
    /// Forbidden words the agent tried to send in this chat (each attempt was stopped).
    public var forbiddenAttempts: [String]
    /// Numbers of the tickets opened from the chat.
    public var tickets: [String]
    /// Summaries of business done for the customer while the agent had the chat.
    public var businessOrders: [String]

    public init(
        conversationId: String, agentId: String, agentNo: String, skill: SkillGroup, assignedAt: Date, resolvedAt: Date?,
        closedAt: Date, handoverReason: HandoverReason?, lines: [Line], forbiddenAttempts: [String], tickets: [String],
        businessOrders: [String]
    ) {
        self.conversationId = conversationId
        self.agentId = agentId
        self.agentNo = agentNo
        self.skill = skill
        self.assignedAt = assignedAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.handoverReason = handoverReason
        self.lines = lines
        self.forbiddenAttempts = forbiddenAttempts
        self.tickets = tickets
        self.businessOrders = businessOrders
    }
}

/// A chat's QA score: each check's points and reason, the automatic total, and QA's adjustment if any.
public struct QAScore: Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case passed
        case failed
        /// Nothing to judge (the customer was never angry, left before the agent could write): the
        /// check's points leave the total rather than count for or against the agent.
        case notApplicable = "not_applicable"
    }

    public struct Item: Codable, Hashable, Sendable {
        public var check: QACheck
        public var points: Int
        public var earned: Int
        public var outcome: Outcome
        public var reason: String

        public init(check: QACheck, points: Int, earned: Int, outcome: Outcome, reason: String) {
            self.check = check
            self.points = points
            self.earned = earned
            self.outcome = outcome
            self.reason = reason
        }
    }

    public struct Adjustment: Sendable, Equatable {
        public var score: Int
        public var note: String
        public var by: String
        public var at: Date

        public init(score: Int, note: String, by: String, at: Date) {
            self.score = score
            self.note = note
            self.by = by
            self.at = at
        }
    }

    public var conversationId: String
    public var agentId: String
    public var skill: SkillGroup
    public var closedAt: Date
    public var rulesVersion: Int
    public var items: [Item]
    /// Out of 100: the points earned over the points of the checks that applied.
    public var automatic: Int
    public var adjustment: Adjustment?
    public var scoredAt: Date

    public init(
        conversationId: String, agentId: String, skill: SkillGroup, closedAt: Date, rulesVersion: Int, items: [Item],
        automatic: Int, adjustment: Adjustment?, scoredAt: Date
    ) {
        self.conversationId = conversationId
        self.agentId = agentId
        self.skill = skill
        self.closedAt = closedAt
        self.rulesVersion = rulesVersion
        self.items = items
        self.automatic = automatic
        self.adjustment = adjustment
        self.scoredAt = scoredAt
    }

    /// The score that counts: QA's when they adjusted it.
    public var final: Int { adjustment?.score ?? automatic }

    /// The checks that applied, and those passed, one bit each (`QACheck.bit`).
    public var appliedMask: Int { mask { $0.outcome != .notApplicable } }
    public var passedMask: Int { mask { $0.outcome == .passed } }

    private func mask(_ counted: (Item) -> Bool) -> Int {
        items.filter(counted).reduce(0) { $0 | 1 << $1.check.bit }
    }

    /// QA's adjustment: a score of 0–100 and a note saying why, never silently.
    public mutating func adjust(to score: Int, note: String, by actor: String, at now: Date) throws {
        var problems: [String] = []
        if !(0...100).contains(score) { problems.append("score：分数为 0–100") }
        if !Validation.isCleanText(note, max: 500) { problems.append("note：调整须写明原因（1–500 字）") }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        adjustment = Adjustment(score: score, note: note.trimmingWhitespace(), by: actor, at: now)
    }
}

/// Judges a chat by one version of the rules. Pure: the same facts and rules give the same score.
public enum QAScorer {
    public static func score(_ facts: QAChatFacts, rules: QARules, articles: [SolutionArticle], at now: Date) -> QAScore {
        let items = rules.items.map { item in
            let (outcome, reason) = judge(item.check, facts, rules, articles)
            let earned = outcome == .passed ? item.points : 0
            return QAScore.Item(check: item.check, points: item.points, earned: earned, outcome: outcome, reason: reason)
        }
        let counted = items.filter { $0.outcome != .notApplicable }
        let possible = counted.map(\.points).reduce(0, +)
        let earned = counted.map(\.earned).reduce(0, +)
        let automatic = possible == 0 ? 100 : Int((Double(earned) * 100 / Double(possible)).rounded())
        return QAScore(
            conversationId: facts.conversationId, agentId: facts.agentId, skill: facts.skill, closedAt: facts.closedAt,
            rulesVersion: rules.version, items: items, automatic: automatic, adjustment: nil, scoredAt: now
        )
    }

    static func judge(_ check: QACheck, _ f: QAChatFacts, _ rules: QARules, _ articles: [SolutionArticle]) -> (QAScore.Outcome, String) {
        let ours = f.lines.filter { $0.speaker == .agent || $0.speaker == .onBehalf }
        let own = f.lines.filter { $0.speaker == .agent }
        switch check {
        case .greeting:
            if let line = ours.first(where: { $0.text.contains(f.agentNo) && rules.greetingWords.contains(where: $0.text.contains) }) {
                return (.passed, "问候：“\(excerpt(line.text))”")
            }
            return (.failed, "未见含工号 \(f.agentNo) 的问候语")
        case .closing:
            guard f.resolvedAt != nil else { return (.notApplicable, "会话未由客服结束（客户离开或系统关闭）") }
            if let line = ours.last(where: { line in rules.closingPhrases.contains(where: line.text.contains) }) {
                return (.passed, "结束语：“\(excerpt(line.text))”")
            }
            return (.failed, "结束会话时未使用结束语")
        case .noForbiddenWord:
            guard !f.forbiddenAttempts.isEmpty else { return (.passed, "未尝试发送禁用词") }
            let words = Set(f.forbiddenAttempts).sorted().map { "“\($0)”" }.joined(separator: "、")
            return (.failed, "尝试发送禁用词\(words)共 \(f.forbiddenAttempts.count) 次（已拦截）")
        case .firstResponse:
            let limit = TimeInterval(rules.firstResponseSeconds)
            guard let first = own.first else {
                let stayed = (f.resolvedAt ?? f.closedAt).timeIntervalSince(f.assignedAt)
                return stayed <= limit
                    ? (.notApplicable, "客户在 \(Int(stayed)) 秒内离开，客服来不及回复")
                    : (.failed, "客服接入后未发送任何消息")
            }
            let took = first.at.timeIntervalSince(f.assignedAt)
            return took <= limit
                ? (.passed, "接入后 \(Int(took)) 秒首次回复")
                : (.failed, "接入后 \(Int(took)) 秒才首次回复（标准 \(rules.firstResponseSeconds) 秒）")
        case .noSilence:
            let longest = longestWait(f)
            guard let longest else { return (.passed, "客户没有等待回复的时候") }
            return longest <= TimeInterval(rules.silenceSeconds)
                ? (.passed, "客户最长等待 \(Int(longest)) 秒")
                : (.failed, "客户等待回复最长 \(Int(longest)) 秒（标准 \(rules.silenceSeconds) 秒）")
        case .soothing:
            let angryLine = f.lines.first { $0.speaker == .customer && BotPolicy.isAngry($0.text) }
            guard f.handoverReason == .upset || angryLine != nil else { return (.notApplicable, "客户未出现激动情绪") }
            let since = f.handoverReason == .upset ? f.assignedAt : angryLine!.at
            if let line = own.first(where: { line in line.at >= since && rules.soothingPhrases.contains(where: line.text.contains) }) {
                return (.passed, "安抚：“\(excerpt(line.text))”")
            }
            return (.failed, f.handoverReason == .upset ? "客户因情绪激动转人工，客服未安抚" : "客户说“\(excerpt(angryLine!.text))”后客服未安抚")
        case .solution:
            if let number = f.tickets.first { return (.passed, "为客户开立工单 \(number)") }
            if let order = f.businessOrders.first { return (.passed, "为客户办理业务：\(excerpt(order))") }
            if let article = articles.first(where: { article in own.contains { squeezed($0.text).contains(squeezed(article.answer)) } }) {
                return (.passed, "发送知识库答案“\(article.title)”")
            }
            return (.failed, "未见知识库答案、业务办理或工单")
        }
    }

    /// The longest the customer waited for an answer: from their first message after our last word to
    /// our next one (a word the system says for the agent, such as the closing phrase, answers too),
    /// or to the end of the chat when nothing answered.
    static func longestWait(_ f: QAChatFacts) -> TimeInterval? {
        var waitingSince: Date?
        var longest: TimeInterval?
        for line in f.lines {
            switch line.speaker {
            case .customer:
                if waitingSince == nil { waitingSince = line.at }
            case .agent, .onBehalf:
                if let since = waitingSince { longest = max(longest ?? 0, line.at.timeIntervalSince(since)) }
                waitingSince = nil
            case .other:
                break
            }
        }
        if let since = waitingSince { longest = max(longest ?? 0, (f.resolvedAt ?? f.closedAt).timeIntervalSince(since)) }
        return longest
    }

    private static func excerpt(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return line.count > 30 ? String(line.prefix(30)) + "…" : line
    }

    /// Text with its white space gone, so an answer the agent sent with its lines rewrapped still matches.
    private static func squeezed(_ text: String) -> String {
        String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }
}
