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
        case sqlite(SQLiteStore)
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
            return Database(backend: .sqlite(try await SQLiteStore.open(path: nil, logger: logger)), logger: logger)
        case .sqliteFile(let path):
            return Database(backend: .sqlite(try await SQLiteStore.open(path: path, logger: logger)), logger: logger)
        case .postgres(let url):
            let sqlConfiguration = try SQLPostgresConfiguration(url: url)
            var configuration = try PostgresClient.Configuration(sqlConfiguration.coreConfiguration)
            configuration.options.maximumConnections = 20
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            return Database(backend: .postgres(client), logger: logger)
        }
    }

    /// Runs statements that only read; on SQLite beside the writer, seeing one committed state.
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let store):
            return try await store.read(body)
        case .postgres(let client):
            return try await client.withConnection { try await body($0.sql()) }
        }
    }

    /// A read of exactly one statement, which sees one committed state by itself: on SQLite it runs
    /// without the read transaction around it, two fewer round trips to the reader for the reads made
    /// on every frame and request. A second statement is a programming error and is refused.
    public func readOne<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let store):
            return try await store.readOne { try await body(OneStatement($0)) }
        case .postgres(let client):
            return try await client.withConnection { try await body(OneStatement($0.sql())) }
        }
    }

    /// Runs `body` in one transaction: all of it is stored, or none, and it returns once it is durable.
    /// On SQLite, transactions that arrive together are committed as one group (`SQLiteStore`).
    public func transaction<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let store):
            return try await store.transaction(body)
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

    /// Closes the SQLite connections. PostgreSQL closes when its service stops.
    public func close() async {
        if case .sqlite(let store) = backend { await store.close() }
    }

    /// For a database the server opened itself: a service that checkpoints the write-ahead log every
    /// second beside the writer and, at graceful shutdown and once the services added after it have
    /// stopped, folds all of it back into the database file and closes (SQLite); or runs the connection
    /// pool (PostgreSQL).
    public var ownedService: any Service {
        switch backend {
        case .sqlite(let store): SQLiteUpkeep(store: store, logger: logger)
        case .postgres(let client): client
        }
    }

    /// Opens, runs the client where needed, calls `body`, and closes: for commands and tests.
    public static func withDatabase<T: Sendable>(
        _ url: DatabaseURL, logger: Logger, _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        let database = try await open(url, logger: logger)
        guard case .postgres(let client) = database.backend else {
            // Commands and benches can write as much as a server: the log is kept short the same way.
            let upkeep = Task { if case .sqlite(let store) = database.backend { try? await store.checkpointEverySecond() } }
            func close() async {
                upkeep.cancel()
                await upkeep.value
                await database.close()
            }
            do {
                let result = try await body(database)
                await close()
                return result
            } catch {
                await close()
                throw error
            }
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // The body waits until the pool's task is under way: PostgresNIO warns of every lease asked
            // for before `run()` has begun, and `run()` marks itself running before it first suspends.
            let (running, started) = AsyncStream.makeStream(of: Never.self)
            group.addTask {
                started.finish()
                await client.run()
            }
            defer { group.cancelAll() }
            for await _ in running {}
            return try await body(database)
        }
    }
}

/// Keeps the SQLite write-ahead log short while the server runs, and closes the database at graceful
/// shutdown (see `Database.ownedService`), so a stopped server leaves one complete database file behind.
struct SQLiteUpkeep: Service {
    let store: SQLiteStore
    let logger: Logger
    func run() async throws {
        // Ends at graceful shutdown, or when cancelled: either way the connections are closed.
        try? await cancelWhenGracefulShutdown { try await store.checkpointEverySecond() }
        await store.checkpointAndClose()
        logger.info("closed the database")
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
