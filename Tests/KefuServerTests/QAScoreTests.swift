import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// Automatic QA scores over the API, on a chat the socket carried: a forbidden word tried and stopped,
/// the chat ended and rated, its score with every check's reason; who sees and adjusts it; the rules
/// published by an admin only, a bad draft refused by field with nothing stored.
@Suite struct QAScoreTests {
    struct Ref: Decodable { let id: String; let name: String; let agentNo: String? }
    struct Item: Decodable { let check: String; let points: Int; let earned: Int; let outcome: String; let reason: String }
    struct Adjustment: Decodable { let score: Int; let note: String; let by: Ref }
    struct Score: Decodable {
        let conversationId: String; let customerId: String?; let agent: Ref; let rulesVersion: Int; let automatic: Int; let final: Int
        let items: [Item]; let adjustment: Adjustment?; let canAdjust: Bool
    }
    struct CheckSummary: Decodable { let check: String; let label: String; let applicable: Int; let passed: Int }
    struct Summary: Decodable { let count: Int; let average: Double?; let adjusted: Int; let checks: [CheckSummary] }
    struct Listing: Decodable { let summary: Summary; let items: [Score] }
    struct Version: Decodable { let version: Int; let firstResponseSeconds: Int; let note: String; let by: Ref? }
    struct History: Decodable { let versions: [Version]; let canPublish: Bool }

    @Test func aClosedChatIsScoredAndQAAdjustsIt() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let pair = try await ChatTests.connectPair(client, sms: sms)
            let id = pair.conversationId
            pair.agent.send(["type": "send", "conversationId": id, "clientId": "a-0", "text": "这个我不知道"])
            #expect(try await pair.agent.next("error")["code"] as? String == "forbidden_word")
            pair.agent.send(["type": "send", "conversationId": id, "clientId": "a-1", "text": "已为您处理"])
            try await pair.agent.next("ack")
            pair.agent.send(["type": "end", "conversationId": id])
            try await pair.customer.next("survey")
            pair.customer.send(["type": "rate", "conversationId": id, "score": 5, "ref": "ok"])
            try await pair.customer.next("conversation") { $0.conversation?["state"] as? String == "closed" }
            await pair.customer.close()
            await pair.agent.close()

            let qa = try await client.login("qa"), agent1 = try await client.login("agent1"), agent2 = try await client.login("agent2")
            let day = ISO8601DateFormatter()
            let range = "from=\(day.string(from: Date().addingTimeInterval(-86_400)))&to=\(day.string(from: Date().addingTimeInterval(86_400)))"
            let listing = try await client.json(.get, "/api/v1/qa/scores?\(range)", token: qa).decoded(Listing.self)
            let score = try #require(listing.items.first)
            #expect(listing.items.count == 1 && score.conversationId == id && score.agent.agentNo == "K3001" && score.rulesVersion == 1)
            func item(_ s: Score, _ check: String) -> Item? { s.items.first { $0.check == check } }
            // The greeting and the closing phrase the desk said for the agent count; the forbidden word tried does not pass.
            #expect(item(score, "greeting")?.outcome == "passed" && item(score, "closing")?.outcome == "passed")
            #expect(item(score, "no_forbidden_word")?.reason == "尝试发送禁用词“不知道”共 1 次（已拦截）")
            #expect(item(score, "soothing")?.outcome == "not_applicable" && item(score, "solution")?.outcome == "failed")
            #expect(listing.summary.count == 1 && listing.summary.average == Double(score.automatic))
            #expect(listing.summary.checks.first { $0.check == "no_forbidden_word" }.map { ($0.applicable, $0.passed, $0.label) } ?? (0, 0, "") == (1, 0, "无禁用词"))
            #expect(score.canAdjust)

            // The agent sees their own, without the right to adjust it; another agent sees none.
            let own = try await client.json(.get, "/api/v1/qa/scores/\(id)", token: agent1).decoded(Score.self)
            #expect(own.automatic == score.automatic && !own.canAdjust && own.customerId == "cus-100000")
            #expect(try await client.json(.get, "/api/v1/qa/scores?\(range)", token: agent2).decoded(Listing.self).items.isEmpty)
            #expect(try await client.json(.get, "/api/v1/qa/scores?\(range)&agentId=staff-agent1", token: agent2).decoded(Listing.self).items.isEmpty)
            #expect(try await client.json(.get, "/api/v1/qa/scores/\(id)", token: agent2).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/qa/scores/\(id)", token: pair.customerToken).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/qa/scores/nope", token: qa).status == .notFound)

            // Adjustments: a score in range with a note, by QA only; refusals store nothing.
            let path = "/api/v1/qa/scores/\(id)/adjustment"
            let bad = try await client.json(.post, path, token: qa, body: #"{"score":120,"note":" "}"#)
            #expect(bad.status == .unprocessableContent && bad.error?.fieldNames == ["score", "note"])
            #expect(try await client.json(.post, path, token: agent1, body: #"{"score":100,"note":"我觉得满分"}"#).status == .forbidden)
            #expect(try await client.json(.post, path, token: try await client.login("lead"), body: #"{"score":100,"note":"x"}"#).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/qa/scores/\(id)", token: qa).decoded(Score.self).adjustment == nil)
            let adjusted = try await client.json(.post, path, token: qa, body: #"{"score":95,"note":"禁用词已被拦截，未发给客户"}"#)
            #expect(adjusted.status == .ok)
            let after = try adjusted.decoded(Score.self)
            #expect(after.final == 95 && after.automatic == score.automatic && after.adjustment?.by.name == "李质检")
            let rescored = try await client.json(.post, "/api/v1/qa/scores/\(id)/rescore", token: qa).decoded(Score.self)
            #expect(rescored.final == 95 && rescored.rulesVersion == 1)
            let audit = try await Store(database: database).audit.search(.init(action: "qa.adjust"))
            #expect(audit.first?.targetId == id && audit.first?.detail == "score=95")
            let below = try await client.json(.get, "/api/v1/qa/scores?\(range)&below=95", token: qa).decoded(Listing.self)
            #expect(below.items.isEmpty && below.summary.count == 0)
            #expect(try await client.json(.get, "/api/v1/qa/scores?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", token: qa).error?.code == "invalid_period")
        }
    }

    @Test func onlyAnAdminPublishesRulesAndABadDraftIsRefused() async throws {
        try await TestApp.run { client, _, database in
            let admin = try await client.login("admin"), qa = try await client.login("qa")
            let first = try await client.json(.get, "/api/v1/qa/rules", token: qa).decoded(History.self)
            #expect(first.versions.map(\.version) == [1] && first.versions[0].by == nil && !first.canPublish)
            #expect(try await client.json(.get, "/api/v1/qa/rules", token: admin).decoded(History.self).canPublish)

            let items = QACheck.allCases.map { #"{"check":"\#($0.rawValue)","points":\#(QARules.standard.points(for: $0))}"# }.joined(separator: ",")
            func draft(items: String = items, firstResponse: Int = 20, greeting: String = #"["您好"]"#, note: String = "首响收紧到 20 秒") -> String {
                #"{"items":[\#(items)],"firstResponseSeconds":\#(firstResponse),"silenceSeconds":60,"greetingWords":\#(greeting),"closingPhrases":["再见"],"soothingPhrases":["抱歉"],"note":"\#(note)"}"#
            }
            #expect(try await client.json(.post, "/api/v1/qa/rules", token: qa, body: draft()).status == .forbidden)
            let bad = try await client.json(
                .post, "/api/v1/qa/rules", token: admin, body: draft(items: #"{"check":"greeting","points":100}"#, firstResponse: 1, greeting: "[]")
            )
            #expect(bad.status == .unprocessableContent && bad.error?.fieldNames == ["items", "firstResponseSeconds", "greetingWords"])
            #expect(try await client.json(.post, "/api/v1/qa/rules", token: admin, body: draft(items: #"{"check":"weather","points":100}"#)).status == .badRequest)
            #expect(try await Store(database: database).qaScores.rules().count == 1)

            let published = try await client.json(.post, "/api/v1/qa/rules", token: admin, body: draft())
            #expect(published.status == .created)
            let v2 = try published.decoded(Version.self)
            #expect(v2.version == 2 && v2.firstResponseSeconds == 20 && v2.by?.name != nil && v2.note == "首响收紧到 20 秒")
            #expect(try await client.json(.get, "/api/v1/qa/rules", token: qa).decoded(History.self).versions.map(\.version) == [2, 1])
            #expect(try await Store(database: database).audit.search(.init(action: "qa.rules.publish")).first?.targetId == "2")
        }
    }
}
