import Foundation
import KefuCore
import Synchronization

/// This node's copy of the centre's live floor, kept by the same changes that drive the chat (this
/// node's as they commit, the others' as their notifications arrive), so no wallboard update reads
/// the database. A periodic reconcile from the database mends what a lost notification left behind.
final class LiveFloor: Sendable {
    /// One open wallboard: told that something changed, once until it has looked.
    final class Watcher: Sendable {
        let outbound: AsyncStream<ChatOutbound>.Continuation
        private let pending = Atomic<Bool>(false)

        init(_ outbound: AsyncStream<ChatOutbound>.Continuation) { self.outbound = outbound }

        func wake() {
            guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
            outbound.yield(.floorChanged)
        }

        /// Called before the watcher reads the floor: a change after this wakes it again.
        func looking() { pending.store(false, ordering: .releasing) }
    }

    /// Today's figures as last computed, encoded once for every watcher.
    struct Figures: Sendable {
        var version: Int
        var json: String
    }

    private struct State {
        var floor = Floor()
        var watchers: [UUID: Watcher] = [:]
        /// Changes applied while a reconcile reads the database: applied again over what it read.
        var recorded: [FloorChange]?
        var figures: Figures?
        var changes = 0
    }

    private let state = Mutex(State())

    var floor: Floor { state.withLock { $0.floor } }
    var figures: Figures? { state.withLock { $0.figures } }
    var watcherCount: Int { state.withLock { $0.watchers.count } }
    /// Changes applied since the node started: the figures job recomputes only after some.
    var changeCount: Int { state.withLock { $0.changes } }

    func apply(_ change: FloorChange) {
        let watchers = state.withLock { s in
            s.floor.apply(change)
            s.recorded?.append(change)
            s.changes &+= 1
            return Array(s.watchers.values)
        }
        for watcher in watchers { watcher.wake() }
    }

    /// Replaces the floor with what the database says, keeping the changes that arrived while it was read.
    func reconcile(_ read: () async throws -> Floor) async throws {
        state.withLock { $0.recorded = [] }
        let fresh: Floor
        do {
            fresh = try await read()
        } catch {
            state.withLock { $0.recorded = nil }
            throw error
        }
        let watchers = state.withLock { s -> [Watcher] in
            var floor = fresh
            for change in s.recorded ?? [] { floor.apply(change) }
            s.recorded = nil
            guard floor != s.floor else { return [] }
            s.floor = floor
            return Array(s.watchers.values)
        }
        for watcher in watchers { watcher.wake() }
    }

    func publish(figures json: String) {
        let watchers = state.withLock { s -> [Watcher] in
            guard s.figures?.json != json else { return [] }
            s.figures = Figures(version: (s.figures?.version ?? 0) + 1, json: json)
            return Array(s.watchers.values)
        }
        for watcher in watchers { watcher.wake() }
    }

    func watch(_ outbound: AsyncStream<ChatOutbound>.Continuation) -> (UUID, Watcher) {
        let id = UUID()
        let watcher = Watcher(outbound)
        state.withLock { $0.watchers[id] = watcher }
        return (id, watcher)
    }

    func unwatch(_ id: UUID) {
        _ = state.withLock { $0.watchers.removeValue(forKey: id) }
    }
}
