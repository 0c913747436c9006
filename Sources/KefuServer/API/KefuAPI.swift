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
    /// The chat's workflows, for what an admin's change means to routing.
    let chat: ChatDesk
    /// Live sockets, closed when their session ends.
    var sockets: any ChatHub { chat.hub }
    let rateLimits: RateLimits
    let metrics: PrometheusCollectorRegistry
    let logger: Logger
    let now: @Sendable () -> Date

    var info: RequestInfo { RequestInfo.current }
    var nlu: NLU { brain.nlu }
    var tickets: TicketDesk { TicketDesk(store: store, now: now) }
    var business: BusinessDesk { BusinessDesk(store: store, identity: identity, now: now) }
    var knowledge: Knowledge { Knowledge(store: store, brain: brain, now: now) }

    /// The principal acting through this request, with its address, for the services' audit entries.
    func acting(_ principal: Principal) -> Acting { Acting(principal: principal, clientAddress: info.clientAddress) }

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
        acting(principal).audit(action, targetType: targetType, targetId: targetId, reason: reason, detail: detail, at: now())
    }
}
