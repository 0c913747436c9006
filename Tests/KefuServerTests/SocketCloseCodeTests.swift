import Foundation
import HummingbirdTesting
import KefuServer
import Testing

/// The close codes `docs/chat-protocol.md` promises. Shutdown (1001) needs the real process and its
/// service group: `CrashRecoveryTests.stoppingExitsCleanlyAndLeavesOneFile`.
@Suite struct SocketCloseCodeTests {
    @Test func invalidUTF8ClosesWith1007AndAHugeFrameWith1009() async throws {
        try await TestApp.run(mode: .live) { client, _, _ in
            let token = try await client.login("agent1")
            let bad = ChatTestClient(port: try #require(client.port), token: token)
            try await bad.next("welcome")
            bad.sendRawBytes(Array(#"{"type":"ping","x":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
            #expect(try await bad.closedByServer() == 1007)
            let huge = ChatTestClient(port: client.port!, token: token)
            try await huge.next("welcome")
            huge.sendRaw(String(repeating: "a", count: (1 << 20) + 1))
            #expect(try await huge.closedByServer() == 1009)
        }
    }

    /// Over 8 KiB but within what a socket reads, a frame is refused and the socket stays open.
    @Test func aLargeFrameIsRefusedAndTheSocketStaysOpen() async throws {
        try await TestApp.run(mode: .live) { client, _, _ in
            let socket = ChatTestClient(port: try #require(client.port), token: try await client.login("agent1"))
            try await socket.next("welcome")
            for size in [8 * 1024 + 1, 64 * 1024 + 1, 512 * 1024] {
                socket.sendRaw(#"{"type":"ping","pad":""# + String(repeating: "a", count: size) + #""}"#)
                #expect(try await socket.next("error")["code"] as? String == "frame_too_large")
            }
            socket.send(["type": "ping"])
            try await socket.next("pong")
            #expect(!socket.isClosed)
            await socket.close()
        }
    }
}
