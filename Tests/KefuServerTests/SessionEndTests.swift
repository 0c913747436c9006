import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import Testing

/// A socket lives no longer than the session it was opened with: disabling, logout and expiry close it
/// with 1008 after a `session_ended` frame, and REST refuses the same session.
@Suite struct SessionEndTests {
    static func agentSocket(_ client: any TestClientProtocol, _ username: String = "agent1") async throws -> (ChatTestClient, String) {
        let token = try await client.login(username)
        let socket = ChatTestClient(port: try #require(client.port), token: token)
        try await socket.next("welcome")
        return (socket, token)
    }

    static func expectEnded(_ socket: ChatTestClient, within seconds: Double = 3, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await socket.closedByServer(within: seconds) == 1008, sourceLocation: sourceLocation)
        #expect(socket.frames.contains { $0["code"] as? String == "session_ended" }, sourceLocation: sourceLocation)
    }

    @Test func disablingAnAgentClosesTheirSocketsAndSetsThemAway() async throws {
        try await TestApp.run(mode: .live) { client, _, _ in
            let (first, token) = try await Self.agentSocket(client)
            let second = ChatTestClient(port: client.port!, token: token)
            try await second.next("welcome")
            let (other, _) = try await Self.agentSocket(client, "agent2")
            let admin = try await client.login("admin")
            #expect(try await client.json(.post, "/api/v1/admin/users/staff-agent1/disable", token: admin).status == .noContent)
            try await Self.expectEnded(first)
            try await Self.expectEnded(second)
            #expect(try await client.json(.get, "/api/v1/auth/me", token: token).status == .unauthorized)
            // Someone else's socket is untouched, and the disabled agent is no longer on the board as online.
            #expect(!other.isClosed)
            let board = try await client.json(.get, "/api/v1/chat/agents", token: admin)
            let agent1 = (board.json as? [[String: Any]])?.first { $0["id"] as? String == "staff-agent1" }
            #expect(agent1?["status"] as? String != "online")
            await other.close()
        }
    }

    @Test func logoutClosesTheSocketsOfThatSessionAndOfItsPasses() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let token = try await client.customerLogin("13800138000", sms: sms)
            let otherSession = try await client.customerLogin("13900139001", sms: sms)
            let pass = try await client.json(.post, "/api/v1/chat/socket-passes", token: token).decoded(ChatAPITests.Pass.self).pass
            let unused = try await client.json(.post, "/api/v1/chat/socket-passes", token: token).decoded(ChatAPITests.Pass.self).pass
            let byHeader = ChatTestClient(port: client.port!, token: token)
            let byPass = ChatTestClient(port: client.port!, pass: pass)
            let bystander = ChatTestClient(port: client.port!, token: otherSession)
            for socket in [byHeader, byPass, bystander] { try await socket.next("welcome") }
            #expect(try await client.json(.post, "/api/v1/auth/logout", token: token).status == .noContent)
            try await Self.expectEnded(byHeader)
            try await Self.expectEnded(byPass)
            #expect(!bystander.isClosed)
            // A pass taken before the logout opens nothing after it.
            let late = ChatTestClient(port: client.port!, pass: unused)
            #expect(try await late.closedByServer() == nil)
            #expect(late.frames.isEmpty)
            await bystander.close()
        }
    }

    @Test func anExpiredSessionClosesItsSocket() async throws {
        var config = TestApp.config
        config.chat.sessionRecheck = .milliseconds(100)
        let clock = TestClock()
        try await TestApp.run(config: config, mode: .live, clock: clock) { client, _, _ in
            let (socket, token) = try await Self.agentSocket(client)
            try await Task.sleep(for: .milliseconds(300))
            #expect(!socket.isClosed)
            clock.advance(by: TestApp.config.staffSessionTTL + 1)
            try await Self.expectEnded(socket)
            #expect(try await client.json(.get, "/api/v1/auth/me", token: token).status == .unauthorized)
        }
    }
}
