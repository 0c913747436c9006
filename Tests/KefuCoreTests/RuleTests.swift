import Foundation
import Testing

@testable import KefuCore

@Suite struct ResidentIDTests {
    @Test func acceptsAValidNumberWithXCheck() throws {
        let id = try ResidentID.parse("11010519491231002X").get()
        #expect(id.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(id.regionCode == "110105")
    }

    @Test func lowercaseXIsAccepted() {
        #expect((try? ResidentID.parse("11010519491231002x").get()) != nil)
    }

    @Test(arguments: [
        ("110105194912310021", ResidentID.Problem.wrongCheckDigit),
        ("11010519491231002", .wrongLength),
        ("1101051949123100AX", .notDigits),
        ("990105194912310021", .unknownRegion),
        ("110105202302310029", .invalidBirthDate),  // 31 February
    ])
    func refuses(_ text: String, _ problem: ResidentID.Problem) {
        if case .failure(let found) = ResidentID.parse(text) {
            #expect(found == problem)
        } else {
            Issue.record("accepted \(text)")
        }
    }

    @Test func ageCountsCompletedYears() throws {
        let digits = Array("11010520101128123").compactMap(\.wholeNumberValue)
        let id = try ResidentID.parse("11010520101128123" + String(ResidentID.checkCharacter(for: digits))).get()
        #expect(id.age(on: CalendarDate(year: 2026, month: 11, day: 27)!) == 15)
        #expect(id.age(on: CalendarDate(year: 2026, month: 11, day: 28)!) == 16)
    }
}

@Suite struct MoneyTests {
    @Test(arguments: [("12", 1200), ("12.5", 1250), ("0.01", 1), ("5000.00", 500_000), (" 7.30 ", 730)] as [(String, Int64)])
    func parsesYuan(_ text: String, _ fen: Int64) {
        #expect(Money.parseYuan(text) == fen)
    }

    @Test(arguments: ["", "0.001", "-1", "1e3", "12.", ".5", "1,000", "９", "99999999999999999"])
    func refusesMalformedAmounts(_ text: String) {
        #expect(Money.parseYuan(text) == nil)
    }

    @Test func formats() {
        #expect(Money.format(fen: 1205) == "¥12.05")
        #expect(Money.format(fen: -300) == "-¥3.00")
    }
}

@Suite struct CalendarDateTests {
    @Test func refusesImpossibleDates() {
        #expect(CalendarDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(iso: "2026-13-01") == nil)
    }

    @Test func addsMonthsClampingTheDay() {
        #expect(CalendarDate(year: 2026, month: 1, day: 31)!.addingMonths(1) == CalendarDate(year: 2026, month: 2, day: 28))
        #expect(CalendarDate(year: 2026, month: 11, day: 15)!.addingMonths(-12).description == "2025-11-15")
    }

    @Test func daysSinceEpochRoundTrips() {
        for days in stride(from: -30000, through: 30000, by: 97) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CalendarDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
    }

    @Test func chinaTimeIsUTCPlusEight() {
        // 2026-11-27T16:30Z is already the 28th in Beijing.
        let instant = Date(timeIntervalSince1970: 1_795_798_200)
        #expect(CalendarDate(chinaTime: instant).description == "2026-11-28")
    }
}

@Suite struct BillCalculatorTests {
    let plan = ServicePackage(code: "P", name: "测试套餐", category: .mobile4G, monthlyFeeFen: 3900, dataMB: 1024, voiceMinutes: 100, smsCount: 10)

    @Test func withinQuotaIsJustTheFee() {
        let items = BillCalculator.items(
            package: plan, usage: .init(subscriptionId: "s", month: "2026-10", dataMB: 1024, voiceMinutes: 100, smsCount: 10),
            valueAdded: [], contract: nil, monthStart: CalendarDate(year: 2026, month: 10, day: 1)!
        )
        #expect(items.map(\.kind) == [.planFee])
        #expect(BillCalculator.total(items) == 3900)
    }

    @Test func overageDiscountAndValueAdded() {
        let contract = Contract(startsOn: "2026-01-01", endsOn: "2027-12-31", monthlyDiscountFen: 1000, minimumPackageCode: "P")
        let items = BillCalculator.items(
            package: plan, usage: .init(subscriptionId: "s", month: "2026-10", dataMB: 1024 + 1500, voiceMinutes: 110, smsCount: 12),
            valueAdded: [.init(name: "彩铃", monthlyFeeFen: 500)], contract: contract,
            monthStart: CalendarDate(year: 2026, month: 10, day: 1)!
        )
        // 1500 MB over is two started GB at 3 yuan; 10 minutes at 0.15; 2 SMS at 0.10; ring-back 5; discount 10.
        #expect(BillCalculator.total(items) == 3900 + 600 + 150 + 20 + 500 - 1000)
        #expect(items.last?.kind == .discount)
    }

    @Test func expiredContractGivesNoDiscount() {
        let contract = Contract(startsOn: "2024-01-01", endsOn: "2025-12-31", monthlyDiscountFen: 1000, minimumPackageCode: "P")
        let items = BillCalculator.items(
            package: plan, usage: .init(subscriptionId: "s", month: "2026-10", dataMB: 0, voiceMinutes: 0, smsCount: 0),
            valueAdded: [], contract: contract, monthStart: CalendarDate(year: 2026, month: 10, day: 1)!
        )
        #expect(BillCalculator.total(items) == 3900)
    }
}

@Suite struct DemoGeneratorTests {
    let day = CalendarDate(year: 2026, month: 11, day: 28)!

    @Test func sameSeedSameData() {
        var a = DemoGenerator(customerCount: 200, asOf: day)
        var b = DemoGenerator(customerCount: 200, asOf: day)
        let first = a.generate(), second = b.generate()
        #expect(first.customers == second.customers)
        #expect(first.bills == second.bills)
    }

    @Test(arguments: [1, 2, 10, 28])
    func nothingIsDatedInTheFuture(dayOfMonth: Int) throws {
        let today = try #require(CalendarDate(year: 2026, month: 12, day: dayOfMonth))
        var generator = DemoGenerator(customerCount: 200, asOf: today)
        let data = generator.generate()
        #expect(data.payments.allSatisfy { $0.paidAt < today.date }, "a payment after \(today)")
        // Last month's bill, issued on the 1st, is still open on the 1st and partly paid later on.
        let lastMonth = data.bills.filter { $0.month == "2026-11" }
        #expect(!lastMonth.isEmpty)
        if dayOfMonth <= 1 { #expect(lastMonth.allSatisfy { $0.status != .paid }) }
        if dayOfMonth >= 10 { #expect(lastMonth.contains { $0.status == .paid }) }
    }

    @Test func fullDatasetHasTheShapeTheIssueAsksFor() {
        var generator = DemoGenerator(asOf: day)
        let data = generator.generate()
        #expect(data.customers.count == 2000)
        #expect(Set(data.customers.map(\.city)).count >= 3)
        #expect(Set(data.customers.map { $0.city + $0.district }).count >= 12)
        #expect(data.packages.count >= 15)
        #expect(data.customers.allSatisfy { (try? ResidentID.parse($0.idNumber).get()) != nil })
        #expect(Set(data.customers.map(\.contactPhone)).count == 2000)
        #expect(Set(data.subscriptions.map(\.number)).count == data.subscriptions.count)
        #expect(data.subscriptions.contains { $0.status == .suspendedArrears })
        #expect(data.customers.contains { $0.balanceFen < 0 })
        #expect(data.customers.contains { $0.vipLevel > 0 })
        #expect(data.subscriptions.contains { $0.contract != nil })
        // Three billed months and the one under way.
        #expect(Set(data.usage.map(\.month)) == ["2026-08", "2026-09", "2026-10", "2026-11"])
        #expect(Set(data.bills.map(\.month)) == ["2026-08", "2026-09", "2026-10"])
        let broadband = data.subscriptions.filter { $0.kind == .broadband }
        #expect(!broadband.isEmpty && broadband.allSatisfy { line in data.devices.contains { $0.subscriptionId == line.id && $0.kind == .opticalModem } })
        // Every bill is what the calculator makes of its plan and usage.
        for bill in data.bills.prefix(300) {
            #expect(bill.totalFen == BillCalculator.total(bill.items))
        }
        #expect(Set(data.subscriptions.map(\.packageCode)).isSubset(of: Set(data.packages.map(\.code))))
    }
}

/// What is left this month, for a line or a family's shared pool, and what going over costs.
@Suite struct AllowanceTests {
    @Test func aFamilySharesOnePoolAndASingleLineHasItsOwn() throws {
        let today = try #require(CalendarDate(year: 2026, month: 12, day: 10))
        var generator = DemoGenerator(customerCount: 300, asOf: today)
        let data = generator.generate()
        func view(_ customerId: String) -> Customer360 {
            Customer360(
                customer: data.customers.first { $0.id == customerId }!, subscriptions: data.subscriptions.filter { $0.customerId == customerId },
                packages: data.packages, bills: [], usage: data.usage, payments: [], orders: [], devices: []
            )
        }
        let family = try #require(Dictionary(grouping: data.subscriptions.filter { $0.kind == .mobile && $0.bundleId != nil }, by: \.bundleId!)
            .values.first { $0.count >= 2 })
        let allowances = Allowance.of(view(family[0].customerId), month: "2026-12")
        let pool = try #require(allowances.first { $0.shared })
        #expect(Set(pool.numbers) == Set(family.map(\.number)))
        let plan = try #require(data.packages.first { $0.code == family[0].packageCode })
        let used = data.usage.filter { u in u.month == "2026-12" && family.contains { $0.id == u.subscriptionId } }
        #expect(pool.dataUsedMB == used.map(\.dataMB).reduce(0, +) && pool.dataUsedMB > 0)
        #expect(pool.dataQuotaMB >= plan.dataMB && pool.voiceQuota == plan.voiceMinutes)

        let single = try #require(data.subscriptions.first { $0.kind == .mobile && $0.bundleId == nil })
        let own = try #require(Allowance.of(view(single.customerId), month: "2026-12").first { $0.numbers == [single.number] })
        #expect(!own.shared && own.dataUsedMB == data.usage.first { $0.subscriptionId == single.id && $0.month == "2026-12" }?.dataMB)
        // A month nobody used yet leaves everything.
        let none = try #require(Allowance.of(view(single.customerId), month: "2027-01").first { $0.numbers == [single.number] })
        #expect(none.dataUsedMB == 0 && none.dataLeftMB == none.dataQuotaMB)
    }

    @Test func aFamilyBillMetersTheWholePool() throws {
        let today = try #require(CalendarDate(year: 2026, month: 12, day: 10))
        var generator = DemoGenerator(customerCount: 300, asOf: today)
        let data = generator.generate()
        let families = Dictionary(grouping: data.subscriptions.filter { $0.bundleId != nil }, by: \.bundleId!)
        var checked = 0
        for (bundle, lines) in families {
            let mobile = lines.filter { $0.kind == .mobile }
            guard mobile.count >= 2, let bill = data.bills.first(where: { $0.subscriptionId == bundle && $0.month == "2026-11" }) else { continue }
            let plan = try #require(data.packages.first { $0.code == lines.first { $0.id == bundle }?.packageCode })
            let used = data.usage.filter { u in u.month == "2026-11" && mobile.contains { $0.id == u.subscriptionId } }
            let pooled = UsageRecord(
                subscriptionId: bundle, month: "2026-11", dataMB: used.map(\.dataMB).reduce(0, +),
                voiceMinutes: used.map(\.voiceMinutes).reduce(0, +), smsCount: used.map(\.smsCount).reduce(0, +)
            )
            // One bill for the family, its overage (if any) from all its lines together.
            #expect(data.bills.filter { b in b.month == "2026-11" && lines.contains { $0.id == b.subscriptionId } }.count == 1)
            #expect(bill.items.contains { $0.kind == .dataOverage } == (pooled.dataMB > plan.dataMB))
            #expect(bill.items.contains { $0.kind == .voiceOverage } == (pooled.voiceMinutes > plan.voiceMinutes))
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func overageIsPricedAsTheBillPricesIt() {
        var a = Allowance(
            month: "2026-12", numbers: ["13800138000"], shared: false, dataQuotaMB: 5 * 1024, dataUsedMB: 6 * 1024 + 100,
            voiceQuota: 100, voiceUsed: 130, dataOverageFenPerGB: 300, voiceOverageFenPerMinute: 15
        )
        // 1 GB 100 MB over is two started GB; 30 minutes over.
        #expect(a.dataLeftMB == 0 && a.dataOverMB == 1124 && a.overageFen == 2 * 300 + 30 * 15)
        a.dataUsedMB = 1000
        a.voiceUsed = 20
        #expect(a.dataLeftMB == 4120 && a.voiceLeft == 80 && a.overageFen == 0)
        #expect(DataSize.text(mb: 800) == "800MB" && DataSize.text(mb: 81920) == "80GB" && DataSize.text(mb: 5701) == "5.6GB")
    }
}
