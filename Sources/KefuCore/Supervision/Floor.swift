import Foundation

/// A live chat as the floor sees it: enough for a team lead to see who waits, for whom, and how they feel.
public struct FloorChat: Codable, Sendable, Hashable {
    public var id: String
    public var state: ConversationState
    public var skill: SkillGroup
    public var vip: Bool
    /// The customer as staff see them: the masked name, or the visitor's label.
    public var customer: String
    public var agentId: String?
    public var createdAt: Date
    /// The latest queueing and assignment, as the conversation keeps them.
    public var queuedAt: Date?
    public var assignedAt: Date?
    /// Queued for a person at some point, and taken by one: a close of a chat queued and never taken is
    /// an abandonment, as the KPI report counts it (docs/metrics.md).
    public var everQueued: Bool
    public var everTaken: Bool
    /// The customer's oldest message no agent (or the bot) has answered since; nil when nothing waits.
    public var awaitingSince: Date?
    /// The bot's anger signal: the bot handed over because the customer was upset, or a message since read angry.
    public var angry: Bool
    /// The customer's last words, masked and cut short, and when they were written.
    public var lastCustomerText: String?
    public var lastCustomerAt: Date?

    public init(
        id: String, state: ConversationState, skill: SkillGroup, vip: Bool, customer: String, agentId: String?, createdAt: Date,
        queuedAt: Date?, assignedAt: Date?, everQueued: Bool, everTaken: Bool, awaitingSince: Date? = nil, angry: Bool = false,
        lastCustomerText: String? = nil, lastCustomerAt: Date? = nil
    ) {
        self.id = id
        self.state = state
        self.skill = skill
        self.vip = vip
        self.customer = customer
        self.agentId = agentId
        self.createdAt = createdAt
        self.queuedAt = queuedAt
        self.assignedAt = assignedAt
        self.everQueued = everQueued
        self.everTaken = everTaken
        self.awaitingSince = awaitingSince
        self.angry = angry
        self.lastCustomerText = lastCustomerText
        self.lastCustomerAt = lastCustomerAt
    }

    /// The chat's state as the conversation row says it; what only messages tell (waiting, mood) starts empty.
    public init(_ c: Conversation) {
        self.init(
            id: c.id, state: c.state, skill: c.skill, vip: c.vip, customer: c.visitorName, agentId: c.agentId, createdAt: c.createdAt,
            queuedAt: c.queuedAt, assignedAt: c.assignedAt, everQueued: c.queuedAt != nil, everTaken: c.assignedAt != nil,
            angry: c.handoverReason == .upset
        )
    }

    /// How much of a customer's message the floor keeps: a glance, not the transcript.
    public static let excerptLength = 40

    public static func excerpt(_ text: String) -> String {
        let masked = Masking.text(text.replacingOccurrences(of: "\n", with: " "))
        return masked.count <= excerptLength ? masked : String(masked.prefix(excerptLength)) + "…"
    }
}

/// An agent as the floor sees them.
public struct FloorAgent: Codable, Sendable, Hashable {
    public var id: String
    public var agentNo: String
    public var displayName: String
    public var status: AgentStatus
    public var limit: Int
    public var skills: [SkillGroup]

    public init(id: String, agentNo: String, displayName: String, status: AgentStatus, limit: Int, skills: [SkillGroup]) {
        self.id = id
        self.agentNo = agentNo
        self.displayName = displayName
        self.status = status
        self.limit = limit
        self.skills = skills
    }

    public init(_ staff: StaffUser, status: AgentStatus, limit: Int) {
        self.init(
            id: staff.id, agentNo: staff.agentNo, displayName: staff.displayName, status: status, limit: limit,
            skills: staff.skills.compactMap(SkillGroup.init(rawValue:))
        )
    }
}

/// One thing that happened on the floor, told by the node where it happened to every node's floor.
public enum FloorChange: Codable, Sendable, Equatable {
    /// A chat's new state, as committed; a closed chat leaves the floor.
    case chat(FloorChat, closedAt: Date?)
    /// A message everyone in the chat sees (staff-only notes change nothing here). `text` is the masked
    /// excerpt of a customer's message.
    case message(conversationId: String, sender: ChatMessage.Sender, at: Date, angry: Bool, text: String?)
    /// An agent's presence with who they are, for one the floor may not know yet.
    case agent(FloorAgent)
    /// Agents whose last desk went away.
    case away(agentIds: [String])

    /// What a stored message tells the floor: who spoke, and for a customer, their mood and words. A
    /// staff-only note tells nothing: it answers nobody and the customer never sees it.
    public init?(_ m: ChatMessage) {
        guard m.visibility == .everyone else { return nil }
        let customer = m.sender == .customer
        self = .message(
            conversationId: m.conversationId, sender: m.sender, at: m.createdAt, angry: customer && BotPolicy.isAngry(m.text),
            text: customer ? (m.text.isEmpty ? "［附件］" : FloorChat.excerpt(m.text)) : nil
        )
    }
}

/// The live state of the centre: the open chats and the agents who have opened a desk. A value with
/// no clock and no I/O: changes come in as they are committed, and every figure of the wallboard is
/// read from it, so an update costs no query.
public struct Floor: Sendable, Equatable {
    public private(set) var chats: [String: FloorChat]
    public private(set) var agents: [String: FloorAgent]
    /// When queued chats were closed before anyone took them, over the last `abandonedWindow`.
    public private(set) var abandonedAt: [Date]

    /// The wallboard counts abandonments over the last 30 minutes.
    public static let abandonedWindow: TimeInterval = 30 * 60

    public init(chats: [FloorChat] = [], agents: [FloorAgent] = [], abandonedAt: [Date] = []) {
        self.chats = Dictionary(chats.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.agents = Dictionary(agents.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.abandonedAt = abandonedAt.sorted()
    }

    public mutating func apply(_ change: FloorChange) {
        switch change {
        case .chat(var chat, let closedAt):
            let before = chats[chat.id]
            if let before {
                // What only the messages tell survives a change of state; the flags only ever turn on.
                chat.awaitingSince = before.awaitingSince
                chat.angry = chat.angry || before.angry
                chat.lastCustomerText = before.lastCustomerText
                chat.lastCustomerAt = before.lastCustomerAt
                chat.everQueued = chat.everQueued || before.everQueued
                chat.everTaken = chat.everTaken || before.everTaken
            }
            guard chat.state == .closed else {
                chats[chat.id] = chat
                return
            }
            chats.removeValue(forKey: chat.id)
            // Told once: a repeated close of a chat already gone is not a second abandonment.
            if before != nil, chat.everQueued, !chat.everTaken, let closedAt { noteAbandoned(at: closedAt) }
        case .message(let id, let sender, let at, let angry, let text):
            guard var chat = chats[id] else { return }
            switch sender {
            case .customer:
                if chat.awaitingSince == nil { chat.awaitingSince = at }
                chat.angry = chat.angry || angry
                chat.lastCustomerText = text ?? chat.lastCustomerText
                chat.lastCustomerAt = at
            case .agent, .bot:
                chat.awaitingSince = nil
            case .system:
                break
            }
            chats[id] = chat
        case .agent(let agent):
            agents[agent.id] = agent
        case .away(let ids):
            for id in ids { agents[id]?.status = .away }
        }
    }

    private mutating func noteAbandoned(at instant: Date) {
        abandonedAt.insert(instant, at: abandonedAt.firstIndex { $0 > instant } ?? abandonedAt.endIndex)
        // Kept bounded by the newest instant seen: the floor has no clock of its own.
        let cutoff = (abandonedAt.last ?? instant).addingTimeInterval(-Self.abandonedWindow)
        abandonedAt.removeAll { $0 < cutoff }
    }

    /// The wallboard's live figures at `now`.
    public func board(at now: Date) -> FloorBoard {
        var loads: [String: Int] = [:]
        var groups = Dictionary(uniqueKeysWithValues: SkillGroup.allCases.map { ($0, FloorBoard.Group(skill: $0)) })
        var counts = FloorBoard.Counts()
        for chat in chats.values {
            switch chat.state {
            case .bot: counts.withBot += 1
            case .queued:
                counts.queued += 1
                groups[chat.skill]?.queued += 1
                let since = chat.queuedAt ?? chat.createdAt
                if let oldest = groups[chat.skill]?.oldestQueuedAt, oldest <= since {} else { groups[chat.skill]?.oldestQueuedAt = since }
            case .assigned:
                counts.withAgents += 1
                groups[chat.skill]?.withAgents += 1
                if let agent = chat.agentId { loads[agent, default: 0] += 1 }
                if chat.awaitingSince != nil { counts.awaitingReply += 1 }
            case .resolved: counts.resolved += 1
            case .closed: break
            }
            if chat.angry { counts.angry += 1 }
        }
        let agentLines = agents.values.map { agent in
            FloorBoard.AgentLine(
                id: agent.id, agentNo: agent.agentNo, displayName: agent.displayName, status: agent.status,
                load: loads[agent.id] ?? 0, limit: agent.limit, skills: agent.skills
            )
        }.sorted { (Self.order($0.status), $0.agentNo) < (Self.order($1.status), $1.agentNo) }
        for line in agentLines where line.status == .online {
            for skill in line.skills { groups[skill]?.agentsOnline += 1 }
        }
        var byState = FloorBoard.AgentStates()
        for line in agentLines {
            switch line.status {
            case .online: byState.online += 1
            case .busy: byState.busy += 1
            case .away: byState.away += 1
            }
        }
        let since = now.addingTimeInterval(-Self.abandonedWindow)
        return FloorBoard(
            at: now, groups: SkillGroup.allCases.compactMap { groups[$0] }, agents: agentLines, agentStates: byState, counts: counts,
            abandonedAt: abandonedAt.filter { $0 >= since && $0 <= now }
        )
    }

    private static func order(_ status: AgentStatus) -> Int {
        switch status {
        case .online: 0
        case .busy: 1
        case .away: 2
        }
    }
}

/// The wallboard's live part at one instant. Waits are sent as the instants they started, so a page
/// counts them up by itself between updates.
public struct FloorBoard: Codable, Sendable, Equatable {
    public struct Group: Codable, Sendable, Equatable {
        public var skill: SkillGroup
        public var queued = 0
        /// When the longest-waiting chat of the group was queued.
        public var oldestQueuedAt: Date?
        public var withAgents = 0
        /// Online agents who serve the group.
        public var agentsOnline = 0

        public init(skill: SkillGroup) { self.skill = skill }

        public func longestWait(at now: Date) -> TimeInterval? { oldestQueuedAt.map { max(0, now.timeIntervalSince($0)) } }
    }

    public struct AgentLine: Codable, Sendable, Equatable {
        public var id: String
        public var agentNo: String
        public var displayName: String
        public var status: AgentStatus
        public var load: Int
        public var limit: Int
        public var skills: [SkillGroup]
    }

    public struct AgentStates: Codable, Sendable, Equatable {
        public var online = 0
        public var busy = 0
        public var away = 0
    }

    public struct Counts: Codable, Sendable, Equatable {
        public var withBot = 0
        public var queued = 0
        public var withAgents = 0
        /// Resolved by an agent, waiting for the customer's rating.
        public var resolved = 0
        /// Chats with an agent where the customer's last words are not answered yet.
        public var awaitingReply = 0
        public var angry = 0
    }

    public var at: Date
    public var groups: [Group]
    public var agents: [AgentLine]
    public var agentStates: AgentStates
    public var counts: Counts
    /// When the chats abandoned over the last 30 minutes were closed: a page counts the window itself.
    public var abandonedAt: [Date]

    /// The same board without the instant it was read at: two boards that differ only by it say the same.
    public func sameFigures(as other: FloorBoard) -> Bool {
        var a = self, b = other
        a.at = .distantPast
        b.at = .distantPast
        return a == b
    }
}
