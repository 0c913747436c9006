import Foundation

/// Whether an agent takes chats now.
public enum AgentStatus: String, Codable, Sendable, CaseIterable {
    case online, busy, away
}

/// What routing knows of an agent at one moment.
public struct AgentLoad: Hashable, Sendable {
    public var agentId: String
    public var skills: Set<SkillGroup>
    public var status: AgentStatus
    public var activeChats: Int
    public var limit: Int
    /// When the agent last got a chat: among equally loaded agents the one who waited longest goes first.
    public var lastAssignedAt: Date?
    /// Whether routing hands them waiting chats at all (`StaffUser.autoAssign`).
    public var autoAssign: Bool

    public init(
        agentId: String, skills: Set<SkillGroup>, status: AgentStatus, activeChats: Int, limit: Int, lastAssignedAt: Date? = nil,
        autoAssign: Bool = true
    ) {
        self.autoAssign = autoAssign
        self.agentId = agentId
        self.skills = skills
        self.status = status
        self.activeChats = activeChats
        self.limit = limit
        self.lastAssignedAt = lastAssignedAt
    }

    public var hasCapacity: Bool { autoAssign && status == .online && activeChats < limit }

    /// Whether this agent serves a chat of `skill` (VIP chats: the VIP group too).
    public func serves(_ skill: SkillGroup, vip: Bool = false) -> Bool {
        autoAssign && status == .online && (skills.contains(skill) || (vip && skills.contains(.vip)))
    }
}

/// The routing rule: the least-loaded online agent with the skill and room under their limit.
public enum ChatRouter {
    /// The agent to give a chat for `skill`, or nil when it must wait in the queue.
    /// VIP chats may go to the VIP group or to the skill's own group.
    public static func pickAgent(for skill: SkillGroup, vip: Bool, among agents: [AgentLoad]) -> AgentLoad? {
        agents
            .filter { $0.hasCapacity && $0.serves(skill, vip: vip) }
            .min { a, b in
                let loadA = Double(a.activeChats) / Double(max(a.limit, 1))
                let loadB = Double(b.activeChats) / Double(max(b.limit, 1))
                if loadA != loadB { return loadA < loadB }
                let idleA = a.lastAssignedAt ?? .distantPast
                let idleB = b.lastAssignedAt ?? .distantPast
                if idleA != idleB { return idleA < idleB }
                return a.agentId < b.agentId
            }
    }
}

extension ChatRouter {
    /// One chat given to one agent by `plan`.
    public struct Placement: Sendable, Equatable {
        public var conversationId: String
        public var agentId: String

        public init(conversationId: String, agentId: String) {
            self.conversationId = conversationId
            self.agentId = agentId
        }
    }

    /// Who takes which waiting chat now: the queue in its order (VIPs first, then first come), each chat
    /// to the agent `pickAgent` chooses, counting the chats handed out so far against the limits. Chats no
    /// agent can take stay in the queue.
    public static func plan(_ queue: [QueueEntry], among agents: [AgentLoad], at now: Date) -> [Placement] {
        var loads = agents
        var placements: [Placement] = []
        for entry in ChatQueue.ordered(queue) {
            guard let chosen = pickAgent(for: entry.skill, vip: entry.vip, among: loads),
                let index = loads.firstIndex(where: { $0.agentId == chosen.agentId })
            else { continue }
            loads[index].activeChats += 1
            loads[index].lastAssignedAt = now
            placements.append(Placement(conversationId: entry.conversationId, agentId: chosen.agentId))
        }
        return placements
    }
}

/// A chat waiting for an agent.
public struct QueueEntry: Hashable, Sendable {
    public var conversationId: String
    public var skill: SkillGroup
    public var vip: Bool
    public var queuedAt: Date

    public init(conversationId: String, skill: SkillGroup, vip: Bool, queuedAt: Date) {
        self.conversationId = conversationId
        self.skill = skill
        self.vip = vip
        self.queuedAt = queuedAt
    }
}

/// Queue order: VIPs first, then first come first served.
public enum ChatQueue {
    public static func ordered(_ entries: [QueueEntry]) -> [QueueEntry] {
        entries.sorted { a, b in
            if a.vip != b.vip { return a.vip }
            if a.queuedAt != b.queuedAt { return a.queuedAt < b.queuedAt }
            return a.conversationId < b.conversationId
        }
    }

    /// 1-based place of a chat among those waiting for the same skill.
    public static func position(of id: String, in entries: [QueueEntry]) -> Int? {
        guard let entry = entries.first(where: { $0.conversationId == id }) else { return nil }
        let sameSkill = ordered(entries.filter { $0.skill == entry.skill })
        return sameSkill.firstIndex { $0.conversationId == id }.map { $0 + 1 }
    }

    /// Seconds until the chat at `position` (1 = next) is likely served by `agents`, from their free
    /// slots and how long their current chats have left; nil when nobody serves the skill, so no
    /// number can be honest. A free slot serves at once; otherwise each chat in progress is expected to
    /// end after the average handling time, and every slot serves the queue in turn.
    public static func estimatedWait(position: Int, agents: [ServingAgent], averageHandlingSeconds: Double) -> Int? {
        guard !agents.isEmpty, position >= 1 else { return nil }
        let aht = max(averageHandlingSeconds, 1)
        // The shortest a chat in progress is still expected to take, however long it has run already.
        let floor = min(aht, 30)
        var frees: [Double] = []
        for agent in agents {
            let free = max(agent.limit - agent.chatElapsedSeconds.count, 0)
            frees += Array(repeating: 0, count: free)
            frees += agent.chatElapsedSeconds.prefix(agent.limit).map { max(aht - $0, floor) }
        }
        guard !frees.isEmpty else { return nil }
        frees.sort()
        let round = (position - 1) / frees.count
        return Int((frees[(position - 1) % frees.count] + Double(round) * aht).rounded(.up))
    }
}

/// An online agent who takes chats of a skill, as the queue estimate sees them.
public struct ServingAgent: Hashable, Sendable {
    public var limit: Int
    /// How long each chat the agent holds has been going, in seconds.
    public var chatElapsedSeconds: [Double]

    public init(limit: Int, chatElapsedSeconds: [Double]) {
        self.limit = limit
        self.chatElapsedSeconds = chatElapsedSeconds
    }
}
