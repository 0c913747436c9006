public import Foundation
public import Hummingbird
import KefuCore
import KefuNLU
public import KefuStore
public import Logging
import NIOCore
import HTTPTypes
import HummingbirdWebSocket
import OpenAPIHummingbird
public import Prometheus
import ServiceLifecycle

/// What `buildApplication` may be given instead of building it from the configuration:
/// tests pass an in-memory database, a recording SMS sender and a controllable clock.
public struct AppDependencies: Sendable {
    public var database: Database?
    public var smsSender: (any SmsSender)?
    public var metrics: PrometheusCollectorRegistry
    public var now: @Sendable () -> Date
    public var logger: Logger
    /// The chat fan-out; nil builds the in-process hub.
    var chatHub: (any ChatHub)?
    /// Face verification; nil builds what the configuration names.
    public var identityVerifier: (any IdentityVerifier)?

    public init(
        database: Database? = nil, smsSender: (any SmsSender)? = nil, metrics: PrometheusCollectorRegistry = .init(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "kefu")
    ) {
        self.database = database
        self.smsSender = smsSender
        self.metrics = metrics
        self.now = now
        self.logger = logger
    }
}

/// Builds the whole server from its configuration. `kefu serve` runs what this returns;
/// tests build the same thing with an in-memory store and port 0.
public func buildApplication(_ config: AppConfig, dependencies: AppDependencies = .init()) async throws -> some ApplicationProtocol {
    try config.validate()
    let logger = dependencies.logger
    let database: Database
    if let given = dependencies.database {
        database = given
    } else {
        database = try await Database.open(config.database, logger: logger)
    }
    let store = Store(database: database)
    let hasher = PasswordHasher(cost: config.bcryptCost)
    let sms: any SmsSender =
        dependencies.smsSender
        ?? {
            switch config.smsGateway {
            case .log: LogSmsSender(logger: logger)
            case .http(let url, let apiKey): HTTPSmsSender(url: url, apiKey: apiKey)
            }
        }()

    let router = Router(context: KefuRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: StaticPagesMiddleware(publicDirectory: config.publicDirectory))
    router.add(middleware: FileMiddleware(config.publicDirectory, searchForIndexHtml: true, logger: logger))
    router.add(middleware: BodyLimitMiddleware(maxBytes: config.maxBodyBytes, maxAttachmentBytes: AttachmentKind.maxBytes))
    router.add(middleware: AuthMiddleware(store: store, now: dependencies.now))

    let openAPIDocument = try OpenAPIDocument.load()
    router.get("/openapi.yaml") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: openAPIDocument))
        )
    }

    // Downloads stay outside the generated API: the content type is the attachment's own.
    router.get("/api/v1/attachments/:id") { _, context -> Response in
        guard let principal = context.principal else { throw KefuError.unauthorized }
        let id = try context.parameters.require("id")
        let notFound = KefuError.notFound("附件")
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else { throw notFound }
        let conversations = try await store.chatTools.conversationsUsing(attachmentId: id)
        guard conversations.contains(where: { KefuAPI.takesPart(principal, in: $0) }),
            let attachment = try await store.chatTools.attachment(id: id)
        else { throw notFound }
        return Response(
            status: .ok,
            headers: [
                .contentType: attachment.mime, .cacheControl: "private, max-age=86400",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", .contentDisposition: "inline",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: attachment.data))
        )
    }

    // Trained from the database's phrases before the server starts (about 50 ms in a release build), and
    // again whenever an admin changes them; the project's phrases serve only if none are stored.
    let brain = BotBrain(fallbackPhrases: try NLU.bundledTraining(), articles: SolutionLibrary.seeds(at: dependencies.now()))
    let api = KefuAPI(
        store: store, config: config, hasher: hasher, sms: sms,
        identity: dependencies.identityVerifier ?? {
            switch config.identityProvider {
            case .local: LocalIdentityVerifier()
            case .http(let url, let apiKey): HTTPIdentityVerifier(url: url, apiKey: apiKey)
            }
        }(),
        brain: brain,
        rateLimits: RateLimits(now: dependencies.now),
        metrics: dependencies.metrics, logger: logger, now: dependencies.now
    )
    try api.registerHandlers(on: router)

    // Several nodes on PostgreSQL pass chat events to each other; SQLite is one node.
    let hub: any ChatHub
    if let given = dependencies.chatHub {
        hub = given
    } else if database.passesNotifications {
        hub = PostgresChatHub(database: database, logger: logger)
    } else {
        hub = LocalChatHub()
    }
    let chat = ChatService(store: store, hub: hub, settings: config.chat, logger: logger, now: dependencies.now, brain: brain)
    router.ws("/ws/chat") { _, context in
        guard context.principal != nil else { throw KefuError.unauthorized }
        return .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
        guard let principal = context.requestContext.principal else { return }
        try await ChatSocket(service: chat, principal: principal).run(inbound: inbound, outbound: outbound, logger: context.logger)
    }

    var app = Application(
        router: router,
        server: .http1WebSocketUpgrade(
            webSocketRouter: router,
            configuration: .init(ws: .init(maxFrameSize: 64 * 1024, autoPing: .enabled(timePeriod: .seconds(30)), validateUTF8: true))
        ),
        configuration: .init(address: .hostname(config.hostname, port: config.port), serverName: "kefu"),
        logger: logger
    )
    // Background work waits for the migrations and the demo data, loaded just before the server starts.
    let migrated = StartupGate()
    let dispatcher = WebhookDispatcher(store: store, now: dependencies.now, logger: logger, backoffBase: config.tickets.webhookBackoff)
    if let service = database.service { app.addServices(service) }
    if let relay = hub as? PostgresChatHub { app.addServices(relay) }
    app.addServices(
        Periodic("chat sweep", every: config.chat.sweepInterval, after: migrated, logger: logger) {
            try await chat.sweepIdle()
            try await chat.dispatch()
        },
        Periodic("ticket timers", every: config.tickets.timerInterval, after: migrated, logger: logger) {
            for event in try await store.tickets.fireDueTimers(now: dependencies.now()) {
                logger.info("ticket timer fired", metadata: ["ticket": "\(event.ticketId)", "kind": "\(event.kind.rawValue)"])
            }
        },
        Periodic("webhook delivery", every: config.tickets.webhookInterval, after: migrated, logger: logger) {
            _ = try await dispatcher.deliverDue()
        },
        Periodic("billing", every: .seconds(3600), after: migrated, runFirst: true, logger: logger) {
            try await BillingRun.run(store: store, now: dependencies.now(), logger: logger)
        },
        Periodic("session sweep", every: .seconds(600), after: migrated, logger: logger) {
            try await store.sessions.purgeExpired(now: dependencies.now())
        },
        Periodic("bot knowledge", every: config.botReloadInterval, after: migrated, logger: logger) {
            if try await brain.reloadIfChanged(from: store) {
                logger.info("retrained the bot", metadata: ["version": "\(brain.current.version)", "phrases": "\(brain.current.phrases)"])
            }
        }
    )
    let loadDemo = config.loadDemo
    let demoCustomers = config.demoCustomers
    let now = dependencies.now
    app.beforeServerStarts {
        try await database.migrate()
        if loadDemo {
            let loader = DemoLoader(store: store)
            if try await !loader.isLoaded() {
                var generator = DemoGenerator(customerCount: demoCustomers, asOf: CalendarDate(chinaTime: now()))
                let started = ContinuousClock.now
                if let summary = try await loader.load(generator.generate(), hash: hasher.hash) {
                    logger.info(
                        "loaded demo data",
                        metadata: [
                            "customers": "\(summary.customers)", "subscriptions": "\(summary.subscriptions)",
                            "bills": "\(summary.bills)", "took": "\(ContinuousClock.now - started)",
                        ]
                    )
                }
            }
        }
        try await store.knowledge.seedProjectKnowledge(now: now())
        do {
            let trained = try await brain.reload(from: store)
            logger.info("trained the bot", metadata: ["phrases": "\(trained.phrases)", "took": "\(trained.trainingTime)"])
        } catch let error as BotBrain.NothingToTrain {
            logger.warning("the bot keeps the project's phrases", metadata: ["reason": "\(error)"])
        }
        migrated.open()
    }
    return app
}

/// The OpenAPI document the API is generated from, served as the contract.
enum OpenAPIDocument {
    static func load() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw AppConfig.Invalid(description: "openapi.yaml is missing from the server's resources")
        }
        return Array(try Data(contentsOf: url))
    }
}

/// `/agent`, `/admin`, `/open` and `/tickets` without a trailing slash: send the browser to the folder, so relative links work.
struct StaticPagesMiddleware: RouterMiddleware {
    typealias Context = KefuRequestContext
    let publicDirectory: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if request.method == .get, path == "/agent" || path == "/admin" || path == "/open" || path == "/tickets" {
            return .redirect(to: path + "/", type: .found)
        }
        return try await next(request, context)
    }
}
