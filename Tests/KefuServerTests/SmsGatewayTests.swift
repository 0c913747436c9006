import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import KefuServer
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

/// The real HTTP SMS client against a small local gateway that follows docs/sms-gateway.md.
@Suite struct SmsGatewayTests {
    struct Received: Decodable, Sendable {
        let phone: String
        let text: String
        let requestId: String
    }

    final class Inbox: Sendable {
        let calls = Mutex<[(String?, Received)]>([])
        func withLock<T>(_ body: (inout [(String?, Received)]) -> T) -> T { calls.withLock { body(&$0) } }
    }

    static func withGateway(
        status: HTTPResponse.Status, reply: String, _ body: @Sendable (String, Inbox) async throws -> Void
    ) async throws {
        let received = Inbox()
        let router = Router()
        router.post("/sms") { request, context -> Response in
            let message = try await request.decode(as: Received.self, context: context)
            received.withLock { $0.append((request.headers[.authorization], message)) }
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: reply)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/sms", received)
        }
    }

    @Test func sendsTheDocumentedRequest() async throws {
        try await Self.withGateway(status: .ok, reply: #"{"accepted":true,"messageId":"m1"}"#) { url, received in
            // Generous timeouts where the count of requests is the point: a loaded machine would make a
            // slow first answer a timeout and a retry, which is right, and not what is tested here.
            try await HTTPSmsSender(url: url, apiKey: "secret", timeout: .seconds(60)).send(to: "13800138000", text: "验证码 123456")
            let calls = received.withLock { $0 }
            #expect(calls.count == 1)
            #expect(calls.first?.0 == "Bearer secret")
            #expect(calls.first?.1.phone == "13800138000" && calls.first?.1.text == "验证码 123456")
        }
    }

    @Test func retriesServerErrorsWithTheSameRequestID() async throws {
        try await Self.withGateway(status: .serviceUnavailable, reply: "{}") { url, received in
            await #expect(throws: SmsDeliveryError.self) {
                try await HTTPSmsSender(url: url, apiKey: "k", timeout: .seconds(60), attempts: 3).send(to: "13800138000", text: "x")
            }
            let calls = received.withLock { $0 }
            #expect(calls.count == 3)
            #expect(Set(calls.map(\.1.requestId)).count == 1)
        }
    }

    @Test func doesNotRetryARejection() async throws {
        try await Self.withGateway(status: .ok, reply: #"{"accepted":false,"error":"blacklisted"}"#) { url, received in
            await #expect(throws: SmsDeliveryError.self) {
                try await HTTPSmsSender(url: url, apiKey: "k", timeout: .seconds(60), attempts: 3).send(to: "13800138000", text: "x")
            }
            #expect(received.withLock { $0.count } == 1)
        }
    }

    @Test func unreachableGatewayFails() async throws {
        await #expect(throws: SmsDeliveryError.self) {
            try await HTTPSmsSender(url: "http://127.0.0.1:1/sms", apiKey: "k", timeout: .seconds(1), attempts: 2).send(to: "13800138000", text: "x")
        }
    }

    @Test func productionRefusesDevelopmentShortcuts() {
        var config = AppConfig()
        config.production = true
        config.loadDemo = false
        #expect(throws: AppConfig.Invalid.self) { try config.validate() }
        config.smsGateway = .http(url: "http://127.0.0.1:9/sms", apiKey: "k")
        #expect(throws: AppConfig.Invalid.self) { try config.validate() }
        config.identityProvider = .http(url: "http://127.0.0.1:9/verify", apiKey: "k")
        // Secure cookies travel only over HTTPS: production says where TLS is.
        #expect(throws: AppConfig.Invalid.self) { try config.validate() }
        config.behindTLS = true
        #expect(throws: Never.self) { try config.validate() }
        #expect(config.cookiesAreSecure)
    }
}
