import Foundation
import KefuCore
import KefuStore

/// What a team lead does in a live chat from the wallboard. Each act is a staff-only line in the
/// chat's transcript and an audit entry, stored together: the agent sees that their lead is there,
/// and the customer never does (staff-only messages reach no customer path).
extension ChatDesk {
    /// The lead opens a live chat read-only.
    func watch(_ id: String?, by lead: StaffUser, acting: Acting) async throws -> Conversation {
        let c = try await liveChat(id, for: acting.principal)
        let audit = acting.audit("chat.watch", targetType: "conversation", targetId: c.id, at: now())
        let line = try await post(
            c, sender: .system, senderId: lead.id, text: "班长 \(lead.agentNo) \(lead.displayName) 正在查看本会话", visibility: .staff, audit: audit
        )
        return line.conversation
    }

    /// A word to the chat's agent, inside the chat: staff-only, so it is never sent to the customer,
    /// never in the customer's copy, and never counts as a response to them.
    func whisper(_ id: String?, by lead: StaffUser, acting: Acting, clientId: String, text: String) async throws -> ChatRepository.Appended {
        let c = try await liveChat(id, for: acting.principal)
        guard c.state == .assigned || c.state == .resolved, let agent = c.agentId else {
            throw KefuError(.conflict, "no_agent", "会话还没有客服接待，无法悄悄话")
        }
        guard agent != lead.id else { throw KefuError(.conflict, "own_chat", "这是您自己接待的会话，请直接写内部备注") }
        let audit = acting.audit("chat.whisper", targetType: "conversation", targetId: c.id, at: now())
        return try await post(c, sender: .agent, senderId: lead.id, text: text, clientId: clientId, visibility: .staff, audit: audit)
    }

    /// The lead takes the chat over from its agent: it becomes the lead's, on the lead's desk, and the
    /// agent keeps reading it (read-only) until it is handed back. The agent's slot is free meanwhile.
    func takeOver(_ id: String?, by lead: StaffUser, acting: Acting) async throws -> Conversation {
        let c = try await liveChat(id, for: acting.principal)
        guard c.state == .assigned, let agentId = c.agentId else { throw KefuError(.conflict, "no_agent", "只有客服接待中的会话可以接管") }
        guard agentId != lead.id else { throw KefuError(.conflict, "own_chat", "这是您自己接待的会话") }
        guard let presence = try await store.chat.presence(agentId: lead.id), presence.status != .away else {
            throw KefuError(.conflict, "desk_closed", "请先打开工作台，接管的会话会出现在您的工作台上")
        }
        let agent = try await store.staff.find(id: agentId)
        let audit = acting.audit("chat.take_over", targetType: "conversation", targetId: c.id, detail: agent?.agentNo, at: now())
        let moved = try await store.chat.transition(c.id, to: .assigned, now: now(), agentId: .some(lead.id), takenFrom: .some(agentId), audit: audit)
        try await publishState(moved, alsoAgents: [agentId])
        try await post(
            moved, sender: .system, senderId: lead.id,
            text: "班长 \(lead.agentNo) \(lead.displayName) 接管了本会话（原客服 \(agent?.agentNo ?? "已删除的账号")），原客服可继续查看", visibility: .staff
        )
        try await post(moved, sender: .system, senderId: lead.id, text: "客服 \(lead.agentNo) 为您继续服务。")
        try await dispatch()
        return moved
    }

    /// The lead gives a chat they took over back to the agent it was taken from, if that agent's desk is
    /// open and has room under their limit; otherwise the lead keeps it (or transfers it from the desk).
    func handBack(_ id: String?, by lead: StaffUser, acting: Acting) async throws -> Conversation {
        let c = try await liveChat(id, for: acting.principal)
        guard c.state == .assigned, c.agentId == lead.id, let agentId = c.takenFrom else {
            throw KefuError(.conflict, "not_taken_over", "这不是您接管的会话")
        }
        let agent = try await store.staff.find(id: agentId)
        guard let agent, !agent.disabled, let presence = try await store.chat.presence(agentId: agentId), presence.status != .away,
            try await store.chat.activeCount(agentId: agentId) < presence.limit
        else {
            throw KefuError(.conflict, "target_unavailable", "原客服当前不在线或已满负荷，请稍后再交还或转接他人")
        }
        let audit = acting.audit("chat.hand_back", targetType: "conversation", targetId: c.id, detail: agent.agentNo, at: now())
        let moved = try await store.chat.transition(c.id, to: .assigned, now: now(), agentId: .some(agentId), takenFrom: .some(nil), audit: audit)
        try await publishState(moved, alsoAgents: [lead.id])
        try await post(moved, sender: .system, senderId: lead.id, text: "班长 \(lead.agentNo) \(lead.displayName) 将会话交还客服 \(agent.agentNo)", visibility: .staff)
        try await post(moved, sender: .system, senderId: agentId, text: "客服 \(agent.agentNo) 继续为您服务。")
        return moved
    }

    /// A chat not closed yet, for one who may watch the floor; the same refusal whether it exists or not.
    private func liveChat(_ id: String?, for principal: Principal) async throws -> Conversation {
        guard principal.has(.floorWatch) else { throw KefuError.forbidden }
        guard let id, let c = try await store.chat.conversation(id: id), c.state != .closed else {
            throw KefuError(.notFound, "not_found", "会话不存在或已结束")
        }
        return c
    }
}
