public import Foundation
public import KefuStore

/// Everything the server is configured with; `kefu serve` fills it from flags and environment.
public struct AppConfig: Sendable {
    public enum SmsGateway: Sendable, Equatable {
        /// Writes codes to the log; refused in production.
        case log
        /// Posts to an HTTP gateway (see docs/sms-gateway.md).
        case http(url: String, apiKey: String)
    }

    public var hostname: String = "127.0.0.1"
    public var port: Int = 8080
    public var database: DatabaseURL = .sqliteFile(path: "kefu.sqlite")
    public var loadDemo: Bool = true
    public var demoCustomers: Int = 2000
    /// Days of past chats, tickets, ratings and reviews the demo writes on a first start (0: none).
    public var demoHistoryDays: Int = 30
    public var production: Bool = false
    public var publicDirectory: String = "Public"
    public var staffSessionTTL: TimeInterval = 8 * 3600
    public var customerSessionTTL: TimeInterval = 24 * 3600
    public var smsGateway: SmsGateway = .log
    public var smsCodeTTL: TimeInterval = 300
    /// bcrypt cost: 12 in service; tests lower it because bcrypt is slow on purpose.
    public var bcryptCost: UInt8 = 12
    /// Requests larger than this are refused with 413.
    public var maxBodyBytes: Int = 1 << 20
    /// Set a `Secure` cookie: on when the server sits behind TLS, and always in production.
    public var secureCookies: Bool = false
    /// TLS is terminated in front of the server (a proxy or load balancer): production requires it, and
    /// answers then tell browsers to use HTTPS only.
    public var behindTLS: Bool = false
    /// Origins besides the server's own whose pages may open the chat socket (an operator's portal
    /// embedding the widget), as `https://host[:port]`.
    public var allowedOrigins: [String] = []

    /// Addresses of the proxies in front whose `X-Forwarded-For` names the client (rate limits, audit).
    public var trustedProxies: [String] = []

    /// Whether the session cookie is marked `Secure`.
    public var cookiesAreSecure: Bool { secureCookies || production }
    public var chat = ChatSettings()
    public var identityProvider: IdentityProvider = .local
    public var tickets = TicketSettings()
    /// How often a node checks whether the bot's knowledge changed (on another node) and retrains.
    public var botReloadInterval: Duration = .seconds(10)
    /// How often the hot-topics indexer reads new customer messages and tickets; tests shorten it.
    public var hotTopicsInterval: Duration = .seconds(15)
    /// This node's name in the agents' presence. On PostgreSQL give each node a stable one
    /// (`--node-name`) so that a node starting again releases the desks it held before it stopped;
    /// without one the others release them when its heartbeat stops.
    public var nodeName: String?

    /// The name this process goes by: the configured one, or a new one of its own on each call, so it
    /// is asked once, when the application is built.
    public func resolvedNodeName() -> String {
        nodeName ?? "\(ProcessInfo.processInfo.hostName)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// How often the timed ticket work runs; tests shorten these.
    public struct TicketSettings: Sendable {
        public var timerInterval: Duration = .seconds(5)
        public var webhookInterval: Duration = .seconds(2)
        /// First retry delay; doubles each attempt up to an hour.
        public var webhookBackoff: TimeInterval = 10

        public init() {}
    }

    public enum IdentityProvider: Sendable, Equatable {
        /// Decides from what can be checked here; refused in production.
        case local
        /// An external provider (see docs/identity-verification.md).
        case http(url: String, apiKey: String)
    }

    public init() {}

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Refuses configurations that must not run: development shortcuts in production.
    public func validate() throws {
        if production, smsGateway == .log {
            throw Invalid(description: "production mode needs a real SMS gateway (--sms-gateway-url); the log sender would expose login codes")
        }
        if production, identityProvider == .local {
            throw Invalid(description: "production mode needs a real identity provider (--identity-provider-url); the local one only checks the photo is an image")
        }
        if production, loadDemo {
            throw Invalid(description: "production mode does not load demo data; pass --no-demo")
        }
        if production, !behindTLS {
            throw Invalid(description: "production mode marks session cookies Secure, which browsers send only over HTTPS: put TLS in front and pass --behind-tls")
        }
        guard (0...65535).contains(port) else { throw Invalid(description: "port must be 0–65535") }
    }
}
