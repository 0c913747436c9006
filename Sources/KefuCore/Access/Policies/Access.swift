/// A policy's answer. `hidden` is told as "not found", so a record's id reveals nothing to someone who
/// may not see it; `forbidden` tells staff their role lacks the right.
public enum Access: Sendable, Equatable, CustomStringConvertible {
    case allowed
    case hidden
    case forbidden

    public var isAllowed: Bool { self == .allowed }

    /// Throws the failure this answer is told as; `what` names the record in the not-found message.
    public func require(_ what: String) throws {
        switch self {
        case .allowed: return
        case .hidden: throw KefuError.notFound(what)
        case .forbidden: throw KefuError.forbidden
        }
    }

    public var description: String {
        switch self {
        case .allowed: "allowed"
        case .hidden: "hidden"
        case .forbidden: "forbidden"
        }
    }

    /// Staff pass with the permission, are refused without it.
    static func staff(_ principal: Principal, _ permission: Permission) -> Access {
        principal.has(permission) ? .allowed : .forbidden
    }
}
