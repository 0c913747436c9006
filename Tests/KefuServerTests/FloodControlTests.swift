import Foundation
import HummingbirdTesting
import KefuCore
import KefuServer
import Testing

/// Limits that fit the work: an agent answering several chats at once from one desk spends each chat's
/// allowance separately, and a refusal names the message so the page can send it again.
@Suite struct FloodControlTests {
    @Test func anAgentsAllowanceIsPerChatTheyHold() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let port = try #require(client.port)
            let agent = ChatTestClient(port: port, token: try await client.login("agent1"))
            try await agent.next("welcome")
            var chats: [String] = []
            var customers: [ChatTestClient] = []
            for phone in ["13800138000", "18600186002"] {
                let customer = ChatTestClient(port: port, token: try await client.customerLogin(phone, sms: sms))
                try await customer.next("welcome")
                customer.send(["type": "start", "skill": "mobile"])
                let id = try #require(try await customer.next("message")["conversationId"] as? String)
                customer.send(["type": "human", "conversationId": id])
                try await customer.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
                chats.append(id)
                customers.append(customer)
            }
            // Twenty answers to each chat, interleaved, within a second: every one is stored.
            for n in 0..<20 {
                for (c, id) in chats.enumerated() {
                    agent.send(["type": "send", "conversationId": id, "clientId": "a\(c)-\(n)", "text": "回复\(n)"])
                }
            }
            @Sendable func outcome(_ clientId: String) -> String? {
                agent.frames.first { ["ack", "error"].contains($0["type"] as? String) && $0["clientId"] as? String == clientId }?["type"] as? String
            }
            let all = chats.indices.flatMap { c in (0..<20).map { "a\(c)-\($0)" } }
            #expect(try await eventually(within: 10) { all.allSatisfy { outcome($0) != nil } })
            #expect(all.filter { outcome($0) == "ack" }.count == 40)
            // The twenty-first to one chat waits, and is named; the other chat is not held up by it.
            agent.send(["type": "send", "conversationId": chats[0], "clientId": "a0-20", "text": "再一条"])
            let refused = try await agent.next("error") { $0["clientId"] as? String == "a0-20" }
            #expect(refused["code"] as? String == "rate_limited" && refused["conversationId"] as? String == chats[0])
            #expect(refused["retryAfter"] as? Int ?? 0 > 0)
            for socket in customers + [agent] { await socket.close() }
        }
    }
}
