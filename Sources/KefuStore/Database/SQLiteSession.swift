import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLKit over one `SQLiteHandle`: sqlite-kit's dialect, and its encoder and decoder for binds and
/// columns, so queries, binds and decoded rows are what they were over sqlite-nio's connection.
struct SQLiteSession: SQLDatabase {
    let handle: SQLiteHandle
    static let encoder = SQLiteDataEncoder()
    static let decoder = SQLiteDataDecoder()

    var logger: Logger { handle.logger }
    var eventLoop: any EventLoop { handle.eventLoop }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .debug }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeCompletedFuture { try run(query, onRow) }
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        logger.debug("Executing query", metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        try handle.run(sql, try binds.map { try Self.encoder.encode($0) }) { onRow(SQLiteSessionRow(values: $0)) }
    }
}

/// A row as SQLKit reads it, decoded by sqlite-kit's decoder.
struct SQLiteSessionRow: SQLRow {
    let values: SQLiteValues

    var allColumns: [String] { values.columns.names }

    func contains(column: String) -> Bool { values.value(column) != nil }

    func decodeNil(column: String) throws -> Bool { (values.value(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as: D.Type) throws -> D {
        guard let data = values.value(column) else { throw MissingColumn(column: column) }
        return try SQLiteSession.decoder.decode(D.self, from: data)
    }

    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        var description: String { "no column \(column) in the row" }
    }
}
