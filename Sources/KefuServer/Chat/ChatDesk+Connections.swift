import Foundation
import KefuCore
import KefuStore

/// What a live connection asks of the desk: who is on it, their chats and presence, and sending. The
/// socket only reads frames, checks their shape and answers; every rule and every read lives here.
extension ChatDesk {
    /// Someone with a chat socket open.
    enum Participant: Sendable {
        case agent(StaffUser)
        case party(ChatParty)
    }

    /// Who the principal is in the chat, or nil when they may not chat at all (staff without
    /// chat.handle, an account that no longer exists).
    func participant(for principal: Principal) async throws -> Participant? {
        switch principal {
        case .staff(let id, _, _, _):
            guard let staff = try await store.staff.find(id: id), !staff.disabled, staff.role.permissions.contains(.chatHandle) else { return nil }
            return .agent(staff)
        case .customer(let id, _):
            return try await store.customers.find(id: id).map { .party(ChatParty(customer: $0)) }
        case .visitor(let id):
            return .party(ChatParty(visitorId: id))
        }
    }

    /// An agent's desk opened: they are online, with the chats they hold. The caller routes waiting chats
    /// (`dispatch`) once it has told the desk, so the desk hears of its chats in order.
    func deskOpened(by agent: StaffUser) async throws -> (status: AgentStatus, limit: Int, conversations: [ConversationView], reads: [String: Int]) {
        let (status, limit) = try await store.chat.openDesk(agentId: agent.id, node: node, defaultLimit: settings.agentChatLimit, now: now())
        hub.publish(.agent(FloorAgent(agent, status: status, limit: limit)))
        var views: [ConversationView] = []
        for c in try await store.chat.assigned(to: agent.id) + store.chat.taken(from: agent.id) { views.append(try await view(c)) }
        let reads = try await store.chat.readSeqs(readerId: agent.id, conversationIds: views.map(\.id))
        return (status, limit, views, reads)
    }

    /// Someone read `c` up to `seq`: an agent's read is kept (their other desks and a reload know it),
    /// and the chat's other side and desks are told.
    func read(_ c: Conversation, upTo seq: Int, by participant: Participant) async throws {
        let upTo = min(max(0, seq), c.lastSeq)
        if case .agent(let agent) = participant {
            try await store.chat.markRead(conversationId: c.id, readerId: agent.id, seq: upTo, now: now())
        }
        var frame = ServerFrame(type: "read")
        frame.conversationId = c.id
        if case .agent = participant { frame.sender = "agent" } else { frame.sender = "customer" }
        frame.seq = upTo
        publish(frame, for: c)
    }

    /// The agent's last desk on this node closed: with none left elsewhere, stop routing new chats to
    /// an agent nobody is watching.
    func deskClosed(by agent: StaffUser) async throws {
        if try await store.chat.closeDesk(agentId: agent.id, node: node, now: now()) { hub.publish(.away(agentIds: [agent.id])) }
    }

    /// The customer's or visitor's open chat, if any.
    func openConversations(of party: ChatParty) async throws -> [ConversationView] {
        guard let open = try await store.chat.openConversation(ownerId: party.id) else { return [] }
        return [try await view(open)]
    }

    /// The agent sets their status and, optionally, how many chats they hold at once (1–10).
    func setStatus(of agent: StaffUser, to status: AgentStatus, limit: Int?) async throws -> (status: AgentStatus, limit: Int, activeChats: Int) {
        if let limit, !(1...10).contains(limit) { throw KefuError(.invalid, "invalid_limit", "同时接待上限为1到10") }
        let presence = try await store.chat.setPresence(agentId: agent.id, status: status, limit: limit, defaultLimit: settings.agentChatLimit, now: now())
        hub.publish(.agent(FloorAgent(agent, status: presence.0, limit: presence.1)))
        let active = try await store.chat.activeCount(agentId: agent.id)
        if status == .online { try await dispatch() }
        return (presence.0, presence.1, active)
    }

    /// The conversation if the principal may take part in it; the same refusal whether it exists or not.
    func conversation(_ id: String?, for principal: Principal, to action: ConversationPolicy.Action = .converse) async throws -> Conversation {
        guard let id, let c = try await store.chat.conversation(id: id), ConversationPolicy.access(principal, action, c).isAllowed else {
            throw Self.notYours
        }
        return c
    }

    static let notYours = KefuError(.notFound, "not_found", "会话不存在或无权访问")

    /// What sending did: stored (and published), or refused for a forbidden word, which is logged.
    enum Sent: Sendable {
        case stored(ChatRepository.Appended)
        case forbidden(ForbiddenWord)
    }

    /// Sends a message into `c`. An agent's text is checked against the forbidden words (a hit is logged
    /// and nothing is sent) and its quick-reply variables filled in; a customer may not write into a
    /// resolved chat. An attachment must have been uploaded to this chat; one of another chat is
    /// refused exactly like one that does not exist, so the answer tells nothing about other chats.
    /// An agent's note to colleagues in the chat: staff-only, so no forbidden-word check and no first response.
    func note(_ c: Conversation, by agent: StaffUser, clientId: String, text: String) async throws -> ChatRepository.Appended {
        guard c.state == .assigned || c.state == .resolved else { throw KefuError(.conflict, "invalid_state", "会话不在接待中") }
        return try await post(c, sender: .agent, senderId: agent.id, text: text, clientId: clientId, visibility: .staff)
    }

    func send(_ c: Conversation, from participant: Participant, clientId: String, text: String, attachmentId: String?) async throws -> Sent {
        var mime: String?
        if let attachmentId {
            mime = try await store.chatTools.attachmentMime(id: attachmentId, in: c.id)
            guard mime != nil else { throw KefuError(.unprocessable, "invalid_attachment", "附件不存在，请重新上传") }
        }
        switch participant {
        case .agent(let agent):
            guard c.state == .assigned else { throw KefuError(.conflict, "invalid_state", "会话不在接待中") }
            if let hit = ForbiddenWord.firstHit(in: text, among: try await store.chatTools.forbiddenWords()) {
                try await store.chatTools.recordHit(
                    .init(id: Store.newID("hit"), conversationId: c.id, agentId: agent.id, word: hit.word, text: text, at: now())
                )
                return .forbidden(hit)
            }
            let name = try await c.customerId.asyncMap { try await store.customers.find(id: $0)?.name } ?? nil
            let body = QuickReply.expand(text, customerName: name, agentNo: agent.agentNo)
            return .stored(
                try await post(c, sender: .agent, senderId: agent.id, text: body, clientId: clientId, attachmentId: attachmentId, attachmentMime: mime)
            )
        case .party(let party):
            guard c.state != .resolved else { throw KefuError(.conflict, "invalid_state", "会话已结束，请评价或发起新会话") }
            return .stored(
                try await post(c, sender: .customer, senderId: party.id, text: text, clientId: clientId, attachmentId: attachmentId, attachmentMime: mime)
            )
        }
    }

    /// A customer's new message to a chat still with the bot: the bot answers, or hands over to a person.
    func botAnswers(_ c: Conversation, party: ChatParty, text: String) async throws {
        guard let brain else { return try await requestHuman(c) }
        try await ChatBot(service: self, brain: brain, nlu: brain.nlu).answer(c, party: party, text: text)
    }

    /// The customer pressed 转人工 (or asked a client to): the bot hands over with its summary.
    func humanRequested(_ c: Conversation, party: ChatParty, skill: SkillGroup?) async throws {
        guard c.state == .bot else { return }
        guard let brain else { return try await requestHuman(c, skill: skill, handover: (.button, nil)) }
        try await ChatBot(service: self, brain: brain, nlu: brain.nlu).humanRequested(c, party: party, skill: skill)
    }

    /// Stored messages after `seq`, for a connection filling a gap or catching up.
    /// The messages `viewer` may see: staff-only ones for staff alone.
    func messages(in conversationId: String, after seq: Int, limit: Int = 500, for viewer: Principal) async throws -> [ChatMessage] {
        try await store.chat.messages(
            conversationId: conversationId, after: seq, limit: limit, includingStaffOnly: ConversationPolicy.seesStaffOnly(viewer)
        )
    }
}
