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

    /// A chat not closed yet, for one who may watch the floor; the same refusal whether it exists or not.
    private func liveChat(_ id: String?, for principal: Principal) async throws -> Conversation {
        guard principal.has(.floorWatch) else { throw KefuError.forbidden }
        guard let id, let c = try await store.chat.conversation(id: id), c.state != .closed else {
            throw KefuError(.notFound, "not_found", "会话不存在或已结束")
        }
        return c
    }
}
