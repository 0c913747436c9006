public import HTTPTypes

/// The one error type handlers throw; the error middleware turns it into
/// `{"error":{"code":…,"message":…}}` with its status.
public struct KefuError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func invalid(_ message: String) -> KefuError { .init(.badRequest, "invalid_request", message) }
    static func unprocessable(_ problems: [String]) -> KefuError {
        .init(.unprocessableContent, "validation_failed", problems.joined(separator: "; "))
    }
    static let unauthorized = KefuError(.unauthorized, "unauthorized", "请先登录")
    static let forbidden = KefuError(.forbidden, "forbidden", "没有权限执行此操作")
    static func notFound(_ what: String) -> KefuError { .init(.notFound, "not_found", "\(what)不存在") }
    static func conflict(_ message: String) -> KefuError { .init(.conflict, "conflict", message) }
    static func rateLimited(_ retryAfter: Int) -> KefuError {
        .init(.tooManyRequests, "rate_limited", "操作过于频繁，请 \(retryAfter) 秒后再试", retryAfter: retryAfter)
    }
}
