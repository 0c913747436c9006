import Foundation
import KefuCore
import SQLKit

/// Routing: who holds which chat, agents' presence and load, and the queue's serving slots.
extension ChatRepository {
    /// One assignment made by `dispatch`.
    public struct Assignment: Sendable {
        public var conversation: Conversation
        public var agent: StaffUser
    }

    /// Gives waiting chats to agents with room, VIPs first, in one transaction that locks the agents'
    /// presence rows, so two nodes (or two tasks) never hand out the same slot.
    public func dispatch(now: Date, defaultLimit: Int) async throws -> [Assignment] {
        try await database.transaction { db in
            let presence = try await db.select().columns("*").from("agent_presence").orderBy("agent_id")
                .lockingClause(SQLLockingClause.update).all()
            guard !presence.isEmpty else { return [] }
            // Locked as they are read (PostgreSQL): a message appended meanwhile waits, or is seen, and the
            // assignment below never writes back a copy older than the row.
            let waiting = try await db.select().columns("*").from("conversations")
                .where("state", .equal, ConversationState.queued.rawValue).lockingClause(SQLLockingClause.update)
                .all().map(Self.conversation)
            guard !waiting.isEmpty else { return [] }
            let counts = try await Self.activeCounts(db)
            let staff = try await db.select().columns("*").from("staff_users").where("disabled", .equal, false).all()
                .map(StaffRepository.user)
            let staffByID = Dictionary(uniqueKeysWithValues: staff.map { ($0.id, $0) })
            let loads: [AgentLoad] = try presence.compactMap { row in
                let id = try row.text("agent_id")
                guard let user = staffByID[id] else { return nil }
                return AgentLoad(
                    agentId: id, skills: Set(user.skills.compactMap(SkillGroup.init(rawValue:))),
                    status: try decodeEnum(AgentStatus.self, try row.text("status"), column: "status"),
                    activeChats: counts[id] ?? 0, limit: try row.int("chat_limit"),
                    lastAssignedAt: try row.decode(column: "last_assigned_at", as: Date?.self), autoAssign: user.autoAssign
                )
            }
            let queue = waiting.map { QueueEntry(conversationId: $0.id, skill: $0.skill, vip: $0.vip, queuedAt: $0.queuedAt ?? $0.createdAt) }
            let byID = Dictionary(uniqueKeysWithValues: waiting.map { ($0.id, $0) })
            var assignments: [Assignment] = []
            for placement in ChatRouter.plan(queue, among: loads, at: now) {
                guard var conversation = byID[placement.conversationId], let agent = staffByID[placement.agentId] else { continue }
                conversation.state = .assigned
                conversation.agentId = agent.id
                conversation.assignedAt = now
                try await Self.update(conversation, db)
                try await db.update("agent_presence").set("last_assigned_at", to: now).where("agent_id", .equal, agent.id).run()
                assignments.append(Assignment(conversation: conversation, agent: agent))
            }
            return assignments
        }
    }

    /// Open chats per agent.
    static func activeCounts(_ db: any SQLDatabase) async throws -> [String: Int] {
        let rows = try await db.select().column("agent_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("conversations").where("state", .equal, ConversationState.assigned.rawValue)
            .where("agent_id", .isNot, SQLLiteral.null).groupBy("agent_id").all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.text("agent_id")] = try row.int("n") }
        return counts
    }

    public func activeCount(agentId: String) async throws -> Int {
        try await database.read { db in try await Self.activeCounts(db)[agentId] ?? 0 }
    }

    /// Agents' status and limit; an agent never seen gets `away` and the default limit.
    public func setPresence(agentId: String, status: AgentStatus, limit: Int?, defaultLimit: Int, now: Date) async throws -> (AgentStatus, Int) {
        try await database.transaction { db in
            let existing = try await db.select().columns("*").from("agent_presence").where("agent_id", .equal, agentId).first()
            let chatLimit = try limit ?? existing?.int("chat_limit") ?? defaultLimit
            if existing == nil {
                try await db.insert(into: "agent_presence").columns("agent_id", "status", "chat_limit", "updated_at")
                    .values(SQLBind(agentId), SQLBind(status.rawValue), SQLBind(chatLimit), SQLBind(now)).run()
            } else {
                try await db.update("agent_presence").set("status", to: status.rawValue).set("chat_limit", to: chatLimit)
                    .set("updated_at", to: now).where("agent_id", .equal, agentId).run()
            }
            return (status, chatLimit)
        }
    }

    public func presence(agentId: String) async throws -> (status: AgentStatus, limit: Int)? {
        try await database.readOne { db in
            guard let row = try await db.select().columns("*").from("agent_presence").where("agent_id", .equal, agentId).first()
            else { return nil }
            return (try decodeEnum(AgentStatus.self, try row.text("status"), column: "status"), try row.int("chat_limit"))
        }
    }

    /// Every agent who has opened the desk: their status, limit and open chats, online first.
    public func agentBoard() async throws -> [AgentOnBoard] {
        try await database.read { db in
            let counts = try await Self.activeCounts(db)
            let rows = try await db.select().columns("*").from("agent_presence").all()
            let ids = try rows.map { try $0.text("agent_id") }
            guard !ids.isEmpty else { return [] }
            let users = Dictionary(
                uniqueKeysWithValues: try await db.select().columns("*").from("staff_users").where("id", .in, ids)
                    .where("disabled", .equal, false).all().map(StaffRepository.user).map { ($0.id, $0) }
            )
            return try rows.compactMap { row -> AgentOnBoard? in
                guard let user = users[try row.text("agent_id")] else { return nil }
                return AgentOnBoard(
                    user: user, status: try decodeEnum(AgentStatus.self, try row.text("status"), column: "status"),
                    limit: try row.int("chat_limit"), activeChats: counts[user.id] ?? 0
                )
            }.sorted { ($0.status != .online ? 1 : 0, $0.user.agentNo) < ($1.status != .online ? 1 : 0, $1.user.agentNo) }
        }
    }

    public struct AgentOnBoard: Sendable {
        public var user: StaffUser
        public var status: AgentStatus
        public var limit: Int
        public var activeChats: Int
    }

    /// The online agents routing would hand a chat of `skill` (VIP chats: the VIP group too), each with
    /// how long their current chats have been going: what the queue estimate is computed from.
    public func servingAgents(for skill: SkillGroup, vip: Bool = false, now: Date) async throws -> [ServingAgent] {
        try await database.read { db in
            let rows = try await db.select().column("agent_id").column("chat_limit").from("agent_presence")
                .where("status", .equal, AgentStatus.online.rawValue).all()
            let ids = try rows.map { try $0.text("agent_id") }
            guard !ids.isEmpty else { return [] }
            let users = try await db.select().columns("*").from("staff_users").where("id", .in, ids).where("disabled", .equal, false)
                .all().map(StaffRepository.user)
            let serving = Set(users.filter { user in
                AgentLoad(agentId: user.id, skills: Set(user.skills.compactMap(SkillGroup.init(rawValue:))), status: .online,
                          activeChats: 0, limit: 1, autoAssign: user.autoAssign).serves(skill, vip: vip)
            }.map(\.id))
            guard !serving.isEmpty else { return [] }
            var elapsed: [String: [Double]] = [:]
            for row in try await db.select().column("agent_id").column("assigned_at").from("conversations")
                .where("state", .equal, ConversationState.assigned.rawValue).where("agent_id", .in, Array(serving)).all()
            {
                let since = try row.decode(column: "assigned_at", as: Date?.self) ?? now
                elapsed[try row.text("agent_id"), default: []].append(max(now.timeIntervalSince(since), 0))
            }
            return try rows.compactMap { row in
                let id = try row.text("agent_id")
                guard serving.contains(id) else { return nil }
                return ServingAgent(limit: try row.int("chat_limit"), chatElapsedSeconds: elapsed[id] ?? [])
            }
        }
    }

    /// The mean time from assignment to resolution of the chats of `skill` resolved since `since`, or
    /// nil with fewer than `minimumSample` of them, too few to say.
    public func averageHandlingSeconds(for skill: SkillGroup, since: Date, minimumSample: Int = 5) async throws -> Double? {
        try await database.read { db in
            let rows = try await db.select().column("assigned_at").column("resolved_at").from("conversations")
                .where("skill", .equal, skill.rawValue).where("resolved_at", .greaterThanOrEqual, since)
                .where("assigned_at", .isNot, SQLLiteral.null).all()
            let durations = try rows.compactMap { row -> Double? in
                guard let start = try row.decode(column: "assigned_at", as: Date?.self),
                    let end = try row.decode(column: "resolved_at", as: Date?.self), end >= start
                else { return nil }
                return end.timeIntervalSince(start)
            }
            guard durations.count >= minimumSample else { return nil }
            return durations.reduce(0, +) / Double(durations.count)
        }
    }
}
