import Foundation

/// Money received for a customer's account.
public struct Payment: Codable, Hashable, Sendable {
    public enum Channel: String, Codable, Sendable, CaseIterable {
        case wechat, alipay, bank, counter, card
    }

    public var id: String
    public var customerId: String
    public var amountFen: Int64
    public var channel: Channel
    public var paidAt: Date
    public var reference: String

    public init(id: String, customerId: String, amountFen: Int64, channel: Channel, paidAt: Date, reference: String) {
        self.id = id
        self.customerId = customerId
        self.amountFen = amountFen
        self.channel = channel
        self.paidAt = paidAt
        self.reference = reference
    }
}

/// A business order (业务订单): the record of a change done for a customer.
public struct BusinessOrder: Codable, Hashable, Sendable {
    public var id: String
    public var customerId: String
    public var subscriptionId: String?
    public var kind: String
    public var status: String
    public var summary: String
    public var channel: String
    public var createdAt: Date

    public init(
        id: String, customerId: String, subscriptionId: String?, kind: String, status: String, summary: String,
        channel: String, createdAt: Date
    ) {
        self.id = id
        self.customerId = customerId
        self.subscriptionId = subscriptionId
        self.kind = kind
        self.status = status
        self.summary = summary
        self.channel = channel
        self.createdAt = createdAt
    }
}

/// Equipment at the customer's premises.
public struct Device: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case opticalModem = "optical_modem"
        case setTopBox = "set_top_box"
    }

    public var id: String
    public var customerId: String
    public var subscriptionId: String
    public var kind: Kind
    public var model: String
    public var serial: String
    public var status: String
    public var installedOn: String

    public init(
        id: String, customerId: String, subscriptionId: String, kind: Kind, model: String, serial: String,
        status: String, installedOn: String
    ) {
        self.id = id
        self.customerId = customerId
        self.subscriptionId = subscriptionId
        self.kind = kind
        self.model = model
        self.serial = serial
        self.status = status
        self.installedOn = installedOn
    }
}

/// Everything the agent desk shows beside a chat, fetched in one call.
public struct Customer360: Codable, Hashable, Sendable {
    public var customer: Customer
    public var subscriptions: [Subscription]
    public var packages: [ServicePackage]
    public var bills: [Bill]
    public var usage: [UsageRecord]
    public var payments: [Payment]
    public var orders: [BusinessOrder]
    public var devices: [Device]

    public init(
        customer: Customer, subscriptions: [Subscription], packages: [ServicePackage], bills: [Bill],
        usage: [UsageRecord], payments: [Payment], orders: [BusinessOrder], devices: [Device]
    ) {
        self.customer = customer
        self.subscriptions = subscriptions
        self.packages = packages
        self.bills = bills
        self.usage = usage
        self.payments = payments
        self.orders = orders
        self.devices = devices
    }

    /// The view for a viewer without `pii.unmask`.
    public func masking() -> Customer360 {
        var copy = self
        copy.customer = customer.masking()
        copy.subscriptions = subscriptions.map { sub in
            var sub = sub
            if sub.kind == .mobile { sub.number = Masking.phone(sub.number) }
            return sub
        }
        return copy
    }
}
