import Foundation
import HTTPTypes
import Hummingbird
import KefuCore
import Logging
import OpenAPIRuntime

/// Turns every error into the API's JSON error shape. A 5xx is logged with its cause and
/// answered with a generic message: internals never reach the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = KefuRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, mapped) = Self.map(error)
            if status.kind == .serverError {
                context.logger.error(
                    "request failed",
                    metadata: ["path": "\(request.uri.path)", "error": "\(Self.cause(error))"]
                )
            }
            return Self.response(mapped, status: status)
        }
    }

    /// What to log of a failure: the generated server's error describes the whole request, the
    /// `Authorization` header and the body too, which no log may hold; only its operation and cause.
    static func cause(_ error: any Error) -> String {
        guard let error = error as? ServerError else { return String(reflecting: error) }
        return "\(error.operationID): \(String(reflecting: error.underlyingError))"
    }

    /// The status and body for any error: the project's failures say their own; Hummingbird's keep their
    /// status; anything else is an internal error.
    static func map(_ error: any Error) -> (HTTPResponse.Status, KefuError) {
        func told(_ error: KefuError) -> (HTTPResponse.Status, KefuError) { (error.kind.status, error) }
        switch error {
        case let error as any KefuErrorConvertible:
            return told(error.kefuError)
        case let error as ServerError:
            // The generated server wraps what a handler throws, and what failed before the handler ran.
            if let inner = error.underlyingError as? any KefuErrorConvertible { return told(inner.kefuError) }
            // No operation input means the request itself could not be read: the client's mistake.
            if error.operationInput == nil {
                return told(.invalid("请求无效：\(clientDescription(error.underlyingError))"))
            }
            return told(.internalError)
        case let error as HTTPError:
            switch error.status {
            case .notFound: return told(.init(.notFound, "not_found", "接口不存在"))
            case .contentTooLarge: return told(.init(.tooLarge, "payload_too_large", "请求体超过 1 MiB"))
            case .methodNotAllowed: return told(.init(.methodNotAllowed, "method_not_allowed", "不支持该请求方法"))
            case let status where status.kind == .clientError: return (status, .init(.invalid, "invalid_request", status.reasonPhrase))
            default: return told(.internalError)
            }
        default:
            return told(.internalError)
        }
    }

    /// A short account of a decoding error that names the field but not our types.
    static func clientDescription(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else {
            return "参数或请求体格式不正确"
        }
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "请求体" : names.joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, let context):
            let prefix = context.codingPath.isEmpty ? "" : path(context) + "."
            return "缺少字段 \(prefix)\(key.stringValue)"
        case .typeMismatch(_, let context): return "字段 \(path(context)) 类型不正确"
        case .valueNotFound(_, let context): return "字段 \(path(context)) 不能为空"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "不是有效的 JSON（UTF-8）" : "字段 \(path(context)) 的值无效"
        @unknown default: return "请求体格式不正确"
        }
    }

    static func response(_ error: KefuError, status: HTTPResponse.Status) -> Response {
        struct Body: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
                let fields: [KefuError.FieldProblem]?
            }
            let error: Inner
        }
        let inner = Body.Inner(code: error.code, message: error.message, fields: error.fields.isEmpty ? nil : error.fields)
        let data = (try? JSONEncoder().encode(Body(error: inner))) ?? Data()
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Refuses bodies over the limit before any handler reads them: 1 MiB, or 10 MiB for chat attachments.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = KefuRequestContext
    let maxBytes: Int
    let maxAttachmentBytes: Int

    func limit(for path: String) -> Int {
        path.hasPrefix("/api/v1/chat/conversations/") && path.hasSuffix("/attachments") ? maxAttachmentBytes : maxBytes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = limit(for: request.uri.path)
        let tooLarge = KefuError(.tooLarge, "payload_too_large", limit == maxBytes ? "请求体超过 1 MiB" : "附件不能超过 10 MiB")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge
        }
        return try await next(request, context)
    }
}

extension KefuError.Kind {
    /// The HTTP status each kind of failure is answered with.
    var status: HTTPResponse.Status {
        switch self {
        case .invalid: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .gone: .gone
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .unprocessable: .unprocessableContent
        case .tooManyRequests: .tooManyRequests
        case .badGateway: .badGateway
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
}
