import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import NIOCore
import Testing

/// The centre's counters in `/metrics`: a chat handed over, its messages stored and its rating are
/// counted where they are stored. The registry is the process's (other suites add to it), so each
/// counter is read before and after.
@Suite struct CentreMetricsTests {
    static func value(_ text: String, _ series: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func aChatIsCountedAsItIsStored() async throws {
        try await TestApp.run(mode: .live, metrics: AccessTests.metrics) { client, sms, _ in
            func scrape() async throws -> String { try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) } }
            let before = try await scrape()
            let pair = try await ChatTests.connectPair(client, sms: sms)
            pair.customer.send(["type": "send", "conversationId": pair.conversationId, "clientId": "c-2", "text": "查话费"])
            try await pair.agent.next("message") { $0.message?["text"] as? String == "查话费" }
            pair.agent.send(["type": "end", "conversationId": pair.conversationId])
            try await pair.customer.next("survey")
            pair.customer.send(["type": "rate", "conversationId": pair.conversationId, "score": 4, "ref": "r"])
            try await pair.customer.next("rated")
            let after = try await scrape()
            let customerMessages = #"kefu_messages_stored_total{sender="customer",visibility="everyone"}"#
            #expect(Self.value(after, customerMessages) >= Self.value(before, customerMessages) + 2, "\(after.prefix(800))")
            let summaries = #"kefu_messages_stored_total{sender="bot",visibility="staff"}"#
            #expect(Self.value(after, summaries) >= Self.value(before, summaries) + 1)
            let asked = #"kefu_bot_handovers_total{reason="asked"}"#
            #expect(Self.value(after, asked) >= Self.value(before, asked) + 1)
            let fours = #"kefu_ratings_total{score="4"}"#
            #expect(Self.value(after, fours) >= Self.value(before, fours) + 1)
            await pair.customer.close()
            await pair.agent.close()
        }
    }
}
