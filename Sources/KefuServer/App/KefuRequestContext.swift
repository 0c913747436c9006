public import Hummingbird
import KefuCore
public import NIOCore

/// The request context: Hummingbird's core storage plus the peer address, for rate limits and audit.
public struct KefuRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

/// What the API handlers know about the request beyond its OpenAPI input.
/// The generated handlers do not see Hummingbird's context, so the auth middleware sets this task-local.
struct RequestInfo: Sendable {
    var principal: Principal?
    var tokenHash: String?
    var clientAddress: String

    @TaskLocal static var current = RequestInfo(principal: nil, tokenHash: nil, clientAddress: "unknown")
}
