import Foundation
import KefuCore
import SQLKit

/// Customers and everything attached to them: the CRM.
public struct CustomerRepository: Sendable {
    let database: Database

    static let customerColumns = [
        "id", "name", "id_number", "contact_phone", "city", "district", "address", "vip_level", "tags", "balance_fen", "created_at",
    ]

    /// Stores the customer and the audit entry of the change together.
    public func create(_ customer: Customer, audit: AuditEntry) async throws {
        try await database.transaction { db in
            try await Self.insert(db, [customer])
            try await AuditRepository.append(audit, in: db)
        }
    }

    static func insert(_ db: any SQLDatabase, _ customers: [Customer]) async throws {
        try await Rows.insert(
            db, into: "customers", columns: customerColumns,
            rows: customers.map {
                [$0.id, $0.name, $0.idNumber, $0.contactPhone, $0.city, $0.district, $0.address, $0.vipLevel, Rows.json($0.tags), $0.balanceFen, $0.createdAt]
            }
        )
    }

    public func find(id: String) async throws -> Customer? {
        try await database.read { db in try await Self.customer(db, id: id) }
    }

    /// The city a district belongs to, as the customer records know it.
    public func city(ofDistrict district: String) async throws -> String? {
        try await database.read { db in
            try await db.select().column("city").from("customers").where("district", .equal, district).limit(1).first()?.text("city")
        }
    }

    /// The customer who holds `phone` as contact number or as a line.
    public func find(phone: String) async throws -> Customer? {
        try await database.read { db in
            var owner = try await db.select().column("id").from("customers").where("contact_phone", .equal, phone).first()
            if owner == nil {
                owner = try await db.select().column(SQLColumn("customer_id"), as: "id").from("subscriptions")
                    .where("number", .equal, phone).where("status", .notEqual, Subscription.Status.closed.rawValue).first()
            }
            guard let id = try owner?.text("id") else { return nil }
            return try await Self.customer(db, id: id)
        }
    }

    /// Customers matching `query` (exact phone or line number, exact ID number, or a name prefix), by id after `cursor`.
    public func search(query: String?, limit: Int, after cursor: String?) async throws -> [Customer] {
        try await database.read { db in
            let select = db.select().columns(Self.customerColumns.map { SQLIdentifier($0) }).from("customers")
            if let query, !query.isEmpty {
                select.where { group in
                    group.where("contact_phone", .equal, query)
                        .orWhere("id_number", .equal, query)
                        .orWhere(SQLQueryString("name LIKE \(bind: Self.likePrefix(query)) ESCAPE '\\'"))
                        .orWhere(SQLIdentifier("id"), .in, SQLGroupExpression(
                            db.select().column("customer_id").from("subscriptions").where("number", .equal, query).select
                        ))
                }
            }
            if let cursor { select.where("id", .greaterThan, cursor) }
            let rows = try await select.orderBy("id").limit(limit).all()
            var customers: [Customer] = []
            for row in rows {
                var customer = try Self.customer(row)
                customer.phones = try await Self.phones(db, customer: customer)
                customers.append(customer)
            }
            return customers
        }
    }

    /// A LIKE pattern that matches `text` literally at the start: % and _ typed by a user are not wildcards.
    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// Everything about one customer, in one read.
    public func view360(id: String) async throws -> Customer360? {
        try await database.read { db in
            guard let customer = try await Self.customer(db, id: id) else { return nil }
            let subscriptions = try await db.select().columns("*").from("subscriptions")
                .where("customer_id", .equal, id).orderBy("id").all().map(Self.subscription)
            let codes = Array(Set(subscriptions.map(\.packageCode))).sorted()
            let packages = codes.isEmpty ? [] : try await db.select().columns("*").from("packages")
                .where("code", .in, codes).orderBy("code").all().map(CatalogRepository.package)
            let billRows = try await db.select().columns("*").from("bills").where("customer_id", .equal, id)
                .orderBy("month", .descending).orderBy("subscription_id").limit(36).all()
            let billIDs = try billRows.map { try $0.text("id") }
            let itemRows = billIDs.isEmpty ? [] : try await db.select().columns("*").from("bill_items")
                .where("bill_id", .in, billIDs).orderBy("bill_id").orderBy("position").all()
            var items: [String: [BillItem]] = [:]
            for row in itemRows {
                items[try row.text("bill_id"), default: []].append(try Self.billItem(row))
            }
            let bills = try billRows.map { row in try Self.bill(row, items: items[try row.text("id")] ?? []) }
            let subscriptionIDs = subscriptions.map(\.id)
            let usage = subscriptionIDs.isEmpty ? [] : try await db.select().columns("*").from("usage_records")
                .where("subscription_id", .in, subscriptionIDs).orderBy("month", .descending).orderBy("subscription_id")
                .limit(120).all().map(Self.usageRecord)
            let payments = try await db.select().columns("*").from("payments").where("customer_id", .equal, id)
                .orderBy("paid_at", .descending).limit(24).all().map(Self.payment)
            let orders = try await db.select().columns("*").from("business_orders").where("customer_id", .equal, id)
                .orderBy("created_at", .descending).limit(50).all().map { row in
                    BusinessOrder(
                        id: try row.text("id"), customerId: try row.text("customer_id"),
                        subscriptionId: try row.optionalText("subscription_id"), kind: try row.text("kind"),
                        status: try row.text("status"), summary: try row.text("summary"), channel: try row.text("channel"),
                        createdAt: try row.date("created_at")
                    )
                }
            let devices = try await db.select().columns("*").from("devices").where("customer_id", .equal, id)
                .orderBy("id").all().map { row in
                    Device(
                        id: try row.text("id"), customerId: try row.text("customer_id"),
                        subscriptionId: try row.text("subscription_id"),
                        kind: try decodeEnum(Device.Kind.self, try row.text("kind"), column: "kind"), model: try row.text("model"),
                        serial: try row.text("serial"), status: try row.text("status"), installedOn: try row.text("installed_on")
                    )
                }
            return Customer360(
                customer: customer, subscriptions: subscriptions, packages: packages, bills: bills, usage: usage,
                payments: payments, orders: orders, devices: devices
            )
        }
    }

    /// One bill with its items, or nil.
    public func bill(id: String) async throws -> Bill? {
        try await database.read { db in
            guard let row = try await db.select().columns("*").from("bills").where("id", .equal, id).first() else { return nil }
            let items = try await db.select().columns("*").from("bill_items").where("bill_id", .equal, id)
                .orderBy("position").all().map(Self.billItem)
            return try Self.bill(row, items: items)
        }
    }

    static func usageRecord(_ row: any SQLRow) throws -> UsageRecord {
        UsageRecord(
            subscriptionId: try row.text("subscription_id"), month: try row.text("month"), dataMB: try row.int("data_mb"),
            voiceMinutes: try row.int("voice_minutes"), smsCount: try row.int("sms_count")
        )
    }

    static func payment(_ row: any SQLRow) throws -> Payment {
        Payment(
            id: try row.text("id"), customerId: try row.text("customer_id"), amountFen: try row.int64("amount_fen"),
            channel: try decodeEnum(Payment.Channel.self, try row.text("channel"), column: "channel"),
            paidAt: try row.date("paid_at"), reference: try row.text("reference")
        )
    }

    static func bill(_ row: any SQLRow, items: [BillItem]) throws -> Bill {
        Bill(
            id: try row.text("id"), customerId: try row.text("customer_id"), subscriptionId: try row.text("subscription_id"),
            month: try row.text("month"), totalFen: try row.int64("total_fen"),
            status: try decodeEnum(Bill.Status.self, try row.text("status"), column: "status"),
            dueOn: try row.text("due_on"), items: items
        )
    }

    static func billItem(_ row: any SQLRow) throws -> BillItem {
        BillItem(
            kind: try decodeEnum(BillItem.Kind.self, try row.text("kind"), column: "kind"),
            description: try row.text("description"), amountFen: try row.int64("amount_fen")
        )
    }

    static func customer(_ db: any SQLDatabase, id: String) async throws -> Customer? {
        guard let row = try await db.select().columns(customerColumns.map { SQLIdentifier($0) }).from("customers")
            .where("id", .equal, id).first()
        else { return nil }
        var customer = try customer(row)
        customer.phones = try await phones(db, customer: customer)
        return customer
    }

    static func phones(_ db: any SQLDatabase, customer: Customer) async throws -> [String] {
        let numbers = try await db.select().column("number").from("subscriptions")
            .where("customer_id", .equal, customer.id).where("kind", .equal, Subscription.Kind.mobile.rawValue)
            .orderBy("number").all().map { try $0.text("number") }
        return [customer.contactPhone] + numbers.filter { $0 != customer.contactPhone }
    }

    static func customer(_ row: any SQLRow) throws -> Customer {
        Customer(
            id: try row.text("id"), name: try row.text("name"), idNumber: try row.text("id_number"),
            contactPhone: try row.text("contact_phone"), city: try row.text("city"), district: try row.text("district"),
            address: try row.text("address"), vipLevel: try row.int("vip_level"), tags: Rows.strings(try row.text("tags")),
            balanceFen: try row.int64("balance_fen"), createdAt: try row.date("created_at")
        )
    }

    static func subscription(_ row: any SQLRow) throws -> Subscription {
        var contract: Contract?
        if let start = try row.optionalText("contract_starts_on"), let end = try row.optionalText("contract_ends_on") {
            contract = Contract(
                startsOn: start, endsOn: end,
                monthlyDiscountFen: try row.decode(column: "contract_monthly_discount_fen", as: Int64?.self) ?? 0,
                minimumPackageCode: try row.optionalText("contract_minimum_package_code") ?? ""
            )
        }
        var subscription = Subscription(
            id: try row.text("id"), customerId: try row.text("customer_id"), number: try row.text("number"),
            kind: try decodeEnum(Subscription.Kind.self, try row.text("kind"), column: "kind"),
            packageCode: try row.text("package_code"),
            status: try decodeEnum(Subscription.Status.self, try row.text("status"), column: "status"),
            openedOn: try row.text("opened_on"), contract: contract, bundleId: try row.optionalText("bundle_id")
        )
        subscription.pendingPackageCode = try row.optionalText("pending_package_code")
        subscription.pendingEffectiveOn = try row.optionalText("pending_effective_on")
        subscription.carryOverMB = try row.decode(column: "carry_over_mb", as: Int?.self)
        subscription.carryOverMonth = try row.optionalText("carry_over_month")
        return subscription
    }
}
