import AsyncHTTPClient
import Crypto
import Foundation
import KefuCore
import KefuStore
import Logging
import NIOCore

/// Signs webhook bodies: `X-Kefu-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
/// The timestamp is signed too, so a receiver can refuse replays of old deliveries.
enum WebhookSignature {
    static func sign(body: String, timestamp: Int, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.lowercaseHex
    }

    static func newSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// Sends the webhook outbox: claims due deliveries (leased, so several nodes never send one at the same
/// time), posts each signed, and records the outcome; failures retry with exponential backoff.
struct WebhookDispatcher: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let logger: Logger
    var backoffBase: TimeInterval = 10
    var timeout: TimeAmount = .seconds(10)

    /// One pass over what is due; answers how many were sent successfully.
    func deliverDue() async throws -> Int {
        let pending = try await store.webhooks.claim(now: now())
        guard !pending.isEmpty else { return 0 }
        return await withTaskGroup(of: Bool.self) { group in
            for delivery in pending {
                group.addTask { await deliver(delivery) }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    private func deliver(_ delivery: WebhookRepository.Pending) async -> Bool {
        let timestamp = Int(now().timeIntervalSince1970)
        let endpoint = JSONEndpoint(url: delivery.url, apiKey: nil, client: .shared, timeout: timeout, attempts: 1)
        let started = ContinuousClock.now
        var outcome: WebhookRepository.Outcome
        do {
            let answer = try await endpoint.post(
                Data(delivery.payload.utf8),
                headers: [
                    ("X-Kefu-Event", delivery.eventType), ("X-Kefu-Delivery", delivery.id), ("X-Kefu-Timestamp", String(timestamp)),
                    ("X-Kefu-Signature", WebhookSignature.sign(body: delivery.payload, timestamp: timestamp, secret: delivery.secret)),
                    ("User-Agent", "kefu-webhooks/1"),
                ]
            )
            outcome = .init(statusCode: Int(answer.status), error: (200..<300).contains(answer.status) ? nil : "HTTP \(answer.status)", duration: ContinuousClock.now - started)
        } catch JSONEndpoint.TransportError.timedOut {
            outcome = .init(statusCode: nil, error: "timed out", duration: ContinuousClock.now - started)
        } catch {
            outcome = .init(statusCode: nil, error: "unreachable", duration: ContinuousClock.now - started)
        }
        do {
            try await store.webhooks.record(
                delivery, outcome: outcome, now: now(), retryAfter: WebhookEvent.backoff(afterAttempt: delivery.attempt, base: backoffBase)
            )
        } catch {
            logger.error("could not record webhook outcome", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
        if !outcome.succeeded {
            CentreMetrics.webhookFailed()
            logger.info("webhook delivery failed", metadata: ["delivery": "\(delivery.id)", "attempt": "\(delivery.attempt)", "error": "\(outcome.error ?? "")"])
        }
        return outcome.succeeded
    }
}
