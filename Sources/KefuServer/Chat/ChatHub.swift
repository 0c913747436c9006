import Foundation
import Synchronization

/// Who a live connection belongs to: the hub routes events by it, and ends it with its session.
struct ChatIdentity: Sendable, Hashable {
    var customerId: String?
    var agentId: String?
    var principalId: String
    var sessionTokenHash: String?

    func ends(with ending: SessionEnding) -> Bool {
        switch ending {
        case .session(let hash): sessionTokenHash == hash
        case .principal(let id): principalId == id
        }
    }
}

/// Sessions that stopped being valid: a logout ends one, disabling an account ends all of its.
enum SessionEnding: Sendable, Codable, Equatable {
    case session(tokenHash: String)
    case principal(id: String)
}

/// Why the server closes a connection.
enum ClosingReason: Sendable {
    /// Logged out, disabled or expired: the client must log in again.
    case sessionEnded
    /// The server is stopping: the client reconnects, to another node or after the restart.
    case shuttingDown
}

/// What a connection's writer works through, one item at a time, in order.
enum ChatOutbound: Sendable {
    case event(ChatEvent)
    case frame(ServerFrame)
    /// Send what the client has not seen of a conversation after `seq`.
    case sync(conversationId: String, after: Int)
    /// A message stored on another node: read it (and anything missed before it) from the database.
    case storedMessage(conversationId: String, seq: Int)
    /// A frame already encoded, from another node.
    case text(String)
    case close(ClosingReason)
}

/// Fans chat events out to live connections. The local hub serves one node; a hub that relays
/// through PostgreSQL LISTEN/NOTIFY implements the same protocol for several nodes.
protocol ChatHub: Sendable {
    func connect(_ identity: ChatIdentity, _ outbound: AsyncStream<ChatOutbound>.Continuation) -> UUID
    func disconnect(_ id: UUID)
    func publish(_ event: ChatEvent)
    /// How many connections an agent has on this node.
    func connections(agentId: String) -> Int
    /// Closes the connections of ended sessions, on every node.
    func end(_ ending: SessionEnding)
    /// Closes every connection of this node.
    func closeAll(_ reason: ClosingReason)
    /// Open connections on this node.
    var connectionCount: Int { get }
}

/// The in-process hub. Publishing only yields to each connection's stream: no socket is written
/// under the lock, and a slow client never holds up the others.
final class LocalChatHub: ChatHub {
    private struct Entry {
        var identity: ChatIdentity
        var outbound: AsyncStream<ChatOutbound>.Continuation
    }

    private let entries = Mutex<[UUID: Entry]>([:])

    func connect(_ identity: ChatIdentity, _ outbound: AsyncStream<ChatOutbound>.Continuation) -> UUID {
        let id = UUID()
        entries.withLock { $0[id] = Entry(identity: identity, outbound: outbound) }
        return id
    }

    func disconnect(_ id: UUID) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    func publish(_ event: ChatEvent) {
        deliver(.event(event), customerId: event.customerId, agentIds: event.agentIds)
    }

    /// Hands `item` to the connections of the customer and of the agents.
    func deliver(_ item: ChatOutbound, customerId: String?, agentIds: [String]) {
        let targets = entries.withLock { entries in
            entries.values.filter { entry in
                (customerId != nil && entry.identity.customerId == customerId)
                    || (entry.identity.agentId.map(agentIds.contains) ?? false)
            }.map(\.outbound)
        }
        for target in targets {
            // A client too slow to take 4,096 frames is cut off; it reconnects and resumes from its last seq.
            if case .dropped = target.yield(item) {
                target.finish()
            }
        }
    }

    func connections(agentId: String) -> Int {
        entries.withLock { $0.values.filter { $0.identity.agentId == agentId }.count }
    }

    func end(_ ending: SessionEnding) {
        close(entries.withLock { $0.values.filter { $0.identity.ends(with: ending) }.map(\.outbound) }, .sessionEnded)
    }

    func closeAll(_ reason: ClosingReason) {
        close(entries.withLock { $0.values.map(\.outbound) }, reason)
    }

    var connectionCount: Int { entries.withLock { $0.count } }

    private func close(_ targets: [AsyncStream<ChatOutbound>.Continuation], _ reason: ClosingReason) {
        for target in targets {
            // A full buffer means the writer is behind; finishing ends the connection all the same.
            if case .dropped = target.yield(.close(reason)) { target.finish() }
        }
    }
}
