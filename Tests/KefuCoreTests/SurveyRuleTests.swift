import Foundation
import KefuCore
import Testing

@Suite struct SurveyRuleTests {
    let ended = Date(timeIntervalSince1970: 1_780_000_000)
    var chat: RatedContact { RatedContact(kind: .chat, id: "c", ownerId: "cus", agentId: "a", hadAgent: true, endedAt: ended, skill: .mobile) }

    func accept(_ answer: SurveyAnswer, _ contact: RatedContact? = nil, after seconds: TimeInterval = 60) -> Result<SurveyAnswer, SurveyRules.Problem> {
        SurveyRules.accept(answer, for: contact ?? chat, now: ended.addingTimeInterval(seconds))
    }

    @Test func rangesAndReasons() {
        #expect(accept(.service(csat: 0, nps: nil, reason: nil, comment: nil)) == .failure(.csatOutOfRange))
        #expect(accept(.service(csat: 6, nps: nil, reason: nil, comment: nil)) == .failure(.csatOutOfRange))
        #expect(accept(.service(csat: 5, nps: -1, reason: nil, comment: nil)) == .failure(.npsOutOfRange))
        #expect(accept(.service(csat: 5, nps: 11, reason: nil, comment: nil)) == .failure(.npsOutOfRange))
        #expect(accept(.service(csat: 3, nps: nil, reason: nil, comment: nil)) == .failure(.reasonRequired))
        #expect(accept(.service(csat: 4, nps: nil, reason: .other, comment: nil)) == .failure(.reasonNotAsked))
        #expect(accept(.service(csat: 1, nps: 0, reason: .network, comment: nil)) == .success(.service(csat: 1, nps: 0, reason: .network, comment: nil)))
        #expect(accept(.service(csat: 5, nps: 10, reason: nil, comment: "  很好 \n")) == .success(.service(csat: 5, nps: 10, reason: nil, comment: "很好")))
        #expect(accept(.service(csat: 5, nps: nil, reason: nil, comment: "   ")) == .success(.service(csat: 5, nps: nil, reason: nil, comment: nil)))
        #expect(accept(.service(csat: 5, nps: nil, reason: nil, comment: String(repeating: "好", count: 501))) == .failure(.commentTooLong))
        #expect(SurveyRules.isSatisfied(4) && SurveyRules.isSatisfied(5) && !SurveyRules.isSatisfied(3))
    }

    @Test func theWindowIs72HoursFromTheEnd() {
        let ok = SurveyAnswer.service(csat: 4, nps: nil, reason: nil, comment: nil)
        #expect(accept(ok, after: SurveyRules.window) == .success(ok))
        #expect(accept(ok, after: SurveyRules.window + 1) == .failure(.tooLate))
        var open = chat
        open.endedAt = nil
        #expect(accept(ok, open) == .failure(.notEnded))
    }

    @Test func theBotIsRatedOnlyWhereNoPersonTookPart() {
        var botOnly = chat
        botOnly.hadAgent = false
        botOnly.agentId = nil
        botOnly.endedAt = nil
        #expect(accept(.bot(helpful: true), botOnly) == .success(.bot(helpful: true)))
        #expect(accept(.bot(helpful: true)) == .failure(.wrongSurvey))
        #expect(accept(.service(csat: 5, nps: nil, reason: nil, comment: nil), botOnly) == .failure(.wrongSurvey))
        let ticket = RatedContact(kind: .ticket, id: "t", ownerId: "cus", agentId: nil, hadAgent: false, endedAt: ended, skill: .mobile)
        #expect(accept(.bot(helpful: false), ticket) == .failure(.wrongSurvey))
    }

    @Test func aContactEndsWhenResolvedOrClosed() {
        let t0 = ended
        var c = Conversation(id: "c", customerId: "cus", visitorName: "张三", state: .assigned, skill: .billing, vip: false, agentId: "a", createdAt: t0, assignedAt: t0)
        #expect(RatedContact(chat: c).endedAt == nil && RatedContact(chat: c).hadAgent)
        c.state = .resolved
        c.resolvedAt = t0.addingTimeInterval(100)
        #expect(RatedContact(chat: c).endedAt == c.resolvedAt)
        // Closed after its resolution (rated, or the survey timed out): it still ended when resolved.
        c.state = .closed
        c.closedAt = t0.addingTimeInterval(400)
        #expect(RatedContact(chat: c).endedAt == c.resolvedAt && RatedContact(chat: c).agentId == "a")
        // Closed without a resolution (the customer went quiet): it ended when closed.
        c.resolvedAt = nil
        #expect(RatedContact(chat: c).endedAt == c.closedAt)
        let bot = Conversation(id: "b", customerId: nil, visitorName: "访客", state: .bot, skill: .mobile, vip: false, createdAt: t0, visitorId: "vis")
        #expect(!RatedContact(chat: bot).hadAgent && RatedContact(chat: bot).ownerId == "vis")
    }

    @Test func aPeriodRunsForwardForAtMostAYear() throws {
        #expect(throws: ReportPeriod.Problem.reversed) { try ReportPeriod(from: ended, to: ended) }
        #expect(throws: ReportPeriod.Problem.tooLong) { try ReportPeriod(from: ended, to: ended.addingTimeInterval(367 * 86_400)) }
        #expect(try ReportPeriod(from: ended, to: ended.addingTimeInterval(366 * 86_400)).from == ended)
    }
}

@Suite struct CSVTests {
    @Test func formulasAreDefusedAndNumbersStayNumbers() {
        #expect(CSV.cell(.text("=HYPERLINK(\"http://x\")")) == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        for lead in ["+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] { #expect(CSV.cell(.text(lead)).contains("'" + lead)) }
        #expect(CSV.cell(.text("张三, 李四")) == "\"张三, 李四\"")
        #expect(CSV.cell(.text("普通")) == "普通")
        #expect(CSV.cell(.number(-20)) == "-20" && CSV.cell(.number(0.25)) == "0.2500" && CSV.cell(.number(nil)) == "")
        #expect(CSV.row([.text("a"), .count(3)]) == "a,3\r\n")
    }
}
