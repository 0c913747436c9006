import Foundation
import KefuCore
import SQLKit

/// Tickets: creation with its links and priority, every later change on the locked row, the history,
/// and the timers the scheduler fires. Each change stores its history, timers, webhook deliveries and
/// audit entry in the same transaction.
public struct TicketRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case customerNotFound
        /// The subscription is not the customer's (or does not exist).
        case subscriptionNotCustomers
        case notFound
        case refused(TicketAction.Refused)
    }

    /// What a caller gives to open a ticket; the store adds links, district, group and priority.
    public struct Draft: Sendable {
        public var type: TicketType
        public var title: String
        public var fields: [String: String]
        public var customerId: String
        public var subscriptionId: String?
        public var conversationId: String?
        public var intent: Intent?
        public var keywords: [String]
        public var summary: String?
        public var serviceDown: Bool
        public var priorityOverride: (priority: TicketPriority, reason: String)?
        public var actor: TicketAction.Actor

        public init(
            type: TicketType, title: String, fields: [String: String], customerId: String, subscriptionId: String? = nil,
            conversationId: String? = nil, intent: Intent? = nil, keywords: [String] = [], summary: String? = nil,
            serviceDown: Bool = false, priorityOverride: (priority: TicketPriority, reason: String)? = nil, actor: TicketAction.Actor
        ) {
            self.type = type
            self.title = title
            self.fields = fields
            self.customerId = customerId
            self.subscriptionId = subscriptionId
            self.conversationId = conversationId
            self.intent = intent
            self.keywords = keywords
            self.summary = summary
            self.serviceDown = serviceDown
            self.priorityOverride = priorityOverride
            self.actor = actor
        }
    }

    public struct Created: Sendable {
        public var ticket: Ticket
        /// The incident this ticket's arrival opened, if it completed a cluster.
        public var incident: Outage?
    }

    public struct Filter: Sendable {
        public var status: [TicketStatus] = []
        public var priority: TicketPriority?
        public var type: TicketType?
        public var group: SkillGroup?
        public var assigneeId: String?
        public var customerId: String?
        public var outageId: String?
        public var breachedOnly = false
        /// A ticket number (any case), or a phone: the customer's contact number or one of their lines.
        public var search: String?
        public var limit = 200

        public init() {}
    }

    public func create(_ draft: Draft, now: Date, audit: AuditEntry) async throws -> Created {
        try await database.transaction { db in
            guard let customer = try await CustomerRepository.customer(db, id: draft.customerId) else { throw Failure.customerNotFound }
            var subscription: Subscription?
            if let id = draft.subscriptionId {
                guard let row = try await db.select().columns("*").from("subscriptions").where("id", .equal, id)
                    .where("customer_id", .equal, customer.id).first()
                else { throw Failure.subscriptionNotCustomers }
                subscription = try CustomerRepository.subscription(row)
            }
            let service = TicketService(line: subscription?.kind)
            // One district's tickets are linked and counted one at a time, so two nodes cannot both open the incident.
            try await Self.lock("incident:\(customer.district):\(service.rawValue)", db)
            let device = try await subscription.asyncMap { line in
                try await db.select().column("id").from("devices").where("subscription_id", .equal, line.id).first()?.text("id")
            } ?? nil
            let outage = try await Self.activeOutage(district: customer.district, service: service, db)
            let computed = TicketPriority.computed(
                PriorityFacts(type: draft.type, linkedToOutage: outage != nil, serviceDown: draft.serviceDown, vip: customer.vipLevel > 0)
            )
            let priority = draft.priorityOverride?.priority ?? computed.priority
            var ticket = Ticket(
                id: Rows.newID("tk"), number: try await Self.freeNumber(now, db), type: draft.type, title: draft.title, fields: draft.fields,
                status: .new, priority: priority, priorityReason: draft.priorityOverride?.reason ?? computed.reason,
                priorityOverridden: draft.priorityOverride != nil,
                group: Ticket.group(type: draft.type, service: service, vip: customer.vipLevel > 0), assigneeId: nil,
                customerId: customer.id, subscriptionId: subscription?.id, deviceId: device, outageId: outage?.id,
                conversationId: draft.conversationId, intent: draft.intent, keywords: draft.keywords, summary: draft.summary,
                district: customer.district, service: service, serviceDown: draft.serviceDown, escalated: false, followUpDueAt: nil,
                response: SLAClock(startedAt: now, target: priority.responseTarget),
                resolution: SLAClock(startedAt: now, target: priority.resolutionTarget),
                createdBy: draft.actor.id, createdAt: now, updatedAt: now, resolvedAt: nil, closedAt: nil, reopenCount: 0
            )
            try await Self.insert(ticket, db)
            try await RepeatContacts.mark(
                customerId: customer.id, intent: draft.intent, at: now, exceptChat: draft.conversationId, exceptTicket: ticket.id, db
            )
            var events = [
                TicketEvent(
                    id: Rows.newID("tev"), ticketId: ticket.id, at: now, actorKind: draft.actor.kind, actorId: draft.actor.id,
                    kind: .created, toValue: ticket.priority.rawValue, text: "\(ticket.type.label)工单：\(ticket.priorityReason)"
                )
            ]
            if let outage {
                events.append(Self.outageEvent(ticket, outage, now))
            }
            try await Self.record(events, of: ticket, new: true, db)
            try await Self.reschedule(ticket, new: true, db)
            var incident: Outage?
            if outage == nil, draft.type == .fault, service == .broadband {
                incident = try await Self.detectIncident(district: customer.district, city: customer.city, now: now, db)
                if incident != nil, let linked = try await Self.ticket(ticket.id, db) { ticket = linked }
            }
            try await AuditRepository.append(audit, in: db)
            return Created(ticket: ticket, incident: incident)
        }
    }

    public func ticket(id: String) async throws -> Ticket? {
        try await database.read { db in try await Self.ticket(id, db) }
    }

    public func list(_ filter: Filter) async throws -> [Ticket] {
        try await database.read { db in
            let select = db.select().columns("*").from("tickets")
            if !filter.status.isEmpty { select.where("status", .in, filter.status.map(\.rawValue)) }
            if let priority = filter.priority { select.where("priority", .equal, priority.rawValue) }
            if let type = filter.type { select.where("type", .equal, type.rawValue) }
            if let group = filter.group { select.where("ticket_group", .equal, group.rawValue) }
            if let assignee = filter.assigneeId { select.where("assignee_id", .equal, assignee) }
            if let customer = filter.customerId { select.where("customer_id", .equal, customer) }
            if let outage = filter.outageId { select.where("outage_id", .equal, outage) }
            if filter.breachedOnly { select.where("breached", .equal, true) }
            if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
                select.where { group in
                    group.where("number", .equal, search.uppercased())
                        .orWhere(SQLIdentifier("customer_id"), .in, SQLGroupExpression(
                            db.select().column("id").from("customers").where("contact_phone", .equal, search).select
                        ))
                        .orWhere(SQLIdentifier("customer_id"), .in, SQLGroupExpression(
                            db.select().column("customer_id").from("subscriptions").where("number", .equal, search).select
                        ))
                }
            }
            return try await select.orderBy("priority").orderBy("created_at", .descending).limit(filter.limit).all().map(Self.ticket)
        }
    }

    /// The history, oldest first; customers get the lines that are not internal.
    public func events(ticketId: String, includeInternal: Bool) async throws -> [TicketEvent] {
        try await database.read { db in
            let select = db.select().columns("*").from("ticket_events").where("ticket_id", .equal, ticketId)
            if !includeInternal { select.where("internal", .equal, false) }
            return try await select.orderBy("position").orderBy("at").all().map(Self.event)
        }
    }

    /// Applies `action` to the locked row after `check` approves the ticket as it is now (who may act on it).
    public func apply(
        _ action: TicketAction, ticketId: String, actor: TicketAction.Actor, now: Date, audit: AuditEntry,
        check: @escaping @Sendable (Ticket) throws -> Void = { _ in }
    ) async throws -> Ticket {
        try await database.transaction { db in
            guard var ticket = try await Self.ticket(ticketId, db, forUpdate: true) else { throw Failure.notFound }
            try check(ticket)
            let events: [TicketEvent]
            do {
                events = try action.apply(to: &ticket, by: actor, at: now, newID: { Rows.newID("tev") })
            } catch let refused as TicketAction.Refused {
                throw Failure.refused(refused)
            }
            try await Self.update(ticket, db)
            try await Self.record(events, of: ticket, db)
            try await Self.reschedule(ticket, db)
            try await Self.notify(TicketNotices.forChange(events, on: ticket, by: actor), now: now, db)
            try await AuditRepository.append(audit, in: db)
            return ticket
        }
    }

    // MARK: Timers

    public struct Fired: Sendable, Equatable {
        public var ticketId: String
        public var kind: TicketTimer.Kind
    }

    /// Fires every timer that is due, each exactly once: the row is claimed under a lock that other nodes
    /// skip, marked fired, and its history, notifications and webhooks stored in the same transaction.
    public func fireDueTimers(now: Date, limit: Int = 100) async throws -> [Fired] {
        try await database.transaction { db in
            let due = try await db.select().columns("ticket_id", "timer_key", "kind", "due_at").from("ticket_timers")
                .where("fired_at", .is, SQLLiteral.null).where("due_at", .lessThanOrEqual, now)
                .orderBy("due_at").limit(limit).lockingClause(SkipLocked()).all()
            var fired: [Fired] = []
            // Read once for the whole batch: breaches and follow-ups of every ticket go to the same leads.
            let leads = due.isEmpty ? [] : try await Self.teamLeads(db)
            for row in due {
                let ticketId = try row.text("ticket_id")
                let kind = try decodeEnum(TicketTimer.Kind.self, try row.text("kind"), column: "kind")
                try await db.update("ticket_timers").set("fired_at", to: now)
                    .where("ticket_id", .equal, ticketId).where("timer_key", .equal, try row.text("timer_key")).run()
                guard let ticket = try await Self.ticket(ticketId, db) else { continue }
                // The history shows when the line was crossed, even when a scheduler catches up later.
                let event = TicketEvent(
                    id: Rows.newID("tev"), ticketId: ticketId, at: min(now, try row.date("due_at")), actorKind: "system", actorId: "scheduler",
                    kind: kind.eventKind, toValue: kind.rawValue, text: kind.label, isInternal: true
                )
                try await Self.record([event], of: ticket, db)
                if kind.isBreach { try await db.update("tickets").set("breached", to: true).where("id", .equal, ticketId).run() }
                try await Self.notify([TicketNotices.forTimer(kind, on: ticket)], teamLeads: leads, now: now, db)
                fired.append(Fired(ticketId: ticketId, kind: kind))
            }
            return fired
        }
    }

    /// Open tickets past the 80% warning of a running SLA clock whose breach has not come yet: the
    /// wallboard's "near breach". A clock paused or met has no unfired breach timer, so it is not counted.
    public func nearBreach(now: Date) async throws -> Int {
        try await database.readOne { db in
            try await db.raw("""
                SELECT COUNT(DISTINCT b.ticket_id) AS n FROM ticket_timers b
                JOIN ticket_timers w ON w.ticket_id = b.ticket_id AND w.timer_key = REPLACE(b.timer_key, '_breach', '_warning')
                WHERE b.fired_at IS NULL AND b.kind IN (\(binds: [TicketTimer.Kind.responseBreach.rawValue, TicketTimer.Kind.resolutionBreach.rawValue]))
                AND b.due_at > \(bind: now) AND w.due_at <= \(bind: now)
                """).first()?.int("n") ?? 0
        }
    }

    /// The next unfired timer, for tests and the scheduler's sleep.
    public func pendingTimers(ticketId: String) async throws -> [TicketTimer] {
        try await database.read { db in
            try await db.select().columns("kind", "due_at").from("ticket_timers").where("ticket_id", .equal, ticketId)
                .where("fired_at", .is, SQLLiteral.null).orderBy("due_at").all().map { row in
                    TicketTimer(kind: try decodeEnum(TicketTimer.Kind.self, try row.text("kind"), column: "kind"), dueAt: try row.date("due_at"))
                }
        }
    }

    // MARK: Rows

    static func values(_ t: Ticket) -> [(String, any Encodable & Sendable)] {
        [
            ("id", t.id), ("number", t.number), ("type", t.type.rawValue), ("title", t.title), ("fields", Rows.json(t.fields)),
            ("status", t.status.rawValue), ("priority", t.priority.rawValue), ("priority_reason", t.priorityReason),
            ("priority_overridden", t.priorityOverridden), ("ticket_group", t.group.rawValue), ("assignee_id", t.assigneeId),
            ("customer_id", t.customerId), ("subscription_id", t.subscriptionId), ("device_id", t.deviceId),
            ("outage_id", t.outageId), ("conversation_id", t.conversationId), ("intent", t.intent?.rawValue),
            ("keywords", Rows.json(t.keywords)), ("summary", t.summary), ("district", t.district), ("service", t.service.rawValue),
            ("service_down", t.serviceDown), ("escalated", t.escalated), ("follow_up_due_at", t.followUpDueAt),
            ("response_clock", Rows.json(t.response)), ("resolution_clock", Rows.json(t.resolution)),
            ("response_due_at", t.response.due()), ("resolution_due_at", t.resolution.due()),
            ("created_by", t.createdBy), ("created_at", t.createdAt), ("updated_at", t.updatedAt),
            ("resolved_at", t.resolvedAt), ("closed_at", t.closedAt), ("reopen_count", t.reopenCount),
        ]
    }

    static func insert(_ t: Ticket, _ db: any SQLDatabase) async throws {
        let pairs = values(t) + [("breached", false)]
        try await Rows.insert(db, into: "tickets", columns: pairs.map(\.0), rows: [pairs.map(\.1)])
    }

    static func update(_ t: Ticket, _ db: any SQLDatabase) async throws {
        try await Rows.update(db, "tickets", id: t.id, set: values(t).filter { $0.0 != "id" && $0.0 != "created_at" })
    }

    static func ticket(_ id: String, _ db: any SQLDatabase, forUpdate: Bool = false) async throws -> Ticket? {
        let select = db.select().columns("*").from("tickets").where("id", .equal, id)
        if forUpdate { select.lockingClause(SQLLockingClause.update) }
        return try await select.first().map(ticket)
    }

    static func ticket(_ row: any SQLRow) throws -> Ticket {
        Ticket(
            id: try row.text("id"), number: try row.text("number"),
            type: try decodeEnum(TicketType.self, try row.text("type"), column: "type"), title: try row.text("title"),
            fields: try Rows.decoded([String: String].self, from: try row.text("fields"), column: "fields"),
            status: try decodeEnum(TicketStatus.self, try row.text("status"), column: "status"),
            priority: try decodeEnum(TicketPriority.self, try row.text("priority"), column: "priority"),
            priorityReason: try row.text("priority_reason"), priorityOverridden: try row.bool("priority_overridden"),
            group: try decodeEnum(SkillGroup.self, try row.text("ticket_group"), column: "ticket_group"), assigneeId: try row.optionalText("assignee_id"),
            customerId: try row.text("customer_id"), subscriptionId: try row.optionalText("subscription_id"),
            deviceId: try row.optionalText("device_id"), outageId: try row.optionalText("outage_id"),
            conversationId: try row.optionalText("conversation_id"), intent: try row.optionalText("intent").flatMap(Intent.init(rawValue:)),
            keywords: Rows.strings(try row.text("keywords")), summary: try row.optionalText("summary"),
            district: try row.text("district"), service: try decodeEnum(TicketService.self, try row.text("service"), column: "service"), serviceDown: try row.bool("service_down"),
            escalated: try row.bool("escalated"), followUpDueAt: try row.decode(column: "follow_up_due_at", as: Date?.self),
            response: try Rows.decoded(SLAClock.self, from: try row.text("response_clock"), column: "response_clock"),
            resolution: try Rows.decoded(SLAClock.self, from: try row.text("resolution_clock"), column: "resolution_clock"),
            createdBy: try row.text("created_by"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            resolvedAt: try row.decode(column: "resolved_at", as: Date?.self), closedAt: try row.decode(column: "closed_at", as: Date?.self),
            reopenCount: try row.int("reopen_count")
        )
    }

    static func event(_ row: any SQLRow) throws -> TicketEvent {
        TicketEvent(
            id: try row.text("id"), ticketId: try row.text("ticket_id"), at: try row.date("at"),
            actorKind: try row.text("actor_kind"), actorId: try row.text("actor_id"),
            kind: try decodeEnum(TicketEvent.Kind.self, try row.text("kind"), column: "kind"),
            fromValue: try row.optionalText("from_value"), toValue: try row.optionalText("to_value"),
            text: try row.optionalText("text"), isInternal: try row.bool("internal")
        )
    }

    /// History lines and the webhook deliveries they announce.
    /// `new`: the ticket is being created in this transaction, so it has no history yet.
    static func record(_ events: [TicketEvent], of ticket: Ticket, new: Bool = false, _ db: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        // Lines written at the same instant keep the order they happened in.
        let base = new ? 0 : try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("ticket_events")
            .where("ticket_id", .equal, ticket.id).first()?.int("n") ?? 0
        try await Rows.insert(
            db, into: "ticket_events",
            columns: ["id", "ticket_id", "at", "actor_kind", "actor_id", "kind", "from_value", "to_value", "text", "internal", "position"],
            rows: events.enumerated().map { index, e in
                [e.id, e.ticketId, e.at, e.actorKind, e.actorId, e.kind.rawValue, e.fromValue, e.toValue, e.text, e.isInternal, base + index]
            }
        )
        try await WebhookRepository.enqueue(events.map { WebhookEvent(ticket: ticket, event: $0) }, db)
    }

    /// Replaces the unfired timers with the ones the ticket's clocks call for now. A kind that already
    /// fired in this cycle of the clock is not put back, so moving a due time never repeats an event.
    /// `new`: the ticket is being created in this transaction, so it has no timers yet.
    static func reschedule(_ t: Ticket, new: Bool = false, _ db: any SQLDatabase) async throws {
        var fired: Set<String> = []
        if !new {
            try await db.delete(from: "ticket_timers").where("ticket_id", .equal, t.id).where("fired_at", .is, SQLLiteral.null).run()
            fired = Set(
                try await db.select().column("timer_key").from("ticket_timers").where("ticket_id", .equal, t.id).all()
                    .map { try $0.text("timer_key") }
            )
        }
        let rows: [[any Encodable & Sendable]] = t.timers().compactMap { timer in
            let key = timerKey(timer, of: t)
            return fired.contains(key) ? nil : [t.id, key, timer.kind.rawValue, timer.dueAt]
        }
        try await Rows.insert(db, into: "ticket_timers", columns: ["ticket_id", "timer_key", "kind", "due_at"], rows: rows)
    }

    static func timerKey(_ timer: TicketTimer, of t: Ticket) -> String {
        switch timer.kind {
        case .responseWarning, .responseBreach: timer.kind.rawValue
        case .resolutionWarning, .resolutionBreach: "\(timer.kind.rawValue)#\(t.reopenCount)"
        case .followUpDue: "\(timer.kind.rawValue)#\(Int(timer.dueAt.timeIntervalSince1970))"
        }
    }

    /// GD + China date + six characters: readable on the phone, unique without a shared counter.
    static func number(_ now: Date) -> String {
        let day = CalendarDate(chinaTime: now)
        return "GD" + day.description.filter { $0 != "-" }.dropFirst(2) + "-" + RandomID.hex(6)
    }

    /// A number no ticket has: six random characters a day collide now and then (at 10,000 tickets a
    /// day a few times), and the loser must not fail. Locked by name first on PostgreSQL, so two
    /// transactions drawing the same number wait for each other and the second sees the first's row.
    static func freeNumber(
        _ now: Date, _ db: any SQLDatabase, draw: @Sendable (Date) -> String = { number($0) }
    ) async throws -> String {
        while true {
            let number = draw(now)
            try await lock("ticket-number:\(number)", db)
            let taken = try await db.raw("SELECT 1 AS one FROM tickets WHERE number = \(bind: number)").first() != nil
            if !taken { return number }
        }
    }

    /// A transaction-scoped lock on a name (PostgreSQL); SQLite's single writer already serialises.
    static func lock(_ name: String, _ db: any SQLDatabase) async throws {
        guard db.dialect.name == "postgresql" else { return }
        try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: name)))").run()
    }

    static func teamLeads(_ db: any SQLDatabase) async throws -> [String] {
        try await db.select().column("id").from("staff_users").where("role", .equal, Role.teamLead.rawValue)
            .where("disabled", .equal, false).all().map { try $0.text("id") }
    }
}

/// FOR UPDATE SKIP LOCKED where the database has row locks: each node takes rows no other node holds.
struct SkipLocked: SQLExpression {
    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.exclusiveSelectLockExpression != nil { serializer.write("FOR UPDATE SKIP LOCKED") }
    }
}

extension TicketRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .customerNotFound: .notFound("客户")
        case .subscriptionNotCustomers: .unprocessable(["subscriptionId：该号码不属于此客户"])
        case .notFound: .notFound("工单")
        case .refused(let refused): refused.kefuError
        }
    }
}
