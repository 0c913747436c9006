import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO
import ServiceLifecycle

/// The one query layer over both drivers: repositories write SQLKit and never learn which
/// database answers. SQLite is the embedded default; PostgreSQL serves real deployments.
public final class Database: Sendable {
    public enum Dialect: String, Sendable { case sqlite, postgres }

    enum Backend: Sendable {
        case sqlite(SQLiteConnection, AsyncLock, FileLock?)
        case postgres(PostgresClient)
    }

    public let dialect: Dialect
    let backend: Backend
    let logger: Logger

    /// The `PostgresClient` to run as a service; nil for SQLite, which needs none.
    public var service: (any Service)? {
        if case .postgres(let client) = backend { return client }
        return nil
    }

    private init(backend: Backend, logger: Logger) {
        self.backend = backend
        self.logger = logger
        switch backend {
        case .sqlite: self.dialect = .sqlite
        case .postgres: self.dialect = .postgres
        }
    }

    /// Opens the database. For PostgreSQL the returned `service` must run before queries answer.
    public static func open(_ url: DatabaseURL, logger: Logger) async throws -> Database {
        switch url {
        case .sqliteMemory:
            let connection = try await SQLiteConnection.open(storage: .memory, logger: logger)
            return try await prepareSQLite(connection, fileLock: nil, logger: logger)
        case .sqliteFile(let path):
            // Taken before the file is opened, migrated or written: a second server refuses at once.
            let fileLock = try FileLock(database: path)
            do {
                let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                return try await prepareSQLite(connection, fileLock: fileLock, logger: logger)
            } catch {
                fileLock.release()
                throw error
            }
        case .postgres(let url):
            let sqlConfiguration = try SQLPostgresConfiguration(url: url)
            var configuration = try PostgresClient.Configuration(sqlConfiguration.coreConfiguration)
            configuration.options.maximumConnections = 20
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            return Database(backend: .postgres(client), logger: logger)
        }
    }

    private static func prepareSQLite(_ connection: SQLiteConnection, fileLock: FileLock?, logger: Logger) async throws -> Database {
        let db = connection.sql()
        // WAL lets readers proceed during a write; busy_timeout rides out a checkpoint.
        try await db.raw("PRAGMA journal_mode=WAL").run()
        try await db.raw("PRAGMA synchronous=NORMAL").run()
        try await db.raw("PRAGMA foreign_keys=ON").run()
        try await db.raw("PRAGMA busy_timeout=5000").run()
        return Database(backend: .sqlite(connection, AsyncLock(), fileLock), logger: logger)
    }

    /// Runs statements outside an explicit transaction.
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let connection, let lock, _):
            return try await lock.withLock { try await body(connection.sql()) }
        case .postgres(let client):
            return try await client.withConnection { try await body($0.sql()) }
        }
    }

    /// Runs `body` in one transaction: all of it is stored, or none.
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let connection, let lock, _):
            return try await lock.withLock {
                let db = connection.sql()
                try await db.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(db)
                    try await db.raw("COMMIT").run()
                    return result
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
            }
        case .postgres(let client):
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(connection.sql())
                }
            } catch let error as PostgresTransactionError {
                // Callers match on their own errors, as they do on SQLite: unwrap what the body threw.
                if let rollback = error.rollbackError {
                    logger.error("rollback failed", metadata: ["error": "\(String(reflecting: rollback))"])
                }
                throw error.closureError ?? error.beginError ?? error.commitError ?? error
            }
        }
    }

    /// Answers once the database does: what `/health` asks.
    public func ping() async throws {
        try await read { db in _ = try await db.raw("SELECT 1 AS one").all() }
    }

    /// Closes the SQLite connection. PostgreSQL closes when its service stops.
    public func close() async {
        if case .sqlite(let connection, _, let fileLock) = backend {
            try? await connection.close()
            fileLock?.release()
        }
    }

    /// For a database the server opened itself: a service that, at graceful shutdown and once the services
    /// added after it have stopped, folds the write-ahead log back into the database file and closes the
    /// connection (SQLite), or runs the connection pool (PostgreSQL).
    public var ownedService: any Service {
        switch backend {
        case .sqlite: SQLiteShutdown(database: self)
        case .postgres(let client): client
        }
    }

    /// Waits for any transaction in flight, checkpoints the WAL and closes, so a stopped server leaves one
    /// complete database file behind.
    func checkpointAndClose() async {
        guard case .sqlite(let connection, let lock, let fileLock) = backend else { return }
        await lock.withLock {
            do {
                try await connection.sql().raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            } catch {
                logger.warning("WAL checkpoint at shutdown failed", metadata: ["error": "\(error)"])
            }
            try? await connection.close()
        }
        fileLock?.release()
        logger.info("closed the database")
    }

    /// Opens, runs the client where needed, calls `body`, and closes: for commands and tests.
    public static func withDatabase<T: Sendable>(
        _ url: DatabaseURL, logger: Logger, _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        let database = try await open(url, logger: logger)
        guard case .postgres(let client) = database.backend else {
            do {
                let result = try await body(database)
                await database.close()
                return result
            } catch {
                await database.close()
                throw error
            }
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }
}

/// Closes the SQLite database at graceful shutdown (see `Database.ownedService`).
struct SQLiteShutdown: Service {
    let database: Database

    func run() async throws {
        // Returns at graceful shutdown, or throws when cancelled: either way the connection is closed.
        try? await gracefulShutdown()
        await database.checkpointAndClose()
    }
}

extension PostgresClient.Configuration {
    /// PostgresClient takes no URL; translate the one postgres-kit parsed.
    init(_ connection: PostgresConnection.Configuration) throws {
        let tls: PostgresClient.Configuration.TLS =
            switch (connection.tls.isEnforced, connection.tls.isAllowed) {
            case (true, _): .require(connection.tls.sslContext!.configuration)
            case (_, true): .prefer(connection.tls.sslContext!.configuration)
            default: .disable
            }
        if let host = connection.host, let port = connection.port {
            self.init(
                host: host, port: port, username: connection.username, password: connection.password,
                database: connection.database, tls: tls
            )
        } else if let socket = connection.unixSocketPath {
            self.init(
                unixSocketPath: socket, username: connection.username, password: connection.password,
                database: connection.database
            )
        } else {
            throw DatabaseURL.Invalid(description: "postgres URL needs a host and port")
        }
    }
}
