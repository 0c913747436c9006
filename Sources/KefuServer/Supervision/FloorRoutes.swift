import Hummingbird
import HummingbirdWebSocket
import KefuCore

/// `/ws/floor`: the wallboard's live floor, for those who may watch it (team leads and admins). The
/// origin, the session and the permission are checked before the upgrade, as for `/ws/chat`.
func addFloorSocket(to router: Router<KefuRequestContext>, chat: ChatDesk, origins: OriginCheck) {
    router.ws("/ws/floor") { request, context in
        guard origins.allows(origins: request.headers[values: .origin], host: request.head.authority) else {
            throw KefuError(.forbidden, "origin_not_allowed", "不允许从该网站连接")
        }
        guard let principal = context.principal else { throw KefuError.unauthorized }
        guard principal.has(.floorWatch) else { throw KefuError.forbidden }
        return .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
        guard let principal = context.requestContext.principal, principal.has(.floorWatch) else { return }
        let acting = Acting(principal: principal, clientAddress: context.requestContext.clientAddress)
        try await FloorSocket(desk: chat, acting: acting, sessionTokenHash: context.requestContext.sessionTokenHash)
            .run(inbound: inbound, outbound: outbound, logger: context.logger)
    }
}
