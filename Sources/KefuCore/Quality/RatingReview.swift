import Foundation

/// 差评复盘: every service rating of 2 or less becomes a task for QA, due 48 hours after the answer.
/// QA records what caused it and what was done; the agent credited may appeal the finding once within
/// 3 days, and a team lead decides. The state machine is here, pure; the store runs it on the locked row.
public struct RatingReview: Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for QA's finding.
        case open
        /// QA recorded a finding; the agent may still appeal it.
        case concluded
        /// The agent appealed; a team lead decides.
        case appealed
        /// The lead decided the appeal. Final.
        case decided

        public var label: String {
            switch self {
            case .open: "待复盘"
            case .concluded: "已复盘"
            case .appealed: "申诉中"
            case .decided: "已裁定"
            }
        }
    }

    /// Where QA found the cause: the operator's four headings, product and network told apart because
    /// different teams take them.
    public enum Cause: String, Codable, Sendable, CaseIterable {
        case agent, process, product, network, customer

        public var label: String {
            switch self {
            case .agent: "坐席服务"
            case .process: "流程制度"
            case .product: "产品资费"
            case .network: "网络质量"
            case .customer: "客户自身"
            }
        }
    }

    public struct Finding: Sendable, Equatable {
        public var cause: Cause
        /// What was done about it.
        public var action: String
        /// Whether the customer was called back (回访).
        public var calledBack: Bool
        public var by: String
        public var at: Date

        public init(cause: Cause, action: String, calledBack: Bool, by: String, at: Date) {
            self.cause = cause
            self.action = action
            self.calledBack = calledBack
            self.by = by
            self.at = at
        }
    }

    public struct Appeal: Sendable, Equatable {
        public var text: String
        public var at: Date

        public init(text: String, at: Date) {
            self.text = text
            self.at = at
        }
    }

    public struct Decision: Sendable, Equatable {
        /// The finding stands (true) or is withdrawn (false).
        public var upheld: Bool
        public var note: String
        public var by: String
        public var at: Date

        public init(upheld: Bool, note: String, by: String, at: Date) {
            self.upheld = upheld
            self.note = note
            self.by = by
            self.at = at
        }
    }

    public var id: String
    public var surveyId: String
    public var contactKind: ContactKind
    public var contactId: String
    /// The customer who rated.
    public var ownerId: String
    /// The agent the rating is credited to, who may appeal.
    public var agentId: String?
    public var skill: SkillGroup
    public var csat: Int
    public var reason: RatingReason?
    public var comment: String?
    public var openedAt: Date
    public var dueAt: Date
    public var status: Status
    /// When the task was flagged overdue and the team leads told (once).
    public var overdueAt: Date?
    public var finding: Finding?
    public var appeal: Appeal?
    public var decision: Decision?

    public init(
        id: String, surveyId: String, contactKind: ContactKind, contactId: String, ownerId: String, agentId: String?, skill: SkillGroup,
        csat: Int, reason: RatingReason?, comment: String?, openedAt: Date, dueAt: Date, status: Status = .open, overdueAt: Date? = nil,
        finding: Finding? = nil, appeal: Appeal? = nil, decision: Decision? = nil
    ) {
        self.id = id
        self.surveyId = surveyId
        self.contactKind = contactKind
        self.contactId = contactId
        self.ownerId = ownerId
        self.agentId = agentId
        self.skill = skill
        self.csat = csat
        self.reason = reason
        self.comment = comment
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.status = status
        self.overdueAt = overdueAt
        self.finding = finding
        self.appeal = appeal
        self.decision = decision
    }

    /// Past its deadline without a finding.
    public func isOverdue(at now: Date) -> Bool { status == .open && now > dueAt }

    /// The finding was recorded after the deadline (or is still missing past it).
    public func missedDeadline(at now: Date) -> Bool {
        if let finding { return finding.at > dueAt }
        return now > dueAt
    }

    /// Until when the agent may appeal; nil before a finding.
    public var appealUntil: Date? { finding.map { $0.at.addingTimeInterval(ReviewRules.appealWindow) } }

    public func mayAppeal(at now: Date) -> Bool {
        guard status == .concluded, let until = appealUntil else { return false }
        return now <= until
    }
}

public enum ReviewRules {
    /// A service rating this low or lower opens a review.
    public static let opensAt = 2
    public static let due: TimeInterval = 48 * 3600
    public static let appealWindow: TimeInterval = 3 * 24 * 3600
    public static let textLimit = 500

    /// The review a survey answer opens, if it is low enough: only service answers, the bot's buttons never.
    public static func review(for response: SurveyResponse, id: String) -> RatingReview? {
        guard case .service(let csat, _, let reason, let comment) = response.answer, csat <= opensAt else { return nil }
        return RatingReview(
            id: id, surveyId: response.id, contactKind: response.contactKind, contactId: response.contactId, ownerId: response.ownerId,
            agentId: response.agentId, skill: response.skill, csat: csat, reason: reason, comment: comment,
            openedAt: response.answeredAt, dueAt: response.answeredAt.addingTimeInterval(due)
        )
    }
}

/// What people do to a review. Who may do which is `ReviewPolicy`'s; whether the review's state allows
/// it, and whether the words are acceptable, is here.
public enum ReviewAction: Sendable, Equatable {
    case conclude(cause: RatingReview.Cause, action: String, calledBack: Bool)
    case appeal(text: String)
    case decide(upheld: Bool, note: String)

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case conclude, appeal, decide
    }

    public var kind: Kind {
        switch self {
        case .conclude: .conclude
        case .appeal: .appeal
        case .decide: .decide
        }
    }

    /// The audit log's name for it.
    public var name: String { "review.\(kind.rawValue)" }

    public enum Refused: Error, Equatable, Sendable, KefuErrorConvertible {
        case textRequired(String)
        case alreadyConcluded
        case notConcluded
        case alreadyAppealed
        case appealExpired
        case notAppealed

        public var kefuError: KefuError {
            switch self {
            case .textRequired(let field): .unprocessable(["\(field)：请填写1–\(ReviewRules.textLimit)字"])
            case .alreadyConcluded: KefuError(.conflict, "already_concluded", "该差评已有复盘结论")
            case .notConcluded: KefuError(.conflict, "not_concluded", "复盘结论记录后才能申诉")
            case .alreadyAppealed: KefuError(.conflict, "already_appealed", "每条复盘结论只能申诉一次")
            case .appealExpired: KefuError(.gone, "appeal_expired", "申诉已超过结论记录后3天的期限")
            case .notAppealed: KefuError(.conflict, "not_appealed", "没有待裁定的申诉")
            }
        }
    }

    /// Changes `review`, or throws without changing it.
    public func apply(to review: inout RatingReview, by actorId: String, at now: Date) throws {
        func text(_ value: String, _ field: String) throws -> String {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Validation.isCleanText(trimmed, max: ReviewRules.textLimit) else { throw Refused.textRequired(field) }
            return trimmed
        }
        switch self {
        case .conclude(let cause, let action, let calledBack):
            let action = try text(action, "action")
            guard review.status == .open else { throw Refused.alreadyConcluded }
            review.finding = RatingReview.Finding(cause: cause, action: action, calledBack: calledBack, by: actorId, at: now)
            review.status = .concluded
        case .appeal(let appeal):
            let appeal = try text(appeal, "text")
            switch review.status {
            case .open: throw Refused.notConcluded
            case .appealed, .decided: throw Refused.alreadyAppealed
            case .concluded: guard review.mayAppeal(at: now) else { throw Refused.appealExpired }
            }
            review.appeal = RatingReview.Appeal(text: appeal, at: now)
            review.status = .appealed
        case .decide(let upheld, let note):
            let note = try text(note, "note")
            guard review.status == .appealed else { throw Refused.notAppealed }
            review.decision = RatingReview.Decision(upheld: upheld, note: note, by: actorId, at: now)
            review.status = .decided
        }
    }
}

/// Who is told what about a review, stored with the change: the agent of the finding and of the
/// decision, the team leads of an appeal and of a task past its deadline.
public enum ReviewNotices {
    public static func after(_ action: ReviewAction, on review: RatingReview) -> [TicketNotice] {
        let subject = "\(review.csat)分差评（\(review.contactKind == .chat ? "在线咨询" : "工单")）"
        switch action {
        case .conclude:
            guard let agent = review.agentId, let finding = review.finding else { return [] }
            return [TicketNotice(
                audience: [.person(agent)], kind: "review_concluded",
                text: "\(subject)复盘结论：\(finding.cause.label)。如有异议可在3天内申诉", reviewId: review.id
            )]
        case .appeal:
            return [TicketNotice(audience: [.teamLeads], kind: "review_appealed", text: "\(subject)的复盘结论被申诉，请裁定", reviewId: review.id)]
        case .decide:
            guard let decision = review.decision else { return [] }
            let people = [review.agentId, review.finding?.by].compactMap { $0 }
            return [TicketNotice(
                audience: people.map { .person($0) }, except: decision.by, kind: "review_decided",
                text: "\(subject)的申诉已裁定：\(decision.upheld ? "维持原结论" : "撤销原结论")", reviewId: review.id
            )]
        }
    }

    public static func overdue(_ review: RatingReview) -> TicketNotice {
        TicketNotice(
            audience: [.teamLeads], kind: "review_overdue",
            text: "\(review.csat)分差评已超过48小时未复盘（\(review.skill.displayName)）", reviewId: review.id
        )
    }
}
