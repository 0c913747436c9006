public import Hummingbird
public import HummingbirdWebSocket
public import KefuCore
public import NIOCore
import Synchronization

/// The request context: Hummingbird's core storage plus the peer address, for rate limits and audit.
public struct KefuRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let webSocket: WebSocketHandlerReference<KefuRequestContext>
    /// Set by the auth middleware; the WebSocket handler reads it from the context kept at upgrade.
    public var principal: Principal?
    /// The session the principal came with (for a socket pass, the session it was issued from): a
    /// socket ends with it.
    var sessionTokenHash: String?
    /// The client as the audit log names it (the forwarded address behind a trusted proxy).
    var clientAddress = "unknown"

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.webSocket = .init()
    }
}

/// What the API handlers know about the request beyond its OpenAPI input.
/// The generated handlers do not see Hummingbird's context, so the auth middleware sets this task-local.
struct RequestInfo: Sendable {
    var principal: Principal?
    var tokenHash: String?
    var clientAddress: String
    /// `Set-Cookie` values a handler wants on its response. The OpenAPI runtime percent-encodes
    /// header values, which would break a cookie, so the auth middleware writes them instead.
    var cookies = CookieJar()

    @TaskLocal static var current = RequestInfo(principal: nil, tokenHash: nil, clientAddress: "unknown")
}

final class CookieJar: Sendable {
    private let values = Mutex<[String]>([])

    func set(_ cookie: String) { values.withLock { $0.append(cookie) } }
    var all: [String] { values.withLock { $0 } }
}
