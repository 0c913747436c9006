import Foundation

/// What a survey rates: a chat or a ticket. Each is one contact and takes one answer.
public enum ContactKind: String, Codable, Sendable, CaseIterable {
    case chat, ticket
}

/// Why a customer gave 3 or less, in the words the operator reports by.
public enum RatingReason: String, Codable, Sendable, CaseIterable {
    case attitude
    case slowResponse = "slow_response"
    case unresolved
    case policy
    case network
    case other

    public var displayName: String {
        switch self {
        case .attitude: "态度"
        case .slowResponse: "响应慢"
        case .unresolved: "问题未解决"
        case .policy: "业务规则不满"
        case .network: "网络质量"
        case .other: "其他"
        }
    }
}

/// What the customer said: the service survey after a person helped them, or the bot's own two
/// buttons for a chat the bot handled alone. The two are kept apart so the bot never lifts or sinks
/// an agent's CSAT.
public enum SurveyAnswer: Sendable, Equatable {
    case service(csat: Int, nps: Int?, reason: RatingReason?, comment: String?)
    case bot(helpful: Bool)

    /// Which of the two surveys it answers, by the name the store, the API and the socket use.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case service, bot
    }

    public var kind: Kind {
        if case .bot = self { .bot } else { .service }
    }
}

/// A finished (or unfinished) contact as a survey needs to know it, read from the chat or the ticket.
public struct RatedContact: Sendable, Equatable {
    public var kind: ContactKind
    public var id: String
    /// The customer or visitor it belongs to.
    public var ownerId: String?
    /// The last agent who handled it, who the rating is credited to.
    public var agentId: String?
    /// A person took part (a chat that was only ever the bot's has none).
    public var hadAgent: Bool
    /// When it ended for the customer: the chat resolved or closed, the ticket resolved or closed. Nil while open.
    public var endedAt: Date?
    public var skill: SkillGroup

    public init(kind: ContactKind, id: String, ownerId: String?, agentId: String?, hadAgent: Bool, endedAt: Date?, skill: SkillGroup) {
        self.kind = kind
        self.id = id
        self.ownerId = ownerId
        self.agentId = agentId
        self.hadAgent = hadAgent
        self.endedAt = endedAt
        self.skill = skill
    }
}

/// One answer as stored: which contact, who is credited, when the contact ended and when it was answered.
public struct SurveyResponse: Sendable, Equatable {
    public var id: String
    public var contactKind: ContactKind
    public var contactId: String
    public var ownerId: String
    public var agentId: String?
    public var skill: SkillGroup
    public var endedAt: Date?
    public var answeredAt: Date
    public var answer: SurveyAnswer

    public init(
        id: String, contactKind: ContactKind, contactId: String, ownerId: String, agentId: String?, skill: SkillGroup,
        endedAt: Date?, answeredAt: Date, answer: SurveyAnswer
    ) {
        self.id = id
        self.contactKind = contactKind
        self.contactId = contactId
        self.ownerId = ownerId
        self.agentId = agentId
        self.skill = skill
        self.endedAt = endedAt
        self.answeredAt = answeredAt
        self.answer = answer
    }
}

/// The survey's rules: the ranges, a reason for a low score, one answer per contact, within 72 hours.
public enum SurveyRules {
    /// How long after a contact ends its survey may still be answered.
    public static let window: TimeInterval = 72 * 3600
    public static let csatRange = 1...5
    public static let npsRange = 0...10
    /// A score this low or lower asks for a reason.
    public static let reasonAt = 3
    public static let commentLimit = 500

    public enum Problem: Error, Equatable, Sendable, KefuErrorConvertible {
        case csatOutOfRange, npsOutOfRange, reasonRequired, reasonNotAsked, commentTooLong
        /// The chat or ticket has not ended yet.
        case notEnded
        /// A service survey for a chat no person took part in, or the bot's buttons for one a person did.
        case wrongSurvey
        case alreadyAnswered
        case tooLate

        public var kefuError: KefuError {
            switch self {
            case .csatOutOfRange: KefuError(.invalid, "invalid_score", "满意度评分为1到5分")
            case .npsOutOfRange: KefuError(.invalid, "invalid_nps", "推荐意愿为0到10分")
            case .reasonRequired: KefuError(.invalid, "reason_required", "评分3分及以下时请选择不满意的原因")
            case .reasonNotAsked: KefuError(.invalid, "reason_not_asked", "评分4分及以上时无需选择不满意的原因")
            case .commentTooLong: KefuError(.invalid, "invalid_text", "评价内容不能超过\(SurveyRules.commentLimit)字")
            case .notEnded: KefuError(.conflict, "not_ended", "服务结束后才能评价")
            case .wrongSurvey: KefuError(.conflict, "wrong_survey", "这次服务不适用该评价方式")
            case .alreadyAnswered: KefuError(.conflict, "already_rated", "您已评价过这次服务，感谢您的反馈")
            case .tooLate: KefuError(.gone, "survey_expired", "评价已超过72小时的有效期")
            }
        }
    }

    /// Whether `answer` may be given for `contact` at `now`, and the answer as it is kept (the comment
    /// trimmed, an empty one dropped). Whether it is the owner's contact is the policy's question, and
    /// whether it was answered before the store's (a unique key, so two at once cannot both land).
    public static func accept(_ answer: SurveyAnswer, for contact: RatedContact, now: Date) -> Result<SurveyAnswer, Problem> {
        switch answer {
        case .service(let csat, let nps, let reason, let comment):
            guard csatRange.contains(csat) else { return .failure(.csatOutOfRange) }
            if let nps, !npsRange.contains(nps) { return .failure(.npsOutOfRange) }
            if csat <= reasonAt, reason == nil { return .failure(.reasonRequired) }
            if csat > reasonAt, reason != nil { return .failure(.reasonNotAsked) }
            let text = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let text, !text.isEmpty, !Validation.isCleanText(text, max: commentLimit) { return .failure(.commentTooLong) }
            guard contact.hadAgent else { return .failure(.wrongSurvey) }
            guard let ended = contact.endedAt else { return .failure(.notEnded) }
            guard now.timeIntervalSince(ended) <= window else { return .failure(.tooLate) }
            return .success(.service(csat: csat, nps: nps, reason: reason, comment: text?.isEmpty == false ? text : nil))
        case .bot:
            // The bot is rated while it is still the one answering: its chats rarely "end", the customer
            // just leaves. Once a person has taken part, the chat's survey is the service one.
            guard contact.kind == .chat, !contact.hadAgent else { return .failure(.wrongSurvey) }
            if let ended = contact.endedAt, now.timeIntervalSince(ended) > window { return .failure(.tooLate) }
            return .success(answer)
        }
    }

    /// Satisfied means 4 or 5.
    public static func isSatisfied(_ csat: Int) -> Bool { csat >= 4 }
}

extension RatedContact {
    /// A chat as its survey sees it: the agent holding it last is credited; it ended when resolved, or
    /// when closed without being resolved (an idle customer, a message left). The closing that follows a
    /// resolution (the answer itself, or the unanswered survey's timeout) does not move the end, so a
    /// contact's end, and the period it counts in, is the same before and after it is rated.
    public init(chat c: Conversation) {
        let ended: Date? = switch c.state {
        case .resolved: c.resolvedAt
        case .closed: c.resolvedAt ?? c.closedAt
        case .bot, .queued, .assigned: nil
        }
        self.init(
            kind: .chat, id: c.id, ownerId: c.ownerId, agentId: c.agentId, hadAgent: c.agentId != nil || c.assignedAt != nil,
            endedAt: ended, skill: c.skill
        )
    }

    /// A ticket as its survey sees it: credited to its assignee, ended when resolved (or closed without that).
    public init(ticket t: Ticket) {
        let ended: Date? = switch t.status {
        case .resolved, .closed: t.resolvedAt ?? t.closedAt
        default: nil
        }
        self.init(kind: .ticket, id: t.id, ownerId: t.customerId, agentId: t.assigneeId, hadAgent: true, endedAt: ended, skill: t.group)
    }
}
