import Foundation
import Testing

@testable import KefuCore

/// Every business rule at its edges.
@Suite struct AccountOpeningTests {
    let today = CalendarDate(year: 2026, month: 11, day: 28)!

    /// A valid ID for someone born on `birth`.
    func id(born birth: String, region: String = "330106") -> String {
        let body = region + birth.replacingOccurrences(of: "-", with: "") + "123"
        return body + String(ResidentID.checkCharacter(for: Array(body).compactMap(\.wholeNumberValue)))
    }

    @Test func sixteenToday() {
        #expect((try? AccountOpening.check(idNumber: id(born: "2010-11-28"), activeNumbers: 0, today: today).get()) != nil)
    }

    @Test func fifteenYears364Days() {
        #expect(AccountOpening.check(idNumber: id(born: "2010-11-29"), activeNumbers: 0, today: today) == .failure(.tooYoung(age: 15)))
    }

    @Test func wrongCheckDigit() {
        var text = Array(id(born: "1990-01-01"))
        text[17] = text[17] == "0" ? "1" : "0"
        #expect(AccountOpening.check(idNumber: String(text), activeNumbers: 0, today: today) == .failure(.invalidID(.wrongCheckDigit)))
    }

    @Test func thirtyFirstOfFebruary() {
        let body = "33010619900231123"
        let text = body + String(ResidentID.checkCharacter(for: Array(body).compactMap(\.wholeNumberValue)))
        #expect(AccountOpening.check(idNumber: text, activeNumbers: 0, today: today) == .failure(.invalidID(.invalidBirthDate)))
    }

    @Test func fifthNumberAllowedSixthRefused() {
        #expect((try? AccountOpening.check(idNumber: id(born: "1990-01-01"), activeNumbers: 4, today: today).get()) != nil)
        #expect(AccountOpening.check(idNumber: id(born: "1990-01-01"), activeNumbers: 5, today: today) == .failure(.tooManyNumbers(active: 5)))
        #expect(AccountOpening.Problem.tooManyNumbers(active: 5).message.contains("一证五号"))
    }
}

@Suite struct ICCIDTests {
    static func valid(_ payload: String) -> String {
        payload + String(ICCID.luhnCheckDigit(Array(payload).compactMap(\.wholeNumberValue)))
    }

    @Test func acceptsNineteenAndTwentyDigits() {
        #expect(ICCID.validate(Self.valid("898600123456789012")) == nil)
        #expect(ICCID.validate(Self.valid("8986001234567890123")) == nil)
    }

    @Test func knownLuhnExample() {
        // 79927398713 is the textbook Luhn example.
        #expect(ICCID.luhnCheckDigit([7, 9, 9, 2, 7, 3, 9, 8, 7, 1]) == 3)
    }

    @Test func offByOneDigitIsRefused() {
        var digits = Array(Self.valid("898600123456789012"))
        digits[10] = digits[10] == "9" ? "8" : Character(String(digits[10].wholeNumberValue! + 1))
        #expect(ICCID.validate(String(digits)) == .wrongCheckDigit)
    }

    @Test func refusesShapes() {
        #expect(ICCID.validate("898600123456789") == .wrongLength)
        #expect(ICCID.validate("89860012345678901A") == .wrongLength)
        #expect(ICCID.validate("8986001234567890A12") == .notDigits)
        #expect(ICCID.validate(Self.valid("123400123456789012")) == .notChinese)
    }
}

@Suite struct RechargeRuleTests {
    @Test(arguments: [("0", RechargeRules.Problem.outOfRange), ("0.001", .malformed), ("5000.01", .outOfRange), ("-5", .malformed), ("0.99", .outOfRange), ("abc", .malformed)])
    func refuses(_ text: String, _ problem: RechargeRules.Problem) {
        #expect(RechargeRules.amount(yuan: text) == .failure(problem))
    }

    @Test(arguments: [("1", Int64(100)), ("5000", 500_000), ("49.9", 4990), ("100.00", 10_000)])
    func accepts(_ text: String, _ fen: Int64) {
        #expect(RechargeRules.amount(yuan: text) == .success(fen))
    }

    @Test func resumesAtZeroNotBelow() {
        #expect(RechargeRules.shouldResume(.suspendedArrears, balanceFen: 0))
        #expect(!RechargeRules.shouldResume(.suspendedArrears, balanceFen: -1))
        #expect(!RechargeRules.shouldResume(.suspendedRequest, balanceFen: 100))
    }
}

@Suite struct PlanChangeTests {
    let plan39 = DemoCatalog.packages.first { $0.code == "M4G-39" }!
    let plan79 = DemoCatalog.packages.first { $0.code == "M5G-79" }!
    let plan129 = DemoCatalog.packages.first { $0.code == "M5G-129" }!
    let broadband = DemoCatalog.packages.first { $0.code == "BB-100" }!
    let today = CalendarDate(year: 2026, month: 11, day: 21)!

    @Test func immediateUpgradeIsProratedByDay() throws {
        let quote = try PlanChange.quote(current: plan79, target: plan129, contract: nil, minimumFeeFen: nil, usedDataMB: 0, timing: .immediately, today: today).get()
        // November has 30 days; from the 21st, 10 days remain: (129 − 79) × 10 / 30.
        #expect(quote.proratedChargeFen == 5000 * 10 / 30)
        #expect(quote.effectiveOn == "2026-11-21" && quote.upgrade)
    }

    @Test func upgradeNextMonthHasNoProration() throws {
        let quote = try PlanChange.quote(current: plan79, target: plan129, contract: nil, minimumFeeFen: nil, usedDataMB: 0, timing: .nextMonth, today: today).get()
        #expect(quote.proratedChargeFen == 0 && quote.effectiveOn == "2026-12-01")
    }

    @Test func downgradeWaitsForTheFirst() throws {
        #expect(PlanChange.quote(current: plan129, target: plan79, contract: nil, minimumFeeFen: nil, usedDataMB: 0, timing: .immediately, today: today) == .failure(.downgradeCannotBeImmediate))
        let quote = try PlanChange.quote(current: plan129, target: plan79, contract: nil, minimumFeeFen: nil, usedDataMB: 0, timing: .nextMonth, today: today).get()
        #expect(quote.effectiveOn == "2026-12-01" && !quote.upgrade)
    }

    @Test func goingBelowTheContractMinimumCostsDiscountTimesRemainingMonths() throws {
        let contract = Contract(startsOn: "2025-06-01", endsOn: "2027-05-31", monthlyDiscountFen: 2000, minimumPackageCode: "M5G-79")
        let quote = try PlanChange.quote(current: plan79, target: plan39, contract: contract, minimumFeeFen: plan79.monthlyFeeFen, usedDataMB: 0, timing: .nextMonth, today: today).get()
        // From December 2026 to the end of May 2027: six months.
        #expect(quote.remainingContractMonths == 6)
        #expect(quote.penaltyFen == 2000 * 6)
        let atMinimum = try PlanChange.quote(current: plan129, target: plan79, contract: contract, minimumFeeFen: plan79.monthlyFeeFen, usedDataMB: 0, timing: .nextMonth, today: today).get()
        #expect(atMinimum.penaltyFen == 0)
    }

    @Test func expiredContractCostsNothing() throws {
        let contract = Contract(startsOn: "2024-01-01", endsOn: "2025-12-31", monthlyDiscountFen: 2000, minimumPackageCode: "M5G-79")
        let quote = try PlanChange.quote(current: plan79, target: plan39, contract: contract, minimumFeeFen: plan79.monthlyFeeFen, usedDataMB: 0, timing: .nextMonth, today: CalendarDate(year: 2026, month: 3, day: 1)!).get()
        #expect(quote.penaltyFen == 0)
    }

    @Test func unusedDataCarriesOver() throws {
        let quote = try PlanChange.quote(current: plan79, target: plan129, contract: nil, minimumFeeFen: nil, usedDataMB: 10 * 1024, timing: .nextMonth, today: today).get()
        #expect(quote.carryOverMB == 30 * 1024)
        let over = try PlanChange.quote(current: plan79, target: plan129, contract: nil, minimumFeeFen: nil, usedDataMB: 50 * 1024, timing: .nextMonth, today: today).get()
        #expect(over.carryOverMB == 0)
    }

    @Test func refusesSamePlanAndOtherKinds() {
        #expect(PlanChange.quote(current: plan79, target: plan79, contract: nil, minimumFeeFen: nil, usedDataMB: 0, timing: .nextMonth, today: today) == .failure(.samePackage))
        #expect(PlanChange.quote(current: plan79, target: broadband, contract: nil, minimumFeeFen: nil, usedDataMB: 0, timing: .nextMonth, today: today) == .failure(.categoryMismatch))
    }
}

@Suite struct RecommendationTests {
    let catalog = DemoCatalog.packages
    func line(_ code: String, kind: Subscription.Kind = .mobile, id: String = "s1") -> Subscription {
        Subscription(id: id, customerId: "c", number: "13800000000", kind: kind, packageCode: code, status: .active, openedOn: "2024-01-01")
    }

    @Test func eightiethPercentileByNearestRank() {
        #expect(PlanRecommender.usual([10, 20, 30]) == 30)
        #expect(PlanRecommender.usual([5, 1, 3, 2, 4]) == 4)
        #expect(PlanRecommender.usual([]) == 0)
    }

    @Test func lightUserIsOfferedTheCheapestPlanThatCovers() throws {
        let current = catalog.first { $0.code == "M5G-129" }!
        let usage = ["2026-08", "2026-09", "2026-10"].map { UsageRecord(subscriptionId: "s1", month: $0, dataMB: 4000, voiceMinutes: 80, smsCount: 0) }
        let rec = try #require(PlanRecommender.mobilePlan(subscription: line("M5G-129"), current: current, usage: usage, bills: [], catalog: catalog))
        #expect(rec.suggestedPackage == "M4G-19")
        #expect(rec.monthlySavingFen == 12900 - 1900)
        #expect(rec.reason.contains("¥110.00") && rec.reason.contains("3.9GB"))
    }

    @Test func heavyUserPayingOverageIsOfferedABiggerPlanThatCostsLess() throws {
        let current = catalog.first { $0.code == "M4G-39" }!
        let usage = ["2026-08", "2026-09", "2026-10"].map { UsageRecord(subscriptionId: "s1", month: $0, dataMB: 35 * 1024, voiceMinutes: 250, smsCount: 0) }
        let bills = usage.map { u in
            let items = BillCalculator.items(package: current, usage: u, valueAdded: [], contract: nil, monthStart: CalendarDate(iso: u.month + "-01")!)
            return Bill(id: u.month, customerId: "c", subscriptionId: "s1", month: u.month, totalFen: BillCalculator.total(items), status: .paid, dueOn: "", items: items)
        }
        let rec = try #require(PlanRecommender.mobilePlan(subscription: line("M4G-39"), current: current, usage: usage, bills: bills, catalog: catalog))
        #expect(rec.suggestedPackage == "M5G-79")
        #expect(rec.monthlySavingFen > 0)
    }

    @Test func noRecommendationWhenThePlanFits() {
        let current = catalog.first { $0.code == "M4G-19" }!
        let usage = [UsageRecord(subscriptionId: "s1", month: "2026-10", dataMB: 3000, voiceMinutes: 50, smsCount: 0)]
        #expect(PlanRecommender.mobilePlan(subscription: line("M4G-19"), current: current, usage: usage, bills: [], catalog: catalog) == nil)
    }

    @Test func slowBroadbandOnLowBandwidth() throws {
        let bb100 = catalog.first { $0.code == "BB-100" }!
        let rec = try #require(PlanRecommender.broadbandUpgrade(subscription: line("BB-100", kind: .broadband), current: bb100, reportedSlow: true, catalog: catalog))
        #expect(rec.suggestedPackage == "BB-300" && rec.monthlySavingFen == -3000)
        #expect(PlanRecommender.broadbandUpgrade(subscription: line("BB-100", kind: .broadband), current: bb100, reportedSlow: false, catalog: catalog) == nil)
        let bb1000 = catalog.first { $0.code == "BB-1000" }!
        #expect(PlanRecommender.broadbandUpgrade(subscription: line("BB-1000", kind: .broadband), current: bb1000, reportedSlow: true, catalog: catalog) == nil)
    }

    @Test func severalLinesAtOneAddressSuggestAFamilyBundle() throws {
        let lines = [line("M5G-129", id: "a"), line("M5G-79", id: "b"), line("BB-300", kind: .broadband, id: "c")]
        let packages = Dictionary(uniqueKeysWithValues: catalog.map { ($0.code, $0) })
        let rec = try #require(PlanRecommender.familyBundle(subscriptions: lines, packages: packages, catalog: catalog))
        #expect(rec.suggestedPackage == "FAM-169")
        #expect(rec.monthlySavingFen == 12900 + 7900 + 8000 - 16900)
        #expect(PlanRecommender.familyBundle(subscriptions: [line("M4G-19")], packages: packages, catalog: catalog) == nil)
    }
}
