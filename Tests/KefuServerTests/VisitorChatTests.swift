import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// Someone who does not log in can still chat: the bot answers from the library, asks them to log in
/// for anything that needs an account, and hands over to an agent; no customer data is reachable.
@Suite struct VisitorChatTests {
    static func visitor(_ client: any TestClientProtocol) async throws -> (token: String, me: [String: Any]) {
        let started = try await client.json(.post, "/api/v1/auth/visitor")
        #expect(started.status == .created)
        let body = try #require(started.json as? [String: Any])
        return (try #require(body["token"] as? String), try #require(body["me"] as? [String: Any]))
    }

    @Test func aVisitorReachesNothingButTheChat() async throws {
        try await TestApp.run { client, sms, database in
            let (token, me) = try await Self.visitor(client)
            #expect(me["kind"] as? String == "visitor" && (me["displayName"] as? String)?.hasPrefix("访客") == true)
            #expect((try await client.json(.get, "/api/v1/auth/me", token: token).json as? [String: Any])?["kind"] as? String == "visitor")
            #expect(try await client.json(.get, "/api/v1/customers/cus-100000/360", token: token).status == .notFound)
            // A bill that exists answers like one that does not (it answered 403 and told them apart).
            let bill = try #require(try await Store(database: database).customers.view360(id: "cus-100000")?.bills.first?.id)
            #expect(try await client.json(.get, "/api/v1/bills/\(bill)", token: token).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/bills/nope", token: token).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/customers", token: token).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/tickets", token: token).status == .forbidden)
            let ticket = try await client.json(.post, "/api/v1/tickets", token: token, body: #"{"type":"complaint","title":"x","fields":{"subject":"a","details":"b","expectedOutcome":"c"}}"#)
            #expect(ticket.status == .forbidden && errorCode(ticket.json) == "login_required")
            #expect(try await client.json(.post, "/api/v1/chat/socket-passes", token: token).status == .created)
            // Sessions for visitors are rate-limited per address.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<20 { statuses.append(try await client.json(.post, "/api/v1/auth/visitor").status) }
            #expect(statuses.last == .tooManyRequests)
        }
    }

    @Test func aVisitorTalksWithTheBotAndThenAnAgent() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let (token, me) = try await Self.visitor(client)
            let visitor = ChatTestClient(port: try #require(client.port), token: token)
            try await visitor.next("welcome")
            visitor.send(["type": "start", "skill": "mobile"])
            let id = try #require(try await visitor.next("message")["conversationId"] as? String)
            let bill = try await BotFaultTests.botSays(visitor, id, "v1", "帮我查一下这个月的话费账单")
            #expect(bill.contains("登录"), "\(bill)")
            let roaming = try await BotFaultTests.botSays(visitor, id, "v2", "出国漫游怎么开通")
            #expect(roaming.contains("漫游"), "\(roaming)")
            visitor.send(["type": "send", "conversationId": id, "clientId": "v3", "text": "人工"])
            try await visitor.next("queue")
            let agent = ChatTestClient(port: try #require(client.port), token: try await client.login("agent1"))
            try await agent.next("welcome")
            let assigned = try await agent.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
            #expect(assigned.conversation?["visitorName"] as? String == me["displayName"] as? String)
            #expect(assigned.conversation?["customerId"] == nil)
            try await visitor.next("message") { ($0.message?["text"] as? String)?.contains("K3001") == true }
            agent.send(["type": "send", "conversationId": id, "clientId": "a1", "text": "您好，请问需要什么帮助？"])
            try await visitor.next("message") { $0.message?["text"] as? String == "您好，请问需要什么帮助？" }
            visitor.send(["type": "send", "conversationId": id, "clientId": "v4", "text": "想办张新卡"])
            try await agent.next("message") { $0.message?["text"] as? String == "想办张新卡" }
            let stored = try #require(try await Store(database: database).chat.conversation(id: id))
            #expect(stored.customerId == nil && stored.visitorId == me["id"] as? String)
            await visitor.close()
            await agent.close()
        }
    }
}
