import Foundation

/// One month's use of one line.
public struct UsageRecord: Codable, Hashable, Sendable {
    public var subscriptionId: String
    public var month: String
    public var dataMB: Int
    public var voiceMinutes: Int
    public var smsCount: Int

    public init(subscriptionId: String, month: String, dataMB: Int, voiceMinutes: Int, smsCount: Int) {
        self.subscriptionId = subscriptionId
        self.month = month
        self.dataMB = dataMB
        self.voiceMinutes = voiceMinutes
        self.smsCount = smsCount
    }
}

public struct BillItem: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case planFee = "plan_fee"
        case dataOverage = "data_overage"
        case voiceOverage = "voice_overage"
        case smsOverage = "sms_overage"
        case valueAdded = "value_added"
        case discount
    }

    public var kind: Kind
    public var description: String
    /// Negative for discounts.
    public var amountFen: Int64

    public init(kind: Kind, description: String, amountFen: Int64) {
        self.kind = kind
        self.description = description
        self.amountFen = amountFen
    }
}

/// A monthly bill for one line, with its line items.
public struct Bill: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case unpaid, paid, overdue
    }

    public var id: String
    public var customerId: String
    public var subscriptionId: String
    public var month: String
    public var totalFen: Int64
    public var status: Status
    public var dueOn: String
    public var items: [BillItem]

    public init(
        id: String, customerId: String, subscriptionId: String, month: String, totalFen: Int64, status: Status,
        dueOn: String, items: [BillItem]
    ) {
        self.id = id
        self.customerId = customerId
        self.subscriptionId = subscriptionId
        self.month = month
        self.totalFen = totalFen
        self.status = status
        self.dueOn = dueOn
        self.items = items
    }
}

/// A value-added service charged on top of the plan (video memberships, ring-back tones…).
public struct ValueAddedCharge: Hashable, Sendable {
    public var name: String
    public var monthlyFeeFen: Int64

    public init(name: String, monthlyFeeFen: Int64) {
        self.name = name
        self.monthlyFeeFen = monthlyFeeFen
    }
}

/// How a month's bill follows from the plan and the usage: fee + overage + value-added − discount.
public enum BillCalculator {
    public static func items(
        package: ServicePackage, usage: UsageRecord, valueAdded: [ValueAddedCharge], contract: Contract?,
        monthStart: CalendarDate
    ) -> [BillItem] {
        var items = [BillItem(kind: .planFee, description: "\(package.name) 月功能费", amountFen: package.monthlyFeeFen)]
        if package.category.metersData, usage.dataMB > package.dataMB {
            // Overage is charged per started GB, as carriers' 日租/超出流量 pricing does.
            let extraMB = usage.dataMB - package.dataMB
            let startedGB = Int64((extraMB + 1023) / 1024)
            items.append(
                BillItem(kind: .dataOverage, description: "套餐外流量 \(DataSize.text(mb: extraMB))", amountFen: startedGB * package.dataOverageFenPerGB)
            )
        }
        if usage.voiceMinutes > package.voiceMinutes {
            let extra = usage.voiceMinutes - package.voiceMinutes
            items.append(
                BillItem(kind: .voiceOverage, description: "套餐外通话 \(extra)分钟", amountFen: Int64(extra) * package.voiceOverageFenPerMinute)
            )
        }
        if usage.smsCount > package.smsCount {
            let extra = usage.smsCount - package.smsCount
            items.append(
                BillItem(kind: .smsOverage, description: "套餐外短信 \(extra)条", amountFen: Int64(extra) * package.smsOverageFen)
            )
        }
        for charge in valueAdded {
            items.append(BillItem(kind: .valueAdded, description: charge.name, amountFen: charge.monthlyFeeFen))
        }
        if let contract, contract.isActive(on: monthStart), contract.monthlyDiscountFen > 0 {
            let gross = items.reduce(0) { $0 + $1.amountFen }
            let discount = min(contract.monthlyDiscountFen, gross)
            items.append(BillItem(kind: .discount, description: "合约优惠", amountFen: -discount))
        }
        return items
    }

    public static func total(_ items: [BillItem]) -> Int64 {
        max(0, items.reduce(0) { $0 + $1.amountFen })
    }
}
