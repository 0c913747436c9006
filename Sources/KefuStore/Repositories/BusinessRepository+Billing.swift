import Foundation
import KefuCore
import SQLKit

extension BusinessRepository {
    public struct BillingRun: Sendable, Equatable {
        public var month: String
        public var bills: Int
        public var changesApplied: Int
        /// False when the month had been billed before: nothing was done twice.
        public var ran: Bool
    }

    /// Closes a month: bills every open line from its plan, usage, value-added services, contract discount
    /// and one-off charges (proration, penalties); pays the bills from the balance where it suffices (the
    /// rest are due on the 20th of the next month); then applies the plan changes due by the 1st. One
    /// transaction, recorded in settings, so a month is billed once even when several nodes or a restart
    /// try again.
    public func closeMonth(_ month: CalendarDate, now: Date) async throws -> BillingRun {
        let monthStart = month.firstOfMonth
        let key = "billing_closed:" + monthStart.monthKey
        return try await database.transaction { db in
            if try await db.select().column("value").from("settings").where("key", .equal, key).lockingClause(SQLLockingClause.update).first() != nil {
                return BillingRun(month: monthStart.monthKey, bills: 0, changesApplied: 0, ran: false)
            }
            try await db.insert(into: "settings").columns("key", "value").values(SQLBind(key), SQLBind(ISO8601DateFormatter().string(from: now))).run()

            let catalog = Dictionary(
                try await db.select().columns("*").from("packages").all().map(CatalogRepository.package).map { ($0.code, $0) },
                uniquingKeysWith: { first, _ in first }
            )
            let lines = try await db.select().columns("*").from("subscriptions")
                .where("status", .notEqual, Subscription.Status.closed.rawValue).orderBy("id").all().map(CustomerRepository.subscription)
            let billed = Set(try await db.select().column("subscription_id").from("bills").where("month", .equal, monthStart.monthKey).all()
                .map { try $0.text("subscription_id") })
            let monthUsage = try await db.select().columns("*").from("usage_records").where("month", .equal, monthStart.monthKey).all()
                .map(CustomerRepository.usageRecord)
            let usage = Dictionary(monthUsage.map { ($0.subscriptionId, $0) }, uniquingKeysWith: { first, _ in first })
            // One read each for the month's services and one-off charges, grouped by line, not one per line.
            let services = Dictionary(grouping: try await db.select().columns("subscription_id", "name", "monthly_fee_fen")
                .from("value_added_services").where("status", .equal, ValueAddedService.Status.active.rawValue).orderBy("id").all()
                .map { (try $0.text("subscription_id"), ValueAddedCharge(name: try $0.text("name"), monthlyFeeFen: try $0.int64("monthly_fee_fen"))) },
                by: \.0).mapValues { $0.map(\.1) }
            let charges = Dictionary(grouping: try await db.select().columns("subscription_id", "description", "amount_fen")
                .from("one_off_charges").where("bill_month", .equal, monthStart.monthKey).orderBy("created_at").orderBy("id").all()
                .map { (try $0.text("subscription_id"), BillItem(kind: .planFee, description: try $0.text("description"), amountFen: try $0.int64("amount_fen"))) },
                by: \.0).mapValues { $0.map(\.1) }
            var totals: [String: Int64] = [:]
            var bills = 0
            for line in lines where !billed.contains(line.id) && (line.bundleId == nil || line.bundleId == line.id) {
                guard var plan = catalog[line.packageCode] else { continue }
                // Data carried over by a plan change counts once, in the month it was carried into.
                let carries = line.carryOverMB != nil && line.carryOverMonth == monthStart.monthKey
                if carries, let carried = line.carryOverMB { plan.dataMB += carried }
                let used = usage[line.id] ?? UsageRecord(subscriptionId: line.id, month: monthStart.monthKey, dataMB: 0, voiceMinutes: 0, smsCount: 0)
                var items = BillCalculator.items(
                    package: plan, usage: used, valueAdded: services[line.id] ?? [], contract: line.contract, monthStart: monthStart
                )
                items += charges[line.id] ?? []
                let total = BillCalculator.total(items)
                // Random, so a bill's id says nothing about whose it is or which month.
                let billID = Rows.newID("bill")
                try await Rows.insert(
                    db, into: "bills", columns: ["id", "customer_id", "subscription_id", "month", "total_fen", "status", "due_on"],
                    rows: [[billID, line.customerId, line.id, monthStart.monthKey, total, Bill.Status.unpaid.rawValue, monthStart.addingMonths(1).addingDays(19).description]]
                )
                try await Rows.insert(
                    db, into: "bill_items", columns: ["bill_id", "position", "kind", "description", "amount_fen"],
                    rows: items.enumerated().map { [billID, $0.offset, $0.element.kind.rawValue, $0.element.description, $0.element.amountFen] }
                )
                totals[line.customerId, default: 0] += total
                bills += 1
                if carries {
                    try await db.update("subscriptions").set("carry_over_mb", to: SQLLiteral.null).set("carry_over_month", to: SQLLiteral.null)
                        .where("id", .equal, line.id).run()
                }
            }

            // A balance that covers the month pays it at once; otherwise the bills wait for their due date.
            for (customerId, total) in totals.sorted(by: { $0.key < $1.key }) {
                let balance = try await db.select().column("balance_fen").from("customers").where("id", .equal, customerId).first()?.int64("balance_fen") ?? 0
                guard balance >= total else { continue }
                try await db.update("customers").set("balance_fen", to: balance - total).where("id", .equal, customerId).run()
                try await db.update("bills").set("status", to: Bill.Status.paid.rawValue).where("customer_id", .equal, customerId)
                    .where("month", .equal, monthStart.monthKey).run()
            }

            // Changes due on the 1st of the next month take effect now, after this month is billed on the old plan.
            let next = monthStart.addingMonths(1).description
            let due = lines.filter { $0.pendingPackageCode != nil && ($0.pendingEffectiveOn ?? "9999") <= next }
            for line in due {
                try await db.update("subscriptions").set("package_code", to: line.pendingPackageCode)
                    .set("pending_package_code", to: SQLLiteral.null).set("pending_effective_on", to: SQLLiteral.null)
                    .where("id", .equal, line.id).run()
            }
            return BillingRun(month: monthStart.monthKey, bills: bills, changesApplied: due.count, ran: true)
        }
    }
}

extension BusinessRepository {
    /// Bills unpaid after their due date become overdue: the amount moves into the balance as arrears
    /// and the customer's mobile lines stop until a recharge brings the balance back to zero.
    /// Returns how many lines were stopped. The conditional update makes each bill count once.
    public func markOverdue(today: CalendarDate, now: Date) async throws -> Int {
        try await database.transaction { db in
            let late = try await db.select().columns("id", "customer_id", "total_fen").from("bills")
                .where("status", .equal, Bill.Status.unpaid.rawValue).where("due_on", .lessThan, today.description)
                .lockingClause(SQLLockingClause.update).all()
            var owed: [String: Int64] = [:]
            for bill in late {
                owed[try bill.text("customer_id"), default: 0] += try bill.int64("total_fen")
                try await db.update("bills").set("status", to: Bill.Status.overdue.rawValue).where("id", .equal, try bill.text("id")).run()
            }
            var stopped = 0
            for (customerId, amount) in owed.sorted(by: { $0.key < $1.key }) {
                let balance = (try await db.select().column("balance_fen").from("customers").where("id", .equal, customerId).first()?.int64("balance_fen") ?? 0) - amount
                try await db.update("customers").set("balance_fen", to: balance).where("id", .equal, customerId).run()
                guard balance < 0 else { continue }
                let lines = try await db.select().column("id").from("subscriptions").where("customer_id", .equal, customerId)
                    .where("kind", .equal, Subscription.Kind.mobile.rawValue).where("status", .equal, Subscription.Status.active.rawValue).all()
                stopped += lines.count
                try await db.update("subscriptions").set("status", to: Subscription.Status.suspendedArrears.rawValue)
                    .where("customer_id", .equal, customerId).where("kind", .equal, Subscription.Kind.mobile.rawValue)
                    .where("status", .equal, Subscription.Status.active.rawValue).run()
                try await Self.order(db, customerId: customerId, subscriptionId: nil, kind: "arrears_stop", summary: "欠费 \(Money.format(fen: -balance))，停机", channel: "system", now: now)
            }
            return stopped
        }
    }
}
