import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import SQLKit
import Testing

/// Presence follows live desks: when the node holding an agent's desk stops beating, the others set the
/// agent away, and after the grace time the agent's chats go back to the queue and to someone present.
@Suite struct DeskPresenceTests {
    @Test func aStoppedNodesAgentIsSetAwayAndTheirChatsGoToSomeoneElse() async throws {
        var config = TestApp.config
        config.chat.deskHeartbeat = .milliseconds(50)
        let clock = TestClock()
        try await TestApp.run(config: config, mode: .live, clock: clock) { client, sms, database in
            let pair = try await ChatTests.connectPair(client, sms: sms)
            let admin = try await client.login("admin")
            let created = try await client.json(
                .post, "/api/v1/admin/users", token: admin,
                body: #"{"username":"agent7","password":"0123456789ab","displayName":"新坐席","role":"agent","agentNo":"K3007","skills":["mobile"]}"#
            )
            let otherId = try #require((created.json as? [String: Any])?["id"] as? String)
            let other = ChatTestClient(port: client.port!, token: try await client.login("agent7", password: "0123456789ab"))
            try await other.next("welcome")
            // agent1's desk now stands for one on a node that died: nobody beats it any more.
            try await database.transaction { db in
                try await db.update("agent_desks").set("node_id", to: "dead-node").where("agent_id", .equal, "staff-agent1").run()
            }
            @Sendable func status(_ id: String) async throws -> String? {
                let board = try await client.json(.get, "/api/v1/chat/agents", token: admin).json as? [[String: Any]]
                return board?.first { $0["id"] as? String == id }?["status"] as? String
            }
            clock.advance(by: 20)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await status("staff-agent1") == "online", "not stale yet")
            clock.advance(by: 15)
            // Generous waits: the desk job runs every 50 ms, but a loaded CI machine can stall it for seconds.
            #expect(try await eventually(within: 30) { try await status("staff-agent1") == "away" })
            #expect(try await status(otherId) == "online")
            // Within the grace time the chat stays with agent1, who may come back.
            try await Task.sleep(for: .milliseconds(300))
            #expect(!pair.customer.frames.contains { $0.conversation?["agent"].flatMap { ($0 as? [String: Any])?["id"] as? String } == otherId })
            clock.advance(by: 61)
            try await pair.customer.next("message", timeout: .seconds(30)) { ($0.message?["text"] as? String)?.contains("正在为您安排其他客服") == true }
            let moved = try await pair.customer.next("conversation", timeout: .seconds(30)) {
                ($0.conversation?["agent"] as? [String: Any])?["id"] as? String == otherId
            }
            #expect(moved.conversation?["state"] as? String == "assigned")
            try await other.next("conversation") { $0.conversation?["id"] as? String == pair.conversationId }
            for socket in [pair.customer, pair.agent, other] { await socket.close() }
        }
    }
}
