import Foundation
import KefuStore
import Logging
import SQLKit

/// What the database holds of a run's messages (client ids `b<n>`), read once every server has stopped:
/// the check behind "every acknowledged message stored exactly once".
struct StoredMessages {
    /// Message numbers stored, and how many rows carried each.
    let counts: [Int: Int]

    static func read(database: String, logger: Logger) async throws -> StoredMessages {
        try await Database.withDatabase(try DatabaseURL(parsing: database), logger: logger) { db in
            try await db.read { sql in
                struct Row: Decodable { let client_id: String }
                var counts: [Int: Int] = [:]
                for row in try await sql.raw("SELECT client_id FROM chat_messages WHERE client_id LIKE 'b%'").all(decoding: Row.self) {
                    if let n = Int(row.client_id.dropFirst()) { counts[n, default: 0] += 1 }
                }
                return StoredMessages(counts: counts)
            }
        }
    }

    /// Prints what the database holds of the acknowledged messages; throws unless each is there exactly once.
    func verify(acked: Set<Int>) throws {
        let missing = acked.filter { counts[$0] == nil }.count, twice = counts.values.filter { $0 > 1 }.count
        print("stored: \(counts.count) messages; of the \(acked.count) acknowledged, \(missing) missing, \(twice) stored twice"
            + (missing == 0 && twice == 0 ? " (each exactly once)" : " — MISMATCH"))
        guard missing == 0, twice == 0 else { throw BenchError("acknowledged messages missing from the database (\(missing)) or stored twice (\(twice))") }
    }
}
