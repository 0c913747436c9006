/// A staff role. Customers are not staff: they authenticate by SMS and reach only their own data.
public enum Role: String, Codable, Sendable, CaseIterable {
    case agent
    case teamLead = "team_lead"
    case qa
    case admin

    /// What the role may do. The server asks for one of these on every endpoint.
    public var permissions: Set<Permission> {
        switch self {
        case .agent:
            [.customerRead, .customerWrite, .catalogRead]
        case .teamLead:
            [.customerRead, .customerWrite, .catalogRead, .piiUnmask, .auditRead, .staffRead]
        case .qa:
            [.customerRead, .catalogRead, .auditRead, .staffRead]
        case .admin:
            Set(Permission.allCases)
        }
    }
}

/// A permission checked by an endpoint. Raw values are what the API and audit log show.
public enum Permission: String, Codable, Sendable, CaseIterable {
    case customerRead = "customer.read"
    case customerWrite = "customer.write"
    case piiUnmask = "pii.unmask"
    case auditRead = "audit.read"
    case catalogRead = "catalog.read"
    case catalogManage = "catalog.manage"
    case staffRead = "staff.read"
    case staffManage = "staff.manage"
}
