public import AsyncHTTPClient
public import Foundation
public import Logging
public import NIOCore
import NIOFoundationCompat

/// Sends a text message to a phone. The server's login codes go through one of these.
public protocol SmsSender: Sendable {
    func send(to phone: String, text: String) async throws
}

/// A failure to hand the message to the gateway; the client sees 502 and may retry.
public struct SmsDeliveryError: Error, CustomStringConvertible {
    public let description: String
}

/// For development: writes the message to the log instead of sending it.
/// `AppConfig.validate()` refuses it in production, where it would leak login codes.
public struct LogSmsSender: SmsSender {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func send(to phone: String, text: String) async throws {
        logger.notice("SMS (development sender, not sent)", metadata: ["to": "\(phone)", "text": "\(text)"])
    }
}

/// A client for an HTTP SMS gateway, as documented in docs/sms-gateway.md:
/// `POST {url}` with `Authorization: Bearer {apiKey}` and `{"phone", "text", "requestId"}`;
/// the gateway answers 2xx with `{"accepted": true, "messageId": "…"}`.
public struct HTTPSmsSender: SmsSender {
    let endpoint: JSONEndpoint

    public init(url: String, apiKey: String, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(5), attempts: Int = 2) {
        self.endpoint = JSONEndpoint(url: url, apiKey: apiKey, client: client, timeout: timeout, attempts: max(1, attempts))
    }

    struct Payload: Encodable {
        let phone: String
        let text: String
        let requestId: String
    }

    struct Reply: Decodable {
        let accepted: Bool
        let messageId: String?
        let error: String?
    }

    public func send(to phone: String, text: String) async throws {
        // One request id for all attempts lets the gateway drop a duplicate of a retried send.
        let body = try JSONEncoder().encode(Payload(phone: phone, text: text, requestId: UUID().uuidString))
        do {
            // The gateway saying no is final; only transport failures and 5xx are worth another try.
            try await endpoint.withRetries({ !(($0 as? SmsDeliveryError)?.description.hasPrefix("rejected") ?? false) }) {
                try await post(body)
            }
        } catch let error as SmsDeliveryError where error.description.hasPrefix("rejected") {
            throw error
        } catch {
            throw SmsDeliveryError(description: "gateway unreachable: \(error)")
        }
    }

    private func post(_ body: Data) async throws {
        let (status, bytes) = try await endpoint.post(body)
        guard (200..<300).contains(status) else {
            if (400..<500).contains(status) { throw SmsDeliveryError(description: "rejected with HTTP \(status)") }
            throw SmsDeliveryError(description: "HTTP \(status)")
        }
        let reply = try JSONDecoder().decode(Reply.self, from: Data(buffer: bytes))
        guard reply.accepted else {
            throw SmsDeliveryError(description: "rejected: \(reply.error ?? "no reason given")")
        }
    }
}
