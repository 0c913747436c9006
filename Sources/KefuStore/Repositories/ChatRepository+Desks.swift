import Foundation
import KefuCore
import SQLKit

/// Which agents have a desk open, on which node. An agent is online only while some node holds a desk
/// for them and keeps beating; a node that stops (crash, SIGKILL, lost network) has its desks released
/// by the others, and chats left with nobody are given back to the queue.
extension ChatRepository {
    /// A desk socket opened on `node`: the agent is online with their limit (the default for a first desk).
    public func openDesk(agentId: String, node: String, defaultLimit: Int, now: Date) async throws -> (status: AgentStatus, limit: Int) {
        try await database.transaction { db in
            try await db.delete(from: "agent_desks").where("agent_id", .equal, agentId).where("node_id", .equal, node).run()
            try await db.insert(into: "agent_desks").columns("agent_id", "node_id", "opened_at", "heartbeat_at")
                .values(SQLBind(agentId), SQLBind(node), SQLBind(now), SQLBind(now)).run()
            let existing = try await db.select().column("chat_limit").from("agent_presence").where("agent_id", .equal, agentId).first()
            let limit = try existing?.int("chat_limit") ?? defaultLimit
            if existing == nil {
                try await db.insert(into: "agent_presence").columns("agent_id", "status", "chat_limit", "updated_at")
                    .values(SQLBind(agentId), SQLBind(AgentStatus.online.rawValue), SQLBind(limit), SQLBind(now)).run()
            } else {
                try await db.update("agent_presence").set("status", to: AgentStatus.online.rawValue).set("updated_at", to: now)
                    .set("left_at", to: SQLLiteral.null).where("agent_id", .equal, agentId).run()
            }
            return (.online, limit)
        }
    }

    /// The agent's last desk socket on `node` closed. True when no desk of theirs is left anywhere: they are away.
    @discardableResult
    public func closeDesk(agentId: String, node: String, now: Date) async throws -> Bool {
        try await database.transaction { db in
            try await db.delete(from: "agent_desks").where("agent_id", .equal, agentId).where("node_id", .equal, node).run()
            return try await Self.setAwayThoseWithoutDesk([agentId], db, now: now) == [agentId]
        }
    }

    /// The node is alive: its desks stay fresh.
    public func beat(node: String, now: Date) async throws {
        try await database.transaction { db in
            try await db.update("agent_desks").set("heartbeat_at", to: now).where("node_id", .equal, node).run()
        }
    }

    /// Which desks to release.
    public enum DeskRelease: Sendable {
        /// Those whose node stopped beating before this moment, except the asking node's own: it is
        /// alive by asking, whatever a clock jump between its beat and this call would say.
        case staleBefore(Date, sparing: String)
        /// Every desk of a node that is starting again: it holds none yet.
        case node(String)
        /// Every desk, where only one node can exist (SQLite) and it is starting.
        case everyNode
    }

    /// Releases desks; agents left with none are set away. Returns those agents.
    public func releaseDesks(_ which: DeskRelease, now: Date) async throws -> [String] {
        try await database.transaction { db in
            let select = db.select().column("agent_id").from("agent_desks")
            let delete = db.delete(from: "agent_desks")
            switch which {
            case .staleBefore(let cutoff, let node):
                select.where("heartbeat_at", .lessThan, cutoff).where("node_id", .notEqual, node)
                delete.where("heartbeat_at", .lessThan, cutoff).where("node_id", .notEqual, node)
            case .node(let node):
                select.where("node_id", .equal, node)
                delete.where("node_id", .equal, node)
            case .everyNode:
                break
            }
            let released = Set(try await select.all().map { try $0.text("agent_id") })
            try await delete.run()
            // Agents marked present with no desk at all, as a crash before any release leaves them.
            let present = try await db.select().column("agent_id").from("agent_presence")
                .where("status", .notEqual, AgentStatus.away.rawValue).all().map { try $0.text("agent_id") }
            return try await Self.setAwayThoseWithoutDesk(released.union(present).sorted(), db, now: now)
        }
    }

    /// Chats still assigned to agents who have had no desk since before `leftBefore`.
    public func orphanedChats(leftBefore: Date) async throws -> [Conversation] {
        try await database.read { db in
            try await db.select().columns("*").from("conversations")
                .where("state", .equal, ConversationState.assigned.rawValue)
                .where(SQLIdentifier("agent_id"), .in, SQLGroupExpression(
                    db.select().column("agent_id").from("agent_presence").where("left_at", .lessThan, leftBefore).select
                ))
                .orderBy("assigned_at").all().map(Self.conversation)
        }
    }

    private static func setAwayThoseWithoutDesk(_ agents: [String], _ db: any SQLDatabase, now: Date) async throws -> [String] {
        guard !agents.isEmpty else { return [] }
        let withDesk = Set(
            try await db.select().column("agent_id").from("agent_desks").where("agent_id", .in, agents).all().map { try $0.text("agent_id") }
        )
        let away = agents.filter { !withDesk.contains($0) }
        guard !away.isEmpty else { return [] }
        try await db.update("agent_presence").set("status", to: AgentStatus.away.rawValue).set("updated_at", to: now)
            .where("agent_id", .in, away).run()
        try await db.update("agent_presence").set("left_at", to: now).where("agent_id", .in, away)
            .where("left_at", .is, SQLLiteral.null).run()
        return away
    }
}
