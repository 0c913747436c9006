import Foundation
import KefuCore
import KefuStore
import SQLKit
import Testing

/// The business processes' store contract (recharge, value-added services, plan changes, opening an
/// account, the billing run), on SQLite always and on PostgreSQL when `KEFU_TEST_POSTGRES_URL` is set.
@Suite struct BusinessContractTests {
    @Test(arguments: BusinessContract.allCases)
    func sqlite(_ contract: BusinessContract) async throws {
        try await TestDatabases.with(.sqlite) { try await contract.run($0) }
    }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"), arguments: BusinessContract.allCases)
    func postgres(_ contract: BusinessContract) async throws {
        try await TestDatabases.with(.postgres) { try await contract.run($0) }
    }
}

enum BusinessContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case concurrentRechargesWithOneKeyCreditOnce
    case rechargeResumesArrearsLines
    case valueAddedServicesListAndUnsubscribe
    case planQuoteConfirmsOnceAndNotWhenStale
    case numberReservationIsExclusiveUnderConcurrency
    case openingRefusesTheSixthNumber
    case billingRunBillsOnceAppliesChangesAndStopsArrears

    var testDescription: String { rawValue }

    func run(_ db: Database) async throws {
        let store = Store(database: db)
        switch self {
        case .concurrentRechargesWithOneKeyCreditOnce:
            _ = try await StoreContract.loadDemo(store, customers: 5)
            let before = try #require(try await store.customers.find(id: "cus-100000")).balanceFen
            let results = try await withThrowingTaskGroup(of: BusinessRepository.Recharged.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await store.business.recharge(customerId: "cus-100000", amountFen: 5000, channel: .wechat, idempotencyKey: "k-1", now: Date(), audit: StoreContract.entry())
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { !$0.duplicate }.count == 1)
            #expect(Set(results.map(\.payment.id)).count == 1)
            #expect(try await store.customers.find(id: "cus-100000")?.balanceFen == before + 5000)
            await #expect(throws: BusinessRepository.Failure.idempotencyKeyReused) {
                _ = try await store.business.recharge(customerId: "cus-100000", amountFen: 6000, channel: .wechat, idempotencyKey: "k-1", now: Date(), audit: StoreContract.entry())
            }

        case .rechargeResumesArrearsLines:
            _ = try await StoreContract.loadDemo(store, customers: 5)
            let debtor = try #require(try await store.customers.view360(id: "cus-100001"))
            let debt = -debtor.customer.balanceFen
            #expect(debt > 0 && debtor.subscriptions.contains { $0.status == .suspendedArrears })
            let partial = try await store.business.recharge(customerId: "cus-100001", amountFen: debt - 1, channel: .alipay, idempotencyKey: "p1", now: Date(), audit: StoreContract.entry())
            #expect(partial.balanceFen == -1 && partial.resumed.isEmpty)
            let rest = try await store.business.recharge(customerId: "cus-100001", amountFen: 1, channel: .alipay, idempotencyKey: "p2", now: Date(), audit: StoreContract.entry())
            #expect(rest.balanceFen == 0 && rest.resumed.count == 1)
            let after = try #require(try await store.customers.view360(id: "cus-100001"))
            #expect(after.subscriptions.allSatisfy { $0.status == .active })
            #expect(after.bills.allSatisfy { $0.status == .paid })
            #expect(after.orders.contains { $0.kind == "recharge" && $0.summary.contains("复机") })

        case .valueAddedServicesListAndUnsubscribe:
            let data = try await StoreContract.loadDemo(store, customers: 60)
            let service = try #require(data.valueAddedServices.first)
            let listed = try await store.business.valueAddedServices(customerId: service.customerId)
            let found = try #require(listed.first { $0.id == service.id })
            #expect(found.status == .active && found.chargedFen == service.monthlyFeeFen * 3)
            #expect(try await store.business.unsubscribe(customerId: service.customerId, serviceId: service.id, now: Date(), audit: StoreContract.entry()))
            #expect(try await store.business.unsubscribe(customerId: service.customerId, serviceId: service.id, now: Date(), audit: StoreContract.entry()) == false)
            #expect(try await store.business.valueAddedServices(customerId: service.customerId).first { $0.id == service.id }?.status == .cancelled)
            await #expect(throws: BusinessRepository.Failure.noSuchService) {
                _ = try await store.business.unsubscribe(customerId: "cus-100000", serviceId: service.customerId == "cus-100000" ? "nope" : service.id, now: Date(), audit: StoreContract.entry())
            }

        case .planQuoteConfirmsOnceAndNotWhenStale:
            _ = try await StoreContract.loadDemo(store, customers: 5)
            let line = try #require(try await store.customers.view360(id: "cus-100002")?.subscriptions.first)
            func quote(_ id: String, to: String, expires: Date = Date().addingTimeInterval(900)) -> BusinessRepository.StoredQuote {
                .init(
                    id: id, customerId: "cus-100002", subscriptionId: line.id, timing: .nextMonth,
                    quote: .init(fromPackage: line.packageCode, toPackage: to, upgrade: true, effectiveOn: "2026-12-01", newMonthlyFeeFen: 19900,
                                 proratedChargeFen: 0, penaltyFen: 1500, remainingContractMonths: 3, carryOverMB: 100, notes: []),
                    expiresAt: expires
                )
            }
            try await store.business.saveQuote(quote("q1", to: "M5G-199"), now: Date())
            try await store.business.saveQuote(quote("q2", to: "ICE-199"), now: Date())
            try await store.business.saveQuote(quote("q3", to: "ICE-99", expires: Date().addingTimeInterval(-1)), now: Date())
            await #expect(throws: BusinessRepository.Failure.quoteExpired) {
                _ = try await store.business.confirmQuote(id: "q3", customerId: "cus-100002", now: Date(), audit: StoreContract.entry())
            }
            _ = try await store.business.confirmQuote(id: "q1", customerId: "cus-100002", now: Date(), audit: StoreContract.entry())
            await #expect(throws: BusinessRepository.Failure.quoteAlreadyConfirmed) {
                _ = try await store.business.confirmQuote(id: "q1", customerId: "cus-100002", now: Date(), audit: StoreContract.entry())
            }
            // q2 was made for the line before q1 changed it: stale.
            await #expect(throws: BusinessRepository.Failure.quoteStale) {
                _ = try await store.business.confirmQuote(id: "q2", customerId: "cus-100002", now: Date(), audit: StoreContract.entry())
            }
            await #expect(throws: BusinessRepository.Failure.noSuchQuote) {
                _ = try await store.business.confirmQuote(id: "q2", customerId: "cus-100000", now: Date(), audit: StoreContract.entry())
            }
            #expect(try await store.business.pendingChange(subscriptionId: line.id)?.0 == "M5G-199")
            #expect(try await store.business.pendingCharges(subscriptionId: line.id).map(\.amountFen) == [1500])

        case .numberReservationIsExclusiveUnderConcurrency:
            let data = try await StoreContract.loadDemo(store, customers: 5)
            let number = try #require(data.numberPool.first?.number)
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for holder in 0..<15 {
                    group.addTask {
                        do {
                            try await store.business.reserve(number: number, holder: "h\(holder)", now: Date(), until: Date().addingTimeInterval(600))
                            return true
                        } catch BusinessRepository.Failure.numberUnavailable {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(wins == 1)
            #expect(!(try await store.business.availableNumbers(city: data.numberPool.first!.city, limit: 500, now: Date())).contains(number))
            // After the ten minutes, the number is free again.
            #expect(try await store.business.availableNumbers(city: data.numberPool.first!.city, limit: 500, now: Date().addingTimeInterval(601)).contains(number))

        case .openingRefusesTheSixthNumber:
            let data = try await StoreContract.loadDemo(store, customers: 5)
            let person = Customer(
                id: "cus-new", name: "新客户", idNumber: "11010519491231002X", contactPhone: "13712345678", city: "杭州", district: "西湖区",
                address: "杭州市西湖区某路1号", vipLevel: 0, tags: [], balanceFen: 0, createdAt: Date()
            )
            let numbers = data.numberPool.prefix(6).map(\.number)
            for (index, number) in numbers.enumerated() {
                try await store.business.reserve(number: number, holder: "h", now: Date(), until: Date().addingTimeInterval(600))
                let opening = BusinessRepository.Opening(
                    holder: "h", number: number, packageCode: "M4G-19", iccid: "8986" + String(format: "%015d", index), customer: person,
                    agreementVersion: "v1", agreementText: "协议", signedContentSHA256: "abc"
                )
                if index < 5 {
                    let (customer, line, _) = try await store.business.open(opening, now: Date(), audit: StoreContract.entry())
                    #expect(customer.id == "cus-new" && line.number == number)
                } else {
                    await #expect(throws: BusinessRepository.Failure.tooManyNumbers(active: 5)) {
                        _ = try await store.business.open(opening, now: Date(), audit: StoreContract.entry())
                    }
                }
            }
            #expect(try await store.business.activeNumbers(idNumber: "11010519491231002X") == 5)

        case .billingRunBillsOnceAppliesChangesAndStopsArrears:
            _ = try await StoreContract.loadDemo(store, customers: 10)
            let line = try #require(try await store.customers.view360(id: "cus-100002")?.subscriptions.first)
            let quote = PlanChange.Quote(
                fromPackage: line.packageCode, toPackage: "M4G-19", upgrade: false, effectiveOn: "2026-12-01", newMonthlyFeeFen: 1900,
                proratedChargeFen: 0, penaltyFen: 3000, remainingContractMonths: 3, carryOverMB: 1024, notes: []
            )
            let now = Date(timeIntervalSince1970: 1_795_798_200)  // 2026-11-28 in China
            try await store.business.saveQuote(.init(id: "q", customerId: "cus-100002", subscriptionId: line.id, timing: .nextMonth, quote: quote, expiresAt: now.addingTimeInterval(900)), now: now)
            _ = try await store.business.confirmQuote(id: "q", customerId: "cus-100002", now: now, audit: StoreContract.entry())
            let balanceBefore = try #require(try await store.customers.find(id: "cus-100002")).balanceFen
            let november = CalendarDate(year: 2026, month: 11, day: 1)!
            let run = try await store.business.closeMonth(november, now: now)
            #expect(run.ran && run.bills > 10 && run.changesApplied == 1)
            #expect(try await store.business.closeMonth(november, now: now).ran == false)
            let after = try #require(try await store.customers.view360(id: "cus-100002"))
            let bill = try #require(after.bills.first { $0.month == "2026-11" && $0.subscriptionId == line.id })
            #expect(bill.items.contains { $0.description == "合约违约金" && $0.amountFen == 3000 })
            #expect(bill.totalFen == BillCalculator.total(bill.items))
            let novemberTotal = after.bills.filter { $0.month == "2026-11" }.map(\.totalFen).reduce(0, +)
            if balanceBefore >= novemberTotal {
                #expect(after.customer.balanceFen == balanceBefore - novemberTotal && bill.status == .paid)
            } else {
                #expect(after.customer.balanceFen == balanceBefore && bill.status == .unpaid)
            }
            let changed = try #require(after.subscriptions.first { $0.id == line.id })
            #expect(changed.packageCode == "M4G-19" && changed.pendingPackageCode == nil && changed.carryOverMonth == "2026-12")
            // The customer in arrears cannot pay from the balance: the bill waits for its due date, then is overdue.
            let debtor = try #require(try await store.customers.view360(id: "cus-100001"))
            let debtorBill = try #require(debtor.bills.first { $0.month == "2026-11" })
            #expect(debtorBill.status == .unpaid)
            #expect(try await store.business.markOverdue(today: CalendarDate(iso: debtorBill.dueOn)!, now: now) == 0)
            _ = try await store.business.markOverdue(today: CalendarDate(iso: debtorBill.dueOn)!.addingDays(1), now: now)
            let overdue = try #require(try await store.customers.view360(id: "cus-100001"))
            #expect(overdue.bills.first { $0.month == "2026-11" }?.status == .overdue)
            #expect(overdue.customer.balanceFen == debtor.customer.balanceFen - debtorBill.totalFen)
            #expect(overdue.subscriptions.filter { $0.kind == .mobile }.allSatisfy { $0.status == .suspendedArrears })
            // Paying it all back resumes the line and settles the bills.
            let back = try await store.business.recharge(customerId: "cus-100001", amountFen: -overdue.customer.balanceFen, channel: .bank, idempotencyKey: "pay-back", now: now, audit: StoreContract.entry())
            #expect(back.balanceFen == 0 && !back.resumed.isEmpty)
            // December counts the carried data once, then forgets it.
            _ = try await store.business.closeMonth(CalendarDate(year: 2026, month: 12, day: 1)!, now: now)
            #expect(try await store.customers.view360(id: "cus-100002")?.subscriptions.first { $0.id == line.id }?.carryOverMB == nil)
        }
    }
}
