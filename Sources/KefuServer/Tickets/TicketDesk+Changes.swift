import Foundation
import KefuCore
import KefuStore

extension TicketDesk {
    /// One request to change a ticket: what the policy calls it, the domain's action, and the word the
    /// audit log uses for it.
    struct Change: Sendable {
        var policy: TicketPolicy.Action
        var action: TicketAction
        var name: String
    }

    /// Applies `change` to a ticket the caller can see: the policy, a new assignee who exists and may
    /// handle tickets, the state machine (in the store, on the locked row), and a customer's answer to a
    /// ticket that waits for them restarting its clock.
    func act(on ticket: Ticket, _ change: Change, by acting: Acting) async throws -> Ticket {
        let principal = acting.principal
        try TicketPolicy.act(principal, change.policy, ticket).require("工单")
        if case .assign(let assignee) = change.action, assignee != principal.actorID {
            guard let staff = try await store.staff.find(id: assignee), !staff.disabled, staff.role.permissions.contains(.ticketHandle) else {
                throw KefuError.unprocessable(["assigneeId：没有这个可处理工单的员工"])
            }
        }
        let actor = TicketAction.Actor(kind: principal.actorKind, id: principal.actorID)
        var updated = try await store.tickets.apply(
            change.action, ticketId: ticket.id, actor: actor, now: now(),
            audit: acting.audit("ticket.\(change.name)", targetType: "ticket", targetId: ticket.id, at: now())
        )
        if case .customer = principal, case .comment = change.action, updated.status == .waitingCustomer {
            updated = try await store.tickets.apply(
                .move(to: .inProgress, note: "客户已回复"), ticketId: ticket.id, actor: .init(kind: "system", id: "customer-reply"), now: now(),
                audit: acting.audit("ticket.resume", targetType: "ticket", targetId: ticket.id, at: now())
            )
        }
        return updated
    }

    /// Fires the SLA warnings, breaches and follow-ups that are due, each once across all nodes; who is
    /// told is `TicketNotices`'s rule, written with the firing in one transaction.
    func fireDueTimers() async throws -> [TicketRepository.Fired] {
        try await store.tickets.fireDueTimers(now: now())
    }
}
