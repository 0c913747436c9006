import Foundation

/// A value-added service on a line (视频会员, 彩铃…), with what it has cost so far.
public struct ValueAddedService: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable {
        case active, cancelled
    }

    public var id: String
    public var customerId: String
    public var subscriptionId: String
    public var number: String
    public var name: String
    public var monthlyFeeFen: Int64
    public var subscribedOn: String
    public var status: Status
    public var cancelledAt: Date?
    /// The sum of this service's items on the line's bills.
    public var chargedFen: Int64

    public init(
        id: String, customerId: String, subscriptionId: String, number: String, name: String, monthlyFeeFen: Int64,
        subscribedOn: String, status: Status, cancelledAt: Date? = nil, chargedFen: Int64 = 0
    ) {
        self.id = id
        self.customerId = customerId
        self.subscriptionId = subscriptionId
        self.number = number
        self.name = name
        self.monthlyFeeFen = monthlyFeeFen
        self.subscribedOn = subscribedOn
        self.status = status
        self.cancelledAt = cancelledAt
        self.chargedFen = chargedFen
    }
}
