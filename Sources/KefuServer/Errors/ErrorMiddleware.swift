import Foundation
import HTTPTypes
import Hummingbird
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
            let mapped = Self.map(error)
            if mapped.status.kind == .serverError {
                context.logger.error(
                    "request failed",
                    metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"]
                )
            }
            return Self.response(mapped)
        }
    }

    static func map(_ error: any Error) -> KefuError {
        switch error {
        case let error as KefuError:
            return error
        case let error as ServerError:
            // The generated server wraps what a handler throws; decoding failures surface here too.
            if let inner = error.underlyingError as? KefuError { return inner }
            if isClientMistake(error.underlyingError) {
                return .invalid("请求无效：\(clientDescription(error.underlyingError))")
            }
            return internalError
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .init(.notFound, "not_found", "接口不存在")
            case .contentTooLarge: return .init(.contentTooLarge, "payload_too_large", "请求体超过 1 MiB")
            case .methodNotAllowed: return .init(.methodNotAllowed, "method_not_allowed", "不支持该请求方法")
            case let status where status.kind == .clientError: return .init(status, "invalid_request", status.reasonPhrase)
            default: return internalError
            }
        default:
            return internalError
        }
    }

    static let internalError = KefuError(.internalServerError, "internal", "服务器内部错误，请稍后再试")

    /// Decoding and validation errors raised by the OpenAPI runtime are the client's doing.
    static func isClientMistake(_ error: any Error) -> Bool {
        error is DecodingError || String(reflecting: type(of: error)).hasPrefix("OpenAPIRuntime.")
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

    static func response(_ error: KefuError) -> Response {
        struct Body: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
            }
            let error: Inner
        }
        let data = (try? JSONEncoder().encode(Body(error: .init(code: error.code, message: error.message)))) ?? Data()
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
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
        let tooLarge = KefuError(.contentTooLarge, "payload_too_large", limit == maxBytes ? "请求体超过 1 MiB" : "附件不能超过 10 MiB")
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
