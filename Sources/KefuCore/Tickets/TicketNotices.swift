/// Who among staff is told of what happens to tickets and incidents, and in which words. The store
/// writes what these rules say, in the transaction of the change, and resolves "the team leads" to people.
public struct TicketNotice: Sendable, Equatable {
    public enum Audience: Sendable, Equatable {
        case person(String)
        case teamLeads
    }

    public var audience: [Audience]
    /// People never told of their own act.
    public var except: String?
    public var kind: String
    public var text: String
    public var ticketId: String?
    public var outageId: String?
    /// A negative rating's review (差评复盘).
    public var reviewId: String?

    public init(
        audience: [Audience], except: String? = nil, kind: String, text: String, ticketId: String? = nil, outageId: String? = nil,
        reviewId: String? = nil
    ) {
        self.audience = audience
        self.except = except
        self.kind = kind
        self.text = text
        self.ticketId = ticketId
        self.outageId = outageId
        self.reviewId = reviewId
    }

    /// The people this notice goes to, once each, given who the team leads are.
    public func recipients(teamLeads: [String]) -> Set<String> {
        var people = Set<String>()
        for audience in audience {
            switch audience {
            case .person(let id): people.insert(id)
            case .teamLeads: people.formUnion(teamLeads)
            }
        }
        if let except { people.remove(except) }
        return people
    }

    public var needsTeamLeads: Bool { audience.contains(.teamLeads) }
}

public enum TicketNotices {
    /// A change's history, told at once: the new assignee (unless they took it themselves), and the team
    /// leads of an escalation.
    public static func forChange(_ events: [TicketEvent], on ticket: Ticket, by actor: TicketAction.Actor) -> [TicketNotice] {
        events.compactMap { event in
            switch event.kind {
            case .assigned:
                guard let assignee = event.toValue, assignee != actor.id else { return nil }
                return TicketNotice(
                    audience: [.person(assignee)], kind: "assigned", text: "工单 \(ticket.number)（\(ticket.priority.label)）已分派给你：\(ticket.title)",
                    ticketId: ticket.id
                )
            case .escalated:
                return TicketNotice(
                    audience: [.teamLeads], except: actor.id, kind: "escalated",
                    text: "工单 \(ticket.number) 已升级，需在 24 小时内跟进：\(event.text ?? "")", ticketId: ticket.id
                )
            default:
                return nil
            }
        }
    }

    /// A timer firing: a warning goes to whoever holds the ticket (the team leads when nobody does);
    /// breaches and follow-ups to the holder and the team leads.
    public static func forTimer(_ kind: TicketTimer.Kind, on ticket: Ticket) -> TicketNotice {
        var audience: [TicketNotice.Audience] = ticket.assigneeId.map { [.person($0)] } ?? []
        if kind.isBreach || kind == .followUpDue || ticket.assigneeId == nil { audience.append(.teamLeads) }
        return TicketNotice(
            audience: audience, kind: kind.eventKind.rawValue, text: "工单 \(ticket.number)（\(ticket.priority.label)）\(kind.label)", ticketId: ticket.id
        )
    }

    /// A P0 incident opened by a cluster of faults: every team lead.
    public static func forIncident(_ outage: Outage) -> TicketNotice {
        TicketNotice(audience: [.teamLeads], kind: "incident", text: "P0 事件：\(outage.title)", outageId: outage.id)
    }
}
