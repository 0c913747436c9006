import Logging
import NIOCore
import SQLKit
import Synchronization

/// The database a `readOne` body gets: the connection itself, refusing a second statement, which
/// would read a second committed state without a transaction to hold the first.
final class OneStatement: SQLDatabase {
    let base: any SQLDatabase
    private let used = Atomic<Bool>(false)

    init(_ base: any SQLDatabase) { self.base = base }

    struct SecondStatement: Error, CustomStringConvertible {
        var description: String { "readOne runs one statement; use read for more" }
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        guard !used.exchange(true, ordering: .relaxed) else { return eventLoop.makeFailedFuture(SecondStatement()) }
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        guard !used.exchange(true, ordering: .relaxed) else { throw SecondStatement() }
        try await base.execute(sql: query, onRow)
    }
}
