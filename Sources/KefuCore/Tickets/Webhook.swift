import Foundation

/// A subscriber's endpoint for ticket and outage events. The secret signs every delivery.
public struct WebhookSubscription: Codable, Hashable, Sendable {
    public var id: String
    public var url: String
    /// Never shown again after creation.
    public var secret: String?
    public var events: [String]
    public var active: Bool
    public var createdAt: Date

    public init(id: String, url: String, secret: String?, events: [String], active: Bool, createdAt: Date) {
        self.id = id
        self.url = url
        self.secret = secret
        self.events = events
        self.active = active
        self.createdAt = createdAt
    }

    public func wants(_ type: String) -> Bool { active && (events.contains("*") || events.contains(type)) }

    /// Why the URL cannot be used, or nil.
    public static func urlProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false, text.count <= 500
        else { return "url：需要 http(s) 地址，最长 500 字符" }
        return nil
    }
}

/// What a delivery carries. Ticket events carry ids and states, never personal data.
public struct WebhookEvent: Codable, Hashable, Sendable {
    public struct TicketRef: Codable, Hashable, Sendable {
        public var id: String
        public var number: String
        public var type: TicketType
        public var status: TicketStatus
        public var priority: TicketPriority
        public var group: String
        public var customerId: String
        public var outageId: String?
        public var responseDueAt: Date?
        public var resolutionDueAt: Date?

        public init(_ t: Ticket) {
            id = t.id
            number = t.number
            type = t.type
            status = t.status
            priority = t.priority
            group = t.group.rawValue
            customerId = t.customerId
            outageId = t.outageId
            responseDueAt = t.response.due()
            resolutionDueAt = t.resolution.due()
        }
    }

    public struct Change: Codable, Hashable, Sendable {
        public var kind: String
        public var from: String?
        public var to: String?
        public var actorKind: String
        public var actorId: String
    }

    public var id: String
    public var type: String
    public var occurredAt: Date
    public var ticket: TicketRef?
    public var change: Change?
    public var outage: Outage?

    public init(id: String, type: String, occurredAt: Date, ticket: TicketRef? = nil, change: Change? = nil, outage: Outage? = nil) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.ticket = ticket
        self.change = change
        self.outage = outage
    }

    /// The event for a ticket history line; internal comments are announced without their text.
    public init(ticket: Ticket, event: TicketEvent) {
        self.init(
            id: event.id, type: event.kind.webhookType, occurredAt: event.at, ticket: TicketRef(ticket),
            change: Change(kind: event.kind.rawValue, from: event.fromValue, to: event.toValue, actorKind: event.actorKind, actorId: event.actorId)
        )
    }

    /// Retry schedule: 10 s, 20 s, 40 s … capped at an hour, eight attempts in all.
    public static let maxAttempts = 8

    public static func backoff(afterAttempt attempt: Int, base: TimeInterval = 10) -> TimeInterval {
        min(3600, base * pow(2, Double(max(0, attempt - 1))))
    }
}
