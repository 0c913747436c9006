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

    /// The floor at one version, with its board (computed once per version for every watcher) and which
    /// chats changed since the version a watcher last saw, or nil when that is not known any more (a
    /// reconcile replaced the floor, or the log was trimmed): the watcher then sends every chat.
    struct View: Sendable {
        let floor: Floor
        let version: Int
        let board: FloorBoard
        let changed: Set<String>?
    }

    private struct State {
        var floor = Floor()
        var watchers: [UUID: Watcher] = [:]
        /// Changes applied while a reconcile reads the database: applied again over what it read.
        var recorded: [FloorChange]?
        var figures: Figures?
        /// Moves with every change of the floor; `log` names the chat each change touched, in order,
        /// from just after `logStart`.
        var version = 0
        var log: [(version: Int, chat: String)] = []
        var logStart = 0
        var board: (version: Int, board: FloorBoard)?

        mutating func record(_ change: FloorChange) {
            version += 1
            switch change {
            case .chat(let chat, _): log.append((version, chat.id))
            case .message(let id, _, _, _, _): log.append((version, id))
            case .agent, .away: break
            }
            if log.count > LiveFloor.logLength {
                logStart = log[LiveFloor.logLength / 2].version
                log.removeFirst(LiveFloor.logLength / 2 + 1)
            }
        }

        mutating func replaced() {
            version += 1
            log.removeAll(keepingCapacity: true)
            logStart = version
        }

        func changed(since seen: Int) -> Set<String>? {
            guard seen >= logStart else { return nil }
            var ids = Set<String>()
            for entry in log.reversed() {
                if entry.version <= seen { break }
                ids.insert(entry.chat)
            }
            return ids
        }
    }

    /// Changes remembered for watchers behind: a wallboard more than this many changes behind sends everything.
    static let logLength = 20_000

    private let state = Mutex(State())

    /// The floor now, for a watcher that last saw `seen` (nil: it has seen nothing).
    func view(since seen: Int?, at now: Date) -> View {
        let (floor, version, cached, changed) = state.withLock { s in
            (s.floor, s.version, s.board.flatMap { $0.version == s.version ? $0.board : nil }, seen.flatMap { s.changed(since: $0) })
        }
        if let cached { return View(floor: floor, version: version, board: cached, changed: changed) }
        // Read once per version, outside the lock, and kept for the other watchers.
        let board = floor.board(at: now)
        state.withLock { s in if s.version == version { s.board = (version, board) } }
        return View(floor: floor, version: version, board: board, changed: changed)
    }

    var figures: Figures? { state.withLock { $0.figures } }
    var watcherCount: Int { state.withLock { $0.watchers.count } }
    /// Moves with every change of the floor: the figures job recomputes only after one.
    var version: Int { state.withLock { $0.version } }

    func apply(_ change: FloorChange) {
        let watchers = state.withLock { s in
            s.floor.apply(change)
            s.record(change)
            s.recorded?.append(change)
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
            s.replaced()
            return Array(s.watchers.values)
        }
        for watcher in watchers { watcher.wake() }
    }

    /// New figures, which the figures job has found to differ from the last (`WallboardFigures.sameFigures`).
    func publish(figures json: String) {
        let watchers = state.withLock { s -> [Watcher] in
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
