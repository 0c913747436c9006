import Hummingbird

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
