import Foundation
@testable import KefuStore
import Logging
import SQLKit
import Testing

/// Fresh databases for tests: SQLite in memory, or a new PostgreSQL database per test
/// on the server named by `KEFU_TEST_POSTGRES_URL`, dropped afterwards.
enum TestDatabases {
    static let postgresURL = ProcessInfo.processInfo.environment["KEFU_TEST_POSTGRES_URL"]
    static let logger: Logger = {
        var logger = Logger(label: "kefu-test")
        logger.logLevel = .warning
        return logger
    }()

    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    static func with<T: Sendable>(_ kind: Kind, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            return try await Database.withDatabase(.sqliteMemory, logger: logger) { db in
                try await db.migrate()
                return try await body(db)
            }
        case .postgres:
            guard let base = postgresURL, var parts = URLComponents(string: base) else {
                throw DatabaseURL.Invalid(description: "KEFU_TEST_POSTGRES_URL is not set")
            }
            let name = "kefu_t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
            try await admin(base) { try await $0.read { db in _ = try await db.raw("CREATE DATABASE \(unsafeRaw: name)").all() } }
            parts.path = "/" + name
            do {
                let result = try await Database.withDatabase(.postgres(url: parts.string!), logger: logger) { db in
                    try await db.migrate()
                    return try await body(db)
                }
                try? await admin(base) { try await $0.read { db in _ = try await db.raw("DROP DATABASE \(unsafeRaw: name) WITH (FORCE)").all() } }
                return result
            } catch {
                try? await admin(base) { try await $0.read { db in _ = try await db.raw("DROP DATABASE \(unsafeRaw: name) WITH (FORCE)").all() } }
                throw error
            }
        }
    }

    private static func admin(_ url: String, _ body: @Sendable (Database) async throws -> Void) async throws {
        try await Database.withDatabase(.postgres(url: url), logger: logger, body)
    }
}
