import Foundation
import KefuCore
import SQLKit

/// 差评复盘 tasks: opened with the low rating in its transaction, changed on the locked row with the
/// notices and the audit entry of the change, flagged overdue once by whichever node gets there first.
public struct ReviewRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case notFound
    }

    public struct Filter: Sendable {
        public var status: [RatingReview.Status] = []
        /// Only those credited to this agent (an agent's own reviews).
        public var agentId: String?
        /// Open past their deadline at this instant.
        public var overdueAt: Date?
        public var limit = 200

        public init() {}
    }

    /// How many tasks each tab holds, for the queue's header.
    public struct Counts: Sendable, Equatable {
        public var byStatus: [RatingReview.Status: Int] = [:]
        public var overdue = 0

        public init() {}
    }

    public func review(id: String) async throws -> RatingReview? {
        try await database.read { db in try await Self.review(id, db) }
    }

    /// The queue: open ones by deadline first (the most urgent on top), then the rest newest first.
    public func list(_ filter: Filter) async throws -> [RatingReview] {
        try await database.read { db in
            let select = db.select().columns("*").from("rating_reviews")
            if !filter.status.isEmpty { select.where("status", .in, filter.status.map(\.rawValue)) }
            if let agent = filter.agentId { select.where("agent_id", .equal, agent) }
            if let at = filter.overdueAt { select.where("status", .equal, RatingReview.Status.open.rawValue).where("due_at", .lessThan, at) }
            return try await select.orderBy(SQLRaw("CASE WHEN status = 'open' THEN 0 ELSE 1 END"))
                .orderBy(SQLRaw("CASE WHEN status = 'open' THEN due_at END")).orderBy("opened_at", .descending)
                .limit(filter.limit).all().map(Self.review)
        }
    }

    public func counts(agentId: String?, now: Date) async throws -> Counts {
        try await database.read { db in
            let agentFilter = agentId.map { SQLQueryString(" WHERE agent_id = \(bind: $0)") } ?? ""
            let rows = try await db.raw(SQLQueryString("""
                SELECT status, COUNT(*) AS n, SUM(CASE WHEN status = 'open' AND due_at < 
                """) + "\(bind: now) THEN 1 ELSE 0 END) AS overdue FROM rating_reviews" + agentFilter + " GROUP BY status").all()
            var counts = Counts()
            for row in rows {
                counts.byStatus[try decodeEnum(RatingReview.Status.self, try row.text("status"), column: "status")] = try row.int("n")
                counts.overdue += try row.int("overdue")
            }
            return counts
        }
    }

    /// Applies `action` to the locked row after `check` approves the review as it is now (who may act on it).
    public func apply(
        _ action: ReviewAction, reviewId: String, actorId: String, now: Date, audit: AuditEntry,
        check: @escaping @Sendable (RatingReview) throws -> Void
    ) async throws -> RatingReview {
        try await database.transaction { db in
            guard var review = try await Self.review(reviewId, db, forUpdate: true) else { throw Failure.notFound }
            try check(review)
            try action.apply(to: &review, by: actorId, at: now)
            try await Rows.update(db, "rating_reviews", id: review.id, set: Self.values(review).filter { $0.0 != "id" })
            try await TicketRepository.notify(ReviewNotices.after(action, on: review), now: now, db)
            try await AuditRepository.append(audit, in: db)
            return review
        }
    }

    /// Flags every open task past its deadline, each once: claimed under a lock other nodes skip, the
    /// team leads told and the flag audited in the same transaction.
    public func flagOverdue(now: Date, limit: Int = 100) async throws -> [RatingReview] {
        try await database.transaction { db in
            let due = try await db.select().columns("*").from("rating_reviews")
                .where("status", .equal, RatingReview.Status.open.rawValue).where("due_at", .lessThan, now)
                .where("overdue_at", .is, SQLLiteral.null).orderBy("due_at").limit(limit).lockingClause(SkipLocked()).all()
                .map(Self.review)
            guard !due.isEmpty else { return [] }
            let leads = try await TicketRepository.teamLeads(db)
            var flagged: [RatingReview] = []
            for var review in due {
                review.overdueAt = now
                try await db.update("rating_reviews").set("overdue_at", to: now).where("id", .equal, review.id).run()
                try await TicketRepository.notify([ReviewNotices.overdue(review)], teamLeads: leads, now: now, db)
                try await AuditRepository.append(AuditEntry(
                    id: Rows.newID("aud"), at: now, actorKind: "system", actorId: "scheduler", action: "review.overdue", targetType: "review", targetId: review.id,
                    detail: "due \(ISO8601DateFormatter().string(from: review.dueAt))"
                ), in: db)
                flagged.append(review)
            }
            return flagged
        }
    }

    // MARK: Rows

    /// Opens the review a survey answer calls for, in the answer's transaction; the opening is audited
    /// as the system's, since nobody chose to open it.
    static func open(for response: SurveyResponse, _ db: any SQLDatabase) async throws {
        guard let review = ReviewRules.review(for: response, id: Rows.newID("rvw")) else { return }
        let pairs = values(review)
        try await Rows.insert(db, into: "rating_reviews", columns: pairs.map(\.0), rows: [pairs.map(\.1)])
        try await AuditRepository.append(AuditEntry(
            id: Rows.newID("aud"), at: response.answeredAt, actorKind: "system", actorId: "survey", action: "review.open", targetType: "review", targetId: review.id,
            detail: "\(response.contactKind.rawValue) \(response.contactId) csat \(review.csat)"
        ), in: db)
    }

    static func values(_ r: RatingReview) -> [(String, any Encodable & Sendable)] {
        [
            ("id", r.id), ("survey_id", r.surveyId), ("contact_kind", r.contactKind.rawValue), ("contact_id", r.contactId),
            ("owner_id", r.ownerId), ("agent_id", r.agentId), ("skill", r.skill.rawValue), ("csat", r.csat),
            ("reason", r.reason?.rawValue), ("comment", r.comment), ("opened_at", r.openedAt), ("due_at", r.dueAt),
            ("status", r.status.rawValue), ("overdue_at", r.overdueAt),
            ("cause", r.finding?.cause.rawValue), ("action", r.finding?.action), ("called_back", r.finding?.calledBack),
            ("concluded_by", r.finding?.by), ("concluded_at", r.finding?.at),
            ("appeal_text", r.appeal?.text), ("appealed_at", r.appeal?.at),
            ("upheld", r.decision?.upheld), ("decision_note", r.decision?.note), ("decided_by", r.decision?.by), ("decided_at", r.decision?.at),
        ]
    }

    static func review(_ id: String, _ db: any SQLDatabase, forUpdate: Bool = false) async throws -> RatingReview? {
        let select = db.select().columns("*").from("rating_reviews").where("id", .equal, id)
        if forUpdate { select.lockingClause(SQLLockingClause.update) }
        return try await select.first().map(review)
    }

    static func review(_ row: any SQLRow) throws -> RatingReview {
        var finding: RatingReview.Finding?
        if let cause = try row.optionalText("cause") {
            finding = RatingReview.Finding(
                cause: try decodeEnum(RatingReview.Cause.self, cause, column: "cause"), action: try row.text("action"),
                calledBack: try row.bool("called_back"), by: try row.text("concluded_by"), at: try row.date("concluded_at")
            )
        }
        var appeal: RatingReview.Appeal?
        if let text = try row.optionalText("appeal_text") {
            appeal = RatingReview.Appeal(text: text, at: try row.date("appealed_at"))
        }
        var decision: RatingReview.Decision?
        if let upheld = try row.decode(column: "upheld", as: Bool?.self) {
            decision = RatingReview.Decision(
                upheld: upheld, note: try row.text("decision_note"), by: try row.text("decided_by"), at: try row.date("decided_at")
            )
        }
        return RatingReview(
            id: try row.text("id"), surveyId: try row.text("survey_id"),
            contactKind: try decodeEnum(ContactKind.self, try row.text("contact_kind"), column: "contact_kind"),
            contactId: try row.text("contact_id"), ownerId: try row.text("owner_id"), agentId: try row.optionalText("agent_id"),
            skill: try decodeEnum(SkillGroup.self, try row.text("skill"), column: "skill"), csat: try row.int("csat"),
            reason: try row.optionalText("reason").map { try decodeEnum(RatingReason.self, $0, column: "reason") },
            comment: try row.optionalText("comment"), openedAt: try row.date("opened_at"), dueAt: try row.date("due_at"),
            status: try decodeEnum(RatingReview.Status.self, try row.text("status"), column: "status"),
            overdueAt: try row.decode(column: "overdue_at", as: Date?.self), finding: finding, appeal: appeal, decision: decision
        )
    }
}

extension ReviewRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError { .notFound("差评复盘") }
}
