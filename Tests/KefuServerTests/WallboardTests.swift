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

    /// A customer's chat held by agent1, and the team lead's wallboard open after it.
    static func chatAndLeadsWallboard(
        _ client: any TestClientProtocol, sms: RecordingSmsSender
    ) async throws -> (pair: ChatTests.Pair, leadToken: String, wall: ChatTestClient) {
        let pair = try await ChatTests.connectPair(client, sms: sms)
        let leadToken = try await client.login("lead")
        let wall = ChatTestClient(port: try #require(client.port), token: leadToken, path: "/ws/floor")
        try await wall.next("floor")
        return (pair, leadToken, wall)
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

    /// A lead watches a live chat read-only and whispers to its agent: the watch and the whisper are in
    /// the staff's transcript and the audit log, and no customer path ever carries either.
    @Test func aLeadWatchesAndWhispersAndTheCustomerNeverSeesIt() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let port = try #require(client.port)
            let (pair, _, wall) = try await Self.chatAndLeadsWallboard(client, sms: sms)
            let id = pair.conversationId

            wall.send(["type": "watch", "conversationId": id, "ref": "w"])
            let watching = try await wall.next("watching")
            #expect(watching["ref"] as? String == "w" && watching.conversation?["state"] as? String == "assigned")
            // The whole history, the staff-only lines with it, and the watch itself as the last line.
            let synced = try await wall.next("synced") { $0["conversationId"] as? String == id }
            let history = wall.seqs(id)
            #expect(history == Array(1...(synced["seq"] as? Int ?? 0)), "\(history)")
            let watchLine = try #require(wall.frames.last { $0.message?["visibility"] as? String == "staff" }?.message)
            #expect(watchLine["text"] as? String == "班长 L1001 王班长 正在查看本会话" && watchLine["sender"] as? String == "system")
            // The agent sees that the lead is there.
            try await pair.agent.next("message") { $0.message?["text"] as? String == "班长 L1001 王班长 正在查看本会话" }

            // Live: the customer's words reach the watching lead, masked as for all staff.
            pair.customer.send(["type": "send", "conversationId": id, "clientId": "c-2", "text": "还要等多久？我的号码13912345678"])
            try await wall.next("message") { $0.message?["text"] as? String == "还要等多久？我的号码139****5678" }

            wall.send(["type": "whisper", "conversationId": id, "clientId": "w-1", "text": "先道歉，再核实扣费", "ref": "s"])
            let whisperSeq = try #require(try await wall.next("ack") { $0["clientId"] as? String == "w-1" }["seq"] as? Int)
            try await pair.agent.next("message") { $0.message?["text"] as? String == "先道歉，再核实扣费" && $0.message?["visibility"] as? String == "staff" }
            // The watching lead has it too (published before the ack was queued).
            #expect(wall.frames.contains { $0["type"] as? String == "message" && $0["seq"] as? Int == whisperSeq })
            // Sent again with the same client id: stored once.
            wall.send(["type": "whisper", "conversationId": id, "clientId": "w-1", "text": "先道歉，再核实扣费"])
            #expect(try await wall.next("ack") { $0["clientId"] as? String == "w-1" }["duplicate"] as? Bool == true)
            pair.agent.send(["type": "send", "conversationId": id, "clientId": "a-1", "text": "非常抱歉，马上为您核实"])
            try await pair.customer.next("message") { $0.message?["text"] as? String == "非常抱歉，马上为您核实" }
            try await wall.next("message") { $0.message?["text"] as? String == "非常抱歉，马上为您核实" }

            // No customer path: the live socket, a fresh socket's catch-up, the transcript and its export.
            let secret = { (text: String) in text.contains("核实扣费") || text.contains("正在查看") }
            #expect(!pair.customer.frames.contains { secret($0.message?["text"] as? String ?? "") })
            let again = ChatTestClient(port: port, token: pair.customerToken)
            try await again.next("welcome")
            again.send(["type": "subscribe", "conversationId": id, "lastSeq": 0])
            try await again.next("synced")
            #expect(!again.frames.contains { secret($0.message?["text"] as? String ?? "") })
            #expect(!again.seqs(id).contains(whisperSeq))
            for format in ["", "?format=text"] {
                let mine = try await client.json(.get, "/api/v1/transcripts/\(id)\(format)", token: pair.customerToken)
                #expect(mine.status == .notFound && !secret(String(decoding: mine.data, as: UTF8.self)))
            }
            // Staff read both in the transcript, and the audit log has both acts.
            let qa = try await client.login("qa")
            let transcript = String(decoding: try await client.json(.get, "/api/v1/transcripts/\(id)?format=text", token: qa).data, as: UTF8.self)
            #expect(transcript.contains("先道歉，再核实扣费") && transcript.contains("正在查看本会话"))
            let admin = try await client.login("admin")
            for action in ["chat.watch", "chat.whisper"] {
                let entries = try await client.json(.get, "/api/v1/audit?action=\(action)&targetId=\(id)", token: admin).decoded([AuditEntry].self)
                #expect(entries.count == 1 && entries.first?.actorId == "staff-lead", "\(action): \(entries)")
            }

            // The chat ends: the watching lead sees it resolved; after unwatch, nothing more of it comes.
            pair.agent.send(["type": "end", "conversationId": id])
            try await wall.next("conversation") { $0.conversation?["state"] as? String == "resolved" }
            wall.send(["type": "unwatch", "ref": "u"])
            try await wall.next("unwatched")
            let seen = wall.frames.filter { $0["type"] as? String == "message" }.count
            pair.customer.send(["type": "rate", "conversationId": id, "score": 5, "ref": "ok"])
            try await pair.customer.next("rated")
            try await wall.next("floor_update") { ($0["ended"] as? [String])?.contains(id) == true }
            #expect(wall.frames.filter { $0["type"] as? String == "message" }.count == seen)
            for socket in [again, pair.customer, pair.agent, wall] { await socket.close() }
        }
    }

    /// The lead takes a chat over: it is the lead's on their desk, the agent reads along but writes
    /// nothing and has their slot back; handing back waits for room under the agent's limit.
    @Test func aLeadTakesAChatOverAndHandsItBackWithinTheAgentsLimit() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let port = try #require(client.port)
            let store = Store(database: database)
            let (pair, leadToken, wall) = try await Self.chatAndLeadsWallboard(client, sms: sms)
            let id = pair.conversationId
            // The lead answers from the desk: without one open, nothing is taken.
            wall.send(["type": "take_over", "conversationId": id, "ref": "t1"])
            #expect(try await wall.next("error") { $0["ref"] as? String == "t1" }["code"] as? String == "desk_closed")
            let leadDesk = ChatTestClient(port: port, token: leadToken)
            try await leadDesk.next("welcome")

            wall.send(["type": "take_over", "conversationId": id, "ref": "t2"])
            let taken = try await wall.next("taken_over")
            #expect((taken.conversation?["agent"] as? [String: Any])?["id"] as? String == "staff-lead")
            #expect(taken.conversation?["takenFrom"] as? String == "staff-agent1")
            try await pair.agent.next("conversation") { ($0.conversation?["agent"] as? [String: Any])?["id"] as? String == "staff-lead" }
            try await pair.customer.next("message") { $0.message?["text"] as? String == "客服 L1001 为您继续服务。" }
            // The lead's desk has the chat with its whole history, the take-over line in it.
            try await leadDesk.next("message") { ($0.message?["text"] as? String)?.contains("接管了本会话（原客服 K3001）") == true }
            #expect(leadDesk.seqs(id).first == 1)
            #expect(try await store.chat.activeCount(agentId: "staff-agent1") == 0)

            leadDesk.send(["type": "send", "conversationId": id, "clientId": "l-1", "text": "我是班长，马上为您处理"])
            let answered = try await eventually { pair.customer.frames.contains { $0.message?["text"] as? String == "我是班长，马上为您处理" } }
            #expect(answered)
            // The agent reads along, and may not write.
            try await pair.agent.next("message") { $0.message?["text"] as? String == "我是班长，马上为您处理" }
            pair.agent.send(["type": "send", "conversationId": id, "clientId": "a-9", "text": "我来回复", "ref": "no"])
            #expect(try await pair.agent.next("error") { $0["ref"] as? String == "no" }["code"] as? String == "not_found")
            // A fresh desk of the agent still lists it, and may follow it from the start.
            let agentToken = try await client.login("agent1")
            let again = ChatTestClient(port: port, token: agentToken)
            let welcome = try await again.next("welcome")
            #expect((welcome["conversations"] as? [[String: Any]])?.contains { $0["id"] as? String == id && $0["takenFrom"] as? String == "staff-agent1" } == true)
            again.send(["type": "subscribe", "conversationId": id, "lastSeq": 0])
            try await again.next("synced") { $0["conversationId"] as? String == id }
            // The customer never learns whom it was taken from.
            #expect(pair.customer.frames.allSatisfy { $0.conversation?["takenFrom"] == nil })

            // Handing back waits for room: agent1 at a limit of 1 with another chat is full.
            pair.agent.send(["type": "status", "status": "online", "limit": 1])
            try await pair.agent.next("status")
            let other = ChatTestClient(port: port, token: try await client.customerLogin("13900139001", sms: sms))
            try await other.next("welcome")
            other.send(["type": "start", "skill": "mobile"])
            let otherId = try #require(try await other.next("message")["conversationId"] as? String)
            other.send(["type": "send", "conversationId": otherId, "clientId": "o-1", "text": "转人工"])
            try await other.next("conversation") { $0.conversation?["state"] as? String == "assigned" }
            wall.send(["type": "hand_back", "conversationId": id, "ref": "h1"])
            #expect(try await wall.next("error") { $0["ref"] as? String == "h1" }["code"] as? String == "target_unavailable")
            pair.agent.send(["type": "status", "status": "online", "limit": 2])
            try await pair.agent.next("status")
            wall.send(["type": "hand_back", "conversationId": id, "ref": "h2"])
            let back = try await wall.next("handed_back")
            #expect((back.conversation?["agent"] as? [String: Any])?["id"] as? String == "staff-agent1" && back.conversation?["takenFrom"] == nil)
            try await pair.customer.next("message") { $0.message?["text"] as? String == "客服 K3001 继续为您服务。" }
            pair.agent.send(["type": "send", "conversationId": id, "clientId": "a-10", "text": "我回来了，继续为您处理"])
            try await pair.customer.next("message") { $0.message?["text"] as? String == "我回来了，继续为您处理" }
            #expect(try await store.chat.activeCount(agentId: "staff-agent1") == 2)
            // The whole history stayed with the chat, without a gap, on the agent's desk.
            let all = pair.agent.seqs(id)
            #expect(all == Array(1...(all.last ?? 0)), "\(all)")
            let admin = try await client.login("admin")
            for action in ["chat.take_over", "chat.hand_back"] {
                let entries = try await client.json(.get, "/api/v1/audit?action=\(action)&targetId=\(id)", token: admin).decoded([AuditEntry].self)
                #expect(entries.count == 1 && entries.first?.actorId == "staff-lead" && entries.first?.detail == "K3001", "\(action): \(entries)")
            }
            // A chat that is not theirs cannot be handed back.
            wall.send(["type": "hand_back", "conversationId": otherId, "ref": "h3"])
            #expect(try await wall.next("error") { $0["ref"] as? String == "h3" }["code"] as? String == "not_taken_over")
            for socket in [other, again, leadDesk, pair.customer, pair.agent, wall] { await socket.close() }
        }
    }

    @Test func watchAndWhisperRefuseWhatTheyCannotDo() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let port = try #require(client.port)
            let wall = ChatTestClient(port: port, token: try await client.login("lead"), path: "/ws/floor")
            try await wall.next("floor")
            wall.send(["type": "watch", "conversationId": "conv-nope", "ref": "1"])
            #expect(try await wall.next("error") { $0["ref"] as? String == "1" }["code"] as? String == "not_found")
            wall.sendRaw("{not json")
            #expect(try await wall.next("error")["code"] as? String == "invalid_frame")
            wall.send(["type": "dance", "ref": "2"])
            #expect(try await wall.next("error")["code"] as? String == "invalid_frame")
            // A chat still with the bot has no agent to whisper to.
            let customer = ChatTestClient(port: port, token: try await client.customerLogin("13800138000", sms: sms))
            try await customer.next("welcome")
            customer.send(["type": "start", "skill": "mobile"])
            let id = try #require(try await customer.next("message")["conversationId"] as? String)
            wall.send(["type": "whisper", "conversationId": id, "clientId": "w", "text": "注意", "ref": "3"])
            #expect(try await wall.next("error") { $0["ref"] as? String == "3" }["code"] as? String == "no_agent")
            wall.send(["type": "whisper", "conversationId": id, "clientId": "w", "text": "   ", "ref": "4"])
            #expect(try await wall.next("error") { $0["ref"] as? String == "4" }["code"] as? String == "invalid_text")
            wall.send(["type": "whisper", "conversationId": id, "text": "注意", "ref": "5"])
            #expect(try await wall.next("error") { $0["ref"] as? String == "5" }["code"] as? String == "invalid_frame")
            // Nothing refused was stored.
            let stored = try await Store(database: database).chat.messages(conversationId: id, after: 0, includingStaffOnly: true)
            #expect(stored.allSatisfy { $0.visibility == .everyone })
            await customer.close()
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
