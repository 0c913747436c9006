import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import Testing

/// A WebSocket chat client for tests: sends frames, and waits for the frames it expects.
final class ChatTestClient: Sendable {
    private let outgoing: AsyncStream<Outgoing>.Continuation

    enum Outgoing: Sendable {
        case text(String)
        case bytes([UInt8])
    }
    private final class Inbox: Sendable { let lines = Mutex<[String]>([]) }
    private let received = Inbox()
    private let finished = Inbox()
    private final class CloseBox: Sendable { let code = Mutex<UInt16?>(nil) }
    private let closing = CloseBox()
    private let task: Task<Void, any Error>
    private let cursor = Mutex(0)

    /// Opens `/ws/chat` (or `path`) with a bearer token, or with a one-use socket pass in the URL as a browser-less
    /// client would. `origin` is sent as a browser would send its page's origin.
    init(port: Int, token: String? = nil, pass: String? = nil, origin: String? = nil, path: String = "/ws/chat") {
        let (outStream, outContinuation) = AsyncStream.makeStream(of: Outgoing.self)
        self.outgoing = outContinuation
        let received = self.received
        let finished = self.finished
        let closing = self.closing
        var configuration = WebSocketClientConfiguration()
        if let token { configuration.additionalHeaders[.authorization] = "Bearer \(token)" }
        if let origin { configuration.additionalHeaders[.origin] = origin }
        let config = configuration
        let url = "ws://127.0.0.1:\(port)\(path)" + (pass.map { "?pass=\($0)" } ?? "")
        self.task = Task {
            // Ended however it ends: a refused upgrade throws before any close frame.
            defer { finished.lines.withLock { $0.append("closed") } }
            var logger = Logger(label: "chat-test-client")
            logger.logLevel = .warning
            let closeFrame = try await WebSocketClient.connect(url: url, configuration: config, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await item in outStream {
                            switch item {
                            case .text(let text): try await outbound.write(.text(text))
                            case .bytes(let bytes):
                                try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: bytes))))
                            }
                        }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        received.lines.withLock { $0.append(text) }
                    }
                    group.cancelAll()
                }
            }
            closing.code.withLock { $0 = closeFrame.map { UInt16(webSocketErrorCode: $0.closeCode) } }
        }
    }

    func send(_ frame: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: frame)
        outgoing.yield(.text(String(decoding: data, as: UTF8.self)))
    }

    func sendRaw(_ text: String) { outgoing.yield(.text(text)) }

    /// A text frame whose bytes are not UTF-8, which no String can hold.
    func sendRawBytes(_ bytes: [UInt8]) { outgoing.yield(.bytes(bytes)) }

    /// Whether the connection has ended (closed by either side).
    var isClosed: Bool { task.isCancelled || finished.lines.withLock { !$0.isEmpty } }

    /// The close code the server sent, once the connection has ended (nil when it sent none).
    var closeCode: UInt16? { closing.code.withLock { $0 } }

    /// Waits up to `seconds` for the server to end the connection; the close code it sent, if any.
    func closedByServer(within seconds: Double = 5) async throws -> UInt16? {
        _ = try await eventually(within: seconds) { self.isClosed }
        return closeCode
    }

    /// The next frame after the last one returned that satisfies `match`, waiting up to `timeout`.
    @discardableResult
    func next(
        _ type: String, timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation,
        where match: @Sendable ([String: Any]) -> Bool = { _ in true }
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        // Look once more after the deadline: a frame that came during the last sleep still counts.
        var lastLook = false
        while !lastLook {
            lastLook = ContinuousClock.now >= deadline
            let all = frames
            let start = cursor.withLock { $0 }
            var found: (Int, [String: Any])?
            if start < all.count {
                for index in start..<all.count where all[index]["type"] as? String == type && match(all[index]) {
                    found = (index, all[index])
                    break
                }
            }
            if let (index, frame) = found {
                cursor.withLock { $0 = index + 1 }
                return frame
            }
            if !lastLook { try await Task.sleep(for: .milliseconds(10)) }
        }
        let seen = frames.map(Self.describe)
        Issue.record("no \(type) frame within \(timeout); saw \(seen)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// A frame in a few words for a failure message: its type and code, a message's first words, a
    /// conversation's state and agent.
    static func describe(_ frame: [String: Any]) -> String {
        var words = (frame["type"] as? String ?? "?") + ":" + ((frame["code"] as? String) ?? "")
        if let text = frame.message?["text"] as? String { words += String(text.prefix(14)) }
        if let c = frame.conversation {
            words += (c["state"] as? String ?? "") + "/" + (((c["agent"] as? [String: Any])?["id"] as? String) ?? "-")
        }
        return words
    }

    /// Every frame received so far.
    var frames: [[String: Any]] {
        received.lines.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Message frames' sequence numbers for one conversation, in arrival order.
    func seqs(_ conversationId: String) -> [Int] {
        frames.filter { $0["type"] as? String == "message" && $0["conversationId"] as? String == conversationId }
            .compactMap { $0["seq"] as? Int }
    }

    func close() async {
        outgoing.finish()
        _ = try? await task.value
    }
}

extension Dictionary where Key == String, Value == Any {
    var conversation: [String: Any]? { self["conversation"] as? [String: Any] }
    var message: [String: Any]? { self["message"] as? [String: Any] }
}
