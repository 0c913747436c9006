import Foundation
import Logging
import SQLKit

/// A numbered schema change. Applied in order, once, each in its own transaction.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: @Sendable (ColumnTypes) -> [String]
}

/// Column types spelled for the dialect at hand.
struct ColumnTypes: Sendable {
    /// Integers, money in fen and counters: 64 bits on both.
    let int: String
    /// An instant. SQLite stores `Date` as seconds in a float; PostgreSQL as timestamptz.
    let timestamp: String
    let bool = "BOOLEAN"
    /// Bytes: attachments live in the database, so every node sees them.
    let blob: String
    let text = "TEXT"
    /// An expression giving 128 random bits as text, for ids that must not be guessed.
    let randomHex: String

    init(_ dialect: Database.Dialect) {
        switch dialect {
        case .sqlite:
            int = "INTEGER"
            timestamp = "REAL"
            blob = "BLOB"
            randomHex = "lower(hex(randomblob(16)))"
        case .postgres:
            int = "BIGINT"
            timestamp = "TIMESTAMPTZ"
            blob = "BYTEA"
            randomHex = "replace(gen_random_uuid()::text, '-', '')"
        }
        self.dialect = dialect
    }

    private let dialect: Database.Dialect

    /// An instant `seconds` after the one in `column`.
    func plusSeconds(_ column: String, _ seconds: Int) -> String { SQLDialectTimes(dialect).plus(column, seconds: seconds) }
}

extension Database {
    /// Applies every migration not yet applied; returns the versions it applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await migrate(through: .max)
    }

    /// Applies migrations up to `last` only: tests use it to load data in an older schema and then upgrade it.
    @discardableResult
    func migrate(through last: Int) async throws -> [Int] {
        try await transaction { db in
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            ).run()
        }
        var applied: [Int] = []
        let types = ColumnTypes(dialect)
        for migration in Migrations.all where migration.version <= last {
            let done = try await transaction { db in
                // Several nodes may start at once: the row insert is the lock that decides who applies it.
                let existing = try await db.select().column("version").from("schema_migrations")
                    .where("version", .equal, migration.version).first()
                if existing != nil { return false }
                try await db.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(ISO8601DateFormatter().string(from: Date())))
                    .run()
                for statement in migration.statements(types) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                return true
            }
            if done {
                applied.append(migration.version)
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
        return applied
    }
}
