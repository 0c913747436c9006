import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Synchronization

/// A team lead's wallboard for the chat bench: `/ws/floor`, where every bench message should show as
/// its chat's new last words. Updates are parsed whole (a few a second, folded by the server, unlike
/// the chat frames), and each message is timed from its send to the first wallboard that shows it.
final class WallboardSocket: Sendable {
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, any Error>
    private final class Seen: Sendable {
        let snapshot = Atomic<Bool>(false)
        let updates = Atomic<Int>(0)
    }
    private let seen = Seen()

    /// `floor_update` frames received.
    var updates: Int { seen.updates.load(ordering: .relaxed) }

    init(port: Int, token: String, record: Record) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        outgoing = continuation
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders[.authorization] = "Bearer \(token)"
        // The first frame holds every open chat: a thousand of them are about 400 KB.
        configuration.maxFrameSize = 16 << 20
        let config = configuration
        let seen = self.seen
        task = Task {
            var logger = Logger(label: "bench-wallboard")
            logger.logLevel = .error
            _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws/floor", configuration: config, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await _ in stream {}
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 16 << 20) {
                        guard case .text(let text) = message,
                            let frame = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                        else { continue }
                        switch frame["type"] as? String {
                        case "floor": seen.snapshot.store(true, ordering: .releasing)
                        case "floor_update":
                            seen.updates.add(1, ordering: .relaxed)
                            for chat in frame["chats"] as? [[String: Any]] ?? [] {
                                if let n = Self.benchNumber(chat["lastCustomerText"] as? String) { record.onWall(n) }
                            }
                        default: break
                        }
                    }
                    group.cancelAll()
                }
            }
        }
    }

    /// The number of "压测消息 N" (`BenchSocket.messageFrame`).
    static func benchNumber(_ text: String?) -> Int? {
        guard let text, text.hasPrefix("压测消息 ") else { return nil }
        return Int(text.dropFirst("压测消息 ".count))
    }

    func waitForSnapshot(seconds: Double = 15) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !seen.snapshot.load(ordering: .acquiring) {
            guard ContinuousClock.now < deadline else { throw BenchError("the wallboard sent no floor within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func close() { outgoing.finish() }
}
