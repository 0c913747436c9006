import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import NIOCore
import NIOFoundationCompat
import Testing

@Suite struct ChatAPITests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 2000)

    @Test func quickRepliesArePersonalOrTeam() async throws {
        try await TestApp.run { client, _, _ in
            let agent = try await client.login("agent1")
            let mine = try await client.json(.post, "/api/v1/quick-replies", token: agent, body: #"{"shortcode":"/hi","text":"您好{客户姓名}，工号{工号}为您服务"}"#)
            #expect(mine.status == .created)
            #expect(try await client.json(.post, "/api/v1/quick-replies", token: agent, body: #"{"shortcode":"/hi","text":"again"}"#).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/quick-replies", token: agent, body: #"{"shortcode":"/team","text":"x","team":true}"#).status == .forbidden)
            #expect(try await client.json(.post, "/api/v1/quick-replies", token: agent, body: #"{"shortcode":"hi","text":"x"}"#).status == .unprocessableContent)
            let lead = try await client.login("lead")
            #expect(try await client.json(.post, "/api/v1/quick-replies", token: lead, body: #"{"shortcode":"/later","text":"稍后回复","team":true}"#).status == .created)
            let list = try await client.json(.get, "/api/v1/quick-replies", token: agent)
            let codes = try list.decoded([QuickReply].self).map(\.shortcode)
            // The demo's four team replies, the lead's new team reply and agent1's own /hi.
            #expect(codes.filter { $0 == "/hi" }.count == 2 && codes.contains("/bye") && codes.contains("/wait"))
            let leadList = try await client.json(.get, "/api/v1/quick-replies", token: lead)
            #expect(try leadList.decoded([QuickReply].self).count == 5)
            let id = try mine.decoded(QuickReply.self).id
            #expect(try await client.json(.delete, "/api/v1/quick-replies/\(id)", token: lead).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/quick-replies/\(id)", token: agent).status == .noContent)
        }
    }

    @Test func forbiddenWordsAreKeptByAdmins() async throws {
        try await TestApp.run { client, _, _ in
            let admin = try await client.login("admin")
            let agent = try await client.login("agent1")
            #expect(try await client.json(.post, "/api/v1/admin/forbidden-words", token: agent, body: #"{"word":"不关我事","suggestion":"我帮您转接"}"#).status == .forbidden)
            let created = try await client.json(.post, "/api/v1/admin/forbidden-words", token: admin, body: #"{"word":"不关我事","suggestion":"我帮您转接"}"#)
            #expect(created.status == .created)
            #expect(try await client.json(.post, "/api/v1/admin/forbidden-words", token: admin, body: #"{"word":"不关我事","suggestion":"x"}"#).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/admin/forbidden-words", token: admin, body: #"{"word":"","suggestion":"x"}"#).status == .unprocessableContent)
            let words = try await client.json(.get, "/api/v1/forbidden-words", token: agent)
            #expect(try words.decoded([ForbiddenWord].self).contains { $0.word == "不关我事" && $0.suggestion == "我帮您转接" })
            let id = try created.decoded(ForbiddenWord.self).id
            #expect(try await client.json(.delete, "/api/v1/admin/forbidden-words/\(id)", token: admin).status == .noContent)
            #expect(try await client.json(.delete, "/api/v1/admin/forbidden-words/\(id)", token: admin).status == .notFound)
            let qa = try await client.login("qa")
            #expect(try await client.json(.get, "/api/v1/forbidden-word-hits", token: qa).status == .ok)
            #expect(try await client.json(.get, "/api/v1/forbidden-word-hits", token: agent).status == .forbidden)
        }
    }

    /// A conversation between customer cus-100000 and agent1 with one message, straight in the store.
    static func seedConversation(_ database: Database, attachment: String? = nil) async throws -> String {
        let store = Store(database: database)
        let c = Conversation(
            id: "conv-t", customerId: "cus-100000", visitorName: "客户", state: .assigned, skill: .mobile, vip: false,
            agentId: "staff-agent1", createdAt: Date(), assignedAt: Date()
        )
        _ = try await store.chat.create(c, greeting: "您好")
        _ = try await store.chat.append(conversationId: c.id, sender: .customer, senderId: "cus-100000", clientId: "1", text: "宽带断网了", attachmentId: attachment, now: Date())
        return c.id
    }

    @Test func attachmentsAreSniffedAndServedOnlyToParticipants() async throws {
        try await TestApp.run { client, sms, database in
            let id = try await Self.seedConversation(database)
            let customer = try await client.customerLogin("13800138000", sms: sms)
            func upload(_ bytes: [UInt8], token: String) async throws -> (HTTPResponse.Status, [String: Any]?) {
                try await client.execute(
                    uri: "/api/v1/chat/conversations/\(id)/attachments", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/octet-stream"], body: ByteBuffer(bytes: bytes)
                ) { ($0.status, try? JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any]) }
            }
            let uploaded = try await upload(Self.png, token: customer)
            #expect(uploaded.0 == .created)
            #expect(uploaded.1?["mime"] as? String == "image/png")
            let attachmentId = try #require(uploaded.1?["id"] as? String)
            // A script renamed to .png is not an image.
            #expect(try await upload(Array("<script>alert(1)</script>".utf8), token: customer).0 == .unsupportedMediaType)
            let big = [UInt8](repeating: 0, count: AttachmentKind.maxBytes + 1)
            #expect(try await upload(big, token: customer).0 == .contentTooLarge)
            let stranger = try await client.customerLogin("13900139001", sms: sms)
            #expect(try await upload(Self.png, token: stranger).0 == .notFound)

            _ = try await Store(database: database).chat.append(
                conversationId: id, sender: .customer, senderId: "cus-100000", clientId: "2", text: "", attachmentId: attachmentId, now: Date()
            )
            // QA reads every transcript but takes part in no chat: it may read the file, not post one.
            let qa = try await client.login("qa")
            #expect(try await upload(Self.png, token: qa).0 == .notFound)
            for (token, status) in [(customer, HTTPResponse.Status.ok), (try await client.login("agent1"), .ok), (stranger, .notFound), (try await client.login("agent2"), .notFound), (qa, .ok)] {
                try await client.execute(uri: "/api/v1/attachments/\(attachmentId)", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == status)
                    if status == .ok {
                        #expect(response.headers[.contentType] == "image/png")
                        #expect(Array(buffer: response.body) == Self.png)
                    }
                }
            }
        }
    }

    struct Transcript: Decodable { let conversation: Conversation; let messages: [ChatMessage] }
    struct Pass: Decodable { let pass: String; let expiresInSeconds: Int }

    @Test func transcriptsAreSearchableAndExportable() async throws {
        try await TestApp.run { client, _, database in
            let id = try await Self.seedConversation(database)
            let qa = try await client.login("qa")
            let byPhone = try await client.json(.get, "/api/v1/transcripts?phone=13800138000", token: qa)
            #expect(try byPhone.decoded([Conversation].self).map(\.id) == [id])
            let byKeyword = try await client.json(.get, "/api/v1/transcripts?q=%E6%96%AD%E7%BD%91", token: qa)
            #expect(try byKeyword.decoded([Conversation].self).map(\.id) == [id])
            let none = try await client.json(.get, "/api/v1/transcripts?q=%E8%AF%9D%E8%B4%B9", token: qa)
            #expect(try none.decoded([Conversation].self).isEmpty)
            let byOtherPhone = try await client.json(.get, "/api/v1/transcripts?phone=13900139001", token: qa)
            #expect(try byOtherPhone.decoded([Conversation].self).isEmpty)
            let full = try await client.json(.get, "/api/v1/transcripts/\(id)", token: qa)
            let transcript = try full.decoded(Transcript.self)
            #expect(transcript.conversation.id == id && transcript.messages.map(\.seq) == [1, 2])
            try await client.execute(uri: "/api/v1/transcripts/\(id)?format=text", method: .get, headers: [.authorization: "Bearer \(qa)"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("客户：宽带断网了"))
            }
            let agent2 = try await client.login("agent2")
            #expect(try await client.json(.get, "/api/v1/transcripts/\(id)", token: agent2).status == .notFound)
            let mine = try await client.json(.get, "/api/v1/transcripts", token: agent2)
            #expect(try mine.decoded([Conversation].self).isEmpty)
        }
    }

    @Test func aSocketPassOpensTheSocketOnce() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let token = try await client.customerLogin("13800138000", sms: sms)
            let created = try await client.json(.post, "/api/v1/chat/socket-passes", token: token)
            #expect(created.status == .created)
            let pass = try created.decoded(Pass.self).pass
            // The pass is not a session: it opens nothing over HTTP.
            #expect(try await client.json(.get, "/api/v1/auth/me", token: pass).status == .unauthorized)
            let port = try #require(client.port)
            let first = ChatTestClient(port: port, pass: pass)
            try await first.next("welcome")
            // Used once, it opens nothing more.
            let second = ChatTestClient(port: port, pass: pass)
            try await Task.sleep(for: .seconds(1))
            #expect(second.frames.isEmpty)
            await first.close()
            await second.close()
        }
    }
}

@Suite struct ChatAgentsTests {
    @Test func agentsSeeColleaguesWithTheirLoad() async throws {
        try await TestApp.run { client, sms, database in
            let store = Store(database: database)
            // Online means a desk is open somewhere; without one the desk job sets the agent away.
            _ = try await store.chat.openDesk(agentId: "staff-agent2", node: "another-node", defaultLimit: 5, now: Date())
            _ = try await store.chat.setPresence(agentId: "staff-agent2", status: .online, limit: 3, defaultLimit: 5, now: Date())
            _ = try await store.chat.setPresence(agentId: "staff-agent3", status: .away, limit: nil, defaultLimit: 5, now: Date())
            let agent = try await client.login("agent1")
            struct Colleague: Decodable { let agentNo: String; let status: AgentStatus; let limit: Int; let activeChats: Int; let skills: [String] }
            let board = try await client.json(.get, "/api/v1/chat/agents", token: agent).decoded([Colleague].self)
            #expect(board.map(\.agentNo) == ["K3002", "K3003"])
            #expect(board.first?.status == .online && board.first?.limit == 3 && board.first?.activeChats == 0)
            #expect(board.first?.skills == ["broadband"])
            let customer = try await client.customerLogin("13800138000", sms: sms)
            #expect(try await client.json(.get, "/api/v1/chat/agents", token: customer).status == .forbidden)
            let qa = try await client.login("qa")
            #expect(try await client.json(.get, "/api/v1/chat/agents", token: qa).status == .forbidden)
        }
    }
}
