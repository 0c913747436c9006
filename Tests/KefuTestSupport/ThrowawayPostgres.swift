import Foundation
import KefuStore
import Logging
import SQLKit

/// The PostgreSQL the tests may use, named by `KEFU_TEST_POSTGRES_URL`; tests that need it report
/// themselves skipped without it. Each test gets a database of its own, dropped afterwards.
public enum ThrowawayPostgres {
    public static let baseURL = ProcessInfo.processInfo.environment["KEFU_TEST_POSTGRES_URL"]
    public static var isAvailable: Bool { baseURL != nil }

    /// Creates a fresh database on the server of `base` (the tests' by default), runs `body` with its
    /// URL, and drops it whatever happens. The benchmarks use it too, on a server of their own.
    public static func withDatabase<T: Sendable>(
        base: String? = baseURL, prefix: String = "kefu_t_", logger: Logger = TestLogger.quiet, _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        guard let base, var parts = URLComponents(string: base) else {
            throw NotConfigured()
        }
        let name = prefix + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(base, logger) { _ = try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").all() }
        parts.path = "/" + name
        let drop: @Sendable () async -> Void = {
            try? await admin(base, logger) { _ = try await $0.raw("DROP DATABASE \(unsafeRaw: name) WITH (FORCE)").all() }
        }
        do {
            let result = try await body(parts.string!)
            await drop()
            return result
        } catch {
            await drop()
            throw error
        }
    }

    /// A test asked for PostgreSQL without checking `isAvailable` first.
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String { "KEFU_TEST_POSTGRES_URL is not set" }
    }

    private static func admin(_ url: String, _ logger: Logger, _ statement: @Sendable (any SQLDatabase) async throws -> Void) async throws {
        try await Database.withDatabase(.postgres(url: url), logger: logger) { try await $0.read(statement) }
    }
}

/// Loggers for tests: warnings and worse only, so a passing run stays readable.
public enum TestLogger {
    public static var quiet: Logger {
        var logger = Logger(label: "kefu-test")
        logger.logLevel = .warning
        return logger
    }
}
