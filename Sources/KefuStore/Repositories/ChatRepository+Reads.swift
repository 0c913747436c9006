import Foundation
import KefuCore
import SQLKit

/// How far each reader (an agent) has read each chat: kept in the store, so a reload or a second desk
/// knows what is new. A read never goes backwards.
extension ChatRepository {
    public func markRead(conversationId: String, readerId: String, seq: Int, now: Date) async throws {
        try await database.transaction { db in
            try await db.insert(into: "chat_reads").columns("conversation_id", "reader_id", "seq", "read_at")
                .values(SQLBind(conversationId), SQLBind(readerId), SQLBind(seq), SQLBind(now))
                .onConflict(with: ["conversation_id", "reader_id"]) { update in
                    update.set(excludedValueOf: "seq").set(excludedValueOf: "read_at")
                        .where(SQLColumn("seq", table: "chat_reads"), .lessThan, SQLColumn("seq", table: "excluded"))
                }
                .run()
        }
    }

    /// The last seq `readerId` has read in each of `conversationIds` that they have read at all.
    public func readSeqs(readerId: String, conversationIds: [String]) async throws -> [String: Int] {
        guard !conversationIds.isEmpty else { return [:] }
        return try await database.read { db in
            var seqs: [String: Int] = [:]
            for row in try await db.select().column("conversation_id").column("seq").from("chat_reads")
                .where("reader_id", .equal, readerId).where("conversation_id", .in, conversationIds).all()
            {
                seqs[try row.text("conversation_id")] = try row.int("seq")
            }
            return seqs
        }
    }
}
