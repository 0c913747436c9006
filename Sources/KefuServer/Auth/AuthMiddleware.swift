import Foundation
import HTTPTypes
import Hummingbird
import KefuCore
import KefuStore

/// Resolves the session from `Authorization: Bearer …` or the `kefu_session` cookie and
/// makes the principal known to the handlers. It refuses nothing itself: each endpoint asks
/// for the permission it needs.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = KefuRequestContext
    static let cookieName = "kefu_session"

    let store: Store
    let now: @Sendable () -> Date
    /// Proxies whose `X-Forwarded-For` names the client: behind one, every request comes from the proxy.
    var trustedProxies: Set<String> = []

    /// Who sent the request, for rate limits and the audit log: the peer, or the client a trusted proxy
    /// names (the last hop it appended, which the client cannot forge).
    static func clientAddress(peer: String?, forwardedFor: String?, trusted: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trusted.contains(peer), let forwardedFor,
              let last = forwardedFor.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return peer }
        return last
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let address = Self.clientAddress(
            peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[HTTPField.Name("X-Forwarded-For")!], trusted: trustedProxies
        )
        var info = RequestInfo(principal: nil, tokenHash: nil, clientAddress: address)
        let sessions = SessionResolver(store: store, now: now)
        var resolved: (Principal, StoredSession)?
        if request.uri.path.hasPrefix("/ws/"), let pass = request.uri.queryParameters["pass"].map(String.init) {
            // Browsers cannot set headers on a WebSocket handshake: a one-use pass in the URL stands in.
            resolved = try await sessions.redeem(pass: pass)
        } else if let token = Self.token(from: request) {
            resolved = try await sessions.resolve(tokenHash: Tokens.hash(token))
        }
        if let (principal, session) = resolved {
            info.principal = principal
            info.tokenHash = session.tokenHash
        }
        context.sessionTokenHash = info.tokenHash
        context.clientAddress = address
        context.principal = info.principal
        var response = try await RequestInfo.$current.withValue(info) {
            try await next(request, context)
        }
        for cookie in info.cookies.all {
            response.headers.append(HTTPField(name: .setCookie, value: cookie))
        }
        return response
    }

    static func token(from request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : String(token)
        }
        if let cookie = request.cookies[cookieName]?.value, !cookie.isEmpty { return cookie }
        return nil
    }
}
