import Foundation
import SQLKit

/// Small helpers shared by the repositories: JSON-in-a-column, batched inserts and ids.
enum Rows {
    /// A value kept as JSON in a text column: string lists, string maps, SLA clocks. Keys are sorted, so
    /// the same value is always stored as the same text. These types cannot fail to encode.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// The value `json` stored; a column that does not decode is a corrupt row, not an empty value.
    static func decoded<T: Decodable>(_ type: T.Type, from text: String, column: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw CorruptRow(description: "undecodable \(column)")
        }
    }

    static func strings(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// Inserts many rows in statements of `batch` rows, within the caller's transaction. The SQL is
    /// written out rather than built: SQLKit's builder escaped every name anew on every insert, a tenth
    /// of the writer's time when tickets are opened in numbers.
    static func insert(
        _ db: any SQLDatabase, into table: String, columns: [String], rows: [[any Encodable & Sendable]], batch: Int = 400
    ) async throws {
        let head = "INSERT INTO \(quoted(table)) (\(columns.map(quoted).joined(separator: ", "))) VALUES "
        var start = 0
        while start < rows.count {
            let end = min(start + batch, rows.count)
            var sql = SQLQueryString(head)
            for (index, row) in rows[start..<end].enumerated() {
                precondition(row.count == columns.count, "\(table): \(row.count) values for \(columns.count) columns")
                sql.appendLiteral(index == 0 ? "(" : ", (")
                sql.appendInterpolation(binds: row)
                sql.appendLiteral(")")
            }
            try await db.raw(sql).run()
            start = end
        }
    }

    /// `UPDATE table SET column = value, … WHERE id = ?` (or another key column), written out as `insert` is.
    static func update(
        _ db: any SQLDatabase, _ table: String, id: String, key: String = "id", set values: [(String, any Encodable & Sendable)]
    ) async throws {
        var sql = SQLQueryString("UPDATE \(quoted(table)) SET ")
        for (index, (column, value)) in values.enumerated() {
            sql.appendLiteral((index == 0 ? "" : ", ") + quoted(column) + " = ")
            sql.appendInterpolation(bind: value)
        }
        sql.appendLiteral(" WHERE " + quoted(key) + " = ")
        sql.appendInterpolation(bind: id)
        try await db.raw(sql).run()
    }

    /// A table's or a column's name from the code, quoted. Only names of lowercase letters, digits and
    /// underscores are taken, so nothing but a name can ever be written into the SQL this way.
    static func quoted(_ name: String) -> String {
        precondition(
            !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f },
            "not an SQL name: \(name)"
        )
        return "\"" + name + "\""
    }

    static func newID(_ prefix: String) -> String {
        prefix + "-" + RandomID.uuid()
    }
}

extension SQLRow {
    func text(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalText(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    func date(_ column: String) throws -> Date { try decode(column: column, as: Date.self) }
}

/// A row that came back in a shape the code does not know: a value outside an enum, say.
public struct CorruptRow: Error, CustomStringConvertible {
    public let description: String
}

func decodeEnum<E: RawRepresentable>(_ type: E.Type, _ raw: String, column: String) throws -> E where E.RawValue == String {
    guard let value = E(rawValue: raw) else { throw CorruptRow(description: "unknown \(column) '\(raw)'") }
    return value
}
