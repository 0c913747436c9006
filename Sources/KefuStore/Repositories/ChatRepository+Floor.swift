import Foundation
import KefuCore
import SQLKit

/// The live floor as the database has it: what a node starts from, and what it mends its copy with
/// now and then in case a notification from another node was lost.
extension ChatRepository {
    /// How many of a chat's latest messages tell whether the customer waits for an answer and how they
    /// feel. A customer who wrote more than this many times unanswered is shown waiting since the
    /// oldest of them: a glance, not the transcript.
    public static let floorMessagesPerChat = 12

    public func floor(now: Date) async throws -> Floor {
        try await database.read { db in
            let open = [ConversationState.bot, .queued, .assigned, .resolved].map(\.rawValue)
            let chats = try await db.select().columns("*").from("conversations").where("state", .in, open).all().map(Self.conversation)
            // The latest messages of every open chat, in order: one query, by the (conversation, seq) key.
            let recent = try await db.raw("""
                SELECT m.* FROM chat_messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE c.state IN (\(binds: open)) AND m.seq > c.last_seq - \(bind: Self.floorMessagesPerChat)
                ORDER BY m.conversation_id, m.seq
                """).all().map(Self.message)
            let agents = try await db.raw("""
                SELECT p.agent_id, p.status, p.chat_limit, s.agent_no, s.display_name, s.skills
                FROM agent_presence p JOIN staff_users s ON s.id = p.agent_id
                """).all().map { row in
                FloorAgent(
                    id: try row.text("agent_id"), agentNo: try row.text("agent_no"), displayName: try row.text("display_name"),
                    status: try decodeEnum(AgentStatus.self, try row.text("status"), column: "status"), limit: try row.int("chat_limit"),
                    skills: Rows.strings(try row.text("skills")).compactMap(SkillGroup.init(rawValue:))
                )
            }
            // Abandoned as the quality report counts it: queued for a person, closed before anyone took it.
            let abandoned = try await db.select().column("closed_at").from("conversations")
                .where("closed_at", .greaterThanOrEqual, now.addingTimeInterval(-Floor.abandonedWindow))
                .where("first_queued_at", .isNot, SQLLiteral.null).where("first_assigned_at", .is, SQLLiteral.null)
                .all().map { try $0.date("closed_at") }
            var floor = Floor(chats: chats.map(FloorChat.init), agents: agents, abandonedAt: abandoned)
            for message in recent {
                if let change = FloorChange(message) { floor.apply(change) }
            }
            return floor
        }
    }
}
