import Foundation
import KefuCore
import SQLKit

/// Business processes over the CRM: recharge, value-added services, plan changes, opening numbers.
/// Each is one transaction together with its business order and audit entry.
public struct BusinessRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case noSuchCustomer
        case noSuchService
        case idempotencyKeyReused
        case noSuchQuote
        case quoteExpired
        case quoteAlreadyConfirmed
        case quoteStale
        case numberUnavailable
        case reservationNotHeld
        case tooManyNumbers(active: Int)
        case iccidInUse
    }

    // MARK: Recharge

    public struct Recharged: Sendable, Equatable {
        public var payment: Payment
        public var balanceFen: Int64
        /// Lines that came back from an arrears stop.
        public var resumed: [String]
        public var duplicate: Bool
    }

    /// Credits the customer once per idempotency key, settles their open bills when the balance allows,
    /// and resumes lines stopped for arrears when the balance is back to zero or more.
    public func recharge(
        customerId: String, amountFen: Int64, channel: Payment.Channel, idempotencyKey: String, now: Date, audit: AuditEntry
    ) async throws -> Recharged {
        let reference = "rch:" + idempotencyKey
        do {
            return try await database.transaction { db in
                if let existing = try await Self.payment(reference: reference, db) {
                    return try await Self.replay(existing, customerId: customerId, amountFen: amountFen, db)
                }
                guard let row = try await db.select().column("balance_fen").from("customers").where("id", .equal, customerId)
                    .lockingClause(SQLLockingClause.update).first()
                else { throw Failure.noSuchCustomer }
                var balance = try row.int64("balance_fen") + amountFen
                let payment = Payment(id: Rows.newID("pay"), customerId: customerId, amountFen: amountFen, channel: channel, paidAt: now, reference: reference)
                try await Rows.insert(
                    db, into: "payments", columns: ["id", "customer_id", "amount_fen", "channel", "paid_at", "reference"],
                    rows: [[payment.id, customerId, amountFen, channel.rawValue, now, reference]]
                )
                var resumed: [String] = []
                if balance >= 0 {
                    // Overdue bills already sit in the balance as arrears: back at zero, they are settled.
                    try await db.update("bills").set("status", to: Bill.Status.paid.rawValue).where("customer_id", .equal, customerId)
                        .where("status", .equal, Bill.Status.overdue.rawValue).run()
                    // Bills not yet due are paid from what is left, oldest first, while it suffices.
                    let open = try await db.select().columns("id", "total_fen").from("bills").where("customer_id", .equal, customerId)
                        .where("status", .equal, Bill.Status.unpaid.rawValue).orderBy("month").orderBy("id").all()
                    for bill in open {
                        let total = try bill.int64("total_fen")
                        guard balance >= total else { break }
                        balance -= total
                        try await db.update("bills").set("status", to: Bill.Status.paid.rawValue).where("id", .equal, try bill.text("id")).run()
                    }
                    let stopped = try await db.select().columns("id", "number", "status").from("subscriptions")
                        .where("customer_id", .equal, customerId).where("status", .equal, Subscription.Status.suspendedArrears.rawValue).all()
                    for line in stopped {
                        try await db.update("subscriptions").set("status", to: Subscription.Status.active.rawValue)
                            .where("id", .equal, try line.text("id")).run()
                        resumed.append(try line.text("number"))
                    }
                }
                try await db.update("customers").set("balance_fen", to: balance).where("id", .equal, customerId).run()
                try await Self.order(
                    db, customerId: customerId, subscriptionId: nil, kind: "recharge",
                    summary: "充值 \(Money.format(fen: amountFen))" + (resumed.isEmpty ? "" : "，复机 \(resumed.joined(separator: "、"))"),
                    channel: channel.rawValue, now: now
                )
                try await AuditRepository.append(audit, in: db)
                return Recharged(payment: payment, balanceFen: balance, resumed: resumed, duplicate: false)
            }
        } catch let error where !(error is Failure) {
            // Two requests with one key raced: the loser broke the unique reference. Answer with the winner's.
            guard let existing = try await database.read({ try await Self.payment(reference: reference, $0) }) else { throw error }
            return try await database.read { try await Self.replay(existing, customerId: customerId, amountFen: amountFen, $0) }
        }
    }

    static func payment(reference: String, _ db: any SQLDatabase) async throws -> Payment? {
        try await db.select().columns("*").from("payments").where("reference", .equal, reference).first().map(CustomerRepository.payment)
    }

    /// The stored answer to a repeated key; the same key with a different request is refused.
    static func replay(_ payment: Payment, customerId: String, amountFen: Int64, _ db: any SQLDatabase) async throws -> Recharged {
        guard payment.customerId == customerId, payment.amountFen == amountFen else { throw Failure.idempotencyKeyReused }
        let balance = try await db.select().column("balance_fen").from("customers").where("id", .equal, customerId).first()?.int64("balance_fen") ?? 0
        return Recharged(payment: payment, balanceFen: balance, resumed: [], duplicate: true)
    }

    static func order(
        _ db: any SQLDatabase, customerId: String, subscriptionId: String?, kind: String, summary: String, channel: String, now: Date
    ) async throws {
        try await Rows.insert(
            db, into: "business_orders",
            columns: ["id", "customer_id", "subscription_id", "kind", "status", "summary", "channel", "created_at"],
            rows: [[Rows.newID("ord"), customerId, subscriptionId, kind, "completed", summary, channel, now]]
        )
    }

    // MARK: Value-added services

    public func valueAddedServices(customerId: String) async throws -> [ValueAddedService] {
        try await database.read { db in
            let rows = try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("v")))
                .column(SQLColumn("number", table: "s"), as: "number")
                .from(SQLAlias(SQLIdentifier("value_added_services"), as: SQLIdentifier("v")))
                .join(SQLAlias(SQLIdentifier("subscriptions"), as: SQLIdentifier("s")), on: SQLColumn("subscription_id", table: "v"), .equal, SQLColumn("id", table: "s"))
                .where(SQLColumn("customer_id", table: "v"), .equal, SQLBind(customerId))
                .orderBy(SQLColumn("status", table: "v")).orderBy(SQLColumn("id", table: "v")).all()
            var services: [ValueAddedService] = []
            for row in rows {
                let subscriptionId = try row.text("subscription_id")
                let name = try row.text("name")
                // PostgreSQL sums BIGINT into NUMERIC: cast back so both dialects answer an integer.
                let charged = try await db.select().column(SQLRaw("CAST(COALESCE(SUM(i.amount_fen), 0) AS BIGINT)"), as: "total")
                    .from(SQLAlias(SQLIdentifier("bill_items"), as: SQLIdentifier("i")))
                    .join(SQLAlias(SQLIdentifier("bills"), as: SQLIdentifier("b")), on: SQLColumn("bill_id", table: "i"), .equal, SQLColumn("id", table: "b"))
                    .where(SQLColumn("subscription_id", table: "b"), .equal, SQLBind(subscriptionId))
                    .where(SQLColumn("kind", table: "i"), .equal, SQLBind(BillItem.Kind.valueAdded.rawValue))
                    .where(SQLColumn("description", table: "i"), .equal, SQLBind(name)).first()?.int64("total") ?? 0
                services.append(
                    ValueAddedService(
                        id: try row.text("id"), customerId: customerId, subscriptionId: subscriptionId, number: try row.text("number"),
                        name: name, monthlyFeeFen: try row.int64("monthly_fee_fen"), subscribedOn: try row.text("subscribed_on"),
                        status: try decodeEnum(ValueAddedService.Status.self, try row.text("status"), column: "status"),
                        cancelledAt: try row.decode(column: "cancelled_at", as: Date?.self), chargedFen: charged
                    )
                )
            }
            return services
        }
    }

    /// Ends the service at once; returns false when it was already cancelled.
    public func unsubscribe(customerId: String, serviceId: String, now: Date, audit: AuditEntry) async throws -> Bool {
        try await database.transaction { db in
            guard let row = try await db.select().columns("*").from("value_added_services").where("id", .equal, serviceId)
                .where("customer_id", .equal, customerId).lockingClause(SQLLockingClause.update).first()
            else { throw Failure.noSuchService }
            guard try row.text("status") == ValueAddedService.Status.active.rawValue else { return false }
            try await db.update("value_added_services").set("status", to: ValueAddedService.Status.cancelled.rawValue)
                .set("cancelled_at", to: now).where("id", .equal, serviceId).run()
            try await Self.order(
                db, customerId: customerId, subscriptionId: try row.text("subscription_id"), kind: "unsubscribe_vas",
                summary: "退订 \(try row.text("name"))", channel: "online", now: now
            )
            try await AuditRepository.append(audit, in: db)
            return true
        }
    }
}

extension BusinessRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .noSuchCustomer: .notFound("客户")
        case .noSuchService: .notFound("增值业务")
        case .idempotencyKeyReused: .conflict("该 Idempotency-Key 已用于另一笔充值")
        case .noSuchQuote: .notFound("报价")
        case .quoteExpired: KefuError(.gone, "quote_expired", "报价已过期，请重新获取报价")
        case .quoteAlreadyConfirmed: .conflict("该变更已确认过，不会重复办理")
        case .quoteStale: .conflict("号码的套餐已变化，该报价已失效，请重新获取报价")
        case .numberUnavailable: .conflict("该号码已被选走，请换一个号码")
        case .reservationNotHeld: .conflict("号码预占已失效，请重新选号")
        case .tooManyNumbers(let active): .unprocessable([AccountOpening.Problem.tooManyNumbers(active: active).message])
        case .iccidInUse: .conflict("该 SIM 卡已被使用")
        }
    }
}
