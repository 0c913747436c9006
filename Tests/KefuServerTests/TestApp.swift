import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import KefuTestSupport
import Logging
import NIOCore
import NIOFoundationCompat
import Prometheus
import Synchronization
import Testing

/// An SMS sender that keeps what it was asked to send, so a test can read the code.
final class RecordingSmsSender: SmsSender {
    let sent = Mutex<[(phone: String, text: String)]>([])

    func send(to phone: String, text: String) async throws {
        sent.withLock { $0.append((phone, text)) }
    }

    func lastCode(for phone: String) -> String? {
        sent.withLock { messages in
            messages.last { $0.phone == phone }.flatMap { message in
                message.text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
            }
        }
    }
}

/// A clock a test moves by hand: SLA timers, webhook backoff.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Polls `condition` every 20 ms for up to `seconds`: for work done by background services.
func eventually(within seconds: Double = 5, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

struct TestApp {
    static var config: AppConfig {
        var config = AppConfig()
        config.port = 0
        config.database = .sqliteMemory
        config.demoCustomers = 40
        // Tests build the history each needs; DemoHistoryTests look at the demo's own.
        config.demoHistoryDays = 0
        config.hotTopicsInterval = .milliseconds(200)
        config.bcryptCost = 4
        return config
    }

    /// Runs `body` against the real application on an in-memory database with demo data.
    static func run(
        config: AppConfig = config, sms: RecordingSmsSender = RecordingSmsSender(), mode: TestingSetup = .router,
        clock: TestClock? = nil, metrics: PrometheusCollectorRegistry = .init(), _ body: @Sendable (any TestClientProtocol, RecordingSmsSender, Database) async throws -> Void
    ) async throws {
        let logger = TestLogger.quiet
        try await Database.withDatabase(.sqliteMemory, logger: logger) { database in
            let now: @Sendable () -> Date = { clock?.now ?? Date() }
            let app = try await buildApplication(config, dependencies: .init(database: database, smsSender: sms, metrics: metrics, now: now, logger: logger))
            try await app.test(mode) { client in try await body(client, sms, database) }
        }
    }
}

/// One answer of the API: its status and headers, the body as loose JSON for quick looks, and typed
/// decoding into the API's own types for everything that matters.
struct APIAnswer: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let data: Data

    /// The body as loose JSON (nil when empty or not JSON).
    var json: Any? { data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data) }

    /// The body decoded as `T`, dates as the API writes them (RFC 3339); fails the test when it is not a `T`.
    func decoded<T: Decodable>(_ type: T.Type = T.self, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            Issue.record("\(status) body is not a \(T.self): \(String(decoding: data, as: UTF8.self).prefix(300))", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The API's error body, when the answer is one.
    var error: APIErrorBody.Detail? { try? JSONDecoder().decode(APIErrorBody.self, from: data).error }
}

/// What a login answers, as far as tests need it.
struct SessionToken: Decodable, Sendable {
    let token: String
}

/// `{"error": {"code", "message"}}`, as every refusal is answered.
struct APIErrorBody: Decodable, Sendable {
    struct Detail: Decodable, Sendable, Equatable {
        struct FieldProblem: Decodable, Sendable, Equatable {
            let field: String
            let message: String
        }
        let code: String
        let message: String
        var fields: [FieldProblem]?

        /// The fields a validation failure names.
        var fieldNames: [String] { (fields ?? []).map(\.field) }
    }
    let error: Detail
}

extension TestClientProtocol {
    func json(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil) async throws -> APIAnswer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            APIAnswer(status: response.status, headers: response.headers, data: Data(buffer: response.body))
        }
    }

    func login(_ username: String, password: String = DemoGenerator.demoPassword) async throws -> String {
        let result = try await json(.post, "/api/v1/auth/login", body: #"{"username":"\#(username)","password":"\#(password)"}"#)
        return try #require(try? result.decoded(SessionToken.self).token, "login \(username) answered \(result.status)")
    }

    func customerLogin(_ phone: String, sms: RecordingSmsSender) async throws -> String {
        let request = try await json(.post, "/api/v1/auth/sms/request", body: #"{"phone":"\#(phone)"}"#)
        #expect(request.status == .accepted)
        let code = try #require(sms.lastCode(for: phone))
        let verify = try await json(.post, "/api/v1/auth/sms/verify", body: #"{"phone":"\#(phone)","code":"\#(code)"}"#)
        return try verify.decoded(SessionToken.self).token
    }
}

/// The error code of a loose JSON body (tests that read frames or bodies as JSON); answers have `.error`.
func errorCode(_ json: Any?) -> String? {
    ((json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
}
