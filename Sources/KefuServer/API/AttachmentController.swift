import Hummingbird
import HTTPTypes
import KefuCore
import KefuStore
import NIOCore

/// Attachment downloads stay outside the generated API: the content type is the attachment's own.
struct AttachmentController {
    let store: Store

    var endpoints: RouteCollection<KefuRequestContext> {
        let routes = RouteCollection(context: KefuRequestContext.self)
        routes.get(":id", use: download)
        return routes
    }

    @Sendable func download(_ request: Request, context: KefuRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw KefuError.unauthorized }
        let id = try context.parameters.require("id")
        guard id.utf8.count <= 64, let attachment = try await store.chatTools.attachment(id: id),
              let conversation = try await store.chat.conversation(id: attachment.conversationId)
        else { throw KefuError.notFound("附件") }
        try AttachmentPolicy.read(principal, of: conversation).require("附件")
        return Response(
            status: .ok,
            headers: [
                .contentType: attachment.mime, .contentDisposition: "inline",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: attachment.data))
        )
    }
}
