/// A customer's record (profile, 360 view, bills, agreements, business actions): the customer reaches
/// only their own; staff by permission; visitors none, told as "not found" so that an existing bill id
/// answers like a missing one.
public enum CustomerRecordPolicy {
    public static func access(_ principal: Principal, _ customerId: String, needing permission: Permission = .customerRead) -> Access {
        switch principal {
        case .customer(let id, _): id == customerId ? .allowed : .hidden
        case .staff: Access.staff(principal, permission)
        case .visitor: .hidden
        }
    }

    /// Only the customers themselves see their record unmasked; staff see the rest through an audited
    /// unmask with a reason.
    public static func seesUnmasked(_ principal: Principal) -> Bool {
        if case .customer = principal { return true }
        return false
    }
}
