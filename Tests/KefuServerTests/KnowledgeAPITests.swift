import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuNLU
import KefuServer
import KefuStore
import Testing

/// Admins keep the bot's phrases and articles; the bot retrains without a restart.
@Suite struct KnowledgeAPITests {
    /// The answers of the knowledge API, in the API's own types.
    struct IntentSummary: Decodable { let id: Intent; let name: String; let phrases: Int; let articles: Int }
    struct Retrained: Decodable { let phrases: Int; let intents: Int; let version: Int }
    struct Suggestions: Decodable { let intent: Intent; let articles: [SolutionArticle] }

    static func intent(_ client: any TestClientProtocol, _ token: String, _ text: String) async throws -> Intent? {
        try await client.json(.post, "/api/v1/bot/classify", token: token, body: #"{"text":"\#(text)"}"#).decoded(Understanding.self).intent
    }

    @Test func phrasesAreCheckedAndRetrainingTakesEffect() async throws {
        var config = TestApp.config
        config.botReloadInterval = .seconds(3600)
        try await TestApp.run(config: config) { client, sms, database in
            let admin = try await client.login("admin")
            let intents = try await client.json(.get, "/api/v1/bot/intents", token: admin).decoded([IntentSummary].self)
            #expect(intents.map(\.id) == Intent.allCases.sorted() && intents.allSatisfy { $0.phrases >= 40 && $0.name == $0.id.displayName })

            // Bad input: unknown intent, empty, too long, not JSON; nothing stored.
            let before = try await Store(database: database).knowledge.allPhrases().count
            let unknown = try await client.json(.post, "/api/v1/bot/training-phrases", token: admin, body: #"{"text":"你好","intent":"weather"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.error?.message.contains("weather") == true)
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
            #expect(try await Self.intent(client, admin, "麒麟卡") != .pointsRewards)
            let retrained = try await client.json(.post, "/api/v1/bot/retrain", token: admin).decoded(Retrained.self)
            #expect(retrained.phrases == before + taught.count && retrained.intents == 25)
            #expect(try await Self.intent(client, admin, "麒麟卡") == .pointsRewards)
            let listed = try await client.json(.get, "/api/v1/bot/training-phrases?intent=points_rewards&q=麒麟".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, token: admin)
                .decoded([TrainingPhrase].self)
            #expect(listed.count == taught.count && listed.allSatisfy { $0.source == "admin" && $0.intent == .pointsRewards })
            #expect(try await client.json(.get, "/api/v1/bot/training-phrases?intent=weather", token: admin).error?.code == "invalid_parameter")
            let id = try #require(listed.first?.id)
            #expect(try await client.json(.delete, "/api/v1/bot/training-phrases/\(id)", token: admin).status == .noContent)
            #expect(try await client.json(.delete, "/api/v1/bot/training-phrases/\(id)", token: admin).status == .notFound)
        }
    }

    @Test func otherNodesPickUpTheChangeByThemselves() async throws {
        var config = TestApp.config
        config.botReloadInterval = .milliseconds(50)
        try await TestApp.run(config: config) { client, sms, database in
            let admin = try await client.login("admin")
            #expect(try await Self.intent(client, admin, "麒麟卡") != .pointsRewards)
            // Written straight to the database, as another node would: no retrain call here.
            let store = Store(database: database)
            for (n, text) in ["麒麟卡能换什么", "麒麟卡兑换", "我的麒麟卡", "麒麟卡怎么用", "查麒麟卡", "麒麟卡有多少"].enumerated() {
                try await store.knowledge.addPhrase(
                    TrainingPhrase(id: "tp-node-\(n)", text: text, intent: .pointsRewards, source: "admin", createdAt: Date()), createdBy: "other-node",
                    audit: AuditEntry(id: "a-\(n)", at: Date(), actorKind: "staff", actorId: "x", action: "bot.phrase.add", targetType: "t", targetId: "t")
                )
            }
            #expect(try await eventually { try await Self.intent(client, admin, "麒麟卡") == .pointsRewards })
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
            let id = try created.decoded(SolutionArticle.self).id
            let suggested = try await client.json(.post, "/api/v1/bot/suggestions", token: agent, body: #"{"text":"下周去东京出差，境外流量怎么收费"}"#).decoded(Suggestions.self)
            #expect(suggested.intent == .roaming && (1...3).contains(suggested.articles.count))
            #expect(suggested.articles.first?.id == id)
            #expect(try await client.json(.post, "/api/v1/bot/suggestions", token: agent, body: #"{"text":""}"#).status == .unprocessableContent)
            let customer = try await client.customerLogin("13800138000", sms: sms)
            #expect(try await client.json(.post, "/api/v1/bot/suggestions", token: customer, body: #"{"text":"漫游"}"#).status == .forbidden)
            let updated = try await client.json(.put, "/api/v1/bot/articles/\(id)", token: admin, body: #"{"intent":"roaming","title":"日本流量日包","answer":"去日本推荐订购日包："}"#)
            #expect(try updated.decoded(SolutionArticle.self).title == "日本流量日包")
            #expect(try await client.json(.put, "/api/v1/bot/articles/nope", token: admin, body: #"{"intent":"roaming","title":"x","answer":"y"}"#).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/bot/articles/\(id)", token: admin).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/bot/articles?intent=roaming", token: agent).decoded([SolutionArticle].self).map(\.intent) == [.roaming])
        }
    }
}
