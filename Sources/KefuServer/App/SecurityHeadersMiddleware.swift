import HTTPTypes
import Hummingbird

/// What every answer tells the browser: the pages run only their own scripts and cannot be framed,
/// types are not guessed, nothing of the URL leaks to other sites, and API answers (personal data)
/// are never stored by a browser or a proxy. Outside the error middleware, so refusals carry it too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Scripts only from this origin and never inline. Styles allow inline attributes: the pages set
    /// a few layout styles in markup, and a style cannot run code.
    static var contentSecurityPolicy: String {
        [
            "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
            "media-src 'self' blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    /// Behind TLS the browser is also told to come back only over HTTPS.
    let strictTransport: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let set: [(String, String)] = [
            ("Content-Security-Policy", Self.contentSecurityPolicy), ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
        ]
        for (name, value) in set {
            response.headers[HTTPField.Name(name)!] = value
        }
        if request.uri.path.hasPrefix("/api/") {
            response.headers[.cacheControl] = "no-store"
        }
        if strictTransport {
            response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000"
        }
        return response
    }
}
