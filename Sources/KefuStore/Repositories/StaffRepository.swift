import Foundation
import KefuCore
import SQLKit

/// Staff accounts and their password hashes.
public struct StaffRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case usernameTaken(String)
        case agentNoTaken(String)
    }

    static let columns = ["id", "username", "display_name", "role", "agent_no", "skills", "password_hash", "disabled", "auto_assign", "created_at"]

    public func create(_ user: StaffUser, passwordHash: String, audit: AuditEntry) async throws {
        try await database.transaction { db in
            if try await db.select().column("id").from("staff_users").where("username", .equal, user.username).first() != nil {
                throw Failure.usernameTaken(user.username)
            }
            if try await db.select().column("id").from("staff_users").where("agent_no", .equal, user.agentNo).first() != nil {
                throw Failure.agentNoTaken(user.agentNo)
            }
            try await Self.insert(db, [(user, passwordHash)])
            try await AuditRepository.append(audit, in: db)
        }
    }

    static func insert(_ db: any SQLDatabase, _ users: [(StaffUser, String)]) async throws {
        try await Rows.insert(
            db, into: "staff_users", columns: columns,
            rows: users.map { user, hash in
                [user.id, user.username, user.displayName, user.role.rawValue, user.agentNo, Rows.json(user.skills), hash, user.disabled, user.autoAssign, user.createdAt]
            }
        )
    }

    /// Wrong passwords locked the account: its owner finds a notice, and the audit log says from where.
    public func recordLockout(of userId: String, notice: String, audit: AuditEntry, now: Date) async throws {
        try await database.transaction { db in
            try await TicketRepository.notify([TicketNotice(audience: [.person(userId)], kind: "account_locked", text: notice)], now: now, db)
            try await AuditRepository.append(audit, in: db)
        }
    }

    /// The user and their password hash, for a login.
    public func credentials(username: String) async throws -> (StaffUser, String)? {
        try await database.read { db in
            guard let row = try await db.select().columns(Self.columns.map { SQLIdentifier($0) }).from("staff_users")
                .where("username", .equal, username).first()
            else { return nil }
            return (try Self.user(row), try row.text("password_hash"))
        }
    }

    public func find(id: String) async throws -> StaffUser? {
        try await database.readOne { db in
            try await db.select().columns(Self.columns.map { SQLIdentifier($0) }).from("staff_users")
                .where("id", .equal, id).first().map(Self.user)
        }
    }

    /// Several people at once by id, for lists that name the agents they mention.
    public func find(ids: Set<String>) async throws -> [String: StaffUser] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            let users = try await db.select().columns(Self.columns.map { SQLIdentifier($0) }).from("staff_users")
                .where("id", .in, Array(ids)).all().map(Self.user)
            return Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    public func list() async throws -> [StaffUser] {
        try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLIdentifier($0) }).from("staff_users")
                .orderBy("username").all().map(Self.user)
        }
    }

    public func count() async throws -> Int {
        try await database.read { db in
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("staff_users").first()?.int("n") ?? 0
        }
    }

    /// Changes what an admin may change after creation: whether routing hands the person chats, and their
    /// skill groups. Nil leaves a value as it is; the updated account, or nil when there is none.
    public func update(id: String, autoAssign: Bool?, skills: [String]?, audit: AuditEntry) async throws -> StaffUser? {
        try await database.transaction { db in
            guard var user = try await db.select().columns("*").from("staff_users").where("id", .equal, id)
                .lockingClause(SQLLockingClause.update).first().map(Self.user)
            else { return nil }
            if let autoAssign { user.autoAssign = autoAssign }
            if let skills { user.skills = skills }
            try await db.update("staff_users").set("auto_assign", to: user.autoAssign).set("skills", to: Rows.json(user.skills))
                .where("id", .equal, id).run()
            try await AuditRepository.append(audit, in: db)
            return user
        }
    }

    public func setDisabled(id: String, _ disabled: Bool, audit: AuditEntry) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.select().column("id").from("staff_users").where("id", .equal, id).first() != nil else { return false }
            try await db.update("staff_users").set("disabled", to: disabled).where("id", .equal, id).run()
            if disabled {
                try await db.delete(from: "sessions").where("principal_kind", .equal, "staff").where("principal_id", .equal, id).run()
            }
            try await AuditRepository.append(audit, in: db)
            return true
        }
    }

    static func user(_ row: any SQLRow) throws -> StaffUser {
        StaffUser(
            id: try row.text("id"), username: try row.text("username"), displayName: try row.text("display_name"),
            role: try decodeEnum(Role.self, try row.text("role"), column: "role"), agentNo: try row.text("agent_no"),
            skills: Rows.strings(try row.text("skills")), disabled: try row.bool("disabled"), autoAssign: try row.bool("auto_assign"),
            createdAt: try row.date("created_at")
        )
    }
}

extension StaffRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .usernameTaken(let username): .conflict("用户名 \(username) 已存在")
        case .agentNoTaken(let agentNo): .conflict("工号 \(agentNo) 已被使用")
        }
    }
}
