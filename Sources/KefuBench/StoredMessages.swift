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

    /// Acknowledged but not stored, and stored more than once: both must be empty.
    func check(acked: Set<Int>) -> (missing: Int, twice: Int) {
        (acked.filter { counts[$0] == nil }.count, counts.values.filter { $0 > 1 }.count)
    }

    func line(acked: Set<Int>) -> String {
        let (missing, twice) = check(acked: acked)
        return "stored: \(counts.count) messages; of the \(acked.count) acknowledged, \(missing) missing, \(twice) stored twice"
            + (missing == 0 && twice == 0 ? " (each exactly once)" : " — MISMATCH")
    }
}
