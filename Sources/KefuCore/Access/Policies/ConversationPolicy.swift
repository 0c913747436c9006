/// Who may do what with a chat, asked the same way by the REST API and the chat socket.
public enum ConversationPolicy {
    public enum Action: Sendable, CaseIterable {
        /// Take part live: subscribe, send, type, read receipts, ask for a person, rate, transfer, end, upload.
        case converse
        /// Read what was said and sent: the history and its attachments.
        case readHistory
        /// Follow it live without taking part: subscribe to its messages and mark them read. The agent
        /// a team lead took it over from still may, until it is handed back.
        case follow
        /// Open a ticket prefilled from the chat.
        case draftTicket
        /// Be offered answers to send: the agent who holds the chat.
        case suggestAnswers
    }

    public static func access(_ principal: Principal, _ action: Action, _ conversation: Conversation) -> Access {
        let party = isParty(principal, conversation)
        switch action {
        case .converse:
            return party ? .allowed : .hidden
        case .readHistory:
            return party || wasTakenFrom(principal, conversation) || principal.has(.transcriptRead) ? .allowed : .hidden
        case .follow:
            return party || wasTakenFrom(principal, conversation) ? .allowed : .hidden
        case .draftTicket:
            guard principal.has(.ticketHandle) else { return .forbidden }
            return party || principal.has(.transcriptRead) ? .allowed : .hidden
        case .suggestAnswers:
            guard principal.has(.chatHandle) else { return .forbidden }
            return party ? .allowed : .hidden
        }
    }

    /// The customer or visitor who owns the chat, or the agent who holds it now.
    static func isParty(_ principal: Principal, _ conversation: Conversation) -> Bool {
        switch principal {
        case .customer(let id, _): conversation.customerId == id
        case .visitor(let id): conversation.visitorId == id
        case .staff(let id, _, _, _): principal.has(.chatHandle) && conversation.agentId == id
        }
    }

    /// The agent a team lead took the chat over from.
    static func wasTakenFrom(_ principal: Principal, _ conversation: Conversation) -> Bool {
        guard case .staff(let id, _, _, _) = principal, let from = conversation.takenFrom else { return false }
        return from == id && principal.has(.chatHandle)
    }

    /// Staff-only messages are for staff: whoever else may read the chat reads it without them.
    public static func seesStaffOnly(_ principal: Principal) -> Bool {
        if case .staff = principal { return true }
        return false
    }
}
