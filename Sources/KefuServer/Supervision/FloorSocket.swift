import Foundation
import HummingbirdWebSocket
import KefuCore
import KefuStore
import Logging
import NIOWebSocket

/// One open wallboard (`/ws/floor`, docs/chat-protocol.md). The floor is this node's memory and the
/// figures are computed once for every wallboard by a job, so keeping a wallboard current reads no
/// database. Changes wake the writer, which sends what differs from what this wallboard was last
/// sent; changes that come while it writes are folded into its next frame, so a slow screen gets
/// fewer, larger updates. The lead may also watch one chat at a time, read-only, and whisper into it.
struct FloorSocket: Sendable {
    let desk: ChatDesk
    let acting: Acting
    let sessionTokenHash: String?
    var hub: any ChatHub { desk.hub }
    var principal: Principal { acting.principal }

    struct Snapshot: Encodable {
        var type = "floor"
        var board: FloorBoard
        var chats: [FloorChat]
    }

    /// The board without its agent lines: those are sent only when one of them changed (two hundred
    /// agents are most of a board's bytes, and a customer's message changes only the counts).
    struct BoardFigures: Encodable {
        var at: Date
        var groups: [FloorBoard.Group]
        var agentStates: FloorBoard.AgentStates
        var counts: FloorBoard.Counts
        var abandonedAt: [Date]

        init(_ b: FloorBoard) {
            (at, groups, agentStates, counts, abandonedAt) = (b.at, b.groups, b.agentStates, b.counts, b.abandonedAt)
        }
    }

    struct Update: Encodable {
        var type = "floor_update"
        var board: BoardFigures?
        var agents: [FloorBoard.AgentLine]?
        var chats: [FloorChat]
        var ended: [String]
    }

    /// What a wallboard may ask.
    struct Request: Decodable {
        enum Kind: String, Decodable {
            case watch, unwatch, whisper
            case takeOver = "take_over", handBack = "hand_back"
        }
        var type: Kind
        var conversationId: String?
        var clientId: String?
        var text: String?
        var ref: String?
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        guard case .staff(let id, _, _, _) = principal, let lead = try await desk.store.staff.find(id: id), !lead.disabled else { return }
        let identity = ChatIdentity(customerId: nil, agentId: nil, principalId: principal.actorID, sessionTokenHash: sessionTokenHash)
        let (stream, continuation) = AsyncStream.makeStream(of: ChatOutbound.self, bufferingPolicy: .bufferingOldest(4096))
        // Connected to the hub for its endings (a logout, a disabled account or a shutdown closes it) and
        // for the events of the chat it watches.
        let connection = hub.connect(identity, continuation)
        let (watch, watcher) = hub.floor.watch(continuation)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await write(stream, watcher: watcher, to: outbound) }
            do {
                for try await message in inbound.messages(maxSize: ChatSocket.maxMessageBytes) {
                    if let wait = desk.flood.frame(by: principal, now: desk.now()) {
                        var refusal = ServerFrame.error("rate_limited", "发送过于频繁，请稍后再试")
                        refusal.retryAfter = wait
                        continuation.yield(.frame(refusal))
                        continue
                    }
                    guard case .text(let text) = message, text.utf8.count <= ChatSocket.maxFrameBytes else {
                        continuation.yield(.frame(.error("invalid_frame", "只接受不超过 8 KiB 的 JSON 文本帧")))
                        continue
                    }
                    for item in await answer(text, lead: lead, connection: connection) { continuation.yield(item) }
                }
            } catch {
                logger.debug("floor socket ended", metadata: ["error": "\(error)"])
            }
            hub.floor.unwatch(watch)
            continuation.finish()
            hub.disconnect(connection)
            try await group.waitForAll()
        }
    }

    /// What answers one request, for the writer in order: a watch is answered with the chat, then its history.
    private func answer(_ text: String, lead: StaffUser, connection: UUID) async -> [ChatOutbound] {
        guard let request = try? JSONDecoder().decode(Request.self, from: Data(text.utf8)) else {
            return [.frame(.error("invalid_frame", "帧格式不正确"))]
        }
        do {
            switch request.type {
            case .watch:
                let c = try await desk.watch(request.conversationId, by: lead, acting: acting)
                // Events of the chat reach this connection from now on; the history is read after this
                // frame, so nothing between the two is missed or sent twice (the writer keeps the last seq).
                hub.watch(connection, conversationId: c.id)
                var frame = ServerFrame(type: "watching")
                frame.ref = request.ref
                frame.conversationId = c.id
                frame.conversation = try await desk.view(c)
                return [.frame(frame), .sync(conversationId: c.id, after: 0)]
            case .unwatch:
                hub.watch(connection, conversationId: nil)
                var frame = ServerFrame(type: "unwatched")
                frame.ref = request.ref
                return [.frame(frame)]
            case .takeOver, .handBack:
                let c = request.type == .takeOver
                    ? try await desk.takeOver(request.conversationId, by: lead, acting: acting)
                    : try await desk.handBack(request.conversationId, by: lead, acting: acting)
                var frame = ServerFrame(type: request.type == .takeOver ? "taken_over" : "handed_back")
                frame.ref = request.ref
                frame.conversationId = c.id
                frame.conversation = try await desk.view(c)
                return [.frame(frame)]
            case .whisper:
                guard let clientId = request.clientId, (1...64).contains(clientId.count) else {
                    throw KefuError(.invalid, "invalid_frame", "每条消息需要客户端生成的 clientId（1–64字符）")
                }
                let words = (request.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !words.isEmpty, words.count <= ChatSocket.maxTextCharacters, Validation.isCleanText(words, max: ChatSocket.maxTextCharacters) else {
                    throw KefuError(.invalid, "invalid_text", "悄悄话不能为空、不能超过2000字，且不能含控制字符")
                }
                let stored = try await desk.whisper(request.conversationId, by: lead, acting: acting, clientId: clientId, text: words)
                var ack = ServerFrame(type: "ack")
                ack.ref = request.ref
                ack.clientId = clientId
                ack.conversationId = stored.message.conversationId
                ack.seq = stored.message.seq
                ack.duplicate = stored.duplicate
                return [.frame(ack)]
            }
        } catch let failure as any KefuErrorConvertible {
            return [.frame(.error(failure.kefuError.code, failure.kefuError.message, ref: request.ref))]
        } catch {
            desk.logger.error("floor request failed", metadata: ["type": "\(request.type)", "error": "\(String(reflecting: error))"])
            return [.frame(.error("internal", "服务器内部错误，请稍后再试", ref: request.ref))]
        }
    }

    private func write(_ stream: AsyncStream<ChatOutbound>, watcher: LiveFloor.Watcher, to outbound: WebSocketOutboundWriter) async throws {
        watcher.looking()
        let first = hub.floor.view(since: nil, at: desk.now())
        // What this wallboard has: the version it last saw, the chats it holds and the board it shows.
        var (seen, shown, board) = (first.version, Set(first.floor.chats.keys), first.board)
        try await outbound.write(.text(Self.json(Snapshot(board: board, chats: first.floor.chats.values.sorted { $0.createdAt < $1.createdAt }))))
        var figures = hub.floor.figures
        if let figures { try await outbound.write(.text(Self.figuresFrame(figures.json))) }
        // The watched chat and the last of its messages this wallboard has been sent.
        var watched: String?
        var lastSeq = 0
        func emit(_ frame: ServerFrame) async throws {
            var frame = frame
            frame.message = PersonalData.shown(frame.message, to: principal)
            try await outbound.write(.text(frame.json()))
        }
        /// The watched chat's messages after the last sent, up to `seq`: fills any gap from the store.
        func catchUp(to seq: Int = .max) async throws {
            guard let id = watched else { return }
            while lastSeq < seq {
                let batch = try await desk.messages(in: id, after: lastSeq, limit: 500, for: principal).filter { $0.seq <= seq }
                for message in batch {
                    try await emit(.message(message))
                    lastSeq = message.seq
                }
                if batch.count < 500 { return }
            }
        }
        for await item in stream {
            switch item {
            case .floorChanged:
                watcher.looking()
                let view = hub.floor.view(since: seen, at: desk.now())
                if view.version != seen {
                    // The chats the changes since `seen` touched, or every chat when those are not known.
                    let touched = view.changed ?? shown.union(view.floor.chats.keys)
                    let chats = touched.compactMap { view.floor.chats[$0] }.sorted { $0.createdAt < $1.createdAt }
                    let ended = touched.filter { view.floor.chats[$0] == nil && shown.contains($0) }.sorted()
                    shown.subtract(ended)
                    shown.formUnion(chats.map(\.id))
                    let boardChanged = !view.board.sameFigures(as: board)
                    let agentsChanged = view.board.agents != board.agents
                    if boardChanged || !chats.isEmpty || !ended.isEmpty {
                        let update = Update(
                            board: boardChanged ? BoardFigures(view.board) : nil, agents: agentsChanged ? view.board.agents : nil, chats: chats,
                            ended: ended
                        )
                        try await outbound.write(.text(Self.json(update)))
                    }
                    (seen, board) = (view.version, boardChanged ? view.board : board)
                }
                if let latest = hub.floor.figures, latest.version != figures?.version {
                    figures = latest
                    try await outbound.write(.text(Self.figuresFrame(latest.json)))
                }
            case .frame(let frame):
                switch frame.type {
                case "watching": (watched, lastSeq) = (frame.conversationId, 0)
                case "unwatched": watched = nil
                default: break
                }
                try await emit(frame)
            case .sync(let id, _) where id == watched:
                try await catchUp()
                var synced = ServerFrame(type: "synced")
                synced.conversationId = id
                synced.seq = lastSeq
                try await emit(synced)
            case .event(let event) where event.conversationId != nil && event.conversationId == watched:
                if let message = event.frame.message {
                    guard message.seq > lastSeq else { continue }
                    try await catchUp(to: message.seq - 1)
                    try await emit(event.frame)
                    lastSeq = message.seq
                } else if event.frame.type == "conversation" {
                    try await emit(event.frame)
                }
            case .storedMessage(let id, let seq) where id == watched:
                try await catchUp(to: seq)
            case .close(.sessionEnded):
                try await outbound.write(.text(ServerFrame.error("session_ended", "登录已失效，请重新登录").json()))
                try await outbound.close(.policyViolation, reason: "session ended")
                return
            case .close(.shuttingDown):
                try await outbound.close(.goingAway, reason: "server shutting down")
                return
            case .event, .sync, .storedMessage, .text:
                break
            }
        }
    }

    static func figuresFrame(_ json: String) -> String { #"{"type":"figures","figures":"# + json + "}" }

    static func json(_ value: some Encodable) -> String {
        (try? String(decoding: ServerFrame.encoder.encode(value), as: UTF8.self)) ?? #"{"type":"error","code":"internal"}"#
    }
}
