import Foundation

/// An entry of the regional fault library: declared by an admin, or opened by incident detection.
public struct Outage: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case active, resolved
    }

    public enum Source: String, Codable, Sendable {
        /// Declared by a person.
        case declared
        /// Opened because faults clustered in one district.
        case detected
    }

    public var id: String
    public var city: String
    public var district: String
    /// The kind of line affected: broadband, mobile, iptv.
    public var service: TicketService
    public var title: String
    public var status: Status
    public var source: Source
    public var startedAt: Date
    public var eta: Date?
    public var resolvedAt: Date?
    public var createdBy: String
    /// Tickets linked to it.
    public var ticketCount: Int

    public init(
        id: String, city: String, district: String, service: TicketService, title: String, status: Status, source: Source,
        startedAt: Date, eta: Date?, resolvedAt: Date?, createdBy: String, ticketCount: Int = 0
    ) {
        self.id = id
        self.city = city
        self.district = district
        self.service = service
        self.title = title
        self.status = status
        self.source = source
        self.startedAt = startedAt
        self.eta = eta
        self.resolvedAt = resolvedAt
        self.createdBy = createdBy
        self.ticketCount = ticketCount
    }

}

/// The rule that turns a cluster of faults into a P0 incident: five or more broadband faults from one
/// district within thirty minutes.
public enum IncidentDetection {
    public static let threshold = 5
    public static let window: TimeInterval = 30 * 60

    /// True when the fault times (one district, not yet linked to an outage) hold a cluster ending at `now`.
    public static func isIncident(faultTimes: [Date], now: Date) -> Bool {
        faultTimes.filter { $0 <= now && now.timeIntervalSince($0) <= window }.count >= threshold
    }
}

/// Something a member of staff should know: an SLA warning or breach, a follow-up due, an incident.
public struct StaffNotification: Codable, Hashable, Sendable {
    public var id: String
    public var kind: String
    public var text: String
    public var ticketId: String?
    public var outageId: String?
    public var reviewId: String?
    public var createdAt: Date
    public var read: Bool

    public init(id: String, kind: String, text: String, ticketId: String?, outageId: String?, reviewId: String? = nil, createdAt: Date, read: Bool) {
        self.id = id
        self.kind = kind
        self.text = text
        self.ticketId = ticketId
        self.outageId = outageId
        self.reviewId = reviewId
        self.createdAt = createdAt
        self.read = read
    }
}
