import Foundation
import KefuStore
import Logging
import ServiceLifecycle

/// The timed work every node runs once the start-up gate opens. Each job claims its rows under locks,
/// so several nodes may run them side by side.
func backgroundJobs(
    _ config: AppConfig, store: Store, chat: ChatDesk, brain: BotBrain, webhooks: WebhookDispatcher, after gate: StartupGate,
    now: @escaping @Sendable () -> Date, logger: Logger
) -> [any Service] {
    let floor = FloorKeeper(store: store, floor: chat.hub.floor, now: now)
    return [
        Periodic("chat sweep", every: config.chat.sweepInterval, after: gate, logger: logger) {
            try await chat.sweepIdle()
            try await chat.dispatch()
        },
        Periodic("chat sessions", every: config.chat.sessionRecheck, after: gate, logger: logger) {
            try await chat.closeEndedSessions()
        },
        Periodic("memory", every: .seconds(10), after: gate, logger: logger) { [memory = MemoryReturn(logger: logger)] in
            memory.tend(closedConnections: chat.hub.closedCount)
        },
        Periodic("agent desks", every: config.chat.deskHeartbeat, after: gate, logger: logger) {
            try await chat.tendDesks()
        },
        Periodic("ticket timers", every: config.tickets.timerInterval, after: gate, logger: logger) {
            for event in try await TicketDesk(store: store, now: now).fireDueTimers() {
                if event.kind.isBreach { CentreMetrics.slaBreached(event.kind) }
                logger.info("ticket timer fired", metadata: ["ticket": "\(event.ticketId)", "kind": "\(event.kind.rawValue)"])
            }
        },
        Periodic("review deadlines", every: config.tickets.timerInterval, after: gate, logger: logger) {
            for review in try await store.reviews.flagOverdue(now: now()) {
                logger.info("negative rating review overdue", metadata: ["review": "\(review.id)"])
            }
        },
        Periodic("webhook delivery", every: config.tickets.webhookInterval, after: gate, logger: logger) {
            _ = try await webhooks.deliverDue()
        },
        Periodic("billing", every: .seconds(3600), after: gate, runFirst: true, logger: logger) {
            try await BillingRun.run(store: store, now: now(), logger: logger)
        },
        Periodic("session sweep", every: .seconds(600), after: gate, logger: logger) {
            try await store.sessions.purgeExpired(now: now())
        },
        Periodic("hot topics", every: config.hotTopicsInterval, after: gate, logger: logger) {
            _ = try await HotTopicsDesk(store: store, brain: brain, now: now).index()
        },
        Periodic("live floor", every: .seconds(60), after: gate, runFirst: true, logger: logger) { [floor] in
            try await floor.reconcile()
        },
        Periodic("wallboard figures", every: .seconds(2), after: gate, logger: logger) { [floor] in
            try await floor.refreshFigures()
        },
        Periodic("bot knowledge", every: config.botReloadInterval, after: gate, logger: logger) {
            if try await brain.reloadIfChanged(from: store) {
                logger.info("retrained the bot", metadata: ["version": "\(brain.current.version)", "phrases": "\(brain.current.phrases)"])
            }
        },
    ]
}
