import Foundation

/// P0–P3 with the response and resolution targets of SPEC §5.
public enum TicketPriority: String, Codable, Sendable, CaseIterable, Comparable {
    case p0, p1, p2, p3

    /// Time to the first response by a person.
    public var responseTarget: TimeInterval {
        switch self {
        case .p0: 15 * 60
        case .p1: 3600
        case .p2: 4 * 3600
        case .p3: 24 * 3600
        }
    }

    /// Time to resolution, not counting time spent waiting for the customer.
    public var resolutionTarget: TimeInterval {
        switch self {
        case .p0: 4 * 3600
        case .p1: 24 * 3600
        case .p2: 48 * 3600
        case .p3: 72 * 3600
        }
    }

    public var label: String { rawValue.uppercased() }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// What the rules say, and why, so the ticket can show the reason.
    public static func computed(_ facts: PriorityFacts) -> (priority: TicketPriority, reason: String) {
        if facts.linkedToOutage { return (.p0, "区域性故障") }
        if facts.serviceDown { return (.p1, "业务完全中断") }
        if facts.vip { return (.p1, "VIP 客户") }
        switch facts.type {
        case .fault: return (.p2, "一般故障")
        case .complaint, .billingDispute: return (.p2, "投诉/争议")
        case .businessRequest: return (.p3, "业务办理")
        }
    }
}

/// What the priority rules look at.
public struct PriorityFacts: Sendable, Equatable {
    public var type: TicketType
    public var linkedToOutage: Bool
    public var serviceDown: Bool
    public var vip: Bool

    public init(type: TicketType, linkedToOutage: Bool, serviceDown: Bool, vip: Bool) {
        self.type = type
        self.linkedToOutage = linkedToOutage
        self.serviceDown = serviceDown
        self.vip = vip
    }
}
