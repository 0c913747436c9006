import Foundation
import KefuCore
import Testing

/// Who hears of what: the rules the store writes notifications from.
@Suite struct TicketNoticeTests {
    let rules = TicketRuleTests()
    let leads = ["s-lead", "s-admin"]

    func event(_ kind: TicketEvent.Kind, to value: String? = nil, text: String? = nil) -> TicketEvent {
        TicketEvent(id: "e", ticketId: "tk-1", at: rules.t0, actorKind: "staff", actorId: "s-x", kind: kind, toValue: value, text: text)
    }

    @Test func theNewAssigneeHearsUnlessTheyTookItThemselves() {
        let ticket = rules.ticket()
        let given = TicketNotices.forChange([event(.assigned, to: "s-agent2")], on: ticket, by: .init(kind: "staff", id: "s-lead"))
        #expect(given.map { $0.recipients(teamLeads: leads) } == [["s-agent2"]])
        #expect(given.first?.text.contains("已分派给你") == true)
        #expect(TicketNotices.forChange([event(.assigned, to: "s-agent2")], on: ticket, by: .init(kind: "staff", id: "s-agent2")).isEmpty)
        #expect(TicketNotices.forChange([event(.comment, text: "x"), event(.status, to: "in_progress")], on: ticket, by: .system).isEmpty)
    }

    @Test func anEscalationGoesToTheOtherTeamLeads() {
        let notices = TicketNotices.forChange([event(.escalated, text: "客户三次来电")], on: rules.ticket(), by: .init(kind: "staff", id: "s-lead"))
        #expect(notices.count == 1)
        #expect(notices[0].recipients(teamLeads: leads) == ["s-admin"])
        #expect(notices[0].kind == "escalated" && notices[0].text.contains("24 小时") && notices[0].text.contains("客户三次来电"))
    }

    @Test func warningsGoToTheHolderBreachesAlsoToTheLeads() {
        var held = rules.ticket()
        held.assigneeId = "s-agent2"
        let warning = TicketNotices.forTimer(.responseWarning, on: held)
        #expect(warning.recipients(teamLeads: leads) == ["s-agent2"] && warning.kind == "sla_warning" && !warning.needsTeamLeads)
        #expect(TicketNotices.forTimer(.resolutionBreach, on: held).recipients(teamLeads: leads) == ["s-agent2", "s-lead", "s-admin"])
        #expect(TicketNotices.forTimer(.followUpDue, on: held).kind == "follow_up_due")
        // Nobody holds it: the warning goes to the leads, so it is not lost.
        #expect(TicketNotices.forTimer(.responseWarning, on: rules.ticket()).recipients(teamLeads: leads) == ["s-lead", "s-admin"])
    }

    @Test func anIncidentGoesToEveryTeamLead() {
        let outage = Outage(
            id: "out-1", city: "杭州", district: "西湖区", service: .broadband, title: "西湖区宽带故障", status: .active, source: .detected,
            startedAt: rules.t0, eta: nil, resolvedAt: nil, createdBy: "system"
        )
        let notice = TicketNotices.forIncident(outage)
        #expect(notice.recipients(teamLeads: leads) == Set(leads) && notice.outageId == "out-1" && notice.text == "P0 事件：西湖区宽带故障")
    }
}
