import Foundation
import KefuCore
import Testing

/// 差评复盘's rules on a test clock: which answers open a task, its deadline, the finding once, the
/// appeal once within 3 days of it, the decision only of an appeal, and what each person is offered.
@Suite struct ReviewRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    let hour: TimeInterval = 3600

    func answer(_ answer: SurveyAnswer, kind: ContactKind = .chat) -> SurveyResponse {
        SurveyResponse(
            id: "svy-1", contactKind: kind, contactId: "c1", ownerId: "cus-1", agentId: "s-agent1", skill: .billing, endedAt: t0,
            answeredAt: t0.addingTimeInterval(600), answer: answer
        )
    }

    var review: RatingReview {
        ReviewRules.review(for: answer(.service(csat: 2, nps: 3, reason: .slowResponse, comment: "等太久")), id: "rvw-1")!
    }

    @Test func onlyServiceRatingsOfTwoOrLessOpenOne() throws {
        #expect(ReviewRules.review(for: answer(.service(csat: 3, nps: nil, reason: .other, comment: nil)), id: "r") == nil)
        #expect(ReviewRules.review(for: answer(.bot(helpful: false)), id: "r") == nil)
        let one = try #require(ReviewRules.review(for: answer(.service(csat: 1, nps: nil, reason: .unresolved, comment: nil), kind: .ticket), id: "r"))
        #expect(one.contactKind == .ticket && one.csat == 1 && one.status == .open)
        // Due 48 hours after the answer, not after the contact ended.
        #expect(review.openedAt == t0.addingTimeInterval(600) && review.dueAt == t0.addingTimeInterval(600 + 48 * hour))
        #expect(review.reason == .slowResponse && review.comment == "等太久" && review.agentId == "s-agent1")
    }

    @Test func overdueIsOpenPastTheDeadline() throws {
        var r = review
        #expect(!r.isOverdue(at: r.dueAt) && r.isOverdue(at: r.dueAt.addingTimeInterval(1)))
        #expect(!r.missedDeadline(at: r.dueAt))
        try ReviewAction.conclude(cause: .process, action: "流程优化", calledBack: false).apply(to: &r, by: "s-qa", at: r.dueAt.addingTimeInterval(60))
        // Concluded late: no longer overdue, but counted as late.
        #expect(!r.isOverdue(at: r.dueAt.addingTimeInterval(3600)) && r.missedDeadline(at: r.dueAt.addingTimeInterval(3600)))
    }

    @Test func theFindingIsRecordedOnceWithItsWords() throws {
        var r = review
        #expect(throws: ReviewAction.Refused.textRequired("action")) {
            try ReviewAction.conclude(cause: .agent, action: "   ", calledBack: true).apply(to: &r, by: "s-qa", at: t0)
        }
        #expect(throws: ReviewAction.Refused.textRequired("action")) {
            try ReviewAction.conclude(cause: .agent, action: String(repeating: "长", count: 501), calledBack: true).apply(to: &r, by: "s-qa", at: t0)
        }
        #expect(r == review)
        try ReviewAction.conclude(cause: .agent, action: "  已辅导  ", calledBack: true).apply(to: &r, by: "s-qa", at: t0.addingTimeInterval(hour))
        #expect(r.status == .concluded && r.finding == .init(cause: .agent, action: "已辅导", calledBack: true, by: "s-qa", at: t0.addingTimeInterval(hour)))
        #expect(throws: ReviewAction.Refused.alreadyConcluded) {
            try ReviewAction.conclude(cause: .customer, action: "改", calledBack: false).apply(to: &r, by: "s-qa", at: t0)
        }
    }

    @Test func theAppealIsOnceWithinThreeDaysOfTheFinding() throws {
        var r = review
        #expect(throws: ReviewAction.Refused.notConcluded) { try ReviewAction.appeal(text: "冤").apply(to: &r, by: "s-agent1", at: t0) }
        let found = t0.addingTimeInterval(5 * hour)
        try ReviewAction.conclude(cause: .agent, action: "辅导", calledBack: false).apply(to: &r, by: "s-qa", at: found)
        #expect(r.appealUntil == found.addingTimeInterval(72 * hour))
        var late = r
        #expect(throws: ReviewAction.Refused.appealExpired) {
            try ReviewAction.appeal(text: "冤").apply(to: &late, by: "s-agent1", at: found.addingTimeInterval(72 * hour + 1))
        }
        #expect(throws: ReviewAction.Refused.notAppealed) { try ReviewAction.decide(upheld: true, note: "维持").apply(to: &r, by: "s-lead", at: found) }
        try ReviewAction.appeal(text: "客户要求超出权限").apply(to: &r, by: "s-agent1", at: found.addingTimeInterval(72 * hour))
        #expect(r.status == .appealed && r.appeal?.text == "客户要求超出权限")
        #expect(throws: ReviewAction.Refused.alreadyAppealed) { try ReviewAction.appeal(text: "再申诉").apply(to: &r, by: "s-agent1", at: found) }
        #expect(throws: ReviewAction.Refused.textRequired("note")) { try ReviewAction.decide(upheld: false, note: "").apply(to: &r, by: "s-lead", at: found) }
        try ReviewAction.decide(upheld: false, note: "撤销").apply(to: &r, by: "s-lead", at: found.addingTimeInterval(80 * hour))
        #expect(r.status == .decided && r.decision?.upheld == false)
        #expect(throws: ReviewAction.Refused.alreadyAppealed) { try ReviewAction.appeal(text: "三").apply(to: &r, by: "s-agent1", at: found) }
    }

    @Test func eachPersonIsOfferedWhatWouldWork() throws {
        let qa = Principal.staff(id: "s-qa", username: "qa", role: .qa, agentNo: "Q1")
        let lead = Principal.staff(id: "s-lead", username: "lead", role: .teamLead, agentNo: "L1")
        let agent = Principal.staff(id: "s-agent1", username: "a1", role: .agent, agentNo: "K1")
        var r = review
        #expect(ReviewPolicy.allowed(qa, r, at: t0) == [.conclude])
        #expect(ReviewPolicy.allowed(lead, r, at: t0).isEmpty && ReviewPolicy.allowed(agent, r, at: t0).isEmpty)
        try ReviewAction.conclude(cause: .agent, action: "辅导", calledBack: false).apply(to: &r, by: "s-qa", at: t0)
        #expect(ReviewPolicy.allowed(agent, r, at: t0) == [.appeal])
        #expect(ReviewPolicy.allowed(agent, r, at: t0.addingTimeInterval(73 * hour)).isEmpty)
        try ReviewAction.appeal(text: "申诉").apply(to: &r, by: "s-agent1", at: t0)
        #expect(ReviewPolicy.allowed(lead, r, at: t0) == [.decide] && ReviewPolicy.allowed(qa, r, at: t0).isEmpty)
    }

    @Test func whoIsTold() throws {
        var r = review
        try ReviewAction.conclude(cause: .network, action: "转网络部", calledBack: true).apply(to: &r, by: "s-qa", at: t0)
        let concluded = ReviewNotices.after(.conclude(cause: .network, action: "转网络部", calledBack: true), on: r)
        #expect(concluded.map(\.audience) == [[.person("s-agent1")]] && concluded[0].text.contains("网络质量") && concluded[0].reviewId == "rvw-1")
        try ReviewAction.appeal(text: "x").apply(to: &r, by: "s-agent1", at: t0)
        #expect(ReviewNotices.after(.appeal(text: "x"), on: r).map(\.audience) == [[.teamLeads]])
        try ReviewAction.decide(upheld: true, note: "维持").apply(to: &r, by: "s-lead", at: t0)
        let decided = try #require(ReviewNotices.after(.decide(upheld: true, note: "维持"), on: r).first)
        #expect(decided.recipients(teamLeads: ["s-lead"]) == ["s-agent1", "s-qa"] && decided.text.contains("维持原结论"))
        #expect(ReviewNotices.overdue(review).audience == [.teamLeads])
    }
}
