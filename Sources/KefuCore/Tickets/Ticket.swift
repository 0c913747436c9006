import Foundation

/// A ticket as stored and shown. Personal data is not copied here: the customer id links to it.
public struct Ticket: Codable, Hashable, Sendable {
    public var id: String
    /// What people read out on the phone: GD + date + sequence.
    public var number: String
    public var type: TicketType
    public var title: String
    public var fields: [String: String]
    public var status: TicketStatus
    public var priority: TicketPriority
    /// The rule that set the priority, or the reason given for overriding it.
    public var priorityReason: String
    public var priorityOverridden: Bool
    /// Skill group that owns it: mobile, broadband, billing, enterprise, vip.
    public var group: SkillGroup
    public var assigneeId: String?
    public var customerId: String
    public var subscriptionId: String?
    public var deviceId: String?
    public var outageId: String?
    public var conversationId: String?
    public var intent: Intent?
    public var keywords: [String]
    public var summary: String?
    public var district: String
    /// The line's kind (broadband, mobile, …) or "general".
    public var service: TicketService
    public var serviceDown: Bool
    public var escalated: Bool
    public var followUpDueAt: Date?
    public var response: SLAClock
    public var resolution: SLAClock
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var reopenCount: Int

    public init(
        id: String, number: String, type: TicketType, title: String, fields: [String: String], status: TicketStatus,
        priority: TicketPriority, priorityReason: String, priorityOverridden: Bool, group: SkillGroup, assigneeId: String?,
        customerId: String, subscriptionId: String?, deviceId: String?, outageId: String?, conversationId: String?,
        intent: Intent?, keywords: [String], summary: String?, district: String, service: TicketService, serviceDown: Bool,
        escalated: Bool, followUpDueAt: Date?, response: SLAClock, resolution: SLAClock, createdBy: String,
        createdAt: Date, updatedAt: Date, resolvedAt: Date?, closedAt: Date?, reopenCount: Int
    ) {
        self.id = id
        self.number = number
        self.type = type
        self.title = title
        self.fields = fields
        self.status = status
        self.priority = priority
        self.priorityReason = priorityReason
        self.priorityOverridden = priorityOverridden
        self.group = group
        self.assigneeId = assigneeId
        self.customerId = customerId
        self.subscriptionId = subscriptionId
        self.deviceId = deviceId
        self.outageId = outageId
        self.conversationId = conversationId
        self.intent = intent
        self.keywords = keywords
        self.summary = summary
        self.district = district
        self.service = service
        self.serviceDown = serviceDown
        self.escalated = escalated
        self.followUpDueAt = followUpDueAt
        self.response = response
        self.resolution = resolution
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.reopenCount = reopenCount
    }

    /// The group a new ticket goes to: the problem's line, except disputes (billing) and VIP complaints.
    public static func group(type: TicketType, service: TicketService, vip: Bool) -> SkillGroup {
        switch type {
        case .billingDispute: return .billing
        case .complaint where vip: return .vip
        default:
            switch service {
            case .broadband, .iptv: return .broadband
            case .dedicatedLine, .iot: return .enterprise
            case .mobile: return .mobile
            case .general: return type == .complaint ? .billing : .mobile
            }
        }
    }

    /// Applies a new priority to both clocks, keeping what has already elapsed.
    public mutating func setPriority(_ priority: TicketPriority, reason: String, overridden: Bool) {
        self.priority = priority
        self.priorityReason = reason
        self.priorityOverridden = overridden
        response.target = priority.responseTarget
        resolution.target = priority.resolutionTarget
    }

    /// Moves the status and the clocks together: waiting for the customer pauses the resolution clock,
    /// starting work meets the response target, resolving meets the resolution target.
    public mutating func move(to next: TicketStatus, at now: Date) {
        switch next {
        case .inProgress:
            response.meet(at: now)
            resolution.resume(at: now)
        case .waitingCustomer:
            resolution.pause(at: now)
        case .resolved:
            response.meet(at: now)
            resolution.meet(at: now)
            resolvedAt = now
        case .closed:
            closedAt = now
        case .new, .assigned:
            break
        }
        status = next
        updatedAt = now
    }

    /// A reopened ticket goes back to its assignee (or the group) with a fresh resolution clock.
    public mutating func reopen(at now: Date) {
        status = assigneeId == nil ? .new : .assigned
        resolution = SLAClock(startedAt: now, target: priority.resolutionTarget)
        resolvedAt = nil
        closedAt = nil
        reopenCount += 1
        updatedAt = now
    }

    /// The timed events this ticket should have now, by kind; the scheduler fires each once.
    public func timers() -> [TicketTimer] {
        var timers: [TicketTimer] = []
        if status.isOpen {
            if let warn = response.due(fraction: SLAClock.warningFraction), let breach = response.due() {
                timers.append(TicketTimer(kind: .responseWarning, dueAt: warn))
                timers.append(TicketTimer(kind: .responseBreach, dueAt: breach))
            }
            if let warn = resolution.due(fraction: SLAClock.warningFraction), let breach = resolution.due() {
                timers.append(TicketTimer(kind: .resolutionWarning, dueAt: warn))
                timers.append(TicketTimer(kind: .resolutionBreach, dueAt: breach))
            }
            if escalated, let followUpDueAt {
                timers.append(TicketTimer(kind: .followUpDue, dueAt: followUpDueAt))
            }
        }
        return timers
    }
}

/// A timed event of one ticket.
public struct TicketTimer: Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case responseWarning = "response_warning"
        case responseBreach = "response_breach"
        case resolutionWarning = "resolution_warning"
        case resolutionBreach = "resolution_breach"
        case followUpDue = "follow_up_due"

        public var isBreach: Bool { self == .responseBreach || self == .resolutionBreach }

        /// The history line a firing writes.
        public var eventKind: TicketEvent.Kind { isBreach ? .slaBreach : self == .followUpDue ? .followUpDue : .slaWarning }

        public var label: String {
            switch self {
            case .responseWarning: "响应时限已过 80%"
            case .responseBreach: "响应超时"
            case .resolutionWarning: "解决时限已过 80%"
            case .resolutionBreach: "解决超时"
            case .followUpDue: "升级跟进到期"
            }
        }
    }

    public var kind: Kind
    public var dueAt: Date

    public init(kind: Kind, dueAt: Date) {
        self.kind = kind
        self.dueAt = dueAt
    }
}

/// One line of a ticket's history. Internal entries are for staff only.
public struct TicketEvent: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case created, assigned, status, transferred, escalated, comment, priority, outageLinked = "outage_linked"
        case slaWarning = "sla_warning", slaBreach = "sla_breach", followUpDue = "follow_up_due", reopened
    }

    public var id: String
    public var ticketId: String
    public var at: Date
    public var actorKind: String
    public var actorId: String
    public var kind: Kind
    public var fromValue: String?
    public var toValue: String?
    public var text: String?
    public var isInternal: Bool

    public init(
        id: String, ticketId: String, at: Date, actorKind: String, actorId: String, kind: Kind, fromValue: String? = nil,
        toValue: String? = nil, text: String? = nil, isInternal: Bool = false
    ) {
        self.id = id
        self.ticketId = ticketId
        self.at = at
        self.actorKind = actorKind
        self.actorId = actorId
        self.kind = kind
        self.fromValue = fromValue
        self.toValue = toValue
        self.text = text
        self.isInternal = isInternal
    }
}
