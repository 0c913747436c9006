import Foundation
import KefuCore
import KefuNLU
import KefuStore
import Logging
import Prometheus

/// The REST API: implements the operations generated from `openapi.yaml`.
/// Handlers decode nothing themselves; they check permissions, call the store and audit.
struct KefuAPI: APIProtocol {
    let store: Store
    let config: AppConfig
    let hasher: PasswordHasher
    let sms: any SmsSender
    let identity: any IdentityVerifier
    let brain: BotBrain
    let rateLimits: RateLimits
    let metrics: PrometheusCollectorRegistry
    let logger: Logger
    let now: @Sendable () -> Date

    var info: RequestInfo { RequestInfo.current }
    var nlu: NLU { brain.nlu }
    var tickets: TicketDesk { TicketDesk(store: store, now: now) }
    var business: BusinessDesk { BusinessDesk(store: store, identity: identity, now: now) }

    func requirePrincipal() throws -> Principal {
        guard let principal = info.principal else { throw KefuError.unauthorized }
        return principal
    }

    /// Staff with the permission; customers never pass.
    @discardableResult
    func require(_ permission: Permission) throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.has(permission) else { throw KefuError.forbidden }
        return principal
    }

    func audit(
        _ principal: Principal, _ action: String, targetType: String, targetId: String, reason: String? = nil, detail: String? = nil
    ) async throws {
        try await store.audit.append(entry(principal, action, targetType: targetType, targetId: targetId, reason: reason, detail: detail))
    }

    func entry(
        _ principal: Principal, _ action: String, targetType: String, targetId: String, reason: String? = nil, detail: String? = nil
    ) -> AuditEntry {
        AuditEntry(
            id: Store.newID("aud"), at: now(), actorKind: principal.actorKind, actorId: principal.actorID, action: action,
            targetType: targetType, targetId: targetId, reason: reason, detail: detail, clientAddress: info.clientAddress
        )
    }
}
