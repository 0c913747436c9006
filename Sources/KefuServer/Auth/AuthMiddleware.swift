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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var info = RequestInfo(principal: nil, tokenHash: nil, clientAddress: context.remoteAddress?.ipAddress ?? "unknown")
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
