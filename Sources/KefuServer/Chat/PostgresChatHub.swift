import Foundation
import KefuCore
import KefuStore
import Logging
import ServiceLifecycle
import Synchronization

/// The chat hub for several nodes on one PostgreSQL: events go to this node's connections at once and,
/// through NOTIFY, to the other nodes' connections.
///
/// A notification carries who should get the event and either the frame itself or, for a chat message,
/// only its conversation and seq: the receiving connection reads the message from the database, so a
/// 2,000-character message never meets NOTIFY's 8,000-byte limit and nothing is shown before it is stored.
/// If the listening connection drops, it reconnects; what was missed meanwhile reaches clients through
/// their usual resume (the writer fills any gap from the store at the next message or `subscribe`).
///
/// Envelopes leave in batches: whatever was published while the last batch was on its way goes as one
/// statement (one round trip, one commit), packed into as few notifications as fit. One NOTIFY per event
/// managed about 300 a second, and a busier node's agents on another node fell seconds behind.
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
        /// A change of the live floor: every node's wallboard shows the whole centre.
        var floor: FloorChange?
    }

    let local = LocalChatHub()
    let node = UUID().uuidString
    let database: Database
    let logger: Logger
    /// Encoded envelopes not sent yet, and a wake-up for the sender when there are some.
    private let pending = Mutex<[String]>([])
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// Envelopes kept at most while the database is slow or gone; later ones are dropped (their clients
    /// catch up on resume).
    static let pendingLimit = 65_536
    /// What one notification may carry: PostgreSQL refuses payloads of 8,000 bytes or more.
    static let payloadLimit = 7_900

    init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// `type` names the event in a warning: never the frame itself, which may carry a customer's words.
    private func send(_ envelope: Envelope, type: String) {
        guard let data = try? JSONEncoder().encode(envelope), data.count <= Self.payloadLimit - 2 else {
            logger.warning("chat event too large for NOTIFY; other nodes' clients catch up on resume", metadata: ["type": "\(type)"])
            return
        }
        let kept = pending.withLock { pending -> Bool in
            guard pending.count < Self.pendingLimit else { return false }
            pending.append(String(decoding: data, as: UTF8.self))
            return true
        }
        if kept { wakeContinuation.yield() } else { logger.warning("chat NOTIFY backlog full; event dropped") }
    }

    func connect(_ identity: ChatIdentity, _ outbound: AsyncStream<ChatOutbound>.Continuation) -> UUID { local.connect(identity, outbound) }
    func disconnect(_ id: UUID) { local.disconnect(id) }
    func connections(agentId: String) -> Int { local.connections(agentId: agentId) }
    var floor: LiveFloor { local.floor }
    func watch(_ id: UUID, conversationId: String?) { local.watch(id, conversationId: conversationId) }

    func publish(_ change: FloorChange) {
        local.publish(change)
        var envelope = Envelope(node: node, agentIds: [])
        envelope.floor = change
        send(envelope, type: "floor")
    }

    func closeAll(_ reason: ClosingReason) { local.closeAll(reason) }
    func endHere(_ ending: SessionEnding) { local.end(ending) }
    var sessionsHeld: Set<String> { local.sessionsHeld }
    var connectionCount: Int { local.connectionCount }
    var closedCount: Int { local.closedCount }

    func end(_ ending: SessionEnding) {
        local.end(ending)
        var envelope = Envelope(node: node, agentIds: [])
        envelope.ending = ending
        send(envelope, type: "session ending")
    }

    func publish(_ event: ChatEvent) {
        local.publish(event)
        var envelope = Envelope(node: node, customerId: event.customerId, agentIds: event.agentIds, conversationId: event.conversationId)
        envelope.floor = event.floor
        if let message = event.frame.message {
            envelope.conversationId = message.conversationId
            envelope.seq = message.seq
        } else {
            envelope.frame = event.frame.json()
        }
        send(envelope, type: event.frame.type)
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
        for await _ in wake {
            let batch = pending.withLock { pending in
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            guard !batch.isEmpty else { continue }
            do {
                try await database.notify(channel: Self.channel, payloads: Self.pack(batch))
            } catch {
                logger.warning("chat NOTIFY failed", metadata: ["error": "\(error)", "events": "\(batch.count)"])
            }
        }
    }

    /// Envelopes, in order, as JSON arrays of at most `payloadLimit` bytes each.
    static func pack(_ envelopes: [String]) -> [String] {
        var payloads: [String] = []
        var current = ""
        for envelope in envelopes {
            if !current.isEmpty, current.utf8.count + envelope.utf8.count + 2 > payloadLimit {
                payloads.append("[" + current + "]")
                current = ""
            }
            current += current.isEmpty ? envelope : "," + envelope
        }
        if !current.isEmpty { payloads.append("[" + current + "]") }
        return payloads
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
        // One envelope alone is what a node of the version before sends, during a rolling upgrade.
        let data = Data(payload.utf8)
        guard let envelopes = (try? JSONDecoder().decode([Envelope].self, from: data)) ?? (try? JSONDecoder().decode(Envelope.self, from: data)).map({ [$0] }) else {
            logger.warning("chat notification not understood", metadata: ["bytes": "\(payload.utf8.count)"])
            return
        }
        for envelope in envelopes where envelope.node != node { receive(envelope) }
    }

    private func receive(_ envelope: Envelope) {
        if let ending = envelope.ending { return local.end(ending) }
        if let change = envelope.floor { local.floor.apply(change) }
        let item: ChatOutbound
        if let conversationId = envelope.conversationId, let seq = envelope.seq {
            item = .storedMessage(conversationId: conversationId, seq: seq)
        } else if let frame = envelope.frame {
            item = .text(frame)
        } else {
            return
        }
        local.deliver(item, customerId: envelope.customerId, agentIds: envelope.agentIds, conversationId: envelope.conversationId)
    }
}
