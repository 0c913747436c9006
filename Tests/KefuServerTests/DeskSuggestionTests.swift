import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// The desk's suggested answers come from what the customer needs now, not from everything they said,
/// and read as something an agent can send.
@Suite struct DeskSuggestionTests {
    @Test func theLatestNeedDecidesAndTheAnswersAreSendable() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let agent = ChatTestClient(port: try #require(client.port), token: try await client.login("agent1"))
            try await agent.next("welcome")
            let token = try await client.customerLogin("13800138000", sms: sms)
            let customer = ChatTestClient(port: try #require(client.port), token: token)
            try await customer.next("welcome")
            customer.send(["type": "start", "skill": "mobile"])
            let id = try #require(try await customer.next("message")["conversationId"] as? String)
            for (n, text) in ["家里宽带断网了", "另外你们乱扣我话费，上个月多扣了三十块，给我退费"].enumerated() {
                _ = try await BotFaultTests.botSays(customer, id, "s\(n)", text)
            }
            customer.send(["type": "send", "conversationId": id, "clientId": "s9", "text": "人工"])
            try await agent.next("conversation") { $0.conversation?["state"] as? String == "assigned" && $0.conversation?["id"] as? String == id }

            let offer = try await client.json(.get, "/api/v1/conversations/\(id)/suggestions", token: try await client.login("agent1"))
            #expect(offer.status == .ok)
            let body = try #require(offer.json as? [String: Any])
            let articles = try #require(body["articles"] as? [[String: Any]])
            #expect((body["basedOn"] as? String)?.contains("乱扣") == true, "\(body)")
            #expect(articles.first?["intent"] as? String == "billing_dispute", "\(articles.map { $0["title"] ?? "" })")
            #expect(!articles.contains { $0["intent"] as? String == "broadband_fault" })
            for article in articles {
                let text = ([article["answer"] as? String ?? ""] + (article["steps"] as? [String] ?? [])).joined()
                #expect(!text.contains("输入“人工”") && !text.contains("回复“"), "\(text)")
            }
            // Only the agent holding the chat is offered answers for it.
            let other = try await client.json(.get, "/api/v1/conversations/\(id)/suggestions", token: try await client.login("agent2"))
            #expect(other.status == .notFound)
            #expect(try await client.json(.get, "/api/v1/conversations/\(id)/suggestions", token: token).status == .forbidden)
            for s in [customer, agent] { await s.close() }
        }
    }

    @Test func everyShippedArticleCanBeSentByAnAgent() {
        for article in SolutionLibrary.seeds(at: Date()) where article.intent != .outOfScope {
            let text = ([article.answer] + article.steps).joined()
            #expect(!text.contains("输入“人工”") && !text.contains("回复“"), "\(article.id): \(text)")
        }
    }
}
