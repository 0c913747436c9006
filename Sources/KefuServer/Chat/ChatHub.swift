import Foundation
import KefuCore
import Synchronization

/// Who a live connection belongs to: the hub routes events by it, and ends it with its session.
struct ChatIdentity: Sendable, Hashable {
    var customerId: String?
    var agentId: String?
    var principalId: String
    var sessionTokenHash: String?
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
    /// The live floor changed: a wallboard's writer reads it (`LiveFloor.Watcher`).
    case floorChanged
    case close(ClosingReason)
}

/// Fans chat events out to live connections. The local hub serves one node; a hub that relays
/// through PostgreSQL LISTEN/NOTIFY implements the same protocol for several nodes.
protocol ChatHub: Sendable {
    func connect(_ identity: ChatIdentity, _ outbound: AsyncStream<ChatOutbound>.Continuation) -> UUID
    func disconnect(_ id: UUID)
    func publish(_ event: ChatEvent)
    /// The centre's live floor as this node knows it.
    var floor: LiveFloor { get }
    /// A change of the floor, for this node's floor and every other's.
    func publish(_ change: FloorChange)
    /// The chat a connection on this node watches (one at a time; nil stops): its events reach it as
    /// they reach the chat's agents, from every node.
    func watch(_ id: UUID, conversationId: String?)
    /// How many connections an agent has on this node.
    func connections(agentId: String) -> Int
    /// Closes the connections of ended sessions, on every node.
    func end(_ ending: SessionEnding)
    /// Closes the connections of ended sessions on this node only.
    func endHere(_ ending: SessionEnding)
    /// The sessions this node's connections stand on.
    var sessionsHeld: Set<String> { get }
    /// Closes every connection of this node.
    func closeAll(_ reason: ClosingReason)
    /// Open connections on this node.
    var connectionCount: Int { get }
    /// Connections closed on this node since it started.
    var closedCount: Int { get }
}

/// The in-process hub. Publishing only yields to each connection's stream: no socket is written
/// under the lock, and a slow client never holds up the others. Connections are indexed by customer,
/// agent, principal and session, so an event costs its recipients, not the number of open sockets.
final class LocalChatHub: ChatHub {
    private struct Entry {
        var identity: ChatIdentity
        var outbound: AsyncStream<ChatOutbound>.Continuation
    }

    private struct Connections {
        var entries: [UUID: Entry] = [:]
        var byCustomer: [String: Set<UUID>] = [:]
        var byAgent: [String: Set<UUID>] = [:]
        var byPrincipal: [String: Set<UUID>] = [:]
        var bySession: [String: Set<UUID>] = [:]
        /// Wallboards watching a chat: they get its events as its agents do.
        var byWatched: [String: Set<UUID>] = [:]
        var watching: [UUID: String] = [:]

        mutating func watch(_ id: UUID, _ conversationId: String?) {
            Self.drop(id, watching.removeValue(forKey: id), from: &byWatched)
            guard let conversationId, entries[id] != nil else { return }
            watching[id] = conversationId
            byWatched[conversationId, default: []].insert(id)
        }

        mutating func add(_ id: UUID, _ entry: Entry) {
            entries[id] = entry
            let who = entry.identity
            if let customer = who.customerId { byCustomer[customer, default: []].insert(id) }
            if let agent = who.agentId { byAgent[agent, default: []].insert(id) }
            byPrincipal[who.principalId, default: []].insert(id)
            if let session = who.sessionTokenHash { bySession[session, default: []].insert(id) }
        }

        mutating func remove(_ id: UUID) {
            guard let who = entries.removeValue(forKey: id)?.identity else { return }
            Self.drop(id, who.customerId, from: &byCustomer)
            Self.drop(id, who.agentId, from: &byAgent)
            Self.drop(id, who.principalId, from: &byPrincipal)
            Self.drop(id, who.sessionTokenHash, from: &bySession)
            Self.drop(id, watching.removeValue(forKey: id), from: &byWatched)
        }

        /// Takes a connection out of one index entry, and the entry with it when it is left empty.
        static func drop(_ id: UUID, _ key: String?, from index: inout [String: Set<UUID>]) {
            guard let key else { return }
            index[key]?.remove(id)
            if index[key]?.isEmpty == true { index.removeValue(forKey: key) }
        }

        func outbound(_ ids: some Sequence<UUID>) -> [AsyncStream<ChatOutbound>.Continuation] {
            ids.compactMap { entries[$0]?.outbound }
        }
    }

    private let connections = Mutex(Connections())
    private let closed = Atomic<Int>(0)
    let floor = LiveFloor()

    func publish(_ change: FloorChange) { floor.apply(change) }

    func connect(_ identity: ChatIdentity, _ outbound: AsyncStream<ChatOutbound>.Continuation) -> UUID {
        let id = UUID()
        connections.withLock { $0.add(id, Entry(identity: identity, outbound: outbound)) }
        return id
    }

    func disconnect(_ id: UUID) {
        connections.withLock { $0.remove(id) }
        closed.add(1, ordering: .relaxed)
    }

    func publish(_ event: ChatEvent) {
        if let change = event.floor { floor.apply(change) }
        deliver(.event(event), customerId: event.customerId, agentIds: event.agentIds, conversationId: event.conversationId)
    }

    func watch(_ id: UUID, conversationId: String?) { connections.withLock { $0.watch(id, conversationId) } }

    /// Hands `item` to the connections of the customer, of the agents and of those watching the chat.
    func deliver(_ item: ChatOutbound, customerId: String?, agentIds: [String], conversationId: String? = nil) {
        let targets = connections.withLock { c in
            var ids = customerId.flatMap { c.byCustomer[$0] } ?? []
            for agent in agentIds { ids.formUnion(c.byAgent[agent] ?? []) }
            if let conversationId { ids.formUnion(c.byWatched[conversationId] ?? []) }
            return c.outbound(ids)
        }
        for target in targets {
            // A client too slow to take 4,096 frames is cut off; it reconnects and resumes from its last seq.
            if case .dropped = target.yield(item) {
                target.finish()
            }
        }
    }

    func connections(agentId: String) -> Int {
        connections.withLock { $0.byAgent[agentId]?.count ?? 0 }
    }

    func end(_ ending: SessionEnding) {
        let targets = connections.withLock { c in
            switch ending {
            case .session(let hash): c.outbound(c.bySession[hash] ?? [])
            case .principal(let id): c.outbound(c.byPrincipal[id] ?? [])
            }
        }
        close(targets, .sessionEnded)
    }

    func endHere(_ ending: SessionEnding) { end(ending) }

    var sessionsHeld: Set<String> { connections.withLock { Set($0.bySession.keys) } }

    func closeAll(_ reason: ClosingReason) {
        close(connections.withLock { $0.entries.values.map(\.outbound) }, reason)
    }

    var connectionCount: Int { connections.withLock { $0.entries.count } }
    var closedCount: Int { closed.load(ordering: .relaxed) }

    private func close(_ targets: [AsyncStream<ChatOutbound>.Continuation], _ reason: ClosingReason) {
        for target in targets {
            // A full buffer means the writer is behind; finishing ends the connection all the same.
            if case .dropped = target.yield(.close(reason)) { target.finish() }
        }
    }
}
