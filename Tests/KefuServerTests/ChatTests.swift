import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import NIOCore
import NIOFoundationCompat
import Testing

/// The live chat over real WebSockets: queue, assignment, both directions, and every refusal.
@Suite struct ChatTests {
    /// A customer who asked for a person, and the agent who got the chat.
    struct Pair {
        let customer: ChatTestClient
        let agent: ChatTestClient
        let conversationId: String
        let customerToken: String
    }

    static func connectPair(_ client: any TestClientProtocol, sms: RecordingSmsSender, agentName: String = "agent1") async throws -> Pair {
        let port = try #require(client.port)
        let customerToken = try await client.customerLogin("13800138000", sms: sms)
        let customer = ChatTestClient(port: port, token: customerToken)
        try await customer.next("welcome")
        customer.send(["type": "start", "skill": "mobile"])
        let greeting = try await customer.next("message")
        let conversationId = try #require(greeting["conversationId"] as? String)
        #expect(greeting.message?["sender"] as? String == "bot")
        customer.send(["type": "send", "conversationId": conversationId, "clientId": "c-1", "text": "转人工"])
        try await customer.next("ack") { $0["clientId"] as? String == "c-1" }
        try await customer.next("queue") { $0["position"] as? Int == 1 }

        let agent = ChatTestClient(port: port, token: try await client.login(agentName))
        try await agent.next("welcome")
        try await customer.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
        try await customer.next("message") { ($0.message?["text"] as? String)?.contains("K3001") == true }
        try await agent.next("message") { ($0.message?["text"] as? String)?.contains("K3001") == true }
        return Pair(customer: customer, agent: agent, conversationId: conversationId, customerToken: customerToken)
    }

    @Test func customerAndAgentTalkThroughQueueAndAssignment() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let pair = try await Self.connectPair(client, sms: sms)
            // The agent got the whole history, from seq 1, when the chat was assigned.
            #expect(pair.agent.seqs(pair.conversationId).first == 1)
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-1", "text": "您好{客户姓名}，请问要办理什么业务？"])
            let ack = try await pair.agent.next("ack")
            let delivered = try await pair.customer.next("message") { $0.message?["sender"] as? String == "agent" }
            #expect(delivered["seq"] as? Int == ack["seq"] as? Int)
            let customerName = try #require(try await Store(database: database).customers.find(id: "cus-100000")?.name)
            #expect((delivered.message?["text"] as? String) == "您好\(customerName)，请问要办理什么业务？")
            pair.customer.send(["type": "send", "conversationId": pair.conversationId, "clientId": "c-2", "text": "查一下话费"])
            try await pair.agent.next("message") { $0.message?["text"] as? String == "查一下话费" }
            // Numbers the customer types reach the agent masked; the customer's own copy is as typed.
            pair.customer.send(["type": "send", "conversationId": pair.conversationId, "clientId": "c-3", "text": "回电13912345678，身份证110101199003074518"])
            try await pair.agent.next("message") { $0.message?["text"] as? String == "回电139****5678，身份证**************4518" }
            try await pair.customer.next("message") { $0.message?["text"] as? String == "回电13912345678，身份证110101199003074518" }
            pair.customer.send(["type": "typing", "conversationId": pair.conversationId])
            try await pair.agent.next("typing")
            // Every number arrived once, in order: all of them on the desk; on the customer's side all but
            // the bot's hand-over summary, which is for staff.
            let all = pair.agent.seqs(pair.conversationId)
            #expect(all == Array(1...(all.last ?? 0)))
            let seen = pair.customer.seqs(pair.conversationId)
            #expect(seen == all.filter { $0 != 3 }, "\(seen) of \(all)")
            await pair.customer.close()
            await pair.agent.close()
        }
    }

    @Test func repeatedClientIdIsAcknowledgedAgainNotStoredTwice() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let pair = try await Self.connectPair(client, sms: sms)
            for _ in 0..<3 {
                pair.customer.send(["type": "send", "conversationId": pair.conversationId, "clientId": "same", "text": "只发一次"])
            }
            let first = try await pair.customer.next("ack") { $0["clientId"] as? String == "same" }
            let second = try await pair.customer.next("ack") { $0["clientId"] as? String == "same" }
            #expect(first["seq"] as? Int == second["seq"] as? Int)
            #expect(second["duplicate"] as? Bool == true)
            let stored = try await Store(database: database).chat.messages(conversationId: pair.conversationId, after: 0)
            #expect(stored.filter { $0.text == "只发一次" }.count == 1)
            await pair.customer.close()
            await pair.agent.close()
        }
    }

    @Test func reconnectingClientGetsExactlyWhatItMissed() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let pair = try await Self.connectPair(client, sms: sms)
            let seen = pair.customer.seqs(pair.conversationId).max() ?? 0
            await pair.customer.close()
            for index in 1...5 {
                pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-\(index)", "text": "第\(index)条"])
                try await pair.agent.next("ack") { $0["clientId"] as? String == "a-\(index)" }
            }
            let again = ChatTestClient(port: client.port!, token: pair.customerToken)
            try await again.next("welcome")
            again.send(["type": "subscribe", "conversationId": pair.conversationId, "lastSeq": seen])
            try await again.next("synced")
            #expect(again.seqs(pair.conversationId) == Array((seen + 1)...(seen + 5)))
            await again.close()
            await pair.agent.close()
        }
    }

    /// A client that claims to have seen more than exists is told the real last seq and still gets what
    /// comes next (it used to be told its own number back and then receive nothing more).
    @Test func aLastSeqBeyondTheEndResumesAtTheRealEnd() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let pair = try await Self.connectPair(client, sms: sms)
            let last = pair.customer.seqs(pair.conversationId).max() ?? 0
            await pair.customer.close()
            let again = ChatTestClient(port: client.port!, token: pair.customerToken)
            try await again.next("welcome")
            again.send(["type": "subscribe", "conversationId": pair.conversationId, "lastSeq": last + 1000])
            #expect(try await again.next("synced")["seq"] as? Int == last)
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-after", "text": "还在吗"])
            try await again.next("message") { $0.message?["text"] as? String == "还在吗" }
            #expect(again.seqs(pair.conversationId) == [last + 1])
            await again.close()
            await pair.agent.close()
        }
    }

    @Test func anotherCustomersConversationLeaksNothing() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let pair = try await Self.connectPair(client, sms: sms)
            let other = ChatTestClient(port: client.port!, token: try await client.customerLogin("13900139001", sms: sms))
            try await other.next("welcome")
            other.send(["type": "subscribe", "conversationId": pair.conversationId, "lastSeq": 0, "ref": "r1"])
            let refusal = try await other.next("error")
            #expect(refusal["code"] as? String == "not_found" && refusal["ref"] as? String == "r1")
            other.send(["type": "send", "conversationId": pair.conversationId, "clientId": "x", "text": "偷看"])
            try await other.next("error")
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-9", "text": "私密"])
            try await pair.customer.next("message") { $0.message?["text"] as? String == "私密" }
            #expect(other.frames.allSatisfy { $0["type"] as? String != "message" })
            // Another agent cannot act on it either.
            let agent2 = ChatTestClient(port: client.port!, token: try await client.login("agent2"))
            try await agent2.next("welcome")
            agent2.send(["type": "end", "conversationId": pair.conversationId])
            #expect(try await agent2.next("error")["code"] as? String == "not_found")
            await other.close()
            await agent2.close()
            await pair.customer.close()
            await pair.agent.close()
        }
    }

    /// An agent's note is for staff: it reaches the agent's desks and staff transcripts, never the
    /// customer's socket, the customer's catch-up, or the customer's own transcript and export.
    @Test func staffOnlyNotesNeverReachTheCustomer() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let pair = try await Self.connectPair(client, sms: sms)
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "n-1", "text": "客户上月已投诉过一次，注意语气", "visibility": "staff"])
            // The desk gets the note (published before the ack is queued), then the ack.
            try await pair.agent.next("message") { $0.message?["visibility"] as? String == "staff" && $0.message?["text"] as? String == "客户上月已投诉过一次，注意语气" }
            let ack = try await pair.agent.next("ack") { $0["clientId"] as? String == "n-1" }
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-1", "text": "您好，马上为您处理"])
            try await pair.customer.next("message") { $0.message?["text"] as? String == "您好，马上为您处理" }
            #expect(!pair.customer.frames.contains { ($0.message?["text"] as? String)?.contains("投诉过") == true })
            // A customer cannot write one, and a fresh socket's catch-up skips it.
            pair.customer.send(["type": "send", "conversationId": pair.conversationId, "clientId": "c-9", "text": "我也要备注", "visibility": "staff"])
            #expect(try await pair.customer.next("error") { $0["clientId"] == nil }["code"] as? String == "agents_only")
            let again = ChatTestClient(port: client.port!, token: pair.customerToken)
            try await again.next("welcome")
            again.send(["type": "subscribe", "conversationId": pair.conversationId, "lastSeq": 0])
            try await again.next("synced")
            #expect(!again.seqs(pair.conversationId).contains(ack["seq"] as? Int ?? -1))
            #expect(again.frames.allSatisfy { $0.message?["visibility"] as? String != "staff" })
            // Staff transcripts show it, marked as a note (customers read their chat only through the socket).
            let qa = try await client.login("qa")
            let transcript = try await client.json(.get, "/api/v1/transcripts/\(pair.conversationId)", token: qa)
            #expect(String(decoding: transcript.data, as: UTF8.self).contains("投诉过"))
            let text = try await client.json(.get, "/api/v1/transcripts/\(pair.conversationId)?format=text", token: qa)
            #expect(String(decoding: text.data, as: UTF8.self).contains("（内部备注）：客户上月已投诉过一次"))
            #expect(try await client.json(.get, "/api/v1/transcripts/\(pair.conversationId)", token: pair.customerToken).status == .notFound)
            for socket in [again, pair.customer, pair.agent] { await socket.close() }
        }
    }

    /// An attachment is its conversation's: its id sent into another chat is refused as if it did not
    /// exist, and the other customer cannot download it.
    @Test func anAttachmentIsSentAndReadOnlyInItsOwnChat() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let ownerToken = try await client.customerLogin("13800138000", sms: sms)
            let strangerToken = try await client.customerLogin("13900139001", sms: sms)
            let (owner, ownChat) = try await Self.botChat(client, token: ownerToken)
            let (stranger, theirChat) = try await Self.botChat(client, token: strangerToken)
            func upload() async throws -> String {
                try await client.execute(
                    uri: "/api/v1/chat/conversations/\(ownChat)/attachments", method: .post,
                    headers: [.authorization: "Bearer \(ownerToken)", .contentType: "application/octet-stream"], body: ByteBuffer(bytes: ChatAPITests.png)
                ) { try APIAnswer(status: $0.status, headers: $0.headers, data: Data(buffer: $0.body)).decoded(Uploaded.self).id }
            }
            let id = try await upload()
            #expect(try await upload() != id)

            stranger.send(["type": "send", "conversationId": theirChat, "clientId": "s-1", "text": "", "attachmentId": id])
            #expect(try await stranger.next("error")["code"] as? String == "invalid_attachment")
            stranger.send(["type": "send", "conversationId": theirChat, "clientId": "s-2", "text": "", "attachmentId": "att-never-uploaded"])
            #expect(try await stranger.next("error")["code"] as? String == "invalid_attachment")
            owner.send(["type": "send", "conversationId": ownChat, "clientId": "o-1", "text": "", "attachmentId": id])
            try await owner.next("ack") { $0["clientId"] as? String == "o-1" }

            for (token, status) in [(ownerToken, HTTPResponse.Status.ok), (strangerToken, .notFound)] {
                try await client.execute(uri: "/api/v1/attachments/\(id)", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                    #expect($0.status == status)
                }
            }
            await owner.close()
            await stranger.close()
        }
    }

    struct Uploaded: Decodable { let id: String }

    @Test func forbiddenWordIsRefusedAndLogged() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let store = Store(database: database)
            func audit() -> AuditEntry {
                AuditEntry(id: UUID().uuidString, at: Date(), actorKind: "test", actorId: "t", action: "x", targetType: "t", targetId: "t")
            }
            try await store.chatTools.addForbiddenWord(.init(id: "w1", word: "看不懂", suggestion: "我帮您解释一下"), now: Date(), audit: audit())
            let pair = try await Self.connectPair(client, sms: sms)
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-1", "text": "这个我也看不懂"])
            let refusal = try await pair.agent.next("error")
            #expect(refusal["code"] as? String == "forbidden_word")
            #expect(refusal["suggestion"] as? String == "我帮您解释一下")
            let stored = try await store.chat.messages(conversationId: pair.conversationId, after: 0)
            #expect(!stored.contains { $0.text.contains("看不懂") })
            #expect(try await store.chatTools.hits(limit: 10).first?.word == "看不懂")
            // Full-width or mixed case does not slip past.
            try await store.chatTools.addForbiddenWord(.init(id: "w2", word: "sb", suggestion: "—"), now: Date(), audit: audit())
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "a-2", "text": "ＳＢ"])
            #expect(try await pair.agent.next("error")["code"] as? String == "forbidden_word")
            await pair.customer.close()
            await pair.agent.close()
        }
    }

    @Test func badFramesGetErrorsAndTheConnectionStaysSound() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let pair = try await Self.connectPair(client, sms: sms)
            let c = pair.customer
            c.sendRaw(#"{"type":"send","conversationId":"x","clientId":"big","text":""# + String(repeating: "长", count: 3000) + #""}"#)
            #expect(try await c.next("error")["code"] as? String == "frame_too_large")
            c.sendRaw(#"{"type":"dance"}"#)
            #expect(try await c.next("error")["code"] as? String == "unknown_type")
            c.sendRaw("not json")
            #expect(try await c.next("error")["code"] as? String == "invalid_frame")
            c.send(["type": "send", "conversationId": pair.conversationId, "clientId": "xss", "text": "<script>alert(1)</script>"])
            try await pair.agent.next("message") { $0.message?["text"] as? String == "<script>alert(1)</script>" }
            c.send(["type": "ping"])
            try await c.next("pong")
            for index in 0..<15 {
                c.send(["type": "send", "conversationId": pair.conversationId, "clientId": "flood-\(index)", "text": "刷屏\(index)"])
            }
            #expect(try await c.next("error") { $0["code"] as? String == "rate_limited" }["retryAfter"] as? Int ?? 0 > 0)
            await c.close()
            await pair.agent.close()
        }
    }

    /// The limit is the person's, not the socket's: four sockets of one customer share ten messages, bad
    /// frames count too, and a refused message is named so the page can send it again.
    @Test func floodControlIsPerPersonAcrossSockets() async throws {
        // The allowance is ten in ten seconds of the server's clock: held still, so a slow machine cannot
        // let the first message age out before the twelfth arrives (CI, once: ten acked).
        try await TestApp.run(mode: .live, clock: TestClock()) { client, sms, _ in
            let pair = try await Self.connectPair(client, sms: sms)
            // connectPair sent one message already; nine more fit.
            var sockets = [pair.customer]
            for _ in 0..<3 {
                let extra = ChatTestClient(port: client.port!, token: pair.customerToken)
                try await extra.next("welcome")
                sockets.append(extra)
            }
            for index in 0..<12 {
                sockets[index % 4].send(["type": "send", "conversationId": pair.conversationId, "clientId": "m-\(index)", "text": "第\(index)条"])
            }
            // Each message is answered on its own socket: an ack, or a refusal naming it.
            let all = sockets
            @Sendable func outcome(_ index: Int) -> [String: Any]? {
                all[index % 4].frames.first { ["ack", "error"].contains($0["type"] as? String) && $0["clientId"] as? String == "m-\(index)" }
            }
            #expect(try await eventually(within: 10) { (0..<12).allSatisfy { outcome($0) != nil } })
            let acked = (0..<12).filter { outcome($0)?["type"] as? String == "ack" }.map { "m-\($0)" }
            let refused = (0..<12).compactMap { index -> String? in
                guard let answer = outcome(index), answer["type"] as? String == "error" else { return nil }
                #expect(answer["code"] as? String == "rate_limited" && answer["conversationId"] as? String == pair.conversationId)
                return "m-\(index)"
            }
            // Four sockets run side by side, so which three are refused depends on arrival; how many does not.
            #expect(acked.count == 9 && refused.count == 3, "acked \(acked), refused \(refused)")
            // Bad frames are limited as well: a burst of garbage meets the frame limit.
            let noisy = sockets[1]
            for _ in 0..<45 { noisy.sendRaw("not json") }
            try await noisy.next("error") { $0["code"] as? String == "rate_limited" }
            for socket in sockets { await socket.close() }
            await pair.agent.close()
        }
    }

    @Test func invalidUTF8ClosesTheSocketAndLosesNothing() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let pair = try await Self.connectPair(client, sms: sms)
            pair.customer.send(["type": "send", "conversationId": pair.conversationId, "clientId": "before", "text": "之前"])
            try await pair.customer.next("ack") { $0["clientId"] as? String == "before" }
            pair.customer.sendRawBytes(Array(#"{"type":"send","text":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
            #expect(try await pair.customer.closedByServer() == 1007)
            // The stored conversation is intact and the customer resumes on a new socket.
            let again = ChatTestClient(port: client.port!, token: pair.customerToken)
            try await again.next("welcome")
            again.send(["type": "send", "conversationId": pair.conversationId, "clientId": "after", "text": "之后"])
            try await again.next("ack") { $0["clientId"] as? String == "after" }
            let texts = try await Store(database: database).chat.messages(conversationId: pair.conversationId, after: 0).map(\.text)
            #expect(texts.contains("之前") && texts.contains("之后"))
            await again.close()
            await pair.agent.close()
        }
    }

    @Test func transferEndAndSurvey() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let pair = try await Self.connectPair(client, sms: sms)
            let lead = ChatTestClient(port: client.port!, token: try await client.login("lead"))
            try await lead.next("welcome")
            pair.agent.send(["type": "transfer", "conversationId": pair.conversationId, "toAgentId": "staff-lead"])
            try await lead.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
            try await pair.customer.next("message") { ($0.message?["text"] as? String)?.contains("L1001") == true }
            // The new agent learns of the chat first, then has the history from the first message.
            try await lead.next("message") { ($0.message?["text"] as? String)?.contains("L1001") == true }
            #expect(lead.seqs(pair.conversationId).first == 1)
            pair.agent.send(["type": "send", "conversationId": pair.conversationId, "clientId": "late", "text": "还在吗"])
            #expect(try await pair.agent.next("error")["code"] as? String == "not_found")
            lead.send(["type": "end", "conversationId": pair.conversationId])
            try await pair.customer.next("survey")
            pair.customer.send(["type": "rate", "conversationId": pair.conversationId, "score": 5, "comment": "很好"])
            try await pair.customer.next("conversation") { $0.conversation?["state"] as? String == "closed" }
            let closed = try await Store(database: database).chat.conversation(id: pair.conversationId)
            #expect(closed?.state == .closed)
            await lead.close()
            await pair.customer.close()
            await pair.agent.close()
        }
    }

    @Test func idleCustomerIsRemindedThenClosed() async throws {
        var config = TestApp.config
        config.chat.idleReminderSeconds = 0.4
        config.chat.idleCloseSeconds = 0.4
        config.chat.sweepInterval = .milliseconds(100)
        try await TestApp.run(config: config, mode: .live) { client, sms, database in
            let pair = try await Self.connectPair(client, sms: sms)
            // Generous deadlines: the whole suite runs in parallel, and on a loaded machine a 100 ms sweep can lag.
            try await pair.customer.next("message", timeout: .seconds(20)) { ($0.message?["text"] as? String)?.contains("本次会话已结束") == true }
            // The reminder came before the farewell (with 0.4 s timers it may even precede the greeting).
            let texts = pair.customer.frames.compactMap { $0.message?["text"] as? String }
            let reminder = texts.firstIndex { $0.contains("请问还在吗") }
            #expect(reminder != nil && reminder! < texts.firstIndex { $0.contains("本次会话已结束") }!)
            try await pair.agent.next("conversation", timeout: .seconds(20)) { $0.conversation?["state"] as? String == "closed" }
            #expect(try await Store(database: database).chat.conversation(id: pair.conversationId)?.state == .closed)
            await pair.customer.close()
            await pair.agent.close()
        }
    }

    /// A customer alone with the bot.
    static func botChat(_ client: any TestClientProtocol, sms: RecordingSmsSender, phone: String = "13800138000") async throws -> (ChatTestClient, String) {
        try await botChat(client, token: try await client.customerLogin(phone, sms: sms))
    }

    static func botChat(_ client: any TestClientProtocol, token: String) async throws -> (ChatTestClient, String) {
        let customer = ChatTestClient(port: try #require(client.port), token: token)
        try await customer.next("welcome")
        customer.send(["type": "start", "skill": "mobile"])
        let id = try #require(try await customer.next("message")["conversationId"] as? String)
        return (customer, id)
    }

    @Test func botAnswersWithTheCustomersOwnBill() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let (customer, id) = try await Self.botChat(client, sms: sms)
            customer.send(["type": "send", "conversationId": id, "clientId": "q1", "text": "帮我查一下这个月的话费账单"])
            let answer = try await customer.next("message") { $0.message?["sender"] as? String == "bot" }
            #expect((answer.message?["text"] as? String)?.contains("账单合计") == true)
            customer.send(["type": "send", "conversationId": id, "clientId": "q2", "text": "我的流量还剩多少"])
            let usage = try await customer.next("message") { $0.message?["sender"] as? String == "bot" }
            // What is left this month, of the family's shared pool, and what going over costs.
            let said = usage.message?["text"] as? String ?? ""
            #expect(said.contains("共享套餐") && said.contains("本月流量剩余") && said.contains("/GB"), "\(said)")
            await customer.close()
        }
    }

    @Test func angerHandsOverWithASummary() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let (customer, id) = try await Self.botChat(client, sms: sms)
            customer.send(["type": "send", "conversationId": id, "clientId": "q1", "text": "宽带又断网了"])
            try await customer.next("message") { $0.message?["sender"] as? String == "bot" }
            customer.send(["type": "send", "conversationId": id, "clientId": "q2", "text": "你们这什么破服务！！！"])
            try await customer.next("message") { ($0.message?["text"] as? String)?.contains("正在为您转接人工客服") == true }
            try await customer.next("queue")
            // The group follows the problem (broadband), or the VIP desk for an angry VIP.
            let store = Store(database: database)
            let stored = try #require(try await store.chat.conversation(id: id))
            #expect(stored.state == .queued)
            #expect(stored.skill == .broadband || stored.skill == .vip)
            // Why and about what, kept on the chat for the quality report.
            #expect(stored.handoverReason == .upset && stored.intent?.displayName == "宽带故障")
            // The summary is for the agent: stored staff-only, and the customer never got it.
            let notes = try await store.chat.messages(conversationId: id, after: 0, includingStaffOnly: true).filter { $0.visibility == .staff }
            #expect(notes.count == 1 && notes[0].text.contains("转接摘要") && notes[0].text.contains("宽带故障"))
            #expect(!customer.frames.contains { ($0.message?["text"] as? String)?.contains("转接摘要") == true })
            await customer.close()
        }
    }

    @Test func aBareRequestForAPersonKeepsTheChosenGroup() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let customer = ChatTestClient(port: try #require(client.port), token: try await client.customerLogin("13900139001", sms: sms))
            try await customer.next("welcome")
            customer.send(["type": "start", "skill": "broadband"])
            let id = try #require(try await customer.next("message")["conversationId"] as? String)
            customer.send(["type": "send", "conversationId": id, "clientId": "q1", "text": "人工"])
            try await customer.next("queue")
            #expect(try await Store(database: database).chat.conversation(id: id)?.skill == .broadband)
            await customer.close()
        }
    }

    @Test func twoMisunderstandingsHandOver() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let (customer, id) = try await Self.botChat(client, sms: sms, phone: "18600186002")
            customer.send(["type": "send", "conversationId": id, "clientId": "q1", "text": "qwpoeiru zxmcnv"])
            let first = try await customer.next("message") { $0.message?["sender"] as? String == "bot" }
            #expect((first.message?["text"] as? String)?.contains("没有完全理解") == true)
            customer.send(["type": "send", "conversationId": id, "clientId": "q2", "text": "lkjasd qpwoei"])
            try await customer.next("message") { ($0.message?["text"] as? String)?.contains("正在为您转接人工客服") == true }
            let note = try await Store(database: database).chat.messages(conversationId: id, after: 0, includingStaffOnly: true).last { $0.visibility == .staff }
            #expect(note?.text.contains("两次未能理解") == true)
            #expect(try await Store(database: database).chat.conversation(id: id)?.state == .queued)
            await customer.close()
        }
    }

    @Test func upgradeWithoutSessionIsRefused() async throws {
        try await TestApp.run(mode: .live) { client, _, _ in
            let anonymous = ChatTestClient(port: client.port!, token: "forged")
            try await Task.sleep(for: .milliseconds(300))
            #expect(anonymous.frames.isEmpty)
            await anonymous.close()
        }
    }
}
