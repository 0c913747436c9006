import Foundation
import KefuStore
import Synchronization

/// The floor's two slower duties, run as periodic jobs: mending this node's copy from the database
/// (a notification from another node can be lost while LISTEN reconnects), and the figures of record,
/// computed once per node for all its wallboards and only while one is open.
final class FloorKeeper: Sendable {
    let store: Store
    let floor: LiveFloor
    let now: @Sendable () -> Date

    /// A change on the floor is reflected in the figures within this long; without changes, they are
    /// read again at `figuresAtMost` (tickets cross their SLA lines with time alone).
    static let figuresAfterChange: TimeInterval = 5
    static let figuresAtMost: TimeInterval = 60

    private struct Last {
        var figures: WallboardFigures?
        var changes = -1
        var at = Date.distantPast
    }

    private let last = Mutex(Last())

    init(store: Store, floor: LiveFloor, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.floor = floor
        self.now = now
    }

    func reconcile() async throws {
        try await floor.reconcile { [store, now] in try await store.chat.floor(now: now()) }
    }

    func refreshFigures() async throws {
        guard floor.watcherCount > 0 else { return }
        let instant = now()
        let changes = floor.version
        let earlier = last.withLock { last -> WallboardFigures?? in
            let age = instant.timeIntervalSince(last.at)
            let due = last.figures == nil || age >= Self.figuresAtMost || (changes != last.changes && age >= Self.figuresAfterChange)
            return due ? .some(last.figures) : nil
        }
        guard let earlier else { return }
        let fresh = try await WallboardFigures.compute(store: store, now: instant, earlier: earlier)
        last.withLock { $0 = Last(figures: fresh, changes: changes, at: instant) }
        if !fresh.sameFigures(as: earlier) { floor.publish(figures: fresh.json()) }
    }
}
