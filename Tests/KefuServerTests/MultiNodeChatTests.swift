import Foundation
import Hummingbird
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import KefuTestSupport
import Logging
import Testing

/// Two `kefu serve` nodes on one PostgreSQL: a customer on one and an agent on the other talk normally,
/// the events passing through LISTEN/NOTIFY.
@Suite struct MultiNodeChatTests {
    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "set KEFU_TEST_POSTGRES_URL to run two nodes on PostgreSQL"))
    func customerAndAgentOnDifferentNodes() async throws {
        try await ThrowawayPostgres.withDatabase(prefix: "kefu_n_") { url in try await Self.talk(url: url, logger: TestLogger.quiet) }
    }

    static func talk(url: String, logger: Logger) async throws {
        // The schema and demo data first, as one node would have left them.
        try await Database.withDatabase(.postgres(url: url), logger: logger) { db in
            try await db.migrate()
            var generator = DemoGenerator(customerCount: 40, asOf: CalendarDate(chinaTime: Date()))
            _ = try await DemoLoader(store: Store(database: db)).load(generator.generate(), hash: { try await PasswordHasher(cost: 4).hash($0) })
        }
        var config = TestApp.config
        config.database = .postgres(url: url)
        let sms = RecordingSmsSender()
        let nodeA = try await buildApplication(config, dependencies: .init(smsSender: sms, logger: logger))
        let nodeB = try await buildApplication(config, dependencies: .init(smsSender: sms, logger: logger))
        try await nodeA.test(.live) { a in
            try await nodeB.test(.live) { b in
                // Give both nodes a moment to hold their LISTEN connection.
                try await Task.sleep(for: .milliseconds(500))
                let customer = ChatTestClient(port: try #require(a.port), token: try await a.customerLogin("13800138000", sms: sms))
                try await customer.next("welcome")
                customer.send(["type": "start", "skill": "mobile"])
                let id = try #require(try await customer.next("message")["conversationId"] as? String)
                customer.send(["type": "send", "conversationId": id, "clientId": "c-1", "text": "转人工"])
                try await customer.next("queue")
                // A lead's wallboard on the other node shows the whole centre: the chat queued on node A.
                let wall = ChatTestClient(port: try #require(b.port), token: try await b.login("lead"), path: "/ws/floor")
                try await wall.next("floor") { frame in
                    let chats = frame["chats"] as? [[String: Any]] ?? []
                    return chats.contains { $0["id"] as? String == id && $0["state"] as? String == "queued" && $0["lastCustomerText"] as? String == "转人工" }
                }

                // The agent logs in on the other node; routing there assigns the chat.
                let agent = ChatTestClient(port: try #require(b.port), token: try await b.login("agent1"))
                try await agent.next("welcome")
                try await customer.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
                try await customer.next("message") { ($0.message?["text"] as? String)?.contains("K3001") == true }
                agent.send(["type": "send", "conversationId": id, "clientId": "a-1", "text": "您好，这里是另一台服务器"])
                try await customer.next("message") { $0.message?["text"] as? String == "您好，这里是另一台服务器" }
                customer.send(["type": "send", "conversationId": id, "clientId": "c-3", "text": "好的"])
                try await wall.next("floor_update") { frame in
                    let chat = (frame["chats"] as? [[String: Any]])?.first { $0["id"] as? String == id }
                    return chat?["state"] as? String == "assigned" && chat?["lastCustomerText"] as? String == "好的"
                }
                // Watched from node B, the customer's words on node A reach the lead too (read from the store
                // by the notice's seq), and the watch line reaches the agent.
                wall.send(["type": "watch", "conversationId": id, "ref": "w"])
                try await wall.next("synced")
                try await agent.next("message") { ($0.message?["text"] as? String)?.contains("正在查看本会话") == true }
                customer.send(["type": "send", "conversationId": id, "clientId": "c-2", "text": String(repeating: "长", count: 2000)])
                try await agent.next("message") { ($0.message?["text"] as? String)?.count == 2000 }
                #expect(try await eventually { wall.frames.contains { ($0.message?["text"] as? String)?.count == 2000 } })
                customer.send(["type": "typing", "conversationId": id])
                try await agent.next("typing")
                // Every number arrived once, in order: all of them on the desk, and on the customer's side all
                // but the staff-only hand-over summary and the watch line.
                let all = agent.seqs(id)
                #expect(all == Array((all.first ?? 1)...(all.last ?? 0)), "\(all)")
                let seen = customer.seqs(id)
                #expect(seen == Array(Set(seen)).sorted() && seen.count == all.count - 2, "\(seen) of \(all)")
                // Disabled on node A, the agent's socket on node B closes at once (its own re-check is 30 s away).
                let admin = try await a.login("admin")
                #expect(try await a.json(.post, "/api/v1/admin/users/staff-agent1/disable", token: admin).status == .noContent)
                #expect(try await agent.closedByServer(within: 3) == 1008)
                #expect(agent.frames.contains { $0["code"] as? String == "session_ended" })
                await customer.close()
                await agent.close()
                await wall.close()
            }
        }
    }
}
