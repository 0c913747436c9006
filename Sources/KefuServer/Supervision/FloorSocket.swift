import Foundation
import HummingbirdWebSocket
import KefuCore
import Logging
import NIOWebSocket

/// One open wallboard (`/ws/floor`, docs/chat-protocol.md). It reads nothing from the database: the
/// floor is this node's memory and the figures are computed once for every wallboard by a job. Changes
/// wake the writer, which sends what differs from what this wallboard was last sent; changes that come
/// while it writes are folded into its next frame, so a slow screen gets fewer, larger updates.
struct FloorSocket: Sendable {
    let hub: any ChatHub
    let principal: Principal
    let sessionTokenHash: String?
    let now: @Sendable () -> Date

    struct Snapshot: Encodable {
        var type = "floor"
        var board: FloorBoard
        var chats: [FloorChat]
    }

    /// The board without its agent lines: those are sent only when one of them changed (two hundred
    /// agents are most of a board's bytes, and a customer's message changes only the counts).
    struct Figures: Encodable {
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
        var board: Figures?
        var agents: [FloorBoard.AgentLine]?
        var chats: [FloorChat]
        var ended: [String]
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        let identity = ChatIdentity(customerId: nil, agentId: nil, principalId: principal.actorID, sessionTokenHash: sessionTokenHash)
        let (stream, continuation) = AsyncStream.makeStream(of: ChatOutbound.self, bufferingPolicy: .bufferingNewest(64))
        // Connected to the hub for its endings: a logout, a disabled account or a shutdown closes it.
        let connection = hub.connect(identity, continuation)
        let (watch, watcher) = hub.floor.watch(continuation)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await write(stream, watcher: watcher, to: outbound) }
            do {
                // The wallboard says nothing; reading keeps the connection's pings and close answered.
                for try await _ in inbound.messages(maxSize: 4096) {}
            } catch {
                logger.debug("floor socket ended", metadata: ["error": "\(error)"])
            }
            hub.floor.unwatch(watch)
            continuation.finish()
            hub.disconnect(connection)
            try await group.waitForAll()
        }
    }

    private func write(_ stream: AsyncStream<ChatOutbound>, watcher: LiveFloor.Watcher, to outbound: WebSocketOutboundWriter) async throws {
        watcher.looking()
        var sent = hub.floor.floor
        var board = sent.board(at: now())
        try await outbound.write(.text(Self.json(Snapshot(board: board, chats: sent.chats.values.sorted { $0.createdAt < $1.createdAt }))))
        var figures = hub.floor.figures
        if let figures { try await outbound.write(.text(Self.figuresFrame(figures.json))) }
        for await item in stream {
            switch item {
            case .floorChanged:
                watcher.looking()
                let floor = hub.floor.floor
                let fresh = floor.board(at: now())
                let (chats, ended) = floor.changes(since: sent)
                let boardChanged = !fresh.sameFigures(as: board)
                let agentsChanged = fresh.agents != board.agents
                if boardChanged || !chats.isEmpty || !ended.isEmpty {
                    let update = Update(
                        board: boardChanged ? Figures(fresh) : nil, agents: agentsChanged ? fresh.agents : nil, chats: chats, ended: ended
                    )
                    try await outbound.write(.text(Self.json(update)))
                }
                (sent, board) = (floor, boardChanged ? fresh : board)
                if let latest = hub.floor.figures, latest.version != figures?.version {
                    figures = latest
                    try await outbound.write(.text(Self.figuresFrame(latest.json)))
                }
            case .close(.sessionEnded):
                try await outbound.write(.text(ServerFrame.error("session_ended", "登录已失效，请重新登录").json()))
                try await outbound.close(.policyViolation, reason: "session ended")
                return
            case .close(.shuttingDown):
                try await outbound.close(.goingAway, reason: "server shutting down")
                return
            case .frame, .event, .sync, .storedMessage, .text:
                break
            }
        }
    }

    static func figuresFrame(_ json: String) -> String { #"{"type":"figures","figures":"# + json + "}" }

    static func json(_ value: some Encodable) -> String {
        (try? String(decoding: ServerFrame.encoder.encode(value), as: UTF8.self)) ?? #"{"type":"error","code":"internal"}"#
    }
}
