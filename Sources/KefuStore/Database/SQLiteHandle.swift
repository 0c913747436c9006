import Foundation
import Logging
import NIOCore
import SQLiteNIO
import Synchronization
// SQLite itself, as sqlite-nio builds it (threadsafe, WAL, FTS; see its Package.swift): the C module
// behind the SQLiteNIO product, used here without its connection type (see `SQLiteHandle`).
import VaporCSQLite

/// One sqlite3 connection, its statements run synchronously on the calling thread, which is the
/// connection's own (`executor`, see `ThreadExecutor`).
///
/// sqlite-nio's `SQLiteConnection` runs each statement on NIO's thread pool, hands every row to an event
/// loop and the result back to the awaiting task: three threads woken per statement and one more per
/// row, and every statement prepared anew. Under load those wake-ups and the parsing were a fifth of the
/// server's CPU, and each hop was paid inside the writer's turn, where everyone else waits. Here a
/// statement is a function call on the connection's thread, and statements are prepared once and kept.
///
/// One caller at a time (the store's writer lock and reader pool see to it): hence `@unchecked Sendable`.
final class SQLiteHandle: @unchecked Sendable {
    private var raw: OpaquePointer?
    /// Prepared statements by their SQL, reset after each use. Bounded: SQL with lists of varying length
    /// (`IN (…)`) would otherwise grow it without end.
    private var statements: [String: OpaquePointer] = [:]
    static let statementCacheLimit = 300
    let executor: ThreadExecutor
    let logger: Logger
    let eventLoop: any EventLoop

    private init(raw: OpaquePointer?, executor: ThreadExecutor, logger: Logger) {
        self.raw = raw
        self.executor = executor
        self.logger = logger
        self.eventLoop = MultiThreadedEventLoopGroup.singleton.any()
    }

    private static let initialized: Void = { _ = sqlite_nio_sqlite3_initialize() }()

    /// Opens a file (created if missing), or a private in-memory database for `nil`.
    static func open(path: String?, executor: ThreadExecutor, logger: Logger) throws -> SQLiteHandle {
        _ = initialized
        var raw: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path ?? ":memory:", &raw, flags, nil)
        guard status == SQLITE_OK else {
            let message = raw.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(raw)
            throw SQLiteFailure(code: status, message: "\(message) (\(path ?? ":memory:"))")
        }
        return SQLiteHandle(raw: raw, executor: executor, logger: logger)
    }

    /// Runs one statement: binds, steps through its rows (each handed to `onRow` with the column names),
    /// and resets it for the next use.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteValues) throws -> Void) throws {
        guard let raw else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
        let statement = try prepared(sql, raw)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, bind) in binds.enumerated() {
            try check(Self.bind(bind, at: Int32(index + 1), statement), raw)
        }
        var columns: SQLiteColumns?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { try check(status, raw); return }
            let names = columns ?? SQLiteColumns(statement)
            columns = names
            var values: [SQLiteData] = []
            values.reserveCapacity(names.count)
            for offset in 0..<Int32(names.count) { values.append(try Self.value(at: offset, statement)) }
            try onRow(SQLiteValues(columns: names, values: values))
        }
    }

    /// Runs a statement whose rows, if any, are not wanted: `BEGIN`, a `PRAGMA`, a checkpoint.
    func run(_ sql: String) throws {
        try run(sql, []) { _ in }
    }

    private func prepared(_ sql: String, _ raw: OpaquePointer) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.statementCacheLimit { finalizeAll() }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(raw, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteFailure(code: status, message: Self.message(raw) + " — in: \(sql.prefix(200))")
        }
        statements[sql] = statement
        return statement
    }

    private func finalizeAll() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll(keepingCapacity: true)
    }

    private func check(_ status: Int32, _ raw: OpaquePointer) throws {
        guard status == SQLITE_OK || status == SQLITE_ROW || status == SQLITE_DONE else {
            throw SQLiteFailure(code: status, message: Self.message(raw))
        }
    }

    private static func message(_ raw: OpaquePointer) -> String {
        sqlite_nio_sqlite3_errmsg(raw).map { String(cString: $0) } ?? "unknown error"
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ value: SQLiteData, at index: Int32, _ statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let value): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(value))
        case .float(let value): sqlite_nio_sqlite3_bind_double(statement, index, value)
        case .text(let value):
            value.utf8.withContiguousStorageIfAvailable { bytes in
                sqlite_nio_sqlite3_bind_text64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
            } ?? sqlite_nio_sqlite3_bind_text64(statement, index, value, UInt64(value.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let value):
            value.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient) }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func value(at offset: Int32, _ statement: OpaquePointer) throws -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, offset) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, offset)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, offset))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, offset) else { return .null }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, offset))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, offset))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, offset) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    func close() {
        finalizeAll()
        if let raw { sqlite_nio_sqlite3_close(raw) }
        raw = nil
    }
}

/// A statement's column names, looked up by name; shared by all the rows of one run.
final class SQLiteColumns: Sendable {
    let names: [String]
    private let offsets: [String: Int]
    var count: Int { names.count }

    init(_ statement: OpaquePointer) {
        let count = Int(sqlite_nio_sqlite3_column_count(statement))
        var names: [String] = []
        names.reserveCapacity(count)
        for offset in 0..<Int32(count) {
            names.append(sqlite_nio_sqlite3_column_name(statement, offset).map { String(cString: $0) } ?? "")
        }
        self.names = names
        // The first of two columns with one name wins, as in sqlite-nio.
        self.offsets = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func offset(of name: String) -> Int? { offsets[name] }
}

/// One row's values, by column.
struct SQLiteValues: Sendable {
    let columns: SQLiteColumns
    let values: [SQLiteData]

    func value(_ column: String) -> SQLiteData? { columns.offset(of: column).map { values[$0] } }
}

/// What SQLite answered when a statement failed: its result code (extended) and its message.
public struct SQLiteFailure: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String

    /// A UNIQUE, PRIMARY KEY, FOREIGN KEY, CHECK or NOT NULL constraint refused the change.
    public var isConstraint: Bool { code & 0xff == SQLITE_CONSTRAINT }

    public var description: String { "SQLite error \(code): \(message)" }
}
