/// Tickets: customers reach their own, may open them for themselves and close the loop on them
/// (comment, confirm, reopen); staff read with ticket.read and act with ticket.handle.
public enum TicketPolicy {
    /// What a principal may do to a ticket they can see.
    public enum Action: String, Sendable, CaseIterable {
        case comment, confirm, reopen
        case assignSelf, assignOther
        case work
    }

    public static func read(_ principal: Principal, _ ticket: Ticket) -> Access {
        switch principal {
        case .customer(let id, _): ticket.customerId == id ? .allowed : .hidden
        case .staff: Access.staff(principal, .ticketRead)
        case .visitor: .hidden
        }
    }

    /// Whose tickets a list may show: a customer's own, or any for staff who read tickets.
    public static func listScope(_ principal: Principal) throws -> String? {
        switch principal {
        case .customer(let id, _): return id
        case .staff: try Access.staff(principal, .ticketRead).require("工单")
        case .visitor: throw KefuError.forbidden
        }
        return nil
    }

    /// Opening a ticket for `customerId`, with or without a priority set by hand.
    public static func create(_ principal: Principal, for customerId: String, overridingPriority: Bool) -> Access {
        switch principal {
        case .customer(let id, _): id == customerId && !overridingPriority ? .allowed : .forbidden
        case .staff: Access.staff(principal, .ticketHandle)
        case .visitor: .forbidden
        }
    }

    /// Why a visitor cannot open a ticket, in words that tell them what to do.
    public static let loginRequired = KefuError(.forbidden, "login_required", "请先用手机号登录后提交工单")

    /// Acting on a ticket: only on one the principal may read.
    public static func act(_ principal: Principal, _ action: Action, _ ticket: Ticket) -> Access {
        let reading = read(principal, ticket)
        guard reading.isAllowed else { return reading }
        return switch principal {
        case .customer: [Action.comment, .confirm, .reopen].contains(action) ? .allowed : .forbidden
        case .staff:
            action == .assignOther && !principal.has(.ticketAssign) ? .forbidden : Access.staff(principal, .ticketHandle)
        case .visitor: .hidden
        }
    }

    /// Internal comments and history lines are for staff who read tickets.
    public static func seesInternal(_ principal: Principal) -> Bool { principal.has(.ticketRead) }
}
