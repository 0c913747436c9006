import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// What a customer waiting for a person is told and can do: the group they chose, the truth when nobody
/// can serve them, an estimate from the agents actually serving, and a message instead of the wait.
@Suite struct QueueHonestyTests {
    /// A customer's chat started in `skill`, with a question and then 转人工, up to the queue frame.
    static func queued(
        _ client: any TestClientProtocol, sms: RecordingSmsSender, phone: String = "13800138000", skill: String?, question: String
    ) async throws -> (socket: ChatTestClient, conversationId: String, queue: [String: Any]?) {
        let socket = ChatTestClient(port: try #require(client.port), token: try await client.customerLogin(phone, sms: sms))
        try await socket.next("welcome")
        let start: [String: Any] = skill.map { ["type": "start", "skill": $0] } ?? ["type": "start"]
        socket.send(start)
        let greeting = try await socket.next("message")
        let id = try #require(greeting["conversationId"] as? String)
        socket.send(["type": "send", "conversationId": id, "clientId": "q-1", "text": question])
        try await socket.next("ack") { $0["clientId"] as? String == "q-1" }
        try await socket.next("message") { $0.message?["sender"] as? String == "bot" }
        socket.send(["type": "human", "conversationId": id])
        // Routed at once to a free agent, or waiting with a queue frame.
        @Sendable func assigned() -> Bool { socket.frames.contains { $0.conversation?["state"] as? String == "assigned" } }
        #expect(try await eventually(within: 10) { assigned() || socket.frames.contains { $0["type"] as? String == "queue" } })
        // A sweep's routing pass running beside the hand-over can announce the queue a moment before the
        // hand-over's own pass assigns the chat: a chat assigned within the second was not left waiting.
        if try await eventually(within: 1, { assigned() }) { return (socket, id, nil) }
        return (socket, id, try await socket.next("queue"))
    }

    static func queuedView(_ socket: ChatTestClient) -> [String: Any]? {
        socket.frames.last { $0.conversation?["state"] as? String == "queued" }?.conversation
    }

    @Test func theGroupTheCustomerChoseBeatsTheirLastQuestion() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let (socket, id, _) = try await Self.queued(client, sms: sms, skill: "broadband", question: "我这个月话费怎么扣了这么多")
            #expect(Self.queuedView(socket)?["skill"] as? String == "broadband")
            #expect(socket.frames.contains { ($0.message?["text"] as? String)?.contains("宽带业务") == true })
            // The button hands over with a summary for the agent, which the customer never gets.
            let stored = try await Store(database: database).chat.messages(conversationId: id, after: 0, includingStaffOnly: true)
            #expect(stored.contains { $0.visibility == .staff && $0.text.contains("客户点击“转人工”") })
            #expect(!socket.frames.contains { ($0.message?["text"] as? String)?.contains("转接摘要") == true })
            await socket.close()
        }
    }

    @Test func withoutAChoiceTheBotsReadingOfTheProblemDecides() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let (socket, _, _) = try await Self.queued(client, sms: sms, skill: nil, question: "家里宽带断网了，光猫红灯一直闪")
            #expect(Self.queuedView(socket)?["skill"] as? String == "broadband")
            await socket.close()
        }
    }

    @Test func nobodyOnlineIsSaidAtOnceWithNoNumberPromised() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let (socket, _, waiting) = try await Self.queued(client, sms: sms, skill: "mobile", question: "我想咨询一下5G套餐")
            let queue = try #require(waiting)
            #expect(queue["available"] as? Bool == false)
            #expect(queue["code"] as? String == "no_agents")
            #expect(queue["estimatedWaitSeconds"] == nil)
            try await socket.next("message") { ($0.message?["text"] as? String)?.contains("当前移动业务暂无客服在线") == true }
            // An agent of the group comes online: the chat is theirs.
            let agent = ChatTestClient(port: try #require(client.port), token: try await client.login("agent1"))
            try await agent.next("welcome")
            try await socket.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
            for s in [socket, agent] { await s.close() }
        }
    }

    @Test func outsideTheGroupsHoursTheCustomerIsToldTheHours() async throws {
        var config = TestApp.config
        config.chat.serviceHours.windows[.mobile] = .init(weekdays: [1, 2, 3, 4, 5], opens: 9 * 60, closes: 18 * 60)
        // Tuesday 2026-12-01, 20:00 in Beijing.
        let clock = TestClock(ISO8601DateFormatter().date(from: "2026-12-01T12:00:00Z")!)
        try await TestApp.run(config: config, mode: .live, clock: clock) { client, sms, _ in
            let (socket, _, waiting) = try await Self.queued(client, sms: sms, skill: "mobile", question: "我想咨询一下5G套餐")
            let queue = try #require(waiting)
            #expect(queue["available"] as? Bool == false)
            #expect(queue["code"] as? String == "closed")
            try await socket.next("message") {
                ($0.message?["text"] as? String)?.contains("移动业务人工服务时间为周一至周五 9:00–18:00，现在不在服务时间内") == true
            }
            await socket.close()
        }
    }

    @Test func aWaitingCustomerLeavesAMessageThatBecomesACallBackTicket() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let (socket, id, _) = try await Self.queued(client, sms: sms, skill: "broadband", question: "宽带想提速到500兆")
            // Bad input first: each refused clearly, nothing stored.
            socket.send(["type": "leave_message", "conversationId": id, "text": "请回电", "callbackPhone": "12345", "ref": "bad-phone"])
            #expect(try await socket.next("error") { $0["ref"] as? String == "bad-phone" }["code"] as? String == "invalid_phone")
            socket.send(["type": "leave_message", "conversationId": id, "text": "  ", "callbackPhone": "13800138000", "ref": "empty"])
            #expect(try await socket.next("error") { $0["ref"] as? String == "empty" }["code"] as? String == "invalid_text")
            #expect(try await TicketAPITests.ticketCount(database) == 0)

            socket.send(["type": "leave_message", "conversationId": id, "text": "宽带想提速到500兆，晚上7点后方便", "callbackPhone": "010-6234 5678", "ref": "ok"])
            let left = try await socket.next("message_left")
            let number = try #require(left["ticketNumber"] as? String)
            // Told before the answer: the chat has ended, with the ticket's number in it.
            #expect(socket.frames.contains { $0.conversation?["state"] as? String == "closed" })
            #expect(socket.frames.contains { ($0.message?["text"] as? String)?.contains("工单号 \(number)") == true })
            let store = Store(database: database)
            var filter = TicketRepository.Filter()
            filter.customerId = "cus-100000"
            let ticket = try #require(try await store.tickets.list(filter).first)
            #expect(ticket.number == number && ticket.type == .businessRequest && ticket.conversationId == id)
            #expect(ticket.fields["callbackNumber"] == "01062345678" && ticket.fields["requestType"] == "留言回电")
            #expect(ticket.group == .broadband)
            // Once closed, the chat takes no second message.
            socket.send(["type": "leave_message", "conversationId": id, "text": "再留一次", "callbackPhone": "13800138000", "ref": "again"])
            #expect(try await socket.next("error") { $0["ref"] as? String == "again" }["code"] as? String == "invalid_state")
            await socket.close()
        }
    }

    @Test func aVisitorLogsInBeforeLeavingAMessage() async throws {
        try await TestApp.run(mode: .live) { client, _, database in
            let (token, _) = try await VisitorChatTests.visitor(client)
            let socket = ChatTestClient(port: try #require(client.port), token: token)
            try await socket.next("welcome")
            socket.send(["type": "start", "skill": "mobile"])
            let id = try #require(try await socket.next("message")["conversationId"] as? String)
            socket.send(["type": "human", "conversationId": id])
            try await socket.next("queue")
            socket.send(["type": "leave_message", "conversationId": id, "text": "请回电", "callbackPhone": "13800138000", "ref": "v"])
            #expect(try await socket.next("error") { $0["ref"] as? String == "v" }["code"] as? String == "login_required")
            #expect(try await TicketAPITests.ticketCount(database) == 0)
            await socket.close()
        }
    }

    @Test func aTeamLeadGetsChatsOnlyWhenTheirSettingSaysSo() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let admin = try await client.login("admin")
            let staff = try await client.json(.get, "/api/v1/admin/users", token: admin).json as? [[String: Any]]
            #expect(staff?.first { $0["username"] as? String == "lead" }?["autoAssign"] as? Bool == false)
            #expect(staff?.first { $0["username"] as? String == "agent1" }?["autoAssign"] as? Bool == true)

            let lead = ChatTestClient(port: try #require(client.port), token: try await client.login("lead"))
            try await lead.next("welcome")
            let (socket, _, waiting) = try await Self.queued(client, sms: sms, skill: "broadband", question: "宽带怎么办理")
            let queue = try #require(waiting)
            // The lead's open desk serves nobody: the customer hears that nobody is online.
            #expect(queue["available"] as? Bool == false)
            try await Task.sleep(for: .milliseconds(200))
            #expect(!socket.frames.contains { $0.conversation?["state"] as? String == "assigned" })

            let bad = try await client.json(.patch, "/api/v1/admin/users/staff-lead", token: admin, body: #"{"autoAssign":"yes"}"#)
            #expect(bad.status == .badRequest)
            let agentToken = try await client.login("agent1")
            #expect(try await client.json(.patch, "/api/v1/admin/users/staff-lead", token: agentToken, body: #"{"autoAssign":true}"#).status == .forbidden)
            #expect(try await client.json(.patch, "/api/v1/admin/users/staff-nobody", token: admin, body: #"{"autoAssign":true}"#).status == .notFound)
            let changed = try await client.json(.patch, "/api/v1/admin/users/staff-lead", token: admin, body: #"{"autoAssign":true}"#)
            #expect(changed.status == .ok && (changed.json as? [String: Any])?["autoAssign"] as? Bool == true)
            let assigned = try await socket.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
            #expect((assigned.conversation?["agent"] as? [String: Any])?["agentNo"] as? String == "L1001")
            for s in [socket, lead] { await s.close() }
        }
    }

    @Test func theEstimateComesFromTheAgentWhoServes() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let agent = ChatTestClient(port: try #require(client.port), token: try await client.login("agent1"))
            try await agent.next("welcome")
            agent.send(["type": "status", "status": "online", "limit": 1])
            try await agent.next("status")
            let (first, _, none) = try await Self.queued(client, sms: sms, skill: "mobile", question: "我想咨询一下5G套餐")
            #expect(none == nil, "agent1 had a free slot")
            // agent1's one slot is taken: the second customer is next, with the rest of an average chat to wait.
            let (second, _, waiting) = try await Self.queued(client, sms: sms, phone: "13900139001", skill: "mobile", question: "我想换个套餐")
            let queue = try #require(waiting)
            #expect(queue["available"] as? Bool == true && queue["position"] as? Int == 1)
            let wait = try #require(queue["estimatedWaitSeconds"] as? Int)
            #expect((200...240).contains(wait), "about the 240 s default handling time less the seconds the first chat has run: \(wait)")
            #expect(!second.frames.contains { ($0.message?["text"] as? String)?.contains("暂无客服在线") == true })
            for s in [first, second, agent] { await s.close() }
        }
    }
}
