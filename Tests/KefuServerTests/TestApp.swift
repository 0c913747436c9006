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
        config.bcryptCost = 4
        return config
    }

    /// Runs `body` against the real application on an in-memory database with demo data.
    static func run(
        config: AppConfig = config, sms: RecordingSmsSender = RecordingSmsSender(), mode: TestingSetup = .router,
        clock: TestClock? = nil, _ body: @Sendable (any TestClientProtocol, RecordingSmsSender, Database) async throws -> Void
    ) async throws {
        let logger = TestLogger.quiet
        try await Database.withDatabase(.sqliteMemory, logger: logger) { database in
            let now: @Sendable () -> Date = { clock?.now ?? Date() }
            let app = try await buildApplication(config, dependencies: .init(database: database, smsSender: sms, now: now, logger: logger))
            try await app.test(mode) { client in try await body(client, sms, database) }
        }
    }
}

extension TestClientProtocol {
    func json(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, json: Any?, headers: HTTPFields) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let data = Data(buffer: response.body)
            return (response.status, data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data), response.headers)
        }
    }

    func login(_ username: String, password: String = DemoGenerator.demoPassword) async throws -> String {
        let result = try await json(.post, "/api/v1/auth/login", body: #"{"username":"\#(username)","password":"\#(password)"}"#)
        let token = (result.json as? [String: Any])?["token"] as? String
        return try #require(token, "login \(username) answered \(result.status)")
    }

    func customerLogin(_ phone: String, sms: RecordingSmsSender) async throws -> String {
        let request = try await json(.post, "/api/v1/auth/sms/request", body: #"{"phone":"\#(phone)"}"#)
        #expect(request.status == .accepted)
        let code = try #require(sms.lastCode(for: phone))
        let verify = try await json(.post, "/api/v1/auth/sms/verify", body: #"{"phone":"\#(phone)","code":"\#(code)"}"#)
        return try #require((verify.json as? [String: Any])?["token"] as? String)
    }
}

func errorCode(_ json: Any?) -> String? {
    ((json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
}
