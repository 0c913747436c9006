/// Who is making a request, once their session has been checked.
public enum Principal: Sendable, Equatable {
    case staff(id: String, username: String, role: Role, agentNo: String)
    case customer(id: String, phone: String)
    /// Someone chatting without logging in: the bot and agents answer, no account is reachable.
    case visitor(id: String)

    public func has(_ permission: Permission) -> Bool {
        switch self {
        case .staff(_, _, let role, _): role.permissions.contains(permission)
        case .customer, .visitor: false
        }
    }

    /// The id written into audit entries.
    public var actorID: String {
        switch self {
        case .staff(let id, _, _, _), .customer(let id, _), .visitor(let id): id
        }
    }

    public var actorKind: String {
        switch self {
        case .staff: "staff"
        case .customer: "customer"
        case .visitor: "visitor"
        }
    }
}
