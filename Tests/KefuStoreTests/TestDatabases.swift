import Foundation
@testable import KefuStore
import KefuTestSupport
import Logging
import Testing

/// Fresh databases for tests: SQLite in memory, or a new PostgreSQL database per test
/// on the server named by `KEFU_TEST_POSTGRES_URL`, dropped afterwards.
enum TestDatabases {
    static let postgresURL = ThrowawayPostgres.baseURL
    static let logger = TestLogger.quiet

    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// In memory: one connection. A file: the writer with its reader connections, as the server runs it.
        case sqlite, sqliteFile, postgres
        var testDescription: String { rawValue }
    }

    /// `migratedThrough` stops at that schema version, for tests of a later migration.
    static func with<T: Sendable>(
        _ kind: Kind, migratedThrough last: Int = .max, _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        switch kind {
        case .sqlite:
            return try await Database.withDatabase(.sqliteMemory, logger: logger) { db in
                try await db.migrate(through: last)
                return try await body(db)
            }
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-test-\(UUID().uuidString).sqlite").path
            defer {
                for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            return try await Database.withDatabase(.sqliteFile(path: path), logger: logger) { db in
                try await db.migrate(through: last)
                return try await body(db)
            }
        case .postgres:
            return try await ThrowawayPostgres.withDatabase { url in
                try await Database.withDatabase(.postgres(url: url), logger: logger) { db in
                    try await db.migrate(through: last)
                    return try await body(db)
                }
            }
        }
    }
}
