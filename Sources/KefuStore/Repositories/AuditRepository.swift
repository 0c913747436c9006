import Foundation
import KefuCore
import SQLKit

/// The audit log: append-only, read by QA and admins.
public struct AuditRepository: Sendable {
    let database: Database

    public struct Query: Sendable {
        public var actorID: String?
        public var action: String?
        public var targetID: String?
        public var since: Date?
        public var until: Date?
        public var limit: Int

        public init(actorID: String? = nil, action: String? = nil, targetID: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 100) {
            self.actorID = actorID
            self.action = action
            self.targetID = targetID
            self.since = since
            self.until = until
            self.limit = limit
        }
    }

    public func append(_ entry: AuditEntry) async throws {
        try await database.transaction { db in try await Self.append(entry, in: db) }
    }

    /// Appends within the caller's transaction, so a change and its audit entry are stored together.
    public static func append(_ entry: AuditEntry, in db: any SQLDatabase) async throws {
        try await Rows.insert(
            db, into: "audit_log",
            columns: ["id", "at", "actor_kind", "actor_id", "action", "target_type", "target_id", "reason", "detail", "client_address"],
            rows: [[entry.id, entry.at, entry.actorKind, entry.actorId, entry.action, entry.targetType, entry.targetId, entry.reason, entry.detail, entry.clientAddress]]
        )
    }

    /// Newest first.
    public func search(_ query: Query) async throws -> [AuditEntry] {
        try await database.read { db in
            let select = db.select().columns("*").from("audit_log")
            if let actor = query.actorID { select.where("actor_id", .equal, actor) }
            if let action = query.action { select.where("action", .equal, action) }
            if let target = query.targetID { select.where("target_id", .equal, target) }
            if let since = query.since { select.where("at", .greaterThanOrEqual, since) }
            if let until = query.until { select.where("at", .lessThan, until) }
            return try await select.orderBy("at", .descending).orderBy("id", .descending).limit(query.limit).all().map { row in
                AuditEntry(
                    id: try row.text("id"), at: try row.date("at"), actorKind: try row.text("actor_kind"),
                    actorId: try row.text("actor_id"), action: try row.text("action"),
                    targetType: try row.text("target_type"), targetId: try row.text("target_id"),
                    reason: try row.optionalText("reason"), detail: try row.optionalText("detail"),
                    clientAddress: try row.optionalText("client_address")
                )
            }
        }
    }
}
