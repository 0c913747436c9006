import Foundation
import KefuCore
import SQLKit

/// Survey answers: one service answer per chat or ticket and one bot answer per chat, kept apart.
public struct SurveyRepository: Sendable {
    let database: Database

    /// A contact whose survey is still open to its customer, with what the page calls it.
    public struct Open: Sendable, Equatable {
        public var contact: RatedContact
        /// The chat's group, or the ticket's number and title.
        public var title: String
    }

    /// Stores the answer unless the contact already has one of its kind; false when it had (the unique
    /// key decides, so two answers sent at once cannot both be kept). A rating low enough opens its
    /// review in the same transaction, so none is ever stored without one.
    public func record(_ r: SurveyResponse) async throws -> Bool {
        try await database.transaction { db in
            var csat: Int?, nps: Int?, reason: String?, comment: String?, helpful: Bool?
            switch r.answer {
            case .service(let c, let n, let why, let text): (csat, nps, reason, comment) = (c, n, why?.rawValue, text)
            case .bot(let wasHelpful): helpful = wasHelpful
            }
            let stored = try await db.raw("""
                INSERT INTO survey_responses (id, contact_kind, contact_id, kind, owner_id, agent_id, skill, ended_at, answered_at, \
                csat, nps, reason, comment, helpful, district) VALUES (\(bind: r.id), \(bind: r.contactKind.rawValue), \(bind: r.contactId), \
                \(bind: r.answer.kind.rawValue), \(bind: r.ownerId), \(bind: r.agentId), \(bind: r.skill.rawValue), \(bind: r.endedAt), \(bind: r.answeredAt), \
                \(bind: csat), \(bind: nps), \(bind: reason), \(bind: comment), \(bind: helpful), \
                (SELECT u.district FROM customers u WHERE u.id = \(bind: r.ownerId))) \
                ON CONFLICT (contact_kind, contact_id, kind) DO NOTHING RETURNING id
                """).first()
            guard stored != nil else { return false }
            try await ReviewRepository.open(for: r, db)
            return true
        }
    }

    /// The contact's service answer (`bot: false`) or bot answer.
    public func response(_ kind: ContactKind, _ contactId: String, bot: Bool = false) async throws -> SurveyResponse? {
        let answerKind: SurveyAnswer.Kind = bot ? .bot : .service
        return try await database.read { db in
            try await db.select().columns("*").from("survey_responses")
                .where("contact_kind", .equal, kind.rawValue).where("contact_id", .equal, contactId)
                .where("kind", .equal, answerKind.rawValue).first().map(Self.response)
        }
    }

    /// Answers given in `[from, to)`, newest first, optionally only those credited to one agent.
    public func responses(from: Date, to: Date, agentId: String? = nil, limit: Int = 200) async throws -> [SurveyResponse] {
        try await database.read { db in
            let select = db.select().columns("*").from("survey_responses")
                .where("answered_at", .greaterThanOrEqual, from).where("answered_at", .lessThan, to)
            if let agentId { select.where("agent_id", .equal, agentId) }
            return try await select.orderBy("answered_at", .descending).limit(limit).all().map(Self.response)
        }
    }

    /// The owner's chats and tickets that ended with a person since `since` and have no service answer
    /// yet, newest first.
    public func open(ownerId: String, since: Date) async throws -> [Open] {
        try await database.read { db in
            let chats = try await db.raw("""
                SELECT * FROM conversations c WHERE (c.customer_id = \(bind: ownerId) OR c.visitor_id = \(bind: ownerId)) \
                AND c.state IN ('resolved', 'closed') AND c.agent_id IS NOT NULL \
                AND COALESCE(c.resolved_at, c.closed_at) >= \(bind: since) \
                AND NOT EXISTS (SELECT 1 FROM survey_responses s WHERE s.contact_kind = 'chat' AND s.contact_id = c.id AND s.kind = 'service')
                """).all().map(ChatRepository.conversation)
            let tickets = try await db.raw("""
                SELECT * FROM tickets t WHERE t.customer_id = \(bind: ownerId) AND t.status IN ('resolved', 'closed') \
                AND COALESCE(t.resolved_at, t.closed_at) >= \(bind: since) \
                AND NOT EXISTS (SELECT 1 FROM survey_responses s WHERE s.contact_kind = 'ticket' AND s.contact_id = t.id AND s.kind = 'service')
                """).all().map(TicketRepository.ticket)
            let open = chats.map { Open(contact: RatedContact(chat: $0), title: "在线咨询 · \($0.skill.displayName)") }
                + tickets.map { Open(contact: RatedContact(ticket: $0), title: "工单 \($0.number) · \($0.title)") }
            return open.sorted { ($0.contact.endedAt ?? .distantPast) > ($1.contact.endedAt ?? .distantPast) }
        }
    }

    static func response(_ row: any SQLRow) throws -> SurveyResponse {
        let answer: SurveyAnswer
        switch try decodeEnum(SurveyAnswer.Kind.self, try row.text("kind"), column: "kind") {
        case .bot:
            answer = .bot(helpful: try row.bool("helpful"))
        case .service:
            answer = .service(
                csat: try row.int("csat"), nps: try row.decode(column: "nps", as: Int?.self),
                reason: try row.optionalText("reason").map { try decodeEnum(RatingReason.self, $0, column: "reason") },
                comment: try row.optionalText("comment")
            )
        }
        return SurveyResponse(
            id: try row.text("id"), contactKind: try decodeEnum(ContactKind.self, try row.text("contact_kind"), column: "contact_kind"),
            contactId: try row.text("contact_id"), ownerId: try row.text("owner_id"), agentId: try row.optionalText("agent_id"),
            skill: try decodeEnum(SkillGroup.self, try row.text("skill"), column: "skill"),
            endedAt: try row.decode(column: "ended_at", as: Date?.self), answeredAt: try row.date("answered_at"), answer: answer
        )
    }
}
