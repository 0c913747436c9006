import Foundation
import SQLKit

/// A stored session. Only the SHA-256 of the token is kept, so a copy of the database opens no session.
public struct StoredSession: Sendable, Equatable {
    public var tokenHash: String
    public var principalKind: String
    public var principalID: String
    public var createdAt: Date
    public var expiresAt: Date
    /// The session a short-lived one (a socket pass) was issued from: it ends with its parent.
    public var parentTokenHash: String?

    public init(tokenHash: String, principalKind: String, principalID: String, createdAt: Date, expiresAt: Date, parentTokenHash: String? = nil) {
        self.tokenHash = tokenHash
        self.principalKind = principalKind
        self.principalID = principalID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.parentTokenHash = parentTokenHash
    }
}

public struct SessionRepository: Sendable {
    let database: Database

    public func create(_ session: StoredSession) async throws {
        try await database.transaction { db in
            try await db.insert(into: "sessions")
                .columns("token_hash", "principal_kind", "principal_id", "created_at", "expires_at", "parent_token_hash")
                .values(
                    SQLBind(session.tokenHash), SQLBind(session.principalKind), SQLBind(session.principalID),
                    SQLBind(session.createdAt), SQLBind(session.expiresAt), SQLBind(session.parentTokenHash)
                )
                .run()
        }
    }

    /// The session if it exists and has not expired at `now`.
    public func find(tokenHash: String, now: Date) async throws -> StoredSession? {
        try await database.readOne { db in
            guard let row = try await db.select().columns("*").from("sessions")
                .where("token_hash", .equal, tokenHash).where("expires_at", .greaterThan, now).first()
            else { return nil }
            return StoredSession(
                tokenHash: try row.text("token_hash"), principalKind: try row.text("principal_kind"),
                principalID: try row.text("principal_id"), createdAt: try row.date("created_at"),
                expiresAt: try row.date("expires_at"), parentTokenHash: try row.optionalText("parent_token_hash")
            )
        }
    }

    /// Those of `tokenHashes` whose session is live at `now` and whose account still holds: not
    /// expired, not ended, a staff account not disabled, a customer still on record. What a check of
    /// many open sockets at once asks.
    public func live(among tokenHashes: [String], now: Date) async throws -> Set<String> {
        var live: Set<String> = []
        for start in stride(from: 0, to: tokenHashes.count, by: 500) {
            let chunk = Array(tokenHashes[start..<min(start + 500, tokenHashes.count)])
            let rows = try await database.readOne { db in
                try await db.raw("""
                    SELECT s.token_hash FROM sessions s \
                    LEFT JOIN staff_users u ON s.principal_kind = 'staff' AND u.id = s.principal_id \
                    LEFT JOIN customers c ON s.principal_kind = 'customer' AND c.id = s.principal_id \
                    WHERE s.token_hash IN (\(binds: chunk)) AND s.expires_at > \(bind: now) \
                    AND (s.principal_kind <> 'staff' OR (u.id IS NOT NULL AND u.disabled = \(bind: false))) \
                    AND (s.principal_kind <> 'customer' OR c.id IS NOT NULL)
                    """).all()
            }
            for row in rows { live.insert(try row.text("token_hash")) }
        }
        return live
    }

    /// Ends a session and whatever was issued from it.
    public func delete(tokenHash: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "sessions").where("token_hash", .equal, tokenHash).orWhere("parent_token_hash", .equal, tokenHash).run()
        }
    }

    /// Ends every session of one principal: a disabled account is logged out everywhere.
    public func deleteAll(principalID: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "sessions").where("principal_id", .equal, principalID).run()
        }
    }

    public func purgeExpired(now: Date) async throws {
        try await database.transaction { db in
            try await db.delete(from: "sessions").where("expires_at", .lessThanOrEqual, now).run()
        }
    }
}

/// One pending SMS login code per phone number, hashed like a session token.
public struct SmsCodeRepository: Sendable {
    let database: Database

    public struct Pending: Sendable, Equatable {
        public var codeHash: String
        public var attempts: Int
        public var expiresAt: Date
    }

    public func replace(phone: String, codeHash: String, now: Date, expiresAt: Date) async throws {
        try await database.transaction { db in
            try await db.delete(from: "sms_codes").where("phone", .equal, phone).run()
            try await db.insert(into: "sms_codes")
                .columns("phone", "code_hash", "attempts", "created_at", "expires_at")
                .values(SQLBind(phone), SQLBind(codeHash), SQLBind(0), SQLBind(now), SQLBind(expiresAt))
                .run()
        }
    }

    /// Counts an attempt against the code and returns it as it was before the attempt.
    public func recordAttempt(phone: String, now: Date) async throws -> Pending? {
        try await database.transaction { db in
            guard let row = try await db.select().columns("*").from("sms_codes")
                .where("phone", .equal, phone).where("expires_at", .greaterThan, now).first()
            else { return nil }
            let pending = Pending(codeHash: try row.text("code_hash"), attempts: try row.int("attempts"), expiresAt: try row.date("expires_at"))
            try await db.update("sms_codes").set("attempts", to: pending.attempts + 1).where("phone", .equal, phone).run()
            return pending
        }
    }

    public func consume(phone: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "sms_codes").where("phone", .equal, phone).run()
        }
    }
}
