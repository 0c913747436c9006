/// The one way a failure is told to a client, over REST and over the chat socket alike: a kind that
/// picks the HTTP status, a stable code for programs and a Chinese message for people. Domain rules
/// and repositories throw their own failures and say, by conforming to `KefuErrorConvertible`, how
/// each is told; adapters never translate them, so a new failure case cannot be forgotten.
public struct KefuError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is; the server maps each to one HTTP status.
    public enum Kind: Sendable, Equatable {
        case invalid
        case unauthorized
        case forbidden
        case notFound
        case methodNotAllowed
        case conflict
        case gone
        case tooLarge
        case unsupportedMediaType
        case unprocessable
        case tooManyRequests
        case badGateway
        case unavailable
        case `internal`
    }

    public let kind: Kind
    public let code: String
    public let message: String
    /// Seconds the client should wait before trying again (rate limits).
    public var retryAfter: Int?
    /// For a refused form, what is wrong with which field, so a page can say it beside the field.
    public var fields: [FieldProblem]

    /// One field's problem: `field` as the request names it (`idNumber`, `fields.symptom`).
    public struct FieldProblem: Sendable, Equatable, Codable {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public init(_ kind: Kind, _ code: String, _ message: String, retryAfter: Int? = nil, fields: [FieldProblem] = []) {
        self.kind = kind
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.fields = fields
    }

    public var description: String { "\(code): \(message)" }

    public static func invalid(_ message: String) -> KefuError { .init(.invalid, "invalid_request", message) }
    /// Problems written `field: message` (or with a full-width colon) become field problems; the message
    /// reads as the page would say it, without the field keys.
    public static func unprocessable(_ problems: [String]) -> KefuError {
        var fields: [FieldProblem] = []
        var said: [String] = []
        for problem in problems {
            if let colon = problem.firstIndex(where: { $0 == ":" || $0 == "：" }),
                case let key = problem[..<colon], !key.isEmpty,
                key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") })
            {
                let message = String(problem[problem.index(after: colon)...]).trimmingWhitespace()
                fields.append(FieldProblem(field: String(key), message: message))
                said.append(message)
            } else {
                said.append(problem)
            }
        }
        return .init(.unprocessable, "validation_failed", said.joined(separator: "；"), fields: fields)
    }
    public static let unauthorized = KefuError(.unauthorized, "unauthorized", "请先登录")
    public static let forbidden = KefuError(.forbidden, "forbidden", "没有权限执行此操作")
    public static func notFound(_ what: String) -> KefuError { .init(.notFound, "not_found", "\(what)不存在") }
    public static func conflict(_ message: String) -> KefuError { .init(.conflict, "conflict", message) }
    public static func rateLimited(_ retryAfter: Int) -> KefuError {
        .init(.tooManyRequests, "rate_limited", "操作过于频繁，请 \(retryAfter) 秒后再试", retryAfter: retryAfter)
    }
    public static let internalError = KefuError(.internal, "internal", "服务器内部错误，请稍后再试")
}

/// A failure that knows how it is told to the client. Conform with an exhaustive `switch`, so every
/// case has its code and message.
public protocol KefuErrorConvertible: Error, Sendable {
    var kefuError: KefuError { get }
}

extension KefuError: KefuErrorConvertible {
    public var kefuError: KefuError { self }
}
