import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import KefuCore
import KefuServer
import KefuStore
import Testing

/// The wallboard's socket: who may open it, what it is sent as chats open, queue, are taken, answered
/// and closed, and that its figures are the KPI API's.
@Suite struct WallboardTests {
    static func chat(_ frame: [String: Any], _ id: String) -> [String: Any]? {
        (frame["chats"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test func aLeadSeesAChatFromItsStartToItsEndAndTheFiguresAreTheReports() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let port = try #require(client.port)
            let leadToken = try await client.login("lead")
            let wall = ChatTestClient(port: port, token: leadToken, path: "/ws/floor")
            let snapshot = try await wall.next("floor")
            #expect((snapshot["chats"] as? [Any])?.isEmpty == true)
            #expect((snapshot["board"] as? [String: Any])?["groups"] as? [Any] != nil)

            let pair = try await ChatTests.connectPair(client, sms: sms)
            let id = pair.conversationId
            try await wall.next("floor_update") { Self.chat($0, id)?["state"] as? String == "assigned" }
            // The agent's desk opened: online, holding the chat.
            try await eventually {
                wall.frames.contains { frame in
                    // Agent lines come beside an update's board, and only when one changed.
                    let agents = frame["agents"] as? [[String: Any]] ?? []
                    return agents.contains { $0["agentNo"] as? String == "K3001" && $0["status"] as? String == "online" && $0["load"] as? Int == 1 }
                }
            }
            // A customer's message changes the counts, not the agents: their lines are not sent again.
            #expect(wall.frames.filter { $0["type"] as? String == "floor_update" && $0["agents"] != nil }.count >= 1)
            pair.customer.send(["type": "send", "conversationId": id, "clientId": "c-2", "text": "话费怎么扣了这么多！！！退钱"])
            let upset = try await wall.next("floor_update") { Self.chat($0, id)?["lastCustomerText"] as? String == "话费怎么扣了这么多！！！退钱" }
            // Waiting since they asked for a person: the greeting with the 工号 answers nobody.
            #expect(Self.chat(upset, id)?["angry"] as? Bool == true && Self.chat(upset, id)?["awaitingSince"] as? String != nil)
            #expect(upset["agents"] == nil && (upset["board"] as? [String: Any])?["agents"] == nil)
            pair.agent.send(["type": "send", "conversationId": id, "clientId": "a-1", "text": "非常抱歉，马上为您核实"])
            try await wall.next("floor_update") { frame in
                guard let chat = Self.chat(frame, id) else { return false }
                return chat["awaitingSince"] == nil && chat["angry"] as? Bool == true
            }
            pair.agent.send(["type": "end", "conversationId": id])
            try await wall.next("floor_update") { Self.chat($0, id)?["state"] as? String == "resolved" }
            pair.customer.send(["type": "rate", "conversationId": id, "score": 5, "ref": "ok"])
            try await wall.next("floor_update") { ($0["ended"] as? [String])?.contains(id) == true }

            // Today's figures come from the quality report: the same period asked of the API says the same.
            let figures = try await wall.next("figures", timeout: .seconds(20)) { frame in
                let total = ((frame["figures"] as? [String: Any])?["today"] as? [String: Any])?["total"] as? [String: Any]
                return (total?["surveys"] as? [String: Any])?["answered"] as? Int == 1
            }
            let today = try #require((figures["figures"] as? [String: Any])?["today"] as? [String: Any])
            let from = try #require(today["from"] as? String), to = try #require(today["to"] as? String)
            let report = try await client.json(.get, "/api/v1/quality/report?from=\(from)&to=\(to)", token: leadToken)
            #expect(report.status == .ok)
            let api = try #require((report.json as? [String: Any])?["total"] as? NSDictionary)
            #expect(api == (today["total"] as? NSDictionary))
            let chats = try #require((api["chats"] as? [String: Any]))
            #expect(chats["chats"] as? Int == 1 && chats["taken"] as? Int == 1)
            let hours = try #require((figures["figures"] as? [String: Any])?["hours"] as? [[String: Any]])
            #expect(hours.count == 24 && hours.reduce(0) { $0 + ($1["today"] as? Int ?? 0) } == 1)
            #expect(((figures["figures"] as? [String: Any])?["csatByDay"] as? [Any])?.count == 30)

            await pair.customer.close()
            await pair.agent.close()
            await wall.close()
        }
    }

    @Test func aChatLeftInTheQueueIsAnAbandonmentOnTheBoard() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let port = try #require(client.port)
            let wall = ChatTestClient(port: port, token: try await client.login("lead"), path: "/ws/floor")
            try await wall.next("floor")
            // Nobody is online: the customer waits, then leaves a message instead, which ends the chat.
            let customer = ChatTestClient(port: port, token: try await client.customerLogin("13800138000", sms: sms))
            try await customer.next("welcome")
            customer.send(["type": "start", "skill": "mobile"])
            let id = try #require(try await customer.next("message")["conversationId"] as? String)
            customer.send(["type": "send", "conversationId": id, "clientId": "c-1", "text": "转人工"])
            let queued = try await wall.next("floor_update") { Self.chat($0, id)?["state"] as? String == "queued" }
            let groups = (queued["board"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
            let mobile = groups.first { $0["skill"] as? String == "mobile" }
            #expect(mobile?["queued"] as? Int == 1 && mobile?["oldestQueuedAt"] as? String != nil)
            // Prometheus reads the same floor.
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"kefu_queue_length{group="mobile"} 1"#), "\(metrics.prefix(600))")
            #expect(metrics.contains(#"kefu_active_chats{state="queued"} 1"#) && metrics.contains("kefu_websocket_connections 2"))
            #expect(metrics.contains(#"kefu_queue_longest_wait_seconds{group="mobile"}"#))
            customer.send(["type": "leave_message", "conversationId": id, "text": "请回电", "callbackPhone": "13800138000", "ref": "leave"])
            let ended = try await wall.next("floor_update") { ($0["ended"] as? [String])?.contains(id) == true }
            let board = try #require(ended["board"] as? [String: Any])
            #expect((board["abandonedAt"] as? [Any])?.count == 1)
            #expect(((board["groups"] as? [[String: Any]])?.first { $0["skill"] as? String == "mobile" })?["queued"] as? Int == 0)
            await customer.close()
            await wall.close()
        }
    }

    @Test func onlyThoseWhoMayWatchTheFloorOpenItAndALogoutClosesIt() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let port = try #require(client.port)
            // Without the upgrade, the refusals are the API's: 401 without a session, 403 for an agent or customer.
            #expect(try await client.json(.get, "/ws/floor").status == .unauthorized)
            let agentToken = try await client.login("agent1")
            let refused = try await client.json(.get, "/ws/floor", token: agentToken)
            #expect(refused.status == .forbidden && refused.error?.code == "forbidden")
            let customerToken = try await client.customerLogin("13800138000", sms: sms)
            #expect(try await client.json(.get, "/ws/floor", token: customerToken).status == .forbidden)
            // Over WebSocket the upgrade is refused and nothing is sent.
            let agentWall = ChatTestClient(port: port, token: agentToken, path: "/ws/floor")
            _ = try await agentWall.closedByServer(within: 5)
            #expect(agentWall.frames.isEmpty)

            let admin = try await client.login("admin")
            let adminWall = ChatTestClient(port: port, token: admin, path: "/ws/floor")
            try await adminWall.next("floor")
            let leadToken = try await client.login("lead")
            let wall = ChatTestClient(port: port, token: leadToken, path: "/ws/floor")
            try await wall.next("floor")
            #expect(try await client.json(.post, "/api/v1/auth/logout", token: leadToken).status == .noContent)
            #expect(try await wall.closedByServer(within: 5) == 1008)
            #expect(wall.frames.contains { $0["code"] as? String == "session_ended" })
            await adminWall.close()
        }
    }
}
