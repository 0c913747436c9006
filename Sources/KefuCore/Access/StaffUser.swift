import Foundation

/// A member of staff as the API shows it; the password hash never leaves the store.
public struct StaffUser: Codable, Hashable, Sendable {
    public var id: String
    public var username: String
    public var displayName: String
    public var role: Role
    /// 工号: the number agents greet customers with.
    public var agentNo: String
    public var skills: [String]
    public var disabled: Bool
    /// Whether routing hands this person waiting chats. A team lead with every skill would otherwise
    /// take customers meant for the floor the moment their desk opens.
    public var autoAssign: Bool
    public var createdAt: Date

    public init(
        id: String, username: String, displayName: String, role: Role, agentNo: String, skills: [String],
        disabled: Bool, autoAssign: Bool? = nil, createdAt: Date
    ) {
        self.autoAssign = autoAssign ?? role.receivesChatsByDefault
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.agentNo = agentNo
        self.skills = skills
        self.disabled = disabled
        self.createdAt = createdAt
    }

    public static let skillGroups = ["mobile", "broadband", "billing", "enterprise", "vip"]

    public static func usernameProblem(_ username: String) -> String? {
        let ok = (3...32).contains(username.count)
            && username.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "-") }
        return ok ? nil : "username: 用户名为 3–32 位字母、数字、_、. 或 -"
    }

    public static func passwordProblem(_ password: String) -> String? {
        (10...72).contains(password.utf8.count) ? nil : "password: 密码为 10–72 个字节（至少10位）"
    }
}

/// An entry of the audit log: who did or read what, when, and why.
public struct AuditEntry: Codable, Hashable, Sendable {
    public var id: String
    public var at: Date
    public var actorKind: String
    public var actorId: String
    public var action: String
    public var targetType: String
    public var targetId: String
    public var reason: String?
    public var detail: String?
    public var clientAddress: String?

    public init(
        id: String, at: Date, actorKind: String, actorId: String, action: String, targetType: String,
        targetId: String, reason: String? = nil, detail: String? = nil, clientAddress: String? = nil
    ) {
        self.id = id
        self.at = at
        self.actorKind = actorKind
        self.actorId = actorId
        self.action = action
        self.targetType = targetType
        self.targetId = targetId
        self.reason = reason
        self.detail = detail
        self.clientAddress = clientAddress
    }
}
