import HTTPTypes
import Hummingbird
import KefuCore

/// Checks a request against the contract before its handler: an undeclared method is 405 with `Allow`,
/// an operation that needs a session is 401 before its body is read, and query and path parameters
/// outside their schema are 400 naming the parameter. Paths the contract does not name pass through.
struct ContractMiddleware: RouterMiddleware {
    typealias Context = KefuRequestContext
    let contract: Contract

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HEAD is GET without the body, as HTTP has it.
        let method = request.method == .head ? "GET" : request.method.rawValue
        switch contract.match(method: method, path: request.uri.path) {
        case .unknown:
            return try await next(request, context)
        case .otherMethods(let allowed):
            var response = ErrorMiddleware.response(
                KefuError(.methodNotAllowed, "method_not_allowed", "该接口不支持 \(request.method.rawValue)，可用：\(allowed.joined(separator: ", "))"),
                status: .methodNotAllowed
            )
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        case .operation(let operation, let pathValues):
            if operation.needsSession, context.principal == nil { throw KefuError.unauthorized }
            var query: [String: [String]] = [:]
            for (name, value) in request.uri.queryParameters {
                query[String(name), default: []].append(String(value))
            }
            let problems = Contract.problems(operation, query: query, path: pathValues)
            if !problems.isEmpty { throw KefuError(.invalid, "invalid_parameter", problems.joined(separator: "; ")) }
            return try await next(request, context)
        }
    }
}
