import Foundation
import KefuCore
import SQLKit

/// The regional fault library and the incident detection that feeds it.
extension TicketRepository {
    public func declareOutage(_ outage: Outage, now: Date, audit: AuditEntry) async throws -> Outage {
        try await database.transaction { db in
            try await Self.lock("incident:\(outage.district):\(outage.service.rawValue)", db)
            try await Self.insert(outage, now: now, db)
            try await WebhookRepository.enqueue([WebhookEvent(id: Rows.newID("evt"), type: "outage.declared", occurredAt: now, outage: outage)], db)
            try await AuditRepository.append(audit, in: db)
            return outage
        }
    }

    /// Sets a new ETA, or marks the outage resolved; nil when there is no such outage.
    public func updateOutage(id: String, eta: Date?, resolve: Bool, now: Date, audit: AuditEntry) async throws -> Outage? {
        try await database.transaction { db in
            guard let row = try await db.select().columns("*").from("outages").where("id", .equal, id)
                .lockingClause(SQLLockingClause.update).first()
            else { return nil }
            var outage = try Self.outage(row)
            if let eta { outage.eta = eta }
            if resolve, outage.status == .active {
                outage.status = .resolved
                outage.resolvedAt = now
                try await WebhookRepository.enqueue([WebhookEvent(id: Rows.newID("evt"), type: "outage.resolved", occurredAt: now, outage: outage)], db)
            }
            try await db.update("outages").set("eta", to: outage.eta).set("status", to: outage.status.rawValue)
                .set("resolved_at", to: outage.resolvedAt).where("id", .equal, id).run()
            try await AuditRepository.append(audit, in: db)
            return outage
        }
    }

    public func outages(activeOnly: Bool, district: String? = nil) async throws -> [Outage] {
        try await database.read { db in
            let select = db.select().columns("*").from("outages")
            if activeOnly { select.where("status", .equal, Outage.Status.active.rawValue) }
            if let district { select.where("district", .equal, district) }
            var outages = try await select.orderBy("started_at", .descending).limit(200).all().map(Self.outage)
            let counts = try await db.select().column("outage_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("tickets").where("outage_id", .isNot, SQLLiteral.null).groupBy("outage_id").all()
                .reduce(into: [String: Int]()) { $0[try $1.text("outage_id")] = try $1.int("n") }
            for index in outages.indices { outages[index].ticketCount = counts[outages[index].id] ?? 0 }
            return outages
        }
    }

    /// One outage with the number of tickets linked to it.
    public func outage(id: String) async throws -> Outage? {
        try await database.read { db in
            guard var outage = try await db.select().columns("*").from("outages").where("id", .equal, id).first().map(Self.outage) else {
                return nil
            }
            outage.ticketCount = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("tickets")
                .where("outage_id", .equal, id).first()?.int("n") ?? 0
            return outage
        }
    }

    public func activeOutage(district: String, service: TicketService) async throws -> Outage? {
        try await database.read { db in try await Self.activeOutage(district: district, service: service, db) }
    }

    static func activeOutage(district: String, service: TicketService, _ db: any SQLDatabase) async throws -> Outage? {
        try await db.select().columns("*").from("outages").where("district", .equal, district).where("service", .equal, service.rawValue)
            .where("status", .equal, Outage.Status.active.rawValue).orderBy("started_at", .descending).first().map(outage)
    }

    /// Called with the district's lock held, after a broadband fault was stored: when the district's
    /// unlinked faults of the last 30 minutes reach the threshold, open a P0 incident, link them and
    /// tell the team leads.
    static func detectIncident(district: String, city: String, now: Date, _ db: any SQLDatabase) async throws -> Outage? {
        let since = now.addingTimeInterval(-IncidentDetection.window)
        let rows = try await db.select().columns("id", "created_at").from("tickets")
            .where("district", .equal, district).where("service", .equal, TicketService.broadband.rawValue).where("type", .equal, TicketType.fault.rawValue)
            .where("outage_id", .is, SQLLiteral.null).where("created_at", .greaterThanOrEqual, since)
            .where("status", .notIn, [TicketStatus.resolved.rawValue, TicketStatus.closed.rawValue]).all()
        guard IncidentDetection.isIncident(faultTimes: try rows.map { try $0.date("created_at") }, now: now) else { return nil }
        let outage = Outage(
            id: Rows.newID("out"), city: city, district: district, service: .broadband,
            title: "\(district)宽带区域性故障（30 分钟内 \(rows.count) 张故障单，系统自动识别）", status: .active, source: .detected,
            startedAt: now, eta: nil, resolvedAt: nil, createdBy: "system", ticketCount: rows.count
        )
        try await insert(outage, now: now, db)
        for row in rows {
            guard var ticket = try await ticket(try row.text("id"), db, forUpdate: true) else { continue }
            ticket.outageId = outage.id
            if !ticket.priorityOverridden { ticket.setPriority(.p0, reason: "区域性故障", overridden: false) }
            ticket.updatedAt = now
            try await update(ticket, db)
            try await record([outageEvent(ticket, outage, now)], of: ticket, db)
            try await reschedule(ticket, db)
        }
        try await WebhookRepository.enqueue([WebhookEvent(id: Rows.newID("evt"), type: "incident.opened", occurredAt: now, outage: outage)], db)
        try await notify([TicketNotices.forIncident(outage)], now: now, db)
        return outage
    }

    static func outageEvent(_ ticket: Ticket, _ outage: Outage, _ now: Date) -> TicketEvent {
        TicketEvent(
            id: Rows.newID("tev"), ticketId: ticket.id, at: now, actorKind: "system", actorId: "incident", kind: .outageLinked,
            toValue: outage.id, text: "已关联区域故障：\(outage.title)，优先级 \(ticket.priority.label)"
        )
    }

    static func insert(_ o: Outage, now: Date, _ db: any SQLDatabase) async throws {
        try await Rows.insert(
            db, into: "outages",
            columns: ["id", "city", "district", "service", "title", "status", "source", "started_at", "eta", "resolved_at", "created_by", "created_at"],
            rows: [[o.id, o.city, o.district, o.service.rawValue, o.title, o.status.rawValue, o.source.rawValue, o.startedAt, o.eta, o.resolvedAt, o.createdBy, now]]
        )
    }

    static func outage(_ row: any SQLRow) throws -> Outage {
        Outage(
            id: try row.text("id"), city: try row.text("city"), district: try row.text("district"), service: try decodeEnum(TicketService.self, try row.text("service"), column: "service"),
            title: try row.text("title"), status: try decodeEnum(Outage.Status.self, try row.text("status"), column: "status"),
            source: try decodeEnum(Outage.Source.self, try row.text("source"), column: "source"),
            startedAt: try row.date("started_at"), eta: try row.decode(column: "eta", as: Date?.self),
            resolvedAt: try row.decode(column: "resolved_at", as: Date?.self), createdBy: try row.text("created_by")
        )
    }

    // MARK: Notifications

    /// Stores what the rules said to tell, one row per recipient; the team leads are read once, and only
    /// when a notice is for them (`teamLeads` passes them in when a batch already read them).
    static func notify(_ notices: [TicketNotice], teamLeads known: [String]? = nil, now: Date, _ db: any SQLDatabase) async throws {
        guard !notices.isEmpty else { return }
        var leads: [String] = []
        if notices.contains(where: \.needsTeamLeads) {
            if let known { leads = known } else { leads = try await teamLeads(db) }
        }
        let rows: [[any Encodable & Sendable]] = notices.flatMap { notice in
            notice.recipients(teamLeads: leads).sorted().map {
                [Rows.newID("ntf"), $0, notice.kind, notice.text, notice.ticketId, notice.outageId, notice.reviewId, now]
            }
        }
        guard !rows.isEmpty else { return }
        try await Rows.insert(
            db, into: "notifications", columns: ["id", "recipient_id", "kind", "text", "ticket_id", "outage_id", "review_id", "created_at"], rows: rows
        )
    }

    /// A member of staff's notifications, newest first.
    public func notifications(recipientId: String, limit: Int = 50) async throws -> [StaffNotification] {
        try await database.read { db in
            try await db.select().columns("*").from("notifications").where("recipient_id", .equal, recipientId)
                .orderBy("created_at", .descending).limit(limit).all().map { row in
                    StaffNotification(
                        id: try row.text("id"), kind: try row.text("kind"), text: try row.text("text"),
                        ticketId: try row.optionalText("ticket_id"), outageId: try row.optionalText("outage_id"),
                        reviewId: try row.optionalText("review_id"), createdAt: try row.date("created_at"), read: try row.decode(column: "read_at", as: Date?.self) != nil
                    )
                }
        }
    }

    public func markNotificationsRead(recipientId: String, now: Date) async throws {
        try await database.transaction { db in
            try await db.update("notifications").set("read_at", to: now).where("recipient_id", .equal, recipientId)
                .where("read_at", .is, SQLLiteral.null).run()
        }
    }
}
