import Foundation
import KefuStore
import Logging
import ServiceLifecycle

/// The chat hub for several nodes on one PostgreSQL: events go to this node's connections at once and,
/// through NOTIFY, to the other nodes' connections.
///
/// A notification carries who should get the event and either the frame itself or, for a chat message,
/// only its conversation and seq: the receiving connection reads the message from the database, so a
/// 2,000-character message never meets NOTIFY's 8,000-byte limit and nothing is shown before it is stored.
/// If the listening connection drops, it reconnects; what was missed meanwhile reaches clients through
/// their usual resume (the writer fills any gap from the store at the next message or `subscribe`).
final class PostgresChatHub: ChatHub, Service {
    static let channel = "kefu_chat"

    struct Envelope: Codable {
        /// The node that published it: it delivered locally already.
        var node: String
        var customerId: String?
        var agentIds: [String]
        var conversationId: String?
        var seq: Int?
        var frame: String?
        var ending: SessionEnding?
    }

    let local = LocalChatHub()
    let node = UUID().uuidString
    let database: Database
    let logger: Logger
    private let outgoing: AsyncStream<String>
    private let outgoingContinuation: AsyncStream<String>.Continuation

    init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
        (outgoing, outgoingContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(65_536))
    }

    func connect(_ identity: ChatIdentity, _ outbound: AsyncStream<ChatOutbound>.Continuation) -> UUID { local.connect(identity, outbound) }
    func disconnect(_ id: UUID) { local.disconnect(id) }
    func connections(agentId: String) -> Int { local.connections(agentId: agentId) }

    func closeAll(_ reason: ClosingReason) { local.closeAll(reason) }
    func endHere(_ ending: SessionEnding) { local.end(ending) }
    var sessionsHeld: Set<String> { local.sessionsHeld }
    var connectionCount: Int { local.connectionCount }
    var closedCount: Int { local.closedCount }

    func end(_ ending: SessionEnding) {
        local.end(ending)
        var envelope = Envelope(node: node, agentIds: [])
        envelope.ending = ending
        guard let data = try? JSONEncoder().encode(envelope) else { return }
        outgoingContinuation.yield(String(decoding: data, as: UTF8.self))
    }

    func publish(_ event: ChatEvent) {
        local.publish(event)
        var envelope = Envelope(node: node, customerId: event.customerId, agentIds: event.agentIds, conversationId: event.conversationId)
        if let message = event.frame.message {
            envelope.conversationId = message.conversationId
            envelope.seq = message.seq
        } else {
            envelope.frame = event.frame.json()
        }
        guard let data = try? JSONEncoder().encode(envelope), data.count <= 7_900 else {
            logger.warning("chat event too large for NOTIFY; other nodes' clients catch up on resume", metadata: ["type": "\(event.frame.type)"])
            return
        }
        outgoingContinuation.yield(String(decoding: data, as: UTF8.self))
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.sendAll() }
                group.addTask { try await self.listenForever() }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// One sender, so this node's events reach the others in the order they happened.
    private func sendAll() async throws {
        for await payload in outgoing {
            do {
                try await database.notify(channel: Self.channel, payload: payload)
            } catch {
                logger.warning("chat NOTIFY failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func listenForever() async throws {
        while !Task.isCancelled {
            do {
                try await database.listen(on: Self.channel) { payload in self.receive(payload) }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("chat LISTEN dropped; reconnecting", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    private func receive(_ payload: String) {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(payload.utf8)), envelope.node != node else { return }
        if let ending = envelope.ending { return local.end(ending) }
        let item: ChatOutbound
        if let conversationId = envelope.conversationId, let seq = envelope.seq {
            item = .storedMessage(conversationId: conversationId, seq: seq)
        } else if let frame = envelope.frame {
            item = .text(frame)
        } else {
            return
        }
        local.deliver(item, customerId: envelope.customerId, agentIds: envelope.agentIds)
    }
}
