import Foundation
import Hummingbird
import KefuCore
import KefuStore
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime

/// The HTTP side: middleware in the order a request meets it, the contract, the generated API and
/// the routes that stay outside it.
func buildRouter(_ config: AppConfig, store: Store, api: KefuAPI, now: @escaping @Sendable () -> Date, logger: Logger) throws -> Router<KefuRequestContext> {
    let router = Router(context: KefuRequestContext.self)
    // Metrics first, so they count the status actually sent: below the error middleware a refusal is
    // still an error, which Hummingbird counts as a 500.
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(strictTransport: config.behindTLS))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: StaticPagesMiddleware(publicDirectory: config.publicDirectory))
    router.add(middleware: FileMiddleware(config.publicDirectory, searchForIndexHtml: true, logger: logger))
    router.add(middleware: BodyLimitMiddleware(maxBytes: config.maxBodyBytes, maxAttachmentBytes: AttachmentKind.maxBytes))
    router.add(middleware: AuthMiddleware(store: store, now: now, trustedProxies: Set(config.trustedProxies)))
    let document = try OpenAPIDocument.load()
    router.add(middleware: ContractMiddleware(contract: try Contract(yaml: String(decoding: document, as: UTF8.self))))

    router.get("/openapi.yaml") { _, _ in OpenAPIDocument.response(document) }
    router.addRoutes(AttachmentController(store: store).endpoints, atPath: "/api/v1/attachments")
    try api.registerHandlers(on: router, configuration: .init(dateTranscoder: RFC3339Dates()))
    return router
}
