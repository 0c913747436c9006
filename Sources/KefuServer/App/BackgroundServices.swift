import Foundation
import KefuCore
import KefuStore
import Logging
import ServiceLifecycle
import Synchronization

/// Opens once the schema is migrated and the demo data loaded: background work waits for it, so a
/// first pass never meets a missing table or closes a month before its lines exist.
final class StartupGate: Sendable {
    private let isOpen = Atomic<Bool>(false)

    func open() { isOpen.store(true, ordering: .releasing) }

    /// Returns once open; throws when the service is shut down first.
    func wait() async throws {
        while !isOpen.load(ordering: .acquiring) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Timed work on every node: runs `work` every `interval` after the gate opens, logs failures and keeps
/// going, and stops at graceful shutdown. What the work does must be safe when several nodes run it:
/// each one claims its rows under locks.
struct Periodic: Service {
    let name: String
    let interval: Duration
    let gate: StartupGate
    let runFirst: Bool
    let logger: Logger
    let work: @Sendable () async throws -> Void

    init(
        _ name: String, every interval: Duration, after gate: StartupGate, runFirst: Bool = false, logger: Logger,
        _ work: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.interval = interval
        self.gate = gate
        self.runFirst = runFirst
        self.logger = logger
        self.work = work
    }

    func run() async throws {
        guard (try? await cancelWhenGracefulShutdown({ try await gate.wait() })) != nil else { return }
        if runFirst { await pass() }
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: interval) })) != nil {
            await pass()
        }
    }

    private func pass() async {
        do {
            try await work()
        } catch {
            logger.warning("\(name) failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Closes the previous month once it has ended (on the 1st, China time, or at the first start after it)
/// and marks bills past their due date overdue. The month's settings row and the bills' status make
/// each happen once, whichever node gets there first.
enum BillingRun {
    static func run(store: Store, now: Date, logger: Logger) async throws {
        let today = CalendarDate(chinaTime: now)
        let run = try await store.business.closeMonth(today.firstOfMonth.addingMonths(-1), now: now)
        if run.ran {
            logger.info("closed billing month", metadata: ["month": "\(run.month)", "bills": "\(run.bills)", "changes": "\(run.changesApplied)"])
        }
        let stopped = try await store.business.markOverdue(today: today, now: now)
        if stopped > 0 { logger.info("stopped lines for arrears", metadata: ["lines": "\(stopped)"]) }
    }
}
