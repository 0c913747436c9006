import Foundation
import KefuCore
import KefuStore

/// Opens tickets: the one path for every channel (the REST API for customers and staff, the bot's
/// fault self-check). It checks the fields against the type's template, asks `TicketPolicy`, checks
/// every id in the request against the caller, and has the store link and persist the ticket with its
/// audit entry in one transaction.
struct TicketDesk: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    /// Who opens the ticket.
    enum Opener: Sendable {
        case person(Acting)
        /// The bot, for the customer it is talking to, in that customer's chat.
        case bot
    }

    func open(_ draft: TicketRepository.Draft, by opener: Opener) async throws -> TicketRepository.Created {
        var draft = draft
        if case .person(let acting) = opener {
            try TicketPolicy.create(acting.principal, for: draft.customerId, overridingPriority: draft.priorityOverride != nil).require("客户")
            if case .customer = acting.principal { draft.fields = draft.type.withStaffFieldsForCustomer(draft.fields) }
        }
        guard !draft.customerId.isEmpty else { throw KefuError.unprocessable(["customerId：请指定客户"]) }
        var problems = draft.type.problems(in: draft.fields)
        if !Validation.isCleanText(draft.title, max: 200) { problems.append("title：标题为 1–200 字") }
        if let summary = draft.summary, !summary.isEmpty, !Validation.isCleanText(summary, max: 2000) { problems.append("summary：最多 2000 字") }
        if let override = draft.priorityOverride, override.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append("overrideReason：手工指定优先级必须填写原因")
        }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        if let conversationId = draft.conversationId {
            try await requireConversation(conversationId, of: draft.customerId, for: opener)
        }
        var detail = "type=\(draft.type.rawValue)"
        if let override = draft.priorityOverride { detail += " override=\(override.priority.rawValue)" }
        if let conversationId = draft.conversationId { detail += " conversation=\(conversationId)" }
        let audit: AuditEntry
        switch opener {
        case .person(let acting):
            audit = acting.audit("ticket.create", targetType: "customer", targetId: draft.customerId, detail: detail, at: now())
        case .bot:
            audit = AuditEntry(
                id: Store.newID("aud"), at: now(), actorKind: "system", actorId: "bot", action: "ticket.create",
                targetType: "customer", targetId: draft.customerId, detail: detail
            )
        }
        return try await store.tickets.create(draft, now: now(), audit: audit)
    }

    /// A ticket may name a chat only if the chat is the customer's and the opener may read it: a customer
    /// cannot attach someone else's conversation, nor an agent one they never saw.
    private func requireConversation(_ id: String, of customerId: String, for opener: Opener) async throws {
        let refused = KefuError.unprocessable(["conversationId：会话不存在或不属于此客户"])
        guard let conversation = try await store.chat.conversation(id: id), conversation.customerId == customerId else { throw refused }
        if case .person(let acting) = opener, !ConversationPolicy.access(acting.principal, .readHistory, conversation).isAllowed {
            throw refused
        }
    }
}
