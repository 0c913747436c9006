import ArgumentParser
import Foundation
import KefuCore
import KefuNLU
import Hummingbird
import KefuServer
import KefuStore
import Logging
import ServiceLifecycle
import UnixSignals
import Metrics
import Prometheus

@main
struct Kefu: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kefu",
        abstract: "Kefu: online customer service for a telecom operator.",
        subcommands: [Serve.self, Migrate.self, User.self, Demo.self, Billing.self, QA.self, NLUCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// The database option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "sqlite:///abs/path, sqlite://relative/path, sqlite::memory: or postgres://user:pass@host:port/db (default: $KEFU_DATABASE_URL or sqlite://kefu.sqlite)",
            valueName: "url"
        )
    )
    var url: String?

    func resolved() throws -> DatabaseURL {
        let text = url ?? ProcessInfo.processInfo.environment["KEFU_DATABASE_URL"] ?? "sqlite://kefu.sqlite"
        do {
            return try DatabaseURL(parsing: text)
        } catch let error as DatabaseURL.Invalid {
            throw ValidationError(error.description)
        }
    }
}

func makeLogger(_ label: String = "kefu") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["KEFU_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server: customer page, agent desk, admin console and API.")

    @Option(help: "Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @OptionGroup var database: DatabaseOptions
    @Flag(name: .customLong("no-demo"), help: "Do not load the demo data on first start.") var noDemo = false
    @Option(help: "How many demo customers to generate on first start.") var demoCustomers = 2000
    @Option(help: "Days of past service (chats, tickets, ratings, reviews) the demo writes on first start; 0 for none.")
    var demoHistoryDays = 30
    @Flag(help: "Production mode: refuses the development SMS sender and demo data.") var production = false
    @Option(help: "Folder of the web pages.") var publicDir = "Public"
    @Option(help: "SMS gateway URL (see docs/sms-gateway.md); without it codes go to the log. Also $KEFU_SMS_GATEWAY_URL.")
    var smsGatewayURL: String?
    @Flag(help: "Mark the session cookie Secure (behind TLS); production always does.") var secureCookies = false
    @Flag(help: "TLS is terminated in front of this server (required in production): answers add Strict-Transport-Security.")
    var behindTLS = false
    @Option(name: .customLong("allowed-origin"), help: "Another origin whose pages may open the chat socket, e.g. https://portal.example.com (repeatable).")
    var allowedOrigins: [String] = []
    @Option(name: .customLong("trusted-proxy"), help: "Address of a proxy in front whose X-Forwarded-For names the client, e.g. 127.0.0.1 (repeatable).")
    var trustedProxies: [String] = []
    @Option(help: "Face-verification provider URL (see docs/identity-verification.md); without it the local verifier decides. Also $KEFU_IDENTITY_PROVIDER_URL with $KEFU_IDENTITY_API_KEY.")
    var identityProviderURL: String?
    @Option(help: "Chats an agent holds at once unless they set their own limit.") var agentChatLimit = 5
    @Option(help: "Seconds of customer silence before the idle reminder.") var idleReminder = 180
    @Option(help: "Seconds after the reminder before an idle chat closes.") var idleClose = 300
    @Option(help: "Seconds between checks whether the bot's knowledge changed on another node (then it retrains).")
    var botReloadInterval = 10
    @Option(
        name: .customLong("hours"),
        help: "A skill group's service hours in China time, e.g. enterprise=1-5@09:00-18:00 or billing=always (repeatable; default: enterprise weekdays 9–18, the rest around the clock)."
    )
    var hours: [String] = []
    @Option(help: "This node's stable name on a shared PostgreSQL, so a restart releases the agents' desks it held at once (default: host name plus a random suffix).")
    var nodeName: String?

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = makeLogger()

        var config = AppConfig()
        config.hostname = hostname
        config.port = port
        config.database = try database.resolved()
        config.loadDemo = !noDemo
        config.demoCustomers = demoCustomers
        config.demoHistoryDays = demoHistoryDays
        config.production = production
        config.publicDirectory = publicDir
        config.secureCookies = secureCookies
        config.behindTLS = behindTLS
        config.allowedOrigins = allowedOrigins
        config.trustedProxies = trustedProxies
        guard (1...10).contains(agentChatLimit) else { throw ValidationError("--agent-chat-limit must be 1–10") }
        guard idleReminder > 0, idleClose > 0 else { throw ValidationError("--idle-reminder and --idle-close must be positive") }
        config.chat.agentChatLimit = agentChatLimit
        for text in hours {
            guard let (group, window) = ServiceHours.parse(text) else {
                throw ValidationError("--hours \(text): expected group=days@HH:MM-HH:MM (days 1–7, Monday is 1) or group=always")
            }
            config.chat.serviceHours.windows[group] = window
        }
        config.chat.idleReminderSeconds = TimeInterval(idleReminder)
        config.chat.idleCloseSeconds = TimeInterval(idleClose)
        guard botReloadInterval > 0 else { throw ValidationError("--bot-reload-interval must be positive") }
        config.botReloadInterval = .seconds(botReloadInterval)
        config.nodeName = nodeName
        let env = ProcessInfo.processInfo.environment
        if let url = smsGatewayURL ?? env["KEFU_SMS_GATEWAY_URL"] {
            config.smsGateway = .http(url: url, apiKey: env["KEFU_SMS_API_KEY"] ?? "")
        }
        if let url = identityProviderURL ?? env["KEFU_IDENTITY_PROVIDER_URL"] {
            config.identityProvider = .http(url: url, apiKey: env["KEFU_IDENTITY_API_KEY"] ?? "")
        }
        do {
            try config.validate()
        } catch let error as AppConfig.Invalid {
            throw ValidationError(error.description)
        }
        try await PortCheck.requireFree(host: hostname, port: port)
        logger.info("starting kefu", metadata: ["database": "\(config.database)", "address": "\(hostname):\(port)"])
        var dependencies = AppDependencies(metrics: registry, logger: logger)
        let farewell = ChatFarewell()
        dependencies.farewell = farewell
        let app = try await buildApplication(config, dependencies: dependencies)
        // Shut down in reverse: the farewell closes the chat sockets (1001) before the server stops.
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: app), .init(service: farewell)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the schema migrations and exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = makeLogger()
        let applied = try await Database.withDatabase(try database.resolved(), logger: logger) { db in
            let applied = try await db.migrate()
            try await Store(database: db).knowledge.seedProjectKnowledge(now: Date())
            return applied
        }
        print(applied.isEmpty ? "schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage staff accounts.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a staff account. The password is read from standard input (one line) or $KEFU_NEW_PASSWORD."
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name (3–32 of a-z, 0-9, _ . -).") var username: String
        @Option(help: "Name shown to colleagues.") var displayName: String
        @Option(help: "agent, team_lead, qa or admin.") var role: String
        @Option(help: "Agent number (工号) customers are greeted with.") var agentNo: String
        @Option(help: "Comma-separated skill groups: mobile, broadband, billing, enterprise, vip.") var skills = ""

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("role must be one of agent, team_lead, qa, admin") }
            let skillList = skills.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let unknown = skillList.first(where: { !StaffUser.skillGroups.contains($0) }) {
                throw ValidationError("unknown skill group '\(unknown)'")
            }
            if let problem = StaffUser.usernameProblem(username.lowercased()) { throw ValidationError(problem) }
            let password = ProcessInfo.processInfo.environment["KEFU_NEW_PASSWORD"] ?? readLine(strippingNewline: true) ?? ""
            if let problem = StaffUser.passwordProblem(password) { throw ValidationError(problem) }
            let user = StaffUser(
                id: Store.newID("staff"), username: username.lowercased(), displayName: displayName, role: role, agentNo: agentNo,
                skills: skillList, disabled: false, createdAt: Date()
            )
            let hash = try await PasswordHasher(cost: 12).hash(password)
            let logger = makeLogger()
            try await Database.withDatabase(try database.resolved(), logger: logger) { db in
                try await db.migrate()
                let audit = AuditEntry(
                    id: Store.newID("aud"), at: Date(), actorKind: "cli", actorId: "kefu user add", action: "staff.create",
                    targetType: "staff", targetId: user.id, detail: "role=\(role.rawValue)"
                )
                do {
                    try await Store(database: db).staff.create(user, passwordHash: hash, audit: audit)
                } catch StaffRepository.Failure.usernameTaken {
                    throw ValidationError("username \(user.username) is taken")
                } catch StaffRepository.Failure.agentNoTaken {
                    throw ValidationError("agent number \(agentNo) is taken")
                }
            }
            print("added \(role.rawValue) \(user.username) (\(user.id))")
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Demo data.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load the deterministic demo data (once per database).")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many customers.") var customers = 2000
        @Option(help: "Random seed: the same seed and day give the same data.") var seed: UInt64 = DemoGenerator.defaultSeed

        func run() async throws {
            let logger = makeLogger()
            var generator = DemoGenerator(seed: seed, customerCount: customers, asOf: CalendarDate(chinaTime: Date()))
            let data = generator.generate()
            let hasher = PasswordHasher(cost: 12)
            let summary = try await Database.withDatabase(try database.resolved(), logger: logger) { db in
                try await db.migrate()
                return try await DemoLoader(store: Store(database: db)).load(data, hash: hasher.hash)
            }
            if let summary {
                print("loaded \(summary.customers) customers, \(summary.subscriptions) lines, \(summary.bills) bills, \(summary.usage) usage months")
            } else {
                print("demo data is already loaded")
            }
        }
    }
}

struct Billing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Monthly billing.", subcommands: [Close.self])

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bill a month (YYYY-MM) once: plan, usage, value-added services, discounts and one-off charges; apply due plan changes."
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The month to close, YYYY-MM (default: last month).") var month: String?

        func run() async throws {
            let target: CalendarDate
            if let month {
                guard let parsed = CalendarDate(iso: month + "-01") else { throw ValidationError("--month must be YYYY-MM") }
                target = parsed
            } else {
                target = CalendarDate(chinaTime: Date()).firstOfMonth.addingMonths(-1)
            }
            let run = try await Database.withDatabase(try database.resolved(), logger: makeLogger()) { db in
                try await db.migrate()
                return try await Store(database: db).business.closeMonth(target, now: Date())
            }
            print(run.ran
                ? "billed \(run.month): \(run.bills) bills, \(run.changesApplied) plan changes applied"
                : "\(run.month) was already billed")
        }
    }
}

struct QA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "qa", abstract: "Automatic QA scores.", subcommands: [Score.self])

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score the closed chats that have no QA score (those closed before scoring existed), by the rules in force when each closed."
        )

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let scored = try await Database.withDatabase(try database.resolved(), logger: makeLogger()) { db in
                try await db.migrate()
                return try await Store(database: db).qaScores.scoreMissing(now: Date())
            }
            print("scored \(scored) chats")
        }
    }
}

struct NLUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nlu", abstract: "The bot's language understanding.", subcommands: [Eval.self])

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train as the server does and report accuracy, per-intent precision/recall and confusions on a labelled file.",
            discussion: """
                FILE has one {"text": …, "intent": …} per line. Needs no running server. Trains from the project's \
                phrases, or with --database from an installation's phrases as edited by its admins.
                """
        )

        @Argument(help: "Labelled JSONL file.") var file: String
        @Option(help: ArgumentHelp("Train from this installation's phrases (sqlite://… or postgres://…).", valueName: "url"))
        var database: String?
        @Flag(help: "Also list every misclassified line.") var verbose = false

        func run() async throws {
            let training = try await trainingPhrases()
            let intents = Set(Intent.allCases.map(\.rawValue))
            let content: String
            do {
                content = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let samples: [LabelledText]
            do {
                samples = try LabelledText.parseJSONL(content, knownIntents: intents)
            } catch let error as NLUDataError {
                throw ValidationError("\(file): \(error)")
            }
            guard !samples.isEmpty else { throw ValidationError("\(file) has no labelled lines") }
            let start = ContinuousClock.now
            let nlu = NLU(training: training)
            let trained = ContinuousClock.now - start
            let evaluation = Evaluation(nlu: nlu, samples: samples)
            print(evaluation.report())
            print("")
            print("trained on \(training.count) phrases in \(trained); evaluated \(samples.count) lines")
            if verbose {
                for miss in evaluation.misclassified { print("  \(miss.expected) → \(miss.predicted): \(miss.text)") }
            }
        }

        /// The phrases the server would train on: the installation's when given one, else the project's.
        func trainingPhrases() async throws -> [LabelledText] {
            guard let database else { return try NLU.bundledTraining() }
            let url: DatabaseURL
            do { url = try DatabaseURL(parsing: database) } catch let error as DatabaseURL.Invalid { throw ValidationError(error.description) }
            let phrases = try await Database.withDatabase(url, logger: makeLogger()) { db in
                try await db.migrate()
                return try await Store(database: db).knowledge.allPhrases()
            }
            // A database the server never started on has no phrases yet; it would seed the project's.
            guard !phrases.isEmpty else { return try NLU.bundledTraining() }
            return phrases.map { LabelledText(text: $0.text, intent: $0.intent.rawValue) }
        }
    }
}
