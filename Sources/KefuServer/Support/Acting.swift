import Foundation
import KefuCore
import KefuStore

/// Who acts through an adapter, as the audit log records them: the principal and where they came from.
struct Acting: Sendable {
    let principal: Principal
    let clientAddress: String

    func audit(_ action: String, targetType: String, targetId: String, reason: String? = nil, detail: String? = nil, at now: Date) -> AuditEntry {
        AuditEntry(
            id: Store.newID("aud"), at: now, actorKind: principal.actorKind, actorId: principal.actorID, action: action,
            targetType: targetType, targetId: targetId, reason: reason, detail: detail, clientAddress: clientAddress
        )
    }
}
