import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// The demo's past: written once on a first start through the repositories and the survey's rules,
/// so the report, the review queue and their pages show real figures the API agrees with.
@Suite struct DemoHistoryTests {
    struct Queue: Decodable { struct Counts: Decodable { let open: Int; let overdue: Int; let concluded: Int; let appealed: Int; let decided: Int }; let counts: Counts }

    @Test func aFirstStartWritesDaysOfServiceThatTheReportCounts() async throws {
        var config = TestApp.config
        config.demoHistoryDays = 7
        try await TestApp.run(config: config) { client, _, database in
            let store = Store(database: database)
            let qa = try await client.login("qa")
            let iso = ISO8601DateFormatter()
            let range = "from=\(iso.string(from: Date().addingTimeInterval(-8 * 86_400)))&to=\(iso.string(from: Date().addingTimeInterval(60)))"
            let report = try #require(try await client.json(.get, "/api/v1/quality/report?\(range)", token: qa).json as? [String: Any])
            let total = try #require(report["total"] as? [String: Any])
            let chats = try #require(total["chats"] as? [String: Any]), surveys = try #require(total["surveys"] as? [String: Any])
            // 40 chats a day, some the bot's alone, most taken by the demo's agents, a third of those rated.
            #expect(chats["chats"] as? Int == 280)
            let taken = try #require(chats["taken"] as? Int)
            #expect(taken > 150 && taken < 280 && (chats["botOnly"] as? Int ?? 0) > 40)
            #expect((surveys["answered"] as? Int ?? 0) > 40 && (surveys["csat"] as? Double ?? 0) > 0.6)
            // Every answer kept passed the survey's rules: one per contact, a reason under 4.
            for r in try await store.surveys.responses(from: Date().addingTimeInterval(-9 * 86_400), to: Date(), limit: 500) {
                guard case .service(let csat, _, let reason, _) = r.answer else { continue }
                #expect((csat <= 3) == (reason != nil))
            }
            // The negative ones opened reviews, which QA has worked but for the last days'.
            let queue = try await client.json(.get, "/api/v1/reviews?tab=all", token: qa).decoded(Queue.self)
            #expect(queue.counts.open + queue.counts.concluded + queue.counts.appealed + queue.counts.decided == (surveys["negative"] as? Int))
            #expect(queue.counts.concluded + queue.counts.decided > 0)
            // Under ids of its own, apart from the chats people start.
            #expect(try await store.chat.conversation(id: "conv-hist-0")?.customerId != nil)
        }
    }
}
