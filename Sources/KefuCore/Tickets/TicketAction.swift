import Foundation

/// Everything that changes a ticket after it is created, applied by one pure function so the state
/// machine is tested without a database. The store runs it on the locked row.
public enum TicketAction: Sendable, Equatable {
    case assign(to: String)
    case move(to: TicketStatus, note: String?)
    case transfer(group: SkillGroup, reason: String)
    case escalate(reason: String)
    case comment(text: String, internal: Bool)
    case setPriority(TicketPriority, reason: String)
    case reopen(reason: String)

    /// Who acts: written into the history.
    public struct Actor: Sendable, Equatable {
        public var kind: String
        public var id: String

        public init(kind: String, id: String) {
            self.kind = kind
            self.id = id
        }

        public static let system = Actor(kind: "system", id: "system")
    }

    public struct Refused: Error, Equatable, CustomStringConvertible, KefuErrorConvertible {
        public enum Kind: Sendable { case conflict, invalid }
        public let kind: Kind
        public let description: String

        /// A move the state machine forbids is a conflict with the ticket's state; a bad value is the request's fault.
        public var kefuError: KefuError {
            switch kind {
            case .conflict: KefuError(.conflict, "invalid_transition", description)
            case .invalid: .unprocessable([description])
            }
        }
    }

    public static let followUpWithin: TimeInterval = 24 * 3600

    /// Changes `ticket` and returns the history lines to store with it, or throws without changing it.
    public func apply(to ticket: inout Ticket, by actor: Actor, at now: Date, newID: () -> String) throws -> [TicketEvent] {
        var copy = ticket
        func event(_ kind: TicketEvent.Kind, from: String? = nil, to: String? = nil, text: String? = nil, isInternal: Bool = false) -> TicketEvent {
            TicketEvent(id: newID(), ticketId: ticket.id, at: now, actorKind: actor.kind, actorId: actor.id, kind: kind, fromValue: from, toValue: to, text: text, isInternal: isInternal)
        }
        func conflict(_ message: String) -> Refused { Refused(kind: .conflict, description: message) }
        func invalid(_ message: String) -> Refused { Refused(kind: .invalid, description: message) }
        func requireReason(_ reason: String, _ what: String) throws -> String {
            let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Validation.isCleanText(trimmed, max: 500) else { throw invalid("reason：\(what)需要填写原因（1–500 字）") }
            return trimmed
        }
        var events: [TicketEvent] = []
        switch self {
        case .assign(let assignee):
            guard ticket.status.isOpen else { throw conflict("\(ticket.status.label)的工单不能分派") }
            let previous = copy.assigneeId
            copy.assigneeId = assignee
            if copy.status == .new { copy.move(to: .assigned, at: now) }
            copy.updatedAt = now
            events.append(event(.assigned, from: previous, to: assignee))
        case .move(let next, let note):
            guard ticket.status.canMove(to: next) else {
                throw conflict("工单状态不能从“\(ticket.status.label)”变为“\(next.label)”")
            }
            if next == .assigned, copy.assigneeId == nil { throw conflict("请先指定处理人") }
            copy.move(to: next, at: now)
            events.append(event(.status, from: ticket.status.rawValue, to: next.rawValue, text: note))
        case .transfer(let group, let reason):
            guard ticket.status.isOpen else { throw conflict("\(ticket.status.label)的工单不能转派") }
            guard group != ticket.group else { throw conflict("工单已在\(group.displayName)组") }
            let why = try requireReason(reason, "转派")
            copy.group = group
            copy.assigneeId = nil
            if copy.status == .assigned || copy.status == .inProgress { copy.status = .new }
            copy.updatedAt = now
            events.append(event(.transferred, from: ticket.group.rawValue, to: group.rawValue, text: why))
        case .escalate(let reason):
            guard ticket.status.isOpen else { throw conflict("\(ticket.status.label)的工单不能升级") }
            let why = try requireReason(reason, "升级")
            copy.escalated = true
            copy.followUpDueAt = now.addingTimeInterval(Self.followUpWithin)
            copy.updatedAt = now
            events.append(event(.escalated, to: copy.followUpDueAt.map { ISO8601DateFormatter().string(from: $0) }, text: why))
        case .comment(let text, let isInternal):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Validation.isCleanText(trimmed, max: 2000) else { throw invalid("text：备注为 1–2000 字，不能含控制字符") }
            copy.updatedAt = now
            events.append(event(.comment, text: trimmed, isInternal: isInternal))
        case .setPriority(let priority, let reason):
            guard ticket.status.isOpen else { throw conflict("\(ticket.status.label)的工单不能调整优先级") }
            let why = try requireReason(reason, "调整优先级")
            guard priority != ticket.priority else { throw conflict("优先级已是 \(priority.label)") }
            copy.setPriority(priority, reason: why, overridden: true)
            copy.updatedAt = now
            events.append(event(.priority, from: ticket.priority.rawValue, to: priority.rawValue, text: why))
        case .reopen(let reason):
            if let problem = TicketStatus.reopenProblem(status: ticket.status, finishedAt: ticket.closedAt ?? ticket.resolvedAt, now: now) {
                throw conflict(problem)
            }
            let why = try requireReason(reason, "重新打开")
            copy.reopen(at: now)
            events.append(event(.reopened, from: ticket.status.rawValue, to: copy.status.rawValue, text: why))
        }
        ticket = copy
        return events
    }
}

extension TicketEvent.Kind {
    /// The event type webhook subscribers choose from.
    public var webhookType: String {
        switch self {
        case .created: "ticket.created"
        case .assigned: "ticket.assigned"
        case .status: "ticket.status_changed"
        case .transferred: "ticket.transferred"
        case .escalated: "ticket.escalated"
        case .comment: "ticket.commented"
        case .priority: "ticket.priority_changed"
        case .outageLinked: "ticket.outage_linked"
        case .slaWarning: "ticket.sla_warning"
        case .slaBreach: "ticket.sla_breached"
        case .followUpDue: "ticket.follow_up_due"
        case .reopened: "ticket.reopened"
        }
    }

    public static let webhookTypes: [String] =
        [Self.created, .assigned, .status, .transferred, .escalated, .comment, .priority, .outageLinked, .slaWarning, .slaBreach, .followUpDue, .reopened]
        .map(\.webhookType) + ["incident.opened", "outage.declared", "outage.resolved"]
}
