import Foundation
import KefuCore
@testable import KefuStore
import SQLKit
import Synchronization
import Testing

/// Tickets, incidents, timers and the webhook outbox: run on SQLite always and on PostgreSQL when
/// `KEFU_TEST_POSTGRES_URL` is set, where the row locks and advisory locks are really contended.
@Suite struct TicketContractTests {
    @Test(arguments: TicketContract.allCases)
    func sqlite(_ contract: TicketContract) async throws {
        try await TestDatabases.with(.sqlite) { try await contract.run($0) }
    }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"), arguments: TicketContract.allCases)
    func postgres(_ contract: TicketContract) async throws {
        try await TestDatabases.with(.postgres) { try await contract.run($0) }
    }

    /// The scheduler's state is in the database: a timer due while the process was down fires after it
    /// comes back, once.
    @Test func timersSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-timers-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let id = try await Database.withDatabase(.sqliteFile(path: path), logger: TestDatabases.logger) { db in
            try await db.migrate()
            let store = Store(database: db)
            _ = try await StoreContract.loadDemo(store, customers: 20)
            return try await store.tickets.create(TicketContract.fault("cus-100002"), now: t0, audit: StoreContract.entry()).ticket.id
        }
        try await Database.withDatabase(.sqliteFile(path: path), logger: TestDatabases.logger) { db in
            let store = Store(database: db)
            let fired = try await store.tickets.fireDueTimers(now: t0.addingTimeInterval(5 * 3600))
            #expect(fired.map(\.kind) == [.responseWarning, .responseBreach] && fired.allSatisfy { $0.ticketId == id })
            #expect(try await store.tickets.fireDueTimers(now: t0.addingTimeInterval(5 * 3600)).isEmpty)
        }
    }
}

enum TicketContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case linksCustomerLineDeviceAndOutage
    case refusesAnotherCustomersLineAndStoresNothing
    case fiveFaultsInThirtyMinutesOpenOneIncident
    case concurrentFaultsOpenExactlyOneIncident
    case timersFireOnceAcrossConcurrentSchedulers
    case waitingForTheCustomerHoldsTheResolutionTimers
    case refusedTransitionsChangeNothing
    case webhookOutboxClaimsOnceAndRetries
    case foundByNumberOrByTheCustomersPhone
    case aNumberDrawnTwiceIsDrawnAgain

    var testDescription: String { rawValue }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let actor = TicketAction.Actor(kind: "staff", id: "staff-agent2")

    static func fault(_ customer: String, line: String? = nil, at: TicketAction.Actor = actor) -> TicketRepository.Draft {
        TicketRepository.Draft(
            type: .fault, title: "宽带断网",
            fields: ["symptom": "光猫 LOS 红灯", "stepsTaken": "已重启光猫", "resolutionStatus": "未解决"],
            customerId: customer, subscriptionId: line, actor: at
        )
    }

    /// Customers with a broadband line, grouped by district.
    static func broadbandByDistrict(_ data: DemoDataset) -> [String: [(customer: String, line: String)]] {
        let districts = Dictionary(uniqueKeysWithValues: data.customers.map { ($0.id, $0.district) })
        var result: [String: [(String, String)]] = [:]
        for line in data.subscriptions where line.kind == .broadband && line.status == .active {
            result[districts[line.customerId]!, default: []].append((line.customerId, line.id))
        }
        return result
    }

    func run(_ db: Database) async throws {
        let store = Store(database: db)
        let t0 = Self.t0
        switch self {
        case .linksCustomerLineDeviceAndOutage:
            let data = try await StoreContract.loadDemo(store)
            let view = try #require(try await store.customers.view360(id: "cus-100000"))
            let line = try #require(view.subscriptions.first { $0.kind == .broadband })
            let modem = try #require(view.devices.first { $0.subscriptionId == line.id })
            // No outage yet: a VIP's fault is P1 and goes to the broadband group.
            let first = try await store.tickets.create(Self.fault("cus-100000", line: line.id), now: t0, audit: StoreContract.entry())
            #expect(first.ticket.priority == .p1 && first.ticket.priorityReason == "VIP 客户" && first.ticket.outageId == nil)
            #expect(first.ticket.deviceId == modem.id && first.ticket.subscriptionId == line.id && first.ticket.group == .broadband)
            #expect(first.ticket.district == view.customer.district && first.ticket.number.hasPrefix("GD"))
            let timers = try await store.tickets.pendingTimers(ticketId: first.ticket.id)
            #expect(timers.first?.kind == .responseWarning && timers.first?.dueAt == t0.addingTimeInterval(0.8 * 3600))
            // Declared outage in the district: the next ticket links to it and is P0.
            let outage = Outage(
                id: "out-1", city: view.customer.city, district: view.customer.district, service: .broadband, title: "光缆被挖断",
                status: .active, source: .declared, startedAt: t0, eta: t0.addingTimeInterval(4 * 3600), resolvedAt: nil, createdBy: "admin"
            )
            _ = try await store.tickets.declareOutage(outage, now: t0, audit: StoreContract.entry())
            let second = try await store.tickets.create(Self.fault("cus-100000", line: line.id), now: t0.addingTimeInterval(60), audit: StoreContract.entry())
            #expect(second.ticket.outageId == "out-1" && second.ticket.priority == .p0 && second.incident == nil)
            let events = try await store.tickets.events(ticketId: second.ticket.id, includeInternal: true)
            #expect(events.map(\.kind) == [.created, .outageLinked])
            #expect(try await store.tickets.activeOutage(district: view.customer.district, service: .broadband)?.id == "out-1")
            #expect(try await store.tickets.outages(activeOnly: true).first?.ticketCount == 1)
            #expect(try await store.tickets.outage(id: "out-1")?.ticketCount == 1)
            #expect(try await store.tickets.outage(id: "out-none") == nil)
            _ = try await store.tickets.updateOutage(id: "out-1", eta: nil, resolve: true, now: t0.addingTimeInterval(7200), audit: StoreContract.entry())
            #expect(try await store.tickets.activeOutage(district: view.customer.district, service: .broadband) == nil)
            _ = data

        case .foundByNumberOrByTheCustomersPhone:
            _ = try await StoreContract.loadDemo(store)
            let mine = try await store.tickets.create(Self.fault("cus-100000"), now: t0, audit: StoreContract.entry()).ticket
            let theirs = try await store.tickets.create(Self.fault("cus-100001"), now: t0, audit: StoreContract.entry()).ticket
            let view = try #require(try await store.customers.view360(id: "cus-100000"))
            let line = try #require(view.subscriptions.first { $0.kind == .mobile })
            func found(_ q: String) async throws -> [String] {
                var filter = TicketRepository.Filter()
                filter.search = q
                return try await store.tickets.list(filter).map(\.id)
            }
            #expect(try await found(mine.number) == [mine.id])
            #expect(try await found(" " + theirs.number.lowercased()) == [theirs.id])
            #expect(try await found(view.customer.contactPhone) == [mine.id])
            #expect(try await found(line.number) == [mine.id])
            #expect(try await found("13900000000' OR 1=1 --").isEmpty)
            #expect(try await found("GD").isEmpty)

        case .aNumberDrawnTwiceIsDrawnAgain:
            // Six random characters a day collide at a few thousand tickets: the second draw is not stored twice.
            _ = try await StoreContract.loadDemo(store)
            let first = try await store.tickets.create(Self.fault("cus-100000"), now: t0, audit: StoreContract.entry()).ticket
            let draws = Mutex([first.number, first.number, "GD270115-FRESH1"])
            let number = try await db.transaction { sql in
                try await TicketRepository.freeNumber(t0, sql) { _ in draws.withLock { $0.removeFirst() } }
            }
            #expect(number == "GD270115-FRESH1" && draws.withLock(\.isEmpty))

        case .refusesAnotherCustomersLineAndStoresNothing:
            _ = try await StoreContract.loadDemo(store)
            let other = try #require(try await store.customers.view360(id: "cus-100001")?.subscriptions.first)
            await #expect(throws: TicketRepository.Failure.subscriptionNotCustomers) {
                try await store.tickets.create(Self.fault("cus-100000", line: other.id), now: t0, audit: StoreContract.entry())
            }
            await #expect(throws: TicketRepository.Failure.customerNotFound) {
                try await store.tickets.create(Self.fault("cus-999999"), now: t0, audit: StoreContract.entry())
            }
            var filter = TicketRepository.Filter()
            filter.limit = 10
            #expect(try await store.tickets.list(filter).isEmpty)
            let counts = try await db.read { db in
                (try await db.select().column("id").from("ticket_events").all().count, try await db.select().column("ticket_id").from("ticket_timers").all().count)
            }
            #expect(counts == (0, 0))

        case .fiveFaultsInThirtyMinutesOpenOneIncident:
            let data = try await StoreContract.loadDemo(store, customers: 200)
            let (district, lines) = try #require(Self.broadbandByDistrict(data).first { $0.value.count >= 8 })
            // Two faults an hour earlier are outside the window and stay unlinked.
            for (customer, line) in lines.prefix(2) {
                _ = try await store.tickets.create(Self.fault(customer, line: line), now: t0.addingTimeInterval(-3600), audit: StoreContract.entry())
            }
            var ids: [String] = []
            for (index, (customer, line)) in lines.dropFirst(2).prefix(5).enumerated() {
                let created = try await store.tickets.create(Self.fault(customer, line: line), now: t0.addingTimeInterval(Double(index) * 300), audit: StoreContract.entry())
                ids.append(created.ticket.id)
                #expect((created.incident != nil) == (index == 4), "ticket \(index + 1)")
                if index == 4 { #expect(created.ticket.priority == .p0 && created.ticket.outageId == created.incident?.id) }
            }
            let incident = try #require(try await store.tickets.activeOutage(district: district, service: .broadband))
            #expect(incident.source == .detected)
            var filter = TicketRepository.Filter()
            filter.outageId = incident.id
            let linked = try await store.tickets.list(filter)
            #expect(Set(linked.map(\.id)) == Set(ids) && linked.allSatisfy { $0.priority == .p0 })
            // Team leads hear of it.
            let leads = data.staff.map(\.user).filter { $0.role == .teamLead }
            #expect(!leads.isEmpty)
            for lead in leads {
                #expect(try await store.tickets.notifications(recipientId: lead.id).contains { $0.kind == "incident" && $0.outageId == incident.id })
            }
            // A later fault from the district joins the incident instead of counting towards another.
            let (customer, line) = lines[7]
            let later = try await store.tickets.create(Self.fault(customer, line: line), now: t0.addingTimeInterval(1800), audit: StoreContract.entry())
            #expect(later.ticket.outageId == incident.id && later.incident == nil)
            #expect(try await store.tickets.outages(activeOnly: false).count == 1)

        case .concurrentFaultsOpenExactlyOneIncident:
            let data = try await StoreContract.loadDemo(store, customers: 200)
            let (district, lines) = try #require(Self.broadbandByDistrict(data).first { $0.value.count >= 8 })
            let results = try await withThrowingTaskGroup(of: TicketRepository.Created.self) { group in
                for (customer, line) in lines.prefix(8) {
                    group.addTask { try await store.tickets.create(Self.fault(customer, line: line), now: t0, audit: StoreContract.entry()) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.compactMap(\.incident).count == 1)
            let outages = try await store.tickets.outages(activeOnly: true, district: district)
            #expect(outages.count == 1)
            var filter = TicketRepository.Filter()
            filter.outageId = outages.first?.id
            #expect(try await store.tickets.list(filter).count == 8)

        case .timersFireOnceAcrossConcurrentSchedulers:
            _ = try await StoreContract.loadDemo(store)
            var created: [String] = []
            for _ in 0..<3 {
                created.append(try await store.tickets.create(Self.fault("cus-100002"), now: t0, audit: StoreContract.entry()).ticket.id)
            }
            let due = t0.addingTimeInterval(5 * 3600)
            let fired = try await withThrowingTaskGroup(of: [TicketRepository.Fired].self) { group in
                for _ in 0..<6 { group.addTask { try await store.tickets.fireDueTimers(now: due, limit: 2) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            // Three tickets × (warning + breach), whichever scheduler took them; then nothing left.
            #expect(fired.count + (try await store.tickets.fireDueTimers(now: due)).count == 6)
            #expect(try await store.tickets.fireDueTimers(now: due).isEmpty)
            for id in created {
                let events = try await store.tickets.events(ticketId: id, includeInternal: true).map(\.kind)
                #expect(events == [.created, .slaWarning, .slaBreach])
                #expect(try await store.tickets.events(ticketId: id, includeInternal: false).map(\.kind) == [.created])
            }
            var breached = TicketRepository.Filter()
            breached.breachedOnly = true
            #expect(try await store.tickets.list(breached).count == 3)
            // Unassigned, so the leads are told of the breach.
            let lead = try #require(try await store.staff.credentials(username: "lead")).0
            #expect(try await store.tickets.notifications(recipientId: lead.id).filter { $0.kind == "sla_breach" }.count == 3)

        case .waitingForTheCustomerHoldsTheResolutionTimers:
            _ = try await StoreContract.loadDemo(store)
            let id = try await store.tickets.create(Self.fault("cus-100002"), now: t0, audit: StoreContract.entry()).ticket.id
            func act(_ action: TicketAction, _ offset: TimeInterval) async throws -> Ticket {
                try await store.tickets.apply(action, ticketId: id, actor: Self.actor, now: t0.addingTimeInterval(offset), audit: StoreContract.entry())
            }
            _ = try await act(.assign(to: "staff-agent2"), 60)
            _ = try await act(.move(to: .inProgress, note: nil), 600)
            #expect(try await store.tickets.pendingTimers(ticketId: id).map(\.kind) == [.resolutionWarning, .resolutionBreach])
            _ = try await act(.move(to: .waitingCustomer, note: "请客户在家时联系"), 3600)
            #expect(try await store.tickets.pendingTimers(ticketId: id).isEmpty)
            #expect(try await store.tickets.fireDueTimers(now: t0.addingTimeInterval(60 * 3600)).isEmpty)
            _ = try await act(.move(to: .inProgress, note: nil), 13 * 3600)
            let timers = try await store.tickets.pendingTimers(ticketId: id)
            #expect(timers.first { $0.kind == .resolutionBreach }?.dueAt == t0.addingTimeInterval(48 * 3600 + 12 * 3600))
            #expect(try await store.tickets.fireDueTimers(now: t0.addingTimeInterval(59 * 3600)).map(\.kind) == [.resolutionWarning])
            // Pausing again after the warning fired does not repeat it when the clock resumes.
            _ = try await act(.move(to: .waitingCustomer, note: nil), 59 * 3600)
            _ = try await act(.move(to: .inProgress, note: nil), 60 * 3600)
            #expect(try await store.tickets.pendingTimers(ticketId: id).map(\.kind) == [.resolutionBreach])

        case .refusedTransitionsChangeNothing:
            _ = try await StoreContract.loadDemo(store)
            let id = try await store.tickets.create(Self.fault("cus-100002"), now: t0, audit: StoreContract.entry()).ticket.id
            for action in [TicketAction.assign(to: "staff-agent2"), .move(to: .inProgress, note: nil), .move(to: .resolved, note: nil), .move(to: .closed, note: nil)] {
                _ = try await store.tickets.apply(action, ticketId: id, actor: Self.actor, now: t0.addingTimeInterval(100), audit: StoreContract.entry())
            }
            let closed = try #require(try await store.tickets.ticket(id: id))
            let history = try await store.tickets.events(ticketId: id, includeInternal: true)
            let audits = try await store.audit.search(.init(limit: 1000)).count
            await #expect(throws: TicketRepository.Failure.self) {
                try await store.tickets.apply(.move(to: .inProgress, note: nil), ticketId: id, actor: Self.actor, now: t0.addingTimeInterval(200), audit: StoreContract.entry())
            }
            await #expect(throws: TicketRepository.Failure.notFound) {
                try await store.tickets.apply(.comment(text: "x", internal: false), ticketId: "tk-none", actor: Self.actor, now: t0, audit: StoreContract.entry())
            }
            #expect(try await store.tickets.ticket(id: id) == closed)
            #expect(try await store.tickets.events(ticketId: id, includeInternal: true) == history)
            #expect(try await store.audit.search(.init(limit: 1000)).count == audits)

        case .webhookOutboxClaimsOnceAndRetries:
            _ = try await StoreContract.loadDemo(store)
            let subscription = WebhookSubscription(id: "whk-1", url: "http://127.0.0.1:9/hook", secret: "s3cret", events: ["ticket.created"], active: true, createdAt: t0)
            try await store.webhooks.create(subscription, createdBy: "admin", audit: StoreContract.entry())
            let ticket = try await store.tickets.create(Self.fault("cus-100002"), now: t0, audit: StoreContract.entry()).ticket
            // Not subscribed to comments: nothing for those.
            _ = try await store.tickets.apply(.comment(text: "已联系", internal: false), ticketId: ticket.id, actor: Self.actor, now: t0, audit: StoreContract.entry())
            let claims = try await withThrowingTaskGroup(of: [WebhookRepository.Pending].self) { group in
                for _ in 0..<4 { group.addTask { try await store.webhooks.claim(now: t0, lease: 60) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let claim = try #require(claims.first)
            #expect(claims.count == 1 && claim.attempt == 1 && claim.secret == "s3cret" && claim.eventType == "ticket.created")
            #expect(claim.payload.contains(ticket.id) && !claim.payload.contains("光猫"))
            #expect(try await store.webhooks.claim(now: t0.addingTimeInterval(30)).isEmpty)
            try await store.webhooks.record(claim, outcome: .init(statusCode: 500, error: "HTTP 500", duration: .milliseconds(3)), now: t0.addingTimeInterval(1), retryAfter: 10)
            #expect(try await store.webhooks.claim(now: t0.addingTimeInterval(5)).isEmpty)
            let retry = try #require(try await store.webhooks.claim(now: t0.addingTimeInterval(12)).first)
            #expect(retry.attempt == 2)
            try await store.webhooks.record(retry, outcome: .init(statusCode: 204, error: nil, duration: .milliseconds(2)), now: t0.addingTimeInterval(13), retryAfter: 20)
            let log = try await store.webhooks.deliveries(subscriptionId: "whk-1")
            #expect(log.count == 1 && log[0].status == "delivered" && log[0].attempts == 2 && log[0].lastStatusCode == 204)
            let attempts = try await db.read { try await $0.select().column("status_code").from("webhook_attempts").orderBy("at").all().map { try $0.decode(column: "status_code", as: Int?.self) } }
            #expect(attempts == [500, 204])
            // A receiver that never answers well gives up after the last attempt.
            _ = try await store.tickets.create(Self.fault("cus-100002"), now: t0.addingTimeInterval(100), audit: StoreContract.entry())
            var clock = t0.addingTimeInterval(100)
            for _ in 0..<WebhookEvent.maxAttempts {
                let pending = try #require(try await store.webhooks.claim(now: clock).first)
                try await store.webhooks.record(pending, outcome: .init(statusCode: nil, error: "unreachable", duration: .zero), now: clock, retryAfter: 1)
                clock = clock.addingTimeInterval(61)
            }
            #expect(try await store.webhooks.claim(now: clock.addingTimeInterval(99999)).isEmpty)
            #expect(try await store.webhooks.deliveries(subscriptionId: "whk-1").first?.status == "failed")
        }
    }
}
