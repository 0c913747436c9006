import Foundation
import KefuCore
import SQLKit

/// Automatic QA scores and the rules they are judged by. A chat an agent handled is scored in the
/// transaction that closes it, by the rules version in force at its close; QA's adjustment and a later
/// re-scoring change the locked row with their audit entry.
public struct QAScoreRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case notFound
        case concurrentPublish
    }

    public struct Filter: Sendable {
        public var agentId: String?
        /// Chats closed in [from, to).
        public var from: Date?
        public var to: Date?
        /// Final score below this.
        public var below: Int?
        public var limit = 200

        public init() {}
    }

    /// Over every score a filter matches (not only the page listed): how many, their mean, how many QA
    /// adjusted, and per check how often it applied and passed.
    public struct Summary: Sendable, Equatable {
        public var count = 0
        public var average: Double?
        public var adjusted = 0
        public var applicable: [QACheck: Int] = [:]
        public var passed: [QACheck: Int] = [:]

        public init() {}
    }

    public func score(conversationId: String) async throws -> QAScore? {
        try await database.read { db in try await Self.score(conversationId, db) }
    }

    /// Lowest first when looking for scores below a mark (the ones to look at), else newest first.
    public func list(_ filter: Filter) async throws -> [QAScore] {
        try await database.read { db in
            let select = Self.filtered(db.select().columns("*").from("qa_scores"), filter)
            if filter.below != nil { select.orderBy(SQLRaw("COALESCE(adjusted_score, automatic)")) }
            return try await select.orderBy("closed_at", .descending).limit(filter.limit).all().map(Self.score)
        }
    }

    public func summary(_ filter: Filter) async throws -> Summary {
        var columns = [
            "COUNT(*) AS n", "CAST(COALESCE(SUM(COALESCE(adjusted_score, automatic)), 0) AS BIGINT) AS total",
            "SUM(CASE WHEN adjusted_score IS NOT NULL THEN 1 ELSE 0 END) AS adjusted",
        ]
        for check in QACheck.allCases {
            let bit = String(1 << check.bit)
            columns.append("SUM(CASE WHEN (applied_mask & \(bit)) <> 0 THEN 1 ELSE 0 END) AS applied_\(check.bit)")
            columns.append("SUM(CASE WHEN (passed_mask & \(bit)) <> 0 THEN 1 ELSE 0 END) AS passed_\(check.bit)")
        }
        let select = columns.joined(separator: ", ")
        return try await database.read { db in
            guard let row = try await Self.filtered(db.select().column(SQLRaw(select)).from("qa_scores"), filter).first() else { return Summary() }
            var summary = Summary()
            summary.count = try row.int("n")
            guard summary.count > 0 else { return summary }
            summary.adjusted = try row.int("adjusted")
            summary.average = Double(try row.int("total")) / Double(summary.count)
            for check in QACheck.allCases {
                summary.applicable[check] = try row.int("applied_\(check.bit)")
                summary.passed[check] = try row.int("passed_\(check.bit)")
            }
            return summary
        }
    }

    /// QA's adjustment on the locked row, after `check` approves the score as it is now.
    public func adjust(
        conversationId: String, to value: Int, note: String, by actor: String, now: Date, audit: AuditEntry,
        check: @escaping @Sendable (QAScore) throws -> Void
    ) async throws -> QAScore {
        try await database.transaction { db in
            guard var score = try await Self.score(conversationId, db, forUpdate: true) else { throw Failure.notFound }
            try check(score)
            try score.adjust(to: value, note: note, by: actor, at: now)
            try await Rows.update(db, "qa_scores", id: conversationId, key: "conversation_id", set: [
                ("adjusted_score", value), ("adjust_note", score.adjustment?.note), ("adjusted_by", actor), ("adjusted_at", now),
            ])
            try await AuditRepository.append(audit, in: db)
            return score
        }
    }

    /// Judges the chat again, by the rules in force when it closed (not the newest), keeping QA's
    /// adjustment, which was a person's view of the chat rather than of the rules.
    public func rescore(
        conversationId: String, now: Date, audit: AuditEntry, check: @escaping @Sendable (QAScore) throws -> Void
    ) async throws -> QAScore {
        try await database.transaction { db in
            guard let old = try await Self.score(conversationId, db, forUpdate: true) else { throw Failure.notFound }
            try check(old)
            guard let conversation = try await ChatRepository.conversation(conversationId, db),
                var fresh = try await Self.judge(conversation, now: now, db)
            else { throw Failure.notFound }
            fresh.adjustment = old.adjustment
            try await Rows.update(db, "qa_scores", id: conversationId, key: "conversation_id", set: try Self.values(fresh).filter { $0.0 != "conversation_id" })
            try await AuditRepository.append(audit, in: db)
            return fresh
        }
    }

    /// Scores every closed chat that has none (closed before scores existed), oldest first, a batch per
    /// transaction; the count scored. A chat that cannot be scored (its agent's account is gone) is
    /// passed over, not retried forever.
    public func scoreMissing(batch: Int = 500, now: Date) async throws -> Int {
        var total = 0
        var after: (Date, String)?
        while true {
            let (scored, last) = try await database.transaction { [after] db in
                let select = db.select().columns("*").from("conversations")
                    .where("state", .equal, ConversationState.closed.rawValue).where("agent_id", .isNot, SQLLiteral.null)
                    .where(SQLRaw("NOT EXISTS (SELECT 1 FROM qa_scores s WHERE s.conversation_id = conversations.id)"))
                if let (at, id) = after {
                    select.where(SQLQueryString("(closed_at > \(bind: at) OR (closed_at = \(bind: at) AND id > \(bind: id)))"))
                }
                let missing = try await select.orderBy("closed_at").orderBy("id").limit(batch).all().map(ChatRepository.conversation)
                var scored = 0
                for conversation in missing where try await Self.scoreClosed(conversation, now: now, db) != nil { scored += 1 }
                return (scored, missing.last.flatMap { c in c.closedAt.map { ($0, c.id) } })
            }
            total += scored
            guard let last else { return total }
            after = last
        }
    }

    // MARK: Rules

    /// Every version, newest first.
    public func rules() async throws -> [QARules] {
        try await database.read { db in try await Self.versions(db) }
    }

    /// Publishes `draft` as the next version, in force from `now`; the audit entry names the version.
    public func publish(_ draft: QARules, by actor: String, now: Date, audit: AuditEntry) async throws -> QARules {
        try await database.transaction { db in
            let latest = try await Self.versions(db).first?.version ?? 0
            var rules = draft
            (rules.version, rules.createdBy, rules.createdAt) = (latest + 1, actor, now)
            // Two admins publishing at once would take one number: the second is told, not failed with a 500.
            let text = try Self.body(rules)
            let inserted = try await db.raw("""
                INSERT INTO qa_rules (version, body, created_by, created_at)
                VALUES (\(bind: rules.version), \(bind: text), \(bind: actor), \(bind: now))
                ON CONFLICT (version) DO NOTHING RETURNING version
                """).first()
            guard inserted != nil else { throw Failure.concurrentPublish }
            var entry = audit
            entry.targetId = String(rules.version)
            try await AuditRepository.append(entry, in: db)
            return rules
        }
    }

    // MARK: Scoring

    /// Scores `conversation`, just closed in the caller's transaction, when an agent had it at the end.
    @discardableResult
    static func scoreClosed(_ conversation: Conversation, now: Date, _ db: any SQLDatabase) async throws -> QAScore? {
        guard let score = try await judge(conversation, now: now, db) else { return nil }
        let pairs = try values(score)
        try await Rows.insert(db, into: "qa_scores", columns: pairs.map(\.0), rows: [pairs.map(\.1)])
        return score
    }

    /// The score of a closed chat as it stands now, under the rules in force at its close; nil for a
    /// chat that ended without an agent (the bot's alone, or given up in the queue).
    static func judge(_ c: Conversation, now: Date, _ db: any SQLDatabase) async throws -> QAScore? {
        guard c.state == .closed, let agentId = c.agentId, let assignedAt = c.assignedAt, let closedAt = c.closedAt,
            let agentNo = try await db.select().column("agent_no").from("staff_users").where("id", .equal, agentId).first()?.text("agent_no")
        else { return nil }
        // A millisecond's slack: `assigned_at` is rewritten with every change of the chat, and an instant read
        // back from SQLite comes rounded to the microsecond, while a message's time is stored as it was taken;
        // the greeting said at the instant of the assignment must not fall just before it.
        let lines = try await db.select().columns("sender", "sender_id", "text", "created_at").from("chat_messages")
            .where("conversation_id", .equal, c.id).where("visibility", .equal, ChatMessage.Visibility.everyone.rawValue)
            .where("created_at", .greaterThanOrEqual, assignedAt.addingTimeInterval(-0.001)).orderBy("seq").all()
            .map { row -> QAChatFacts.Line in
                let sender = try row.text("sender")
                let mine = try row.optionalText("sender_id") == agentId
                let speaker: QAChatFacts.Line.Speaker = switch (sender, mine) {
                case (ChatMessage.Sender.customer.rawValue, _): .customer
                case (ChatMessage.Sender.agent.rawValue, true): .agent
                case (ChatMessage.Sender.system.rawValue, true): .onBehalf
                default: .other
                }
                return .init(speaker: speaker, text: try row.text("text"), at: try row.date("created_at"))
            }
        let attempts = try await db.select().column("word").from("forbidden_hits")
            .where("conversation_id", .equal, c.id).where("agent_id", .equal, agentId).orderBy("at").all().map { try $0.text("word") }
        let tickets = try await db.select().column("number").from("tickets").where("conversation_id", .equal, c.id)
            .orderBy("created_at").all().map { try $0.text("number") }
        var orders: [String] = []
        if let customerId = c.customerId {
            orders = try await db.select().column("summary").from("business_orders").where("customer_id", .equal, customerId)
                .where("created_at", .greaterThanOrEqual, assignedAt).where("created_at", .lessThanOrEqual, closedAt)
                .where("channel", .notEqual, "system").orderBy("created_at").all().map { try $0.text("summary") }
        }
        let articles = try await db.select().columns("*").from("solution_articles").orderBy("id").all().map(KnowledgeRepository.article)
        guard let rules = QARules.inForce(at: closedAt, among: try await versions(db)) else { return nil }
        let facts = QAChatFacts(
            conversationId: c.id, agentId: agentId, agentNo: agentNo, skill: c.skill, assignedAt: assignedAt, resolvedAt: c.resolvedAt,
            closedAt: closedAt, handoverReason: c.handoverReason, lines: lines, forbiddenAttempts: attempts, tickets: tickets,
            businessOrders: orders
        )
        return QAScorer.score(facts, rules: rules, articles: articles, at: now)
    }

    // MARK: Rows

    private static func filtered(_ select: SQLSelectBuilder, _ filter: Filter) -> SQLSelectBuilder {
        if let agent = filter.agentId { select.where("agent_id", .equal, agent) }
        if let from = filter.from { select.where("closed_at", .greaterThanOrEqual, from) }
        if let to = filter.to { select.where("closed_at", .lessThan, to) }
        if let below = filter.below { select.where(SQLRaw("COALESCE(adjusted_score, automatic)"), .lessThan, SQLBind(below)) }
        return select
    }

    /// Every version, newest first; the standard rules are written as version 1 the first time any are
    /// asked for, and from then on are data, as fixed as any later version.
    static func versions(_ db: any SQLDatabase) async throws -> [QARules] {
        let read = { try await db.select().columns("*").from("qa_rules").orderBy("version", .descending).all().map(Self.rules) }
        let found = try await read()
        if !found.isEmpty { return found }
        let standard = QARules.standard
        let text = try body(standard)
        try await db.raw("""
            INSERT INTO qa_rules (version, body, created_by, created_at)
            VALUES (\(bind: standard.version), \(bind: text), \(bind: standard.createdBy), \(bind: standard.createdAt))
            ON CONFLICT (version) DO NOTHING
            """).run()
        return try await read()
    }

    /// What a version says, without what its row's columns hold (its number, author and time).
    private struct Body: Codable {
        var items: [QARules.Item]
        var firstResponseSeconds: Int
        var silenceSeconds: Int
        var greetingWords: [String]
        var closingPhrases: [String]
        var soothingPhrases: [String]
        var note: String
    }

    private static func body(_ r: QARules) throws -> String {
        let body = Body(
            items: r.items, firstResponseSeconds: r.firstResponseSeconds, silenceSeconds: r.silenceSeconds, greetingWords: r.greetingWords,
            closingPhrases: r.closingPhrases, soothingPhrases: r.soothingPhrases, note: r.note
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }

    static func rules(_ row: any SQLRow) throws -> QARules {
        let body = try JSONDecoder().decode(Body.self, from: Data(try row.text("body").utf8))
        return QARules(
            version: try row.int("version"), items: body.items, firstResponseSeconds: body.firstResponseSeconds,
            silenceSeconds: body.silenceSeconds, greetingWords: body.greetingWords, closingPhrases: body.closingPhrases,
            soothingPhrases: body.soothingPhrases, note: body.note, createdBy: try row.text("created_by"), createdAt: try row.date("created_at")
        )
    }

    static func values(_ s: QAScore) throws -> [(String, any Encodable & Sendable)] {
        let items = String(decoding: try JSONEncoder().encode(s.items), as: UTF8.self)
        return [
            ("conversation_id", s.conversationId), ("agent_id", s.agentId), ("skill", s.skill.rawValue), ("closed_at", s.closedAt),
            ("rules_version", s.rulesVersion), ("automatic", s.automatic), ("items", items), ("applied_mask", s.appliedMask),
            ("passed_mask", s.passedMask), ("scored_at", s.scoredAt),
            ("adjusted_score", s.adjustment?.score), ("adjust_note", s.adjustment?.note), ("adjusted_by", s.adjustment?.by),
            ("adjusted_at", s.adjustment?.at),
        ]
    }

    static func items(_ json: String) throws -> [QAScore.Item] {
        try JSONDecoder().decode([QAScore.Item].self, from: Data(json.utf8))
    }

    static func score(_ id: String, _ db: any SQLDatabase, forUpdate: Bool = false) async throws -> QAScore? {
        let select = db.select().columns("*").from("qa_scores").where("conversation_id", .equal, id)
        if forUpdate { select.lockingClause(SQLLockingClause.update) }
        return try await select.first().map(score)
    }

    static func score(_ row: any SQLRow) throws -> QAScore {
        var adjustment: QAScore.Adjustment?
        if let value = try row.decode(column: "adjusted_score", as: Int?.self) {
            adjustment = .init(score: value, note: try row.text("adjust_note"), by: try row.text("adjusted_by"), at: try row.date("adjusted_at"))
        }
        return QAScore(
            conversationId: try row.text("conversation_id"), agentId: try row.text("agent_id"),
            skill: try decodeEnum(SkillGroup.self, try row.text("skill"), column: "skill"), closedAt: try row.date("closed_at"),
            rulesVersion: try row.int("rules_version"), items: try items(try row.text("items")), automatic: try row.int("automatic"),
            adjustment: adjustment, scoredAt: try row.date("scored_at")
        )
    }
}

extension QAScoreRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .notFound: .notFound("质检评分")
        case .concurrentPublish: .conflict("质检规则刚被他人更新，请刷新后再发布")
        }
    }
}
