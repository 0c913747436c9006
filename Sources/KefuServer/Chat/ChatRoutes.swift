import Hummingbird
import HummingbirdWebSocket
import KefuCore

/// `/ws/chat`: the page's origin and the session are checked before the upgrade. A refused handshake is
/// answered 400 by the WebSocket upgrader; the same request without upgrade headers gets the JSON error.
func addChatSocket(to router: Router<KefuRequestContext>, chat: ChatDesk, origins: OriginCheck) {
    router.ws("/ws/chat") { request, context in
        guard origins.allows(origins: request.headers[values: .origin], host: request.head.authority) else {
            throw KefuError(.forbidden, "origin_not_allowed", "不允许从该网站连接")
        }
        guard context.principal != nil else { throw KefuError.unauthorized }
        return .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
        guard let principal = context.requestContext.principal else { return }
        let session = context.requestContext.sessionTokenHash
        let acting = Acting(principal: principal, clientAddress: context.requestContext.clientAddress)
        try await ChatSocket(service: chat, acting: acting, sessionTokenHash: session).run(inbound: inbound, outbound: outbound, logger: context.logger)
    }
}
