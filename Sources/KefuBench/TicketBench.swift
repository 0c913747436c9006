import Foundation
import KefuCore
import KefuStore
import Logging

/// Ticket creation (links, priority, incident check, timers, history, audit in one transaction) and the
/// scheduler firing due timers, on the database named by the argument (default: SQLite in memory).
func benchTickets(databaseURL: String?) async throws {
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let url = try databaseURL.map { try DatabaseURL(parsing: $0) } ?? .sqliteMemory
    try await Database.withDatabase(url, logger: logger) { db in
        try await db.migrate()
        let store = Store(database: db)
        var generator = DemoGenerator(customerCount: 500, asOf: CalendarDate(chinaTime: Date()))
        _ = try await DemoLoader(store: store).load(generator.generate(), hash: { "x\($0)" })
        let customers = try await store.customers.search(query: nil, limit: 500, after: nil)
        let lines = try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for customer in customers {
                group.addTask { (customer.id, try await store.customers.view360(id: customer.id)?.subscriptions.first?.id) }
            }
            return try await group.reduce(into: [String: String?]()) { $0[$1.0] = $1.1 }
        }
        let t0 = Date()
        var latencies: [Double] = []
        let count = 2000
        let started = ContinuousClock.now
        for n in 0..<count {
            let customer = customers[n % customers.count]
            let draft = TicketRepository.Draft(
                type: n % 4 == 0 ? .complaint : .fault, title: "压测工单 \(n)",
                fields: n % 4 == 0
                    ? ["subject": "服务", "details": "压测", "expectedOutcome": "回电"]
                    : ["symptom": "断网", "stepsTaken": "重启", "resolutionStatus": "未解决"],
                customerId: customer.id, subscriptionId: lines[customer.id] ?? nil, actor: .init(kind: "staff", id: "bench")
            )
            // Spread over a day so incidents stay rare, as in real traffic.
            let at = t0.addingTimeInterval(Double(n) * 43)
            let audit = AuditEntry(id: "aud-bench-\(n)", at: at, actorKind: "staff", actorId: "bench", action: "ticket.create", targetType: "customer", targetId: customer.id)
            let start = ContinuousClock.now
            _ = try await store.tickets.create(draft, now: at, audit: audit)
            latencies.append(milliseconds(ContinuousClock.now - start))
        }
        let total = ContinuousClock.now - started
        latencies.sort()
        print(String(format: "tickets create (%@): %d tickets, p50 %.2f ms, p99 %.2f ms, %.0f tickets/s", db.dialect.rawValue, count,
                     percentile(latencies, 0.5), percentile(latencies, 0.99), Double(count) / (milliseconds(total) / 1000)))
        // Everything due at once: how fast the scheduler works through a backlog (e.g. after an outage of the service).
        let fireStart = ContinuousClock.now
        var fired = 0
        while true {
            let batch = try await store.tickets.fireDueTimers(now: t0.addingTimeInterval(30 * 86400), limit: 200)
            if batch.isEmpty { break }
            fired += batch.count
        }
        let fireTime = milliseconds(ContinuousClock.now - fireStart)
        print(String(format: "ticket timers fired (%@): %d events in %.0f ms, %.0f events/s", db.dialect.rawValue, fired, fireTime, Double(fired) / (fireTime / 1000)))
    }
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}
