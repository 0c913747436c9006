import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// Admins keep the bot's phrases and articles; the bot retrains without a restart.
@Suite struct KnowledgeAPITests {
    static func intent(_ client: any TestClientProtocol, _ token: String, _ text: String) async throws -> String? {
        (try await client.json(.post, "/api/v1/bot/classify", token: token, body: #"{"text":"\#(text)"}"#).json as? [String: Any])?["intent"] as? String
    }

    @Test func phrasesAreCheckedAndRetrainingTakesEffect() async throws {
        var config = TestApp.config
        config.botReloadInterval = .seconds(3600)
        try await TestApp.run(config: config) { client, sms, database in
            let admin = try await client.login("admin")
            let intents = try #require(try await client.json(.get, "/api/v1/bot/intents", token: admin).json as? [[String: Any]])
            #expect(intents.count == 25 && intents.allSatisfy { ($0["phrases"] as? Int ?? 0) >= 40 })

            // Bad input: unknown intent, empty, too long, not JSON; nothing stored.
            let before = try await Store(database: database).knowledge.allPhrases().count
            let unknown = try await client.json(.post, "/api/v1/bot/training-phrases", token: admin, body: #"{"text":"你好","intent":"weather"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect((((unknown.json as? [String: Any])?["error"] as? [String: Any])?["message"] as? String)?.contains("weather") == true)
            #expect(try await client.json(.post, "/api/v1/bot/training-phrases", token: admin, body: #"{"text":"  ","intent":"roaming"}"#).status == .unprocessableContent)
            let long = String(repeating: "长", count: 10_000)
            #expect(try await client.json(.post, "/api/v1/bot/training-phrases", token: admin, body: #"{"text":"\#(long)","intent":"roaming"}"#).status == .unprocessableContent)
            #expect(try await client.json(.post, "/api/v1/bot/training-phrases", token: admin, body: #"{"text":"x","intent":"#).status == .badRequest)
            let agent = try await client.login("agent1")
            #expect(try await client.json(.post, "/api/v1/bot/training-phrases", token: agent, body: #"{"text":"独角兽","intent":"roaming"}"#).status == .forbidden)
            #expect(try await Store(database: database).knowledge.allPhrases().count == before)

            // A word the bot has never seen, taught to it and retrained: it now reads it.
            let taught = ["麒麟卡能换什么", "麒麟卡兑换", "我的麒麟卡", "麒麟卡怎么用", "麒麟卡过期了吗", "查麒麟卡", "麒麟卡有多少"]
            for text in taught {
                #expect(try await client.json(.post, "/api/v1/bot/training-phrases", token: admin, body: #"{"text":"\#(text)","intent":"points_rewards"}"#).status == .created)
            }
            #expect(try await client.json(.post, "/api/v1/bot/training-phrases", token: admin, body: #"{"text":"麒麟卡兑换","intent":"points_rewards"}"#).status == .conflict)
            #expect(try await Self.intent(client, admin, "麒麟卡") != "points_rewards")
            let retrained = try #require(try await client.json(.post, "/api/v1/bot/retrain", token: admin).json as? [String: Any])
            #expect(retrained["phrases"] as? Int == before + taught.count && retrained["intents"] as? Int == 25)
            #expect(try await Self.intent(client, admin, "麒麟卡") == "points_rewards")
            let listed = try #require(try await client.json(.get, "/api/v1/bot/training-phrases?intent=points_rewards&q=麒麟".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, token: admin).json as? [[String: Any]])
            #expect(listed.count == taught.count && listed.allSatisfy { $0["source"] as? String == "admin" })
            let id = try #require(listed.first?["id"] as? String)
            #expect(try await client.json(.delete, "/api/v1/bot/training-phrases/\(id)", token: admin).status == .noContent)
            #expect(try await client.json(.delete, "/api/v1/bot/training-phrases/\(id)", token: admin).status == .notFound)
        }
    }

    @Test func otherNodesPickUpTheChangeByThemselves() async throws {
        var config = TestApp.config
        config.botReloadInterval = .milliseconds(50)
        try await TestApp.run(config: config) { client, sms, database in
            let admin = try await client.login("admin")
            #expect(try await Self.intent(client, admin, "麒麟卡") != "points_rewards")
            // Written straight to the database, as another node would: no retrain call here.
            let store = Store(database: database)
            for (n, text) in ["麒麟卡能换什么", "麒麟卡兑换", "我的麒麟卡", "麒麟卡怎么用", "查麒麟卡", "麒麟卡有多少"].enumerated() {
                try await store.knowledge.addPhrase(
                    TrainingPhrase(id: "tp-node-\(n)", text: text, intent: .pointsRewards, source: "admin", createdAt: Date()), createdBy: "other-node",
                    audit: AuditEntry(id: "a-\(n)", at: Date(), actorKind: "staff", actorId: "x", action: "bot.phrase.add", targetType: "t", targetId: "t")
                )
            }
            #expect(try await eventually { try await Self.intent(client, admin, "麒麟卡") == "points_rewards" })
        }
    }

    @Test func articlesAreKeptByAdminsAndSuggestedToAgents() async throws {
        try await TestApp.run { client, sms, database in
            let admin = try await client.login("admin")
            let agent = try await client.login("agent1")
            let bad = try await client.json(.post, "/api/v1/bot/articles", token: admin, body: #"{"intent":"weather","title":"","answer":"x"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try await client.json(.post, "/api/v1/bot/articles", token: agent, body: #"{"intent":"roaming","title":"t","answer":"a"}"#).status == .forbidden)
            let created = try await client.json(.post, "/api/v1/bot/articles", token: admin,
                body: #"{"intent":"roaming","title":"日本流量包","answer":"去日本推荐订购日包：","steps":["每天 25 元 1GB","落地后自动生效"],"keywords":["日本","东京"]}"#)
            #expect(created.status == .created)
            let id = try #require((created.json as? [String: Any])?["id"] as? String)
            let suggested = try #require(try await client.json(.post, "/api/v1/bot/suggestions", token: agent, body: #"{"text":"下周去东京出差，境外流量怎么收费"}"#).json as? [String: Any])
            let articles = try #require(suggested["articles"] as? [[String: Any]])
            #expect(suggested["intent"] as? String == "roaming" && (1...3).contains(articles.count))
            #expect(articles.first?["id"] as? String == id)
            #expect(try await client.json(.post, "/api/v1/bot/suggestions", token: agent, body: #"{"text":""}"#).status == .unprocessableContent)
            let customer = try await client.customerLogin("13800138000", sms: sms)
            #expect(try await client.json(.post, "/api/v1/bot/suggestions", token: customer, body: #"{"text":"漫游"}"#).status == .forbidden)
            let updated = try await client.json(.put, "/api/v1/bot/articles/\(id)", token: admin, body: #"{"intent":"roaming","title":"日本流量日包","answer":"去日本推荐订购日包："}"#)
            #expect((updated.json as? [String: Any])?["title"] as? String == "日本流量日包")
            #expect(try await client.json(.put, "/api/v1/bot/articles/nope", token: admin, body: #"{"intent":"roaming","title":"x","answer":"y"}"#).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/bot/articles/\(id)", token: admin).status == .noContent)
            #expect((try await client.json(.get, "/api/v1/bot/articles?intent=roaming", token: agent).json as? [Any])?.count == 1)
        }
    }
}
