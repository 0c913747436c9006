import Foundation

/// A line or service a customer holds: a mobile number, a broadband account, an IPTV box,
/// a dedicated line or an IoT card.
public struct Subscription: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case mobile, broadband, iptv
        case dedicatedLine = "dedicated_line"
        case iot
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case active
        case suspendedArrears = "suspended_arrears"
        case suspendedRequest = "suspended_request"
        case closed
    }

    public var id: String
    public var customerId: String
    public var number: String
    public var kind: Kind
    public var packageCode: String
    public var status: Status
    public var openedOn: String
    public var contract: Contract?
    /// Lines on one family bundle share this id (the id of the bundle's primary line).
    public var bundleId: String?
    /// A confirmed plan change waiting for its date (downgrades and next-month upgrades).
    public var pendingPackageCode: String?
    public var pendingEffectiveOn: String?
    /// Unused data carried by a plan change into `carryOverMonth` (YYYY-MM), once.
    public var carryOverMB: Int?
    public var carryOverMonth: String?

    public init(
        id: String, customerId: String, number: String, kind: Kind, packageCode: String, status: Status,
        openedOn: String, contract: Contract? = nil, bundleId: String? = nil
    ) {
        self.id = id
        self.customerId = customerId
        self.number = number
        self.kind = kind
        self.packageCode = packageCode
        self.status = status
        self.openedOn = openedOn
        self.contract = contract
        self.bundleId = bundleId
    }
}

/// A contract (合约): a monthly discount in exchange for staying on at least a minimum plan until `endsOn`.
public struct Contract: Codable, Hashable, Sendable {
    public var startsOn: String
    public var endsOn: String
    public var monthlyDiscountFen: Int64
    public var minimumPackageCode: String

    public init(startsOn: String, endsOn: String, monthlyDiscountFen: Int64, minimumPackageCode: String) {
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.monthlyDiscountFen = monthlyDiscountFen
        self.minimumPackageCode = minimumPackageCode
    }

    /// Whether the contract still binds on `date`.
    public func isActive(on date: CalendarDate) -> Bool {
        guard let start = CalendarDate(iso: startsOn), let end = CalendarDate(iso: endsOn) else { return false }
        return start <= date && date <= end
    }
}
