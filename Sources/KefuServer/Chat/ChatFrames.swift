import Foundation
import KefuCore

/// A frame from a client. Fields beyond `type` depend on the type; docs/chat-protocol.md lists them.
struct ClientFrame: Decodable, Sendable {
    enum Kind: String, Decodable, Sendable {
        case start, subscribe, send, typing, read, human, status, transfer, end, rate, ping
        case leaveMessage = "leave_message"
    }

    var type: Kind
    /// Echoed in an error frame, so the client knows which of its frames was refused.
    var ref: String?
    var conversationId: String?
    var lastSeq: Int?
    var clientId: String?
    var text: String?
    var attachmentId: String?
    /// `staff` for an agent's note to colleagues, which the customer never receives.
    var visibility: ChatMessage.Visibility?
    var seq: Int?
    var skill: SkillGroup?
    var status: AgentStatus?
    var limit: Int?
    var toAgentId: String?
    var toSkill: SkillGroup?
    /// A survey answer: CSAT 1–5, NPS 0–10, the reason for 3 or less, a comment; or the bot's `helpful`.
    var score: Int?
    var nps: Int?
    var reason: RatingReason?
    var comment: String?
    var helpful: Bool?
    /// The number a customer leaving a message wants to be called back on.
    var callbackPhone: String?
}

/// The agent as a customer sees them: their number, never their account.
struct AgentBadge: Codable, Hashable, Sendable {
    var id: String
    var agentNo: String
    var displayName: String
}

/// A conversation as it travels in frames.
struct ConversationView: Codable, Hashable, Sendable {
    var id: String
    var state: ConversationState
    var skill: SkillGroup
    var vip: Bool
    var customerId: String?
    var visitorName: String
    var agent: AgentBadge?
    var lastSeq: Int
    var createdAt: Date
    var queuedAt: Date?
    var assignedAt: Date?
    /// The agent a team lead took the chat over from, who reads it until it is handed back.
    var takenFrom: String?
}

/// A frame to a client. Optional fields are left out of the JSON when nil.
struct ServerFrame: Encodable, Sendable {
    var type: String
    var ref: String?
    var conversationId: String?
    var clientId: String?
    var seq: Int?
    var duplicate: Bool?
    var message: ChatMessage?
    var conversation: ConversationView?
    var conversations: [ConversationView]?
    /// In an agent's welcome: how far they have read each of their chats, on any desk.
    var reads: [String: Int]?
    var position: Int?
    var estimatedWaitSeconds: Int?
    /// In a queue frame: whether someone of the group can serve the chat now (if not, `code` says why).
    var available: Bool?
    var ticketNumber: String?
    var sender: String?
    var status: AgentStatus?
    var limit: Int?
    var activeChats: Int?
    var code: String?
    var text: String?
    var word: String?
    var suggestion: String?
    var retryAfter: Int?
    /// In a `rated` frame: which survey was stored, `service` or `bot`.
    var survey: String?

    init(type: String) { self.type = type }

    static func error(_ code: String, _ text: String, ref: String? = nil) -> ServerFrame {
        var frame = ServerFrame(type: "error")
        frame.code = code
        frame.text = text
        frame.ref = ref
        return frame
    }

    static func message(_ message: ChatMessage) -> ServerFrame {
        var frame = ServerFrame(type: "message")
        frame.conversationId = message.conversationId
        frame.seq = message.seq
        frame.message = message
        return frame
    }

    static func conversation(_ view: ConversationView) -> ServerFrame {
        var frame = ServerFrame(type: "conversation")
        frame.conversationId = view.id
        frame.conversation = view
        return frame
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    func json() -> String {
        (try? String(decoding: Self.encoder.encode(self), as: UTF8.self)) ?? #"{"type":"error","code":"internal"}"#
    }
}

/// What the hub carries: a frame and who should get it.
struct ChatEvent: Sendable {
    var frame: ServerFrame
    var conversationId: String?
    var customerId: String?
    var agentIds: [String]
    /// What the event changes on the live floor, applied on every node with it.
    var floor: FloorChange? = nil
}
