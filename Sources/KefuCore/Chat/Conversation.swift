import Foundation

/// The skill groups chats are routed to; an agent may belong to several.
public enum SkillGroup: String, Codable, Sendable, CaseIterable {
    case mobile, broadband, billing, enterprise, vip

    public var displayName: String {
        switch self {
        case .mobile: "移动业务"
        case .broadband: "宽带业务"
        case .billing: "账务"
        case .enterprise: "政企"
        case .vip: "VIP专席"
        }
    }
}

/// Where a chat is in its life: with the bot, waiting for a person, with an agent, done.
public enum ConversationState: String, Codable, Sendable, CaseIterable {
    case bot, queued, assigned, resolved, closed

    /// The moves the lifecycle allows; anything else is refused.
    public func canMove(to next: ConversationState) -> Bool {
        switch (self, next) {
        case (.bot, .queued), (.bot, .assigned), (.bot, .closed): true
        case (.queued, .assigned), (.queued, .closed): true
        // A transfer puts an assigned chat back in a queue or straight to another agent.
        case (.assigned, .queued), (.assigned, .assigned), (.assigned, .resolved), (.assigned, .closed): true
        case (.resolved, .closed), (.resolved, .assigned): true
        default: false
        }
    }

    public var isOpen: Bool { self != .closed }
}

/// A chat between a customer (or an anonymous visitor), the bot and agents.
public struct Conversation: Codable, Hashable, Sendable {
    public var id: String
    public var customerId: String?
    public var visitorName: String
    /// Set instead of `customerId` when someone chats without logging in.
    public var visitorId: String?
    /// Whoever chats on the customer's side: the customer, or the visitor.
    public var ownerId: String? { customerId ?? visitorId }
    public var state: ConversationState
    public var skill: SkillGroup
    /// The customer picked the group from the menu: a person of that group serves them, whatever the
    /// bot reads into their later questions.
    public var skillChosen: Bool
    public var vip: Bool
    public var agentId: String?
    public var lastSeq: Int
    public var createdAt: Date
    public var queuedAt: Date?
    public var assignedAt: Date?
    public var firstResponseAt: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var lastCustomerMessageAt: Date?
    public var idleReminderSentAt: Date?
    /// What the bot read the problem as when it handed the chat to a person (nil when it could not tell).
    public var intent: Intent?
    /// Why the bot handed it over; nil for a chat the bot kept, or one queued without the bot.
    public var handoverReason: HandoverReason?
    /// An agent sent it on to another skill group: it was not solved where it first landed.
    public var groupTransferred: Bool
    /// A team lead took the chat over from this agent, who keeps reading it until it is handed back.
    public var takenFrom: String?

    public init(
        id: String, customerId: String?, visitorName: String, state: ConversationState, skill: SkillGroup, vip: Bool,
        agentId: String? = nil, lastSeq: Int = 0, createdAt: Date, queuedAt: Date? = nil, assignedAt: Date? = nil,
        firstResponseAt: Date? = nil, closedAt: Date? = nil, lastCustomerMessageAt: Date? = nil, idleReminderSentAt: Date? = nil,
        visitorId: String? = nil, skillChosen: Bool = true, resolvedAt: Date? = nil, intent: Intent? = nil,
        handoverReason: HandoverReason? = nil, groupTransferred: Bool = false, takenFrom: String? = nil
    ) {
        self.takenFrom = takenFrom
        self.groupTransferred = groupTransferred
        self.intent = intent
        self.handoverReason = handoverReason
        self.visitorId = visitorId
        self.skillChosen = skillChosen
        self.resolvedAt = resolvedAt
        self.id = id
        self.customerId = customerId
        self.visitorName = visitorName
        self.state = state
        self.skill = skill
        self.vip = vip
        self.agentId = agentId
        self.lastSeq = lastSeq
        self.createdAt = createdAt
        self.queuedAt = queuedAt
        self.assignedAt = assignedAt
        self.firstResponseAt = firstResponseAt
        self.closedAt = closedAt
        self.lastCustomerMessageAt = lastCustomerMessageAt
        self.idleReminderSentAt = idleReminderSentAt
    }
}

/// One message of a chat, numbered per conversation from 1 with no gaps.
public struct ChatMessage: Codable, Hashable, Sendable {
    public enum Sender: String, Codable, Sendable, CaseIterable {
        case customer, agent, bot, system
    }

    /// Who sees a message: everyone in the chat, or staff only (the bot's hand-over summary, agents'
    /// notes to each other). A staff-only message never reaches a customer, in any form.
    public enum Visibility: String, Codable, Sendable, CaseIterable {
        case everyone, staff
    }

    public var conversationId: String
    public var seq: Int
    /// The id the sending client chose; a repeat of it is acknowledged again, never stored twice.
    public var clientId: String?
    public var sender: Sender
    public var senderId: String?
    public var text: String
    public var attachmentId: String?
    /// The attachment's type as read from its bytes, so a page knows to show an image or a player.
    public var attachmentMime: String?
    public var visibility: Visibility
    public var createdAt: Date

    public init(
        conversationId: String, seq: Int, clientId: String?, sender: Sender, senderId: String?, text: String,
        attachmentId: String? = nil, attachmentMime: String? = nil, visibility: Visibility = .everyone, createdAt: Date
    ) {
        self.conversationId = conversationId
        self.seq = seq
        self.clientId = clientId
        self.sender = sender
        self.senderId = senderId
        self.text = text
        self.attachmentId = attachmentId
        self.attachmentMime = attachmentMime
        self.visibility = visibility
        self.createdAt = createdAt
    }
}

extension Conversation {
    /// Puts the chat in `skill`'s hands. Moving a chat a person held to another group is a group
    /// transfer, which first-contact resolution counts against it; the bot's routing before anyone took
    /// it, or a transfer within the group, is not.
    public mutating func route(to skill: SkillGroup) {
        if state == .assigned, skill != self.skill { groupTransferred = true }
        self.skill = skill
    }
}
