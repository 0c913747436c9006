import Foundation
@testable import KefuStore
import NIOCore
import SQLKit
import SQLiteNIO
import Testing

/// The SQLite connection the store runs on: values round-trip as SQLKit expects, failures say what
/// SQLite said and leave the connection usable, and kept statements follow the schema and their bound.
@Suite struct SQLiteHandleTests {
    static func open() throws -> SQLiteHandle {
        try SQLiteHandle.open(path: nil, executor: .writer, logger: TestDatabases.logger)
    }

    struct Row: Decodable, Equatable {
        var id: Int
        var name: String?
        var ratio: Double?
        var data: Data?
        var flag: Bool?
        var at: Date?
    }

    @Test func valuesRoundTripThroughSQLKit() async throws {
        let handle = try Self.open()
        defer { handle.close() }
        let db = SQLiteSession(handle: handle)
        try await db.raw("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, ratio REAL, data BLOB, flag INTEGER, at REAL)").run()
        let at = Date(timeIntervalSince1970: 1_800_000_000.25)
        let bytes = Data([0, 1, 2, 255])
        try await db.insert(into: "t").columns("id", "name", "ratio", "data", "flag", "at")
            .values(SQLBind(1), SQLBind("宽带\u{0}断网 ✓"), SQLBind(0.5), SQLBind(bytes), SQLBind(true), SQLBind(at)).run()
        try await db.insert(into: "t").columns("id").values(SQLBind(2)).run()
        let rows = try await db.select().columns("*").from("t").orderBy("id").all(decoding: Row.self)
        #expect(rows == [Row(id: 1, name: "宽带\u{0}断网 ✓", ratio: 0.5, data: bytes, flag: true, at: at), Row(id: 2)])
        let row = try #require(try await db.raw("SELECT id, name AS label, NULL AS empty FROM t WHERE id = \(bind: 1)").first())
        #expect(row.allColumns == ["id", "label", "empty"])
        #expect(row.contains(column: "label") && !row.contains(column: "name"))
        #expect(try row.decodeNil(column: "empty") && !(try row.decodeNil(column: "id")))
        #expect(throws: (any Error).self) { try row.decode(column: "missing", as: Int.self) }
    }

    @Test func aFailedStatementSaysWhyAndTheConnectionGoesOn() async throws {
        let handle = try Self.open()
        defer { handle.close() }
        let db = SQLiteSession(handle: handle)
        try await db.raw("CREATE TABLE u (k TEXT PRIMARY KEY)").run()
        try await db.raw("INSERT INTO u (k) VALUES (\(bind: "a"))").run()
        do {
            try await db.raw("INSERT INTO u (k) VALUES (\(bind: "a"))").run()
            Issue.record("a duplicate key was stored")
        } catch let failure as SQLiteFailure {
            #expect(failure.isConstraint && failure.message.contains("UNIQUE"))
        }
        do {
            try await db.raw("SELEC nonsense").run()
            Issue.record("bad SQL ran")
        } catch let failure as SQLiteFailure {
            #expect(!failure.isConstraint && failure.description.contains("syntax error"))
        }
        // The statement that failed is reset and kept: it runs again with another key.
        try await db.raw("INSERT INTO u (k) VALUES (\(bind: "b"))").run()
        struct Count: Decodable { var n: Int }
        #expect(try await db.raw("SELECT COUNT(*) AS n FROM u").first(decoding: Count.self)?.n == 2)
    }

    @Test func keptStatementsFollowTheSchemaAndTheirBound() async throws {
        let handle = try Self.open()
        defer { handle.close() }
        let db = SQLiteSession(handle: handle)
        try await db.raw("CREATE TABLE v (id INTEGER PRIMARY KEY)").run()
        try await db.raw("INSERT INTO v (id) VALUES (1)").run()
        #expect(try await db.raw("SELECT * FROM v").first()?.allColumns == ["id"])
        try await db.raw("ALTER TABLE v ADD COLUMN note TEXT").run()
        #expect(try await db.raw("SELECT * FROM v").first()?.allColumns == ["id", "note"], "the kept SELECT * sees the new column")
        // More distinct statements than are kept: all still answer.
        for n in 0..<(SQLiteHandle.statementCacheLimit + 50) {
            #expect(try await db.raw("SELECT id FROM v WHERE id IN (\(unsafeRaw: (0...(n + 1)).map(String.init).joined(separator: ",")))").all().count == 1)
        }
    }
}
