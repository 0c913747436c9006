import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// Many customers and agents at once, over real sockets: no agent above the limit, no chat given twice.
@Suite struct RoutingLoadTests {
    @Test func manyCustomersAndAgentsAtOnce() async throws {
        var config = TestApp.config
        config.demoCustomers = 60
        config.chat.agentChatLimit = 3
        try await TestApp.run(config: config, mode: .live) { client, _, database in
            let store = Store(database: database)
            let port = try #require(client.port)
            let customers = try await store.customers.search(query: nil, limit: 24, after: nil)
            // The lead takes a share of the chats here, as an admin can set.
            let admin = try await client.login("admin")
            #expect(try await client.json(.patch, "/api/v1/admin/users/staff-lead", token: admin, body: #"{"autoAssign":true}"#).status == .ok)
            var agents: [ChatTestClient] = []
            for name in ["agent1", "agent2", "agent3", "lead"] {
                let agent = ChatTestClient(port: port, token: try await client.login(name))
                agents.append(agent)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, customer) in customers.enumerated() {
                    group.addTask {
                        let token = try await TestSessions.create(store, kind: "customer", id: customer.id, token: UUID().uuidString)
                        let socket = ChatTestClient(port: port, token: token)
                        try await socket.next("welcome")
                        let skill = ["mobile", "broadband", "billing"][index % 3]
                        socket.send(["type": "start", "skill": skill])
                        let id = try #require(try await socket.next("message")["conversationId"] as? String)
                        socket.send(["type": "human", "conversationId": id])
                        try await socket.next("conversation") { ["queued", "assigned"].contains($0.conversation?["state"] as? String ?? "") }
                        try await Task.sleep(for: .milliseconds(500))
                        await socket.close()
                    }
                }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .milliseconds(300))
            var assigned: [String: String] = [:]
            for agentId in ["staff-agent1", "staff-agent2", "staff-agent3", "staff-lead"] {
                let held = try await store.chat.assigned(to: agentId)
                #expect(held.count <= 3, "\(agentId) holds \(held.count)")
                for c in held {
                    #expect(assigned[c.id] == nil, "\(c.id) given twice")
                    assigned[c.id] = agentId
                }
            }
            // Twelve slots (four agents, three each) and 24 customers: the slots fill, the rest wait.
            #expect(assigned.count == 12)
            #expect(try await store.chat.queued().count == 12)
            for agent in agents { await agent.close() }
        }
    }
}

/// Sessions written straight into the store: SMS logins are rate-limited per phone and would slow a load test.
enum TestSessions {
    static func create(_ store: Store, kind: String, id: String, token: String) async throws -> String {
        try await store.sessions.create(
            StoredSession(tokenHash: sha256(token), principalKind: kind, principalID: id, createdAt: Date(), expiresAt: Date().addingTimeInterval(3600))
        )
        return token
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
