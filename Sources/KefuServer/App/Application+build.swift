public import Foundation
public import Hummingbird
import HummingbirdWebSocket
import KefuCore
import KefuNLU
public import KefuStore
public import Logging
public import Prometheus

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
    /// Told of the chat hub, to close its sockets with 1001 when the process stops.
    public var farewell: ChatFarewell?

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
/// tests build the same thing with an in-memory store and port 0. Wiring only: each part is built
/// where it lives (`buildRouter`, `addChatSocket`, `backgroundJobs`, `Startup`).
public func buildApplication(_ config: AppConfig, dependencies: AppDependencies = .init()) async throws -> some ApplicationProtocol {
    try config.validate()
    let logger = dependencies.logger
    let now = dependencies.now
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
    let identity: any IdentityVerifier =
        dependencies.identityVerifier
        ?? {
            switch config.identityProvider {
            case .local: LocalIdentityVerifier()
            case .http(let url, let apiKey): HTTPIdentityVerifier(url: url, apiKey: apiKey)
            }
        }()
    // Trained from the database's phrases before the server starts (about 50 ms in a release build), and
    // again whenever an admin changes them; the project's phrases serve only if none are stored.
    let brain = BotBrain(fallbackPhrases: try NLU.bundledTraining(), articles: SolutionLibrary.seeds(at: now()))
    // Several nodes on PostgreSQL pass chat events to each other; SQLite is one node.
    let hub: any ChatHub =
        dependencies.chatHub
        ?? (database.passesNotifications ? PostgresChatHub(database: database, logger: logger) : LocalChatHub())
    let node = config.resolvedNodeName()
    dependencies.farewell?.attach(hub)
    let chat = ChatDesk(store: store, hub: hub, settings: config.chat, logger: logger, now: now, node: node, brain: brain)
    let api = KefuAPI(
        store: store, config: config, hasher: hasher, sms: sms, identity: identity, brain: brain, chat: chat,
        rateLimits: RateLimits(now: now), metrics: dependencies.metrics, logger: logger, now: now
    )

    let router = try buildRouter(config, store: store, api: api, now: now, logger: logger)
    addChatSocket(to: router, chat: chat, origins: OriginCheck(allowed: config.allowedOrigins))
    addFloorSocket(to: router, chat: chat, origins: OriginCheck(allowed: config.allowedOrigins))
    var app = Application(
        router: router,
        server: .http1WebSocketUpgrade(
            webSocketRouter: router,
            configuration: .init(ws: .init(maxFrameSize: ChatSocket.maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(30)), validateUTF8: true))
        ),
        configuration: .init(address: .hostname(config.hostname, port: config.port), serverName: "kefu"),
        logger: logger
    )

    let started = StartupGate()
    // First added, last stopped: the database outlives the jobs and the server. A database handed in by
    // the caller (tests) is the caller's to close.
    if dependencies.database == nil {
        app.addServices(database.ownedService)
    } else if let service = database.service {
        app.addServices(service)
    }
    if let relay = hub as? PostgresChatHub { app.addServices(relay) }
    let webhooks = WebhookDispatcher(store: store, now: now, logger: logger, backoffBase: config.tickets.webhookBackoff)
    app.addServices(backgroundJobs(config, store: store, chat: chat, brain: brain, webhooks: webhooks, after: started, now: now, logger: logger))
    let startup = Startup(database: database, store: store, config: config, node: node, hasher: hasher, brain: brain, now: now, logger: logger)
    app.beforeServerStarts {
        try await startup.run()
        started.open()
    }
    return app
}
