import Foundation
import KefuCore
import SQLKit

/// Webhook subscriptions and their outbox. Deliveries are written in the transaction of the change they
/// announce, so an event is never announced that was not stored, nor stored without its announcement.
public struct WebhookRepository: Sendable {
    let database: Database

    /// One delivery as the dispatcher sends it.
    public struct Pending: Sendable {
        public var id: String
        public var url: String
        public var secret: String
        public var eventType: String
        public var payload: String
        /// Attempts made so far, this one included.
        public var attempt: Int
    }

    public struct Delivery: Codable, Hashable, Sendable {
        public var id: String
        public var subscriptionId: String
        public var eventId: String
        public var eventType: String
        public var status: String
        public var attempts: Int
        public var nextAttemptAt: Date
        public var lastStatusCode: Int?
        public var lastError: String?
        public var deliveredAt: Date?
        public var createdAt: Date
    }

    public struct Outcome: Sendable {
        public var statusCode: Int?
        public var error: String?
        public var duration: Duration

        public init(statusCode: Int?, error: String?, duration: Duration) {
            self.statusCode = statusCode
            self.error = error
            self.duration = duration
        }

        public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
    }

    public func create(_ subscription: WebhookSubscription, createdBy: String, audit: AuditEntry) async throws {
        try await database.transaction { db in
            try await Rows.insert(
                db, into: "webhook_subscriptions", columns: ["id", "url", "secret", "events", "active", "created_by", "created_at"],
                rows: [[subscription.id, subscription.url, subscription.secret ?? "", Rows.json(subscription.events), subscription.active, createdBy, subscription.createdAt]]
            )
            try await AuditRepository.append(audit, in: db)
        }
    }

    /// Without secrets: those are shown once, at creation.
    public func subscriptions() async throws -> [WebhookSubscription] {
        try await database.read { db in
            try await db.select().columns("*").from("webhook_subscriptions").orderBy("created_at").all().map { try Self.subscription($0, withSecret: false) }
        }
    }

    public func deactivate(id: String, audit: AuditEntry) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.select().column("id").from("webhook_subscriptions").where("id", .equal, id).first() != nil else { return false }
            try await db.update("webhook_subscriptions").set("active", to: false).where("id", .equal, id).run()
            try await AuditRepository.append(audit, in: db)
            return true
        }
    }

    public func deliveries(subscriptionId: String, limit: Int = 100) async throws -> [Delivery] {
        try await database.read { db in
            try await db.select().columns("*").from("webhook_deliveries").where("subscription_id", .equal, subscriptionId)
                .orderBy("created_at", .descending).limit(limit).all().map { row in
                    Delivery(
                        id: try row.text("id"), subscriptionId: try row.text("subscription_id"), eventId: try row.text("event_id"),
                        eventType: try row.text("event_type"), status: try row.text("status"), attempts: try row.int("attempts"),
                        nextAttemptAt: try row.date("next_attempt_at"), lastStatusCode: try row.decode(column: "last_status_code", as: Int?.self),
                        lastError: try row.optionalText("last_error"), deliveredAt: try row.decode(column: "delivered_at", as: Date?.self),
                        createdAt: try row.date("created_at")
                    )
                }
        }
    }

    /// Takes deliveries that are due and leases them for `lease`: another node (or this one after a crash)
    /// sends them again only once the lease runs out without a recorded outcome.
    public func claim(now: Date, lease: TimeInterval = 60, limit: Int = 20) async throws -> [Pending] {
        try await database.transaction { db in
            let rows = try await db.select().columns("id", "subscription_id", "event_type", "payload", "attempts").from("webhook_deliveries")
                .where("status", .equal, "pending").where("next_attempt_at", .lessThanOrEqual, now)
                .orderBy("next_attempt_at").limit(limit).lockingClause(SkipLocked()).all()
            var pending: [Pending] = []
            for row in rows {
                let id = try row.text("id")
                let attempt = try row.int("attempts") + 1
                try await db.update("webhook_deliveries").set("attempts", to: attempt).set("next_attempt_at", to: now.addingTimeInterval(lease))
                    .where("id", .equal, id).run()
                guard let sub = try await db.select().columns("url", "secret", "active").from("webhook_subscriptions")
                    .where("id", .equal, try row.text("subscription_id")).first(), try sub.bool("active")
                else {
                    try await db.update("webhook_deliveries").set("status", to: "cancelled").where("id", .equal, id).run()
                    continue
                }
                pending.append(Pending(
                    id: id, url: try sub.text("url"), secret: try sub.text("secret"), eventType: try row.text("event_type"),
                    payload: try row.text("payload"), attempt: attempt
                ))
            }
            return pending
        }
    }

    /// Logs the attempt and settles the delivery: delivered, retried after `retryAfter`, or failed for good.
    public func record(_ delivery: Pending, outcome: Outcome, now: Date, retryAfter: TimeInterval) async throws {
        try await database.transaction { db in
            let ms = outcome.duration.components.seconds * 1000 + outcome.duration.components.attoseconds / 1_000_000_000_000_000
            try await Rows.insert(
                db, into: "webhook_attempts", columns: ["id", "delivery_id", "at", "status_code", "error", "duration_ms"],
                rows: [[Rows.newID("wha"), delivery.id, now, outcome.statusCode, outcome.error, Int(ms)]]
            )
            let update = db.update("webhook_deliveries").set("last_status_code", to: outcome.statusCode).set("last_error", to: outcome.error)
            if outcome.succeeded {
                update.set("status", to: "delivered").set("delivered_at", to: now)
            } else if delivery.attempt >= WebhookEvent.maxAttempts {
                update.set("status", to: "failed")
            } else {
                update.set("next_attempt_at", to: now.addingTimeInterval(retryAfter))
            }
            try await update.where("id", .equal, delivery.id).run()
        }
    }

    /// Writes one delivery per subscriber that wants each event, in the caller's transaction; the
    /// subscriptions are read once for all the events.
    static func enqueue(_ events: [WebhookEvent], _ db: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        let subscriptions = try await db.select().columns("*").from("webhook_subscriptions").where("active", .equal, true).all()
            .map { try subscription($0, withSecret: false) }
        guard !subscriptions.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        var rows: [[any Encodable & Sendable]] = []
        for event in events {
            let subscribers = subscriptions.filter { $0.wants(event.type) }
            guard !subscribers.isEmpty else { continue }
            let payload = String(decoding: try encoder.encode(event), as: UTF8.self)
            rows += subscribers.map { [Rows.newID("whd"), $0.id, event.id, event.type, payload, "pending", 0, event.occurredAt, event.occurredAt] }
        }
        try await Rows.insert(
            db, into: "webhook_deliveries",
            columns: ["id", "subscription_id", "event_id", "event_type", "payload", "status", "attempts", "next_attempt_at", "created_at"],
            rows: rows
        )
    }

    static func subscription(_ row: any SQLRow, withSecret: Bool) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.text("id"), url: try row.text("url"), secret: withSecret ? try row.text("secret") : nil,
            events: Rows.strings(try row.text("events")), active: try row.bool("active"), createdAt: try row.date("created_at")
        )
    }
}
