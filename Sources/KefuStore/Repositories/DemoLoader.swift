import Foundation
import KefuCore
import SQLKit

/// Writes the demo dataset in one transaction, once per database.
public struct DemoLoader: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    public struct Summary: Sendable, Equatable {
        public var customers: Int
        public var subscriptions: Int
        public var bills: Int
        public var usage: Int
    }

    public func isLoaded() async throws -> Bool {
        try await store.database.read { db in
            try await db.select().column("value").from("settings").where("key", .equal, "demo_loaded").first() != nil
        }
    }

    /// Loads the data unless it is already there; `hash` turns a demo password into a stored hash.
    /// Returns nil when the demo data was already loaded.
    public func load(_ data: DemoDataset, hash: @Sendable (String) async throws -> String) async throws -> Summary? {
        var staff: [(StaffUser, String)] = []
        for member in data.staff { staff.append((member.user, try await hash(member.password))) }
        let hashedStaff = staff
        return try await store.database.transaction { db in
            if try await db.select().column("value").from("settings").where("key", .equal, "demo_loaded").first() != nil {
                return nil
            }
            let existing = Set(try await db.select().column("username").from("staff_users").all().map { try $0.text("username") })
            try await StaffRepository.insert(db, hashedStaff.filter { !existing.contains($0.0.username) })
            let codes = Set(try await db.select().column("code").from("packages").all().map { try $0.text("code") })
            try await CatalogRepository.insert(db, data.packages.filter { !codes.contains($0.code) })
            try await CustomerRepository.insert(db, data.customers)
            try await Rows.insert(
                db, into: "subscriptions",
                columns: [
                    "id", "customer_id", "number", "kind", "package_code", "status", "opened_on", "contract_starts_on",
                    "contract_ends_on", "contract_monthly_discount_fen", "contract_minimum_package_code", "bundle_id",
                ],
                rows: data.subscriptions.map {
                    [
                        $0.id, $0.customerId, $0.number, $0.kind.rawValue, $0.packageCode, $0.status.rawValue, $0.openedOn,
                        $0.contract?.startsOn, $0.contract?.endsOn, $0.contract?.monthlyDiscountFen,
                        $0.contract?.minimumPackageCode, $0.bundleId,
                    ]
                }
            )
            try await Rows.insert(
                db, into: "usage_records", columns: ["subscription_id", "month", "data_mb", "voice_minutes", "sms_count"],
                rows: data.usage.map { [$0.subscriptionId, $0.month, $0.dataMB, $0.voiceMinutes, $0.smsCount] }
            )
            try await Rows.insert(
                db, into: "bills", columns: ["id", "customer_id", "subscription_id", "month", "total_fen", "status", "due_on"],
                rows: data.bills.map { [$0.id, $0.customerId, $0.subscriptionId, $0.month, $0.totalFen, $0.status.rawValue, $0.dueOn] }
            )
            try await Rows.insert(
                db, into: "bill_items", columns: ["bill_id", "position", "kind", "description", "amount_fen"],
                rows: data.bills.flatMap { bill in
                    bill.items.enumerated().map { [bill.id, $0.offset, $0.element.kind.rawValue, $0.element.description, $0.element.amountFen] }
                }
            )
            try await Rows.insert(
                db, into: "payments", columns: ["id", "customer_id", "amount_fen", "channel", "paid_at", "reference"],
                rows: data.payments.map { [$0.id, $0.customerId, $0.amountFen, $0.channel.rawValue, $0.paidAt, $0.reference] }
            )
            try await Rows.insert(
                db, into: "business_orders",
                columns: ["id", "customer_id", "subscription_id", "kind", "status", "summary", "channel", "created_at"],
                rows: data.orders.map { [$0.id, $0.customerId, $0.subscriptionId, $0.kind, $0.status, $0.summary, $0.channel, $0.createdAt] }
            )
            try await Rows.insert(
                db, into: "devices",
                columns: ["id", "customer_id", "subscription_id", "kind", "model", "serial", "status", "installed_on"],
                rows: data.devices.map { [$0.id, $0.customerId, $0.subscriptionId, $0.kind.rawValue, $0.model, $0.serial, $0.status, $0.installedOn] }
            )
            let now = Date()
            try await Rows.insert(
                db, into: "value_added_services",
                columns: ["id", "customer_id", "subscription_id", "name", "monthly_fee_fen", "subscribed_on", "status"],
                rows: data.valueAddedServices.map { [$0.id, $0.customerId, $0.subscriptionId, $0.name, $0.monthlyFeeFen, $0.subscribedOn, $0.status.rawValue] }
            )
            try await Rows.insert(
                db, into: "number_pool", columns: ["number", "city", "status"],
                rows: data.numberPool.map { [$0.number, $0.city, "available"] }
            )
            try await Rows.insert(
                db, into: "forbidden_words", columns: ["id", "word", "suggestion", "created_at"],
                rows: data.forbiddenWords.map { [$0.id, $0.word, $0.suggestion, now] }
            )
            try await Rows.insert(
                db, into: "quick_replies", columns: ["id", "owner_id", "shortcode", "text", "created_at"],
                rows: data.teamReplies.map { [$0.id, $0.ownerId, $0.shortcode, $0.text, now] }
            )
            try await db.insert(into: "settings").columns("key", "value")
                .values(SQLBind("demo_loaded"), SQLBind(ISO8601DateFormatter().string(from: Date()))).run()
            return Summary(customers: data.customers.count, subscriptions: data.subscriptions.count, bills: data.bills.count, usage: data.usage.count)
        }
    }
}
