import Foundation
import Synchronization

/// Who a live connection belongs to: the hub routes events by it.
struct ChatIdentity: Sendable, Hashable {
    var customerId: String?
    var agentId: String?
}

/// What a connection's writer works through, one item at a time, in order.
enum ChatOutbound: Sendable {
    case event(ChatEvent)
    case frame(ServerFrame)
    /// Send what the client has not seen of a conversation after `seq`.
    case sync(conversationId: String, after: Int)
    case close
}

/// Fans chat events out to live connections. The local hub serves one node; a hub that relays
/// through PostgreSQL LISTEN/NOTIFY implements the same protocol for several nodes.
protocol ChatHub: Sendable {
    func connect(_ identity: ChatIdentity, _ outbound: AsyncStream<ChatOutbound>.Continuation) -> UUID
    func disconnect(_ id: UUID)
    func publish(_ event: ChatEvent)
    /// How many connections an agent has on this node.
    func connections(agentId: String) -> Int
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
        let targets = entries.withLock { entries in
            entries.values.filter { entry in
                (event.customerId != nil && entry.identity.customerId == event.customerId)
                    || (entry.identity.agentId.map(event.agentIds.contains) ?? false)
            }.map(\.outbound)
        }
        for target in targets {
            // A client too slow to take 4,096 frames is cut off; it reconnects and resumes from its last seq.
            if case .dropped = target.yield(.event(event)) {
                target.finish()
            }
        }
    }

    func connections(agentId: String) -> Int {
        entries.withLock { $0.values.filter { $0.identity.agentId == agentId }.count }
    }
}
