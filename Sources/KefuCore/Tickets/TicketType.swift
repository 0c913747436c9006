import Foundation

/// The four kinds of ticket and the fields each one's template makes mandatory.
public enum TicketType: String, Codable, Sendable, CaseIterable {
    case fault
    case complaint
    case billingDispute = "billing_dispute"
    case businessRequest = "business_request"

    public var label: String {
        switch self {
        case .fault: "故障"
        case .complaint: "投诉"
        case .billingDispute: "账务争议"
        case .businessRequest: "业务办理"
        }
    }

    /// The template: every field here must be filled before the ticket is accepted.
    public var requiredFields: [TicketField] {
        switch self {
        case .fault:
            [.init("symptom", "故障现象"), .init("stepsTaken", "已做排查"), .init("resolutionStatus", "处理状态", staffOnly: true)]
        case .complaint:
            [.init("subject", "投诉事由"), .init("details", "详细经过"), .init("expectedOutcome", "客户诉求")]
        case .billingDispute:
            [.init("billMonth", "争议账期"), .init("disputedItem", "争议项目"), .init("disputedAmount", "争议金额（元）"), .init("reason", "异议理由")]
        case .businessRequest:
            [.init("requestType", "业务类型"), .init("details", "具体需求")]
        }
    }

    /// Fields a template accepts besides the required ones.
    public var optionalFields: [TicketField] {
        switch self {
        case .fault: [.init("occurredAt", "开始时间"), .init("modemLights", "光猫指示灯")]
        case .complaint: [.init("relatedStaff", "涉及人员")]
        case .billingDispute: []
        case .businessRequest: [.init("preferredTime", "期望办理时间"), .init("callbackNumber", "回电号码")]
        }
    }

    /// The fields a customer's ticket leaves to staff, filled with `TicketField.customerDefault`.
    public func withStaffFieldsForCustomer(_ fields: [String: String]) -> [String: String] {
        var filled = fields
        for field in requiredFields where field.staffOnly && (filled[field.key] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            filled[field.key] = TicketField.customerDefault
        }
        return filled
    }

    /// What each problem is, named by field, so a form can point at it; empty when the fields are fine.
    public func problems(in fields: [String: String]) -> [String] {
        var problems: [String] = []
        for field in requiredFields where (fields[field.key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append("fields.\(field.key)：\(label)工单必须填写“\(field.label)”")
        }
        let known = Set((requiredFields + optionalFields).map(\.key))
        for key in fields.keys.sorted() where !known.contains(key) {
            problems.append("fields.\(key)：\(label)工单没有这个字段")
        }
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where known.contains(key) {
            if !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !Validation.isCleanText(value, max: 2000) {
                problems.append("fields.\(key)：最多 2000 个字符，且不能含控制字符")
            }
        }
        if self == .billingDispute, let month = fields["billMonth"], !month.isEmpty, CalendarDate(iso: month + "-01") == nil {
            problems.append("fields.billMonth：账期格式应为 YYYY-MM")
        }
        if self == .billingDispute, let amount = fields["disputedAmount"], !amount.isEmpty, Money.parseYuan(amount) == nil {
            problems.append("fields.disputedAmount：金额格式应为元，最多两位小数")
        }
        return problems
    }
}

public struct TicketField: Codable, Hashable, Sendable {
    public var key: String
    public var label: String
    /// Filled by staff, never asked of a customer (a customer's ticket starts with the field's `customerDefault`).
    public var staffOnly: Bool

    public init(_ key: String, _ label: String, staffOnly: Bool = false) {
        self.key = key
        self.label = label
        self.staffOnly = staffOnly
    }

    /// What a staff-only required field says on a ticket a customer opened.
    public static let customerDefault = "客户自助提交，待受理"
}

extension TicketType {
    /// The ticket a chat about `intent` turns into.
    public static func forIntent(_ intent: Intent?) -> TicketType {
        switch intent {
        case .broadbandFault, .mobileSignal, .iptv, .simCard: .fault
        case .complaint: .complaint
        case .billingDispute, .billQuery, .valueAddedCancel: .billingDispute
        default: .businessRequest
        }
    }
}
