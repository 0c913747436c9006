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
        if request.uri.path.hasPrefix("/ws/"), let pass = request.uri.queryParameters["pass"].map(String.init) {
            // Browsers cannot set headers on a WebSocket handshake: a one-use pass in the URL stands in.
            let hash = Tokens.hash(pass)
            if let session = try await store.sessions.find(tokenHash: hash, now: now()), session.principalKind.hasPrefix(SocketPass.kindPrefix) {
                try await store.sessions.delete(tokenHash: hash)
                var real = session
                real.principalKind = String(session.principalKind.dropFirst(SocketPass.kindPrefix.count))
                info.principal = try await principal(for: real)
            }
        } else if let token = Self.token(from: request) {
            let hash = Tokens.hash(token)
            if let session = try await store.sessions.find(tokenHash: hash, now: now()),
                let principal = try await principal(for: session)
            {
                info.principal = principal
                info.tokenHash = hash
            }
        }
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

    private func principal(for session: StoredSession) async throws -> Principal? {
        switch session.principalKind {
        case "staff":
            guard let user = try await store.staff.find(id: session.principalID), !user.disabled else { return nil }
            return .staff(id: user.id, username: user.username, role: user.role, agentNo: user.agentNo)
        case "customer":
            guard let customer = try await store.customers.find(id: session.principalID) else { return nil }
            return .customer(id: customer.id, phone: customer.contactPhone)
        case "visitor":
            return .visitor(id: session.principalID)
        default:
            return nil
        }
    }
}
