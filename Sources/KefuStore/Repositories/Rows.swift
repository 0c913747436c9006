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

    /// Inserts many rows in statements of `batch` rows, within the caller's transaction.
    static func insert(
        _ db: any SQLDatabase, into table: String, columns: [String], rows: [[any Encodable & Sendable]], batch: Int = 400
    ) async throws {
        var start = 0
        while start < rows.count {
            let end = min(start + batch, rows.count)
            let builder = db.insert(into: table).columns(columns)
            for row in rows[start..<end] {
                builder.values(row.map { SQLBind($0) as any SQLExpression })
            }
            try await builder.run()
            start = end
        }
    }

    static func newID(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.lowercased()
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
