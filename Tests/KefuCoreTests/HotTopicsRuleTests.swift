import Foundation
import KefuCore
import Testing

/// 数据反馈's rules: the period and the one before it, which words lead, which are rising, and which
/// fields of a ticket say its problem.
@Suite struct HotTopicsRuleTests {
    func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    @Test func thePreviousPeriodIsAsManyDaysJustBefore() throws {
        let week = try HotTopics.Period(from: day("2026-11-27"), to: day("2026-12-03"))
        #expect(week.days == 7 && week.previous.from == day("2026-11-20") && week.previous.to == day("2026-11-26"))
        let one = try HotTopics.Period(from: day("2026-03-01"), to: day("2026-03-01"))
        #expect(one.days == 1 && one.previous.from == day("2026-02-28") && one.previous.to == day("2026-02-28"))
        #expect(throws: ReportPeriod.Problem.reversed) { try HotTopics.Period(from: day("2026-12-03"), to: day("2026-12-02")) }
        #expect(throws: ReportPeriod.Problem.tooLong) { try HotTopics.Period(from: day("2025-12-02"), to: day("2026-12-03")) }
        #expect(try HotTopics.Period(from: day("2025-12-03"), to: day("2026-12-03")).days == 366)
        #expect(try HotTopics.Period(from: day("2025-12-04"), to: day("2026-12-03")).days == 365)
    }

    let counts = [
        HotTopics.Count(keyword: "流量", count: 120, previous: 118),
        HotTopics.Count(keyword: "信号差", count: 40, previous: 4),
        HotTopics.Count(keyword: "断网", count: 40, previous: 30),
        HotTopics.Count(keyword: "发票", count: 12, previous: 0),
        HotTopics.Count(keyword: "携号转网", count: 4, previous: 0),
        HotTopics.Count(keyword: "话费", count: 60, previous: 39),
        HotTopics.Count(keyword: "积分", count: 0, previous: 9),
    ]

    @Test func theMostUsedLeadWithTiesByTheWord() {
        #expect(HotTopics.frequent(counts, limit: 4).map(\.keyword) == ["流量", "话费", "信号差", "断网"])
        // A word not used in the period is not frequent, however used it was before.
        #expect(!HotTopics.frequent(counts, limit: 10).contains { $0.keyword == "积分" })
    }

    @Test func risingNeedsFiveMoreAndHalfAgainAsOften() {
        let rising = HotTopics.rising(counts, limit: 10)
        // 信号差 ten times as often; 发票 new with 12 (13 over 1); 话费 +21 and 1.54 times; 断网 only 1.33 times;
        // 携号转网 new but only 4; 流量 flat.
        #expect(rising.map(\.keyword) == ["发票", "信号差", "话费"])
        #expect(rising.first { $0.keyword == "发票" }?.ratio == nil && rising.first { $0.keyword == "信号差" }?.ratio == 10)
    }

    @Test func aTicketsProblemIsInItsTypesOwnFields() {
        #expect(HotTopics.problemFields(.fault) == ["symptom"])
        #expect(HotTopics.problemFields(.complaint) == ["subject", "details"])
        #expect(HotTopics.problemFields(.billingDispute) == ["disputedItem", "reason"])
        #expect(HotTopics.problemFields(.businessRequest) == ["requestType", "details"])
        for type in TicketType.allCases {
            let known = Set((type.requiredFields + type.optionalFields).map(\.key))
            #expect(Set(HotTopics.problemFields(type)).isSubset(of: known), "\(type)")
        }
    }
}
