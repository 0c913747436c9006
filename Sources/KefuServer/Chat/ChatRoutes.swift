import Hummingbird
import HummingbirdWebSocket
import KefuCore

/// `/ws/chat`: the session is checked before the upgrade, so a refused client gets the JSON error.
func addChatSocket(to router: Router<KefuRequestContext>, chat: ChatDesk) {
    router.ws("/ws/chat") { _, context in
        guard context.principal != nil else { throw KefuError.unauthorized }
        return .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
        guard let principal = context.requestContext.principal else { return }
        let session = context.requestContext.sessionTokenHash
        try await ChatSocket(service: chat, principal: principal, sessionTokenHash: session).run(inbound: inbound, outbound: outbound, logger: context.logger)
    }
}
