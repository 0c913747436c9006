import Foundation
import KefuCore
import SQLKit

extension BusinessRepository {
    /// A quote as stored: confirmed once, within its validity, and only while the line is still on the plan it was made for.
    public struct StoredQuote: Codable, Sendable, Equatable {
        public var id: String
        public var customerId: String
        public var subscriptionId: String
        public var timing: PlanChange.Timing
        public var quote: PlanChange.Quote
        public var expiresAt: Date

        public init(id: String, customerId: String, subscriptionId: String, timing: PlanChange.Timing, quote: PlanChange.Quote, expiresAt: Date) {
            self.id = id
            self.customerId = customerId
            self.subscriptionId = subscriptionId
            self.timing = timing
            self.quote = quote
            self.expiresAt = expiresAt
        }
    }

    public func saveQuote(_ stored: StoredQuote, now: Date) async throws {
        let json = String(decoding: try JSONEncoder().encode(stored.quote), as: UTF8.self)
        try await database.transaction { db in
            try await Rows.insert(
                db, into: "plan_quotes",
                columns: ["id", "customer_id", "subscription_id", "from_package", "to_package", "timing", "quote", "created_at", "expires_at"],
                rows: [[stored.id, stored.customerId, stored.subscriptionId, stored.quote.fromPackage, stored.quote.toPackage, stored.timing.rawValue, json, now, stored.expiresAt]]
            )
        }
    }

    /// Applies a quoted change: at once (new plan, prorated charge and any penalty on the next bill)
    /// or as a pending change from the 1st of next month; unused data is carried over once.
    public func confirmQuote(id: String, customerId: String, now: Date, audit: AuditEntry) async throws -> StoredQuote {
        try await database.transaction { db in
            guard let row = try await db.select().columns("*").from("plan_quotes").where("id", .equal, id)
                .where("customer_id", .equal, customerId).lockingClause(SQLLockingClause.update).first()
            else { throw Failure.noSuchQuote }
            guard try row.decode(column: "confirmed_at", as: Date?.self) == nil else { throw Failure.quoteAlreadyConfirmed }
            guard try row.date("expires_at") > now else { throw Failure.quoteExpired }
            let quote = try JSONDecoder().decode(PlanChange.Quote.self, from: Data(try row.text("quote").utf8))
            let timing = try decodeEnum(PlanChange.Timing.self, try row.text("timing"), column: "timing")
            let subscriptionId = try row.text("subscription_id")
            guard let line = try await db.select().columns("*").from("subscriptions").where("id", .equal, subscriptionId)
                .lockingClause(SQLLockingClause.update).first(),
                try line.text("package_code") == quote.fromPackage, try line.optionalText("pending_package_code") == nil
            else { throw Failure.quoteStale }

            let effective = CalendarDate(iso: quote.effectiveOn)!
            // Charges and carried data belong to the month after the change is made.
            let nextMonth = effective.firstOfMonth.addingMonths(timing == .immediately ? 1 : 0).monthKey
            let billMonth = CalendarDate(chinaTime: now).firstOfMonth.monthKey
            let update = db.update("subscriptions")
                .set("carry_over_mb", to: quote.carryOverMB > 0 ? quote.carryOverMB : nil)
                .set("carry_over_month", to: quote.carryOverMB > 0 ? nextMonth : nil)
            if timing == .immediately && quote.upgrade {
                update.set("package_code", to: quote.toPackage)
            } else {
                update.set("pending_package_code", to: quote.toPackage).set("pending_effective_on", to: quote.effectiveOn)
            }
            try await update.where("id", .equal, subscriptionId).run()
            for (description, amount) in [("套餐变更补差价", quote.proratedChargeFen), ("合约违约金", quote.penaltyFen)] where amount > 0 {
                try await Rows.insert(
                    db, into: "one_off_charges",
                    columns: ["id", "customer_id", "subscription_id", "description", "amount_fen", "bill_month", "created_at"],
                    rows: [[Rows.newID("chg"), customerId, subscriptionId, description, amount, billMonth, now]]
                )
            }
            try await db.update("plan_quotes").set("confirmed_at", to: now).where("id", .equal, id).run()
            let named = try await Self.packageNames([quote.fromPackage, quote.toPackage], db)
            try await Self.order(
                db, customerId: customerId, subscriptionId: subscriptionId, kind: "change_plan",
                summary: "套餐变更 \(named(quote.fromPackage)) → \(named(quote.toPackage))，\(quote.effectiveOn) 生效", channel: "online", now: now
            )
            try await AuditRepository.append(audit, in: db)
            return StoredQuote(
                id: id, customerId: customerId, subscriptionId: subscriptionId, timing: timing, quote: quote,
                expiresAt: try row.date("expires_at")
            )
        }
    }

    /// Charges waiting for a line's next bill (proration, penalties).
    public func pendingCharges(subscriptionId: String) async throws -> [BillItem] {
        try await database.read { db in
            try await db.select().columns("*").from("one_off_charges").where("subscription_id", .equal, subscriptionId)
                .orderBy("created_at").all().map { row in
                    BillItem(kind: .planFee, description: try row.text("description"), amountFen: try row.int64("amount_fen"))
                }
        }
    }

    /// A line's pending plan change, if any: (package, effective date).
    public func pendingChange(subscriptionId: String) async throws -> (String, String)? {
        try await database.read { db in
            guard let row = try await db.select().columns("pending_package_code", "pending_effective_on").from("subscriptions")
                .where("id", .equal, subscriptionId).first(),
                let code = try row.optionalText("pending_package_code"), let on = try row.optionalText("pending_effective_on")
            else { return nil }
            return (code, on)
        }
    }

    // MARK: Numbers and opening

    /// Numbers free in a city now: available, or held by a reservation that has lapsed.
    public func availableNumbers(city: String, limit: Int, now: Date) async throws -> [String] {
        try await database.read { db in
            try await db.select().column("number").from("number_pool").where("city", .equal, city)
                .where { $0.where("status", .equal, "available").orWhere { $0.where("status", .equal, "reserved").where("reserved_until", .lessThan, now) } }
                .orderBy("number").limit(limit).all().map { try $0.text("number") }
        }
    }

    /// Holds a number for `holder` until `until`. The row lock makes two concurrent holds of one number impossible.
    public func reserve(number: String, holder: String, now: Date, until: Date) async throws {
        try await database.transaction { db in
            guard let row = try await db.select().columns("*").from("number_pool").where("number", .equal, number)
                .lockingClause(SQLLockingClause.update).first()
            else { throw Failure.numberUnavailable }
            let status = try row.text("status")
            let heldUntil = try row.decode(column: "reserved_until", as: Date?.self) ?? .distantPast
            let heldBy = try row.optionalText("reserved_by")
            let free = status == "available" || (status == "reserved" && (heldUntil < now || heldBy == holder))
            guard free else { throw Failure.numberUnavailable }
            try await db.update("number_pool").set("status", to: "reserved").set("reserved_by", to: holder)
                .set("reserved_until", to: until).where("number", .equal, number).run()
        }
    }

    /// Active mobile numbers held under one resident ID: what 一证五号 counts.
    public func activeNumbers(idNumber: String) async throws -> Int {
        try await database.read { db in try await Self.activeNumbers(idNumber: idNumber, db) }
    }

    static func activeNumbers(idNumber: String, _ db: any SQLDatabase) async throws -> Int {
        try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(SQLAlias(SQLIdentifier("subscriptions"), as: SQLIdentifier("s")))
            .join(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c")), on: SQLColumn("customer_id", table: "s"), .equal, SQLColumn("id", table: "c"))
            .where(SQLColumn("id_number", table: "c"), .equal, SQLBind(idNumber))
            .where(SQLColumn("kind", table: "s"), .equal, SQLBind(Subscription.Kind.mobile.rawValue))
            .where(SQLColumn("status", table: "s"), .notEqual, SQLBind(Subscription.Status.closed.rawValue))
            .first()?.int("n") ?? 0
    }

    public struct Opening: Sendable {
        public var holder: String
        public var number: String
        public var packageCode: String
        public var iccid: String
        public var customer: Customer
        public var agreementVersion: String
        public var agreementText: String
        public var signedContentSHA256: String

        public init(
            holder: String, number: String, packageCode: String, iccid: String, customer: Customer, agreementVersion: String,
            agreementText: String, signedContentSHA256: String
        ) {
            self.holder = holder
            self.number = number
            self.packageCode = packageCode
            self.iccid = iccid
            self.customer = customer
            self.agreementVersion = agreementVersion
            self.agreementText = agreementText
            self.signedContentSHA256 = signedContentSHA256
        }
    }

    /// Opens the number for the person: their customer record (found by ID number, or new), the line with
    /// its SIM, the signed agreement, the order and the audit entry, all or nothing. The five-number rule
    /// is counted again inside the transaction, so two openings at once cannot make a sixth.
    public func open(_ opening: Opening, now: Date, audit: AuditEntry) async throws -> (Customer, Subscription, String) {
        try await database.transaction { db in
            guard let pool = try await db.select().columns("*").from("number_pool").where("number", .equal, opening.number)
                .lockingClause(SQLLockingClause.update).first(),
                try pool.text("status") == "reserved", try pool.optionalText("reserved_by") == opening.holder,
                (try pool.decode(column: "reserved_until", as: Date?.self) ?? .distantPast) > now
            else { throw Failure.reservationNotHeld }
            // Serialise openings for one person: lock their customer rows before counting.
            let existing = try await db.select().columns("*").from("customers").where("id_number", .equal, opening.customer.idNumber)
                .orderBy("created_at").lockingClause(SQLLockingClause.update).all().map(CustomerRepository.customer)
            let active = try await Self.activeNumbers(idNumber: opening.customer.idNumber, db)
            guard active < AccountOpening.maxNumbersPerID else { throw Failure.tooManyNumbers(active: active) }
            if try await db.select().column("id").from("subscriptions").where("iccid", .equal, opening.iccid).first() != nil {
                throw Failure.iccidInUse
            }
            var customer = existing.first ?? opening.customer
            if existing.isEmpty { try await CustomerRepository.insert(db, [customer]) }
            let line = Subscription(
                id: Rows.newID("sub"), customerId: customer.id, number: opening.number, kind: .mobile, packageCode: opening.packageCode,
                status: .active, openedOn: CalendarDate(chinaTime: now).description
            )
            try await Rows.insert(
                db, into: "subscriptions",
                columns: ["id", "customer_id", "number", "kind", "package_code", "status", "opened_on", "iccid"],
                rows: [[line.id, line.customerId, line.number, line.kind.rawValue, line.packageCode, line.status.rawValue, line.openedOn, opening.iccid]]
            )
            try await db.update("number_pool").set("status", to: "assigned").set("reserved_until", to: SQLLiteral.null)
                .where("number", .equal, opening.number).run()
            let agreementId = Rows.newID("agr")
            try await Rows.insert(
                db, into: "agreements",
                columns: ["id", "customer_id", "subscription_id", "version", "text", "signed_content_sha256", "consented_at"],
                rows: [[agreementId, customer.id, line.id, opening.agreementVersion, opening.agreementText, opening.signedContentSHA256, now]]
            )
            let named = try await Self.packageNames([opening.packageCode], db)
            try await Self.order(
                db, customerId: customer.id, subscriptionId: line.id, kind: "open_account",
                summary: "开户 \(opening.number)（\(named(opening.packageCode))）", channel: "online", now: now
            )
            try await AuditRepository.append(audit, in: db)
            customer.phones = [customer.contactPhone, opening.number]
            return (customer, line, agreementId)
        }
    }

    public struct Agreement: Codable, Sendable, Equatable {
        public var id: String
        public var customerId: String
        public var subscriptionId: String
        public var version: String
        public var text: String
        public var signedContentSHA256: String
        public var consentedAt: Date
    }

    public func agreement(id: String) async throws -> Agreement? {
        try await database.read { db in
            try await db.select().columns("*").from("agreements").where("id", .equal, id).first().map { row in
                Agreement(
                    id: try row.text("id"), customerId: try row.text("customer_id"), subscriptionId: try row.text("subscription_id"),
                    version: try row.text("version"), text: try row.text("text"),
                    signedContentSHA256: try row.text("signed_content_sha256"), consentedAt: try row.date("consented_at")
                )
            }
        }
    }

    /// Orders are read by people: a plan by its name, as the catalog calls it when the order is made.
    static func packageNames(_ codes: [String], _ db: any SQLDatabase) async throws -> @Sendable (String) -> String {
        let rows = try await db.select().columns("code", "name").from("packages").where("code", .in, codes).all()
        let names = Dictionary(try rows.map { (try $0.text("code"), try $0.text("name")) }, uniquingKeysWith: { first, _ in first })
        return { names[$0] ?? $0 }
    }
}
