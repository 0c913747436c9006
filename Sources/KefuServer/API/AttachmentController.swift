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
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else { throw KefuError.notFound("附件") }
        let conversations = try await store.chatTools.conversationsUsing(attachmentId: id)
        try AttachmentPolicy.read(principal, sentIn: conversations).require("附件")
        guard let attachment = try await store.chatTools.attachment(id: id) else { throw KefuError.notFound("附件") }
        return Response(
            status: .ok,
            headers: [
                .contentType: attachment.mime, .cacheControl: "private, max-age=86400",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", .contentDisposition: "inline",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: attachment.data))
        )
    }
}
