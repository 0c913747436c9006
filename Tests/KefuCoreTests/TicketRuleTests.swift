import Foundation
import KefuCore
import Testing

@Suite struct TicketRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func ticket(_ type: TicketType = .fault, priority: TicketPriority = .p2) -> Ticket {
        Ticket(
            id: "tk-1", number: "GD1", type: type, title: "断网", fields: [:], status: .new, priority: priority, priorityReason: "一般故障",
            priorityOverridden: false, group: .broadband, assigneeId: nil, customerId: "c", subscriptionId: nil, deviceId: nil,
            outageId: nil, conversationId: nil, intent: nil, keywords: [], summary: nil, district: "西湖区", service: .broadband,
            serviceDown: false, escalated: false, followUpDueAt: nil,
            response: SLAClock(startedAt: t0, target: priority.responseTarget), resolution: SLAClock(startedAt: t0, target: priority.resolutionTarget),
            createdBy: "c", createdAt: t0, updatedAt: t0, resolvedAt: nil, closedAt: nil, reopenCount: 0
        )
    }

    func act(_ action: TicketAction, _ t: inout Ticket, at offset: TimeInterval) throws -> [TicketEvent] {
        var n = 0
        return try action.apply(to: &t, by: .init(kind: "staff", id: "agent1"), at: t0.addingTimeInterval(offset), newID: { n += 1; return "e\(n)" })
    }

    @Test func priorityRulesInTheirOrder() {
        func p(_ type: TicketType, outage: Bool = false, down: Bool = false, vip: Bool = false) -> TicketPriority {
            TicketPriority.computed(PriorityFacts(type: type, linkedToOutage: outage, serviceDown: down, vip: vip)).priority
        }
        #expect(p(.fault, outage: true, down: true, vip: true) == .p0)
        #expect(p(.businessRequest, outage: true) == .p0)
        #expect(p(.fault, down: true) == .p1)
        #expect(p(.businessRequest, vip: true) == .p1)
        #expect(p(.fault) == .p2 && p(.complaint) == .p2 && p(.billingDispute) == .p2)
        #expect(p(.businessRequest) == .p3)
        #expect(TicketPriority.p0.responseTarget == 900 && TicketPriority.p0.resolutionTarget == 4 * 3600)
        #expect(TicketPriority.p1.responseTarget == 3600 && TicketPriority.p1.resolutionTarget == 24 * 3600)
        #expect(TicketPriority.p2.responseTarget == 4 * 3600 && TicketPriority.p2.resolutionTarget == 48 * 3600)
        #expect(TicketPriority.p3.responseTarget == 24 * 3600 && TicketPriority.p3.resolutionTarget == 72 * 3600)
    }

    @Test func templatesNameEachMissingField() {
        let problems = TicketType.fault.problems(in: ["symptom": "光猫红灯", "stepsTaken": "  "])
        #expect(problems.count == 2)
        #expect(problems[0].hasPrefix("fields.stepsTaken") && problems[1].hasPrefix("fields.resolutionStatus"))
        #expect(TicketType.fault.problems(in: ["symptom": "a", "stepsTaken": "b", "resolutionStatus": "c"]).isEmpty)
        #expect(TicketType.complaint.problems(in: ["subject": "a", "details": "b", "expectedOutcome": "c", "colour": "red"]) == ["fields.colour：投诉工单没有这个字段"])
        let dispute = TicketType.billingDispute.problems(in: ["billMonth": "2026-13", "disputedItem": "x", "disputedAmount": "1.234", "reason": "r"])
        #expect(dispute.contains { $0.hasPrefix("fields.billMonth") } && dispute.contains { $0.hasPrefix("fields.disputedAmount") })
        #expect(TicketType.fault.problems(in: ["symptom": "a\u{0}b", "stepsTaken": "b", "resolutionStatus": "c"]).count == 1)
    }

    @Test func clockPausesWhileWaitingForTheCustomer() {
        var clock = SLAClock(startedAt: t0, target: 48 * 3600)
        #expect(clock.due() == t0.addingTimeInterval(48 * 3600))
        #expect(clock.due(fraction: 0.8) == t0.addingTimeInterval(0.8 * 48 * 3600))
        clock.pause(at: t0.addingTimeInterval(3600))
        #expect(clock.due() == nil)
        #expect(clock.state(at: t0.addingTimeInterval(100 * 3600)) == .paused)
        #expect(clock.elapsed(at: t0.addingTimeInterval(100 * 3600)) == 3600)
        clock.resume(at: t0.addingTimeInterval(11 * 3600))
        #expect(clock.pausedSeconds == 10 * 3600)
        #expect(clock.due() == t0.addingTimeInterval(58 * 3600))
        #expect(clock.state(at: t0.addingTimeInterval(57 * 3600)) == .running)
        #expect(clock.state(at: t0.addingTimeInterval(58 * 3600)) == .breached)
        clock.meet(at: t0.addingTimeInterval(50 * 3600))
        #expect(clock.state(at: t0.addingTimeInterval(90 * 3600)) == .met)
        // Resolving while paused counts the pause too.
        var paused = SLAClock(startedAt: t0, target: 3600)
        paused.pause(at: t0.addingTimeInterval(1800))
        paused.meet(at: t0.addingTimeInterval(9000))
        #expect(paused.state(at: t0.addingTimeInterval(9000)) == .met && paused.elapsed(at: t0) == 1800)
    }

    @Test func stateMachineAcceptsTheLifecycleAndRefusesTheRest() throws {
        var t = ticket()
        #expect(throws: TicketAction.Refused.self) { try act(.move(to: .inProgress, note: nil), &t, at: 0) }
        #expect(t.status == .new)
        _ = try act(.assign(to: "agent1"), &t, at: 60)
        #expect(t.status == .assigned && t.assigneeId == "agent1")
        _ = try act(.move(to: .inProgress, note: nil), &t, at: 600)
        #expect(t.response.metAt == t0.addingTimeInterval(600) && t.response.state(at: t0) == .met)
        _ = try act(.move(to: .waitingCustomer, note: "请客户重启光猫"), &t, at: 3600)
        #expect(t.resolution.pausedSince != nil && t.timers().allSatisfy { $0.kind != .resolutionBreach })
        _ = try act(.move(to: .inProgress, note: nil), &t, at: 7200)
        #expect(t.resolution.pausedSeconds == 3600)
        #expect(t.timers().first { $0.kind == .resolutionBreach }?.dueAt == t0.addingTimeInterval(48 * 3600 + 3600))
        _ = try act(.move(to: .resolved, note: "已修复"), &t, at: 9000)
        #expect(t.timers().isEmpty && t.resolvedAt != nil)
        _ = try act(.move(to: .closed, note: nil), &t, at: 9100)
        let before = t
        #expect(throws: TicketAction.Refused.self) { try act(.move(to: .inProgress, note: nil), &t, at: 9200) }
        #expect(throws: TicketAction.Refused.self) { try act(.comment(text: "", internal: false), &t, at: 9200) }
        #expect(t == before)
        // Reopen within seven days, with a reason; not after.
        #expect(throws: TicketAction.Refused.self) { try act(.reopen(reason: " "), &t, at: 9300) }
        var late = t
        #expect(throws: TicketAction.Refused.self) { try act(.reopen(reason: "又断了"), &late, at: 9100 + 7 * 86400 + 1) }
        let events = try act(.reopen(reason: "又断了"), &t, at: 86400)
        #expect(t.status == .assigned && t.reopenCount == 1 && events.first?.kind == .reopened)
        #expect(t.resolution.startedAt == t0.addingTimeInterval(86400))
    }

    @Test func transferEscalateAndOverride() throws {
        var t = ticket()
        _ = try act(.assign(to: "agent1"), &t, at: 0)
        #expect(throws: TicketAction.Refused.self) { try act(.transfer(group: .broadband, reason: "x"), &t, at: 1) }
        #expect(throws: TicketAction.Refused.self) { try act(.transfer(group: .billing, reason: ""), &t, at: 1) }
        let moved = try act(.transfer(group: .billing, reason: "其实是计费问题"), &t, at: 10)
        #expect(t.group == .billing && t.assigneeId == nil && t.status == .new)
        #expect(moved.first?.fromValue == "broadband" && moved.first?.toValue == "billing")
        _ = try act(.escalate(reason: "客户第三次来电"), &t, at: 100)
        #expect(t.escalated && t.followUpDueAt == t0.addingTimeInterval(100 + 86400))
        #expect(t.timers().contains { $0.kind == .followUpDue })
        #expect(throws: TicketAction.Refused.self) { try act(.setPriority(.p1, reason: ""), &t, at: 200) }
        #expect(t.priority == .p2)
        _ = try act(.setPriority(.p1, reason: "客户业务完全中断"), &t, at: 200)
        #expect(t.priority == .p1 && t.priorityOverridden && t.response.target == 3600)
        #expect(t.timers().first { $0.kind == .responseWarning }?.dueAt == t0.addingTimeInterval(0.8 * 3600))
    }

    @Test func incidentNeedsFiveWithinThirtyMinutes() {
        let now = t0.addingTimeInterval(3600)
        let four = (0..<4).map { now.addingTimeInterval(Double(-$0) * 60) }
        #expect(!IncidentDetection.isIncident(faultTimes: four, now: now))
        #expect(IncidentDetection.isIncident(faultTimes: four + [now.addingTimeInterval(-29 * 60)], now: now))
        #expect(!IncidentDetection.isIncident(faultTimes: four + [now.addingTimeInterval(-31 * 60)], now: now))
    }

    @Test func webhookBackoffDoublesToAnHour() {
        #expect(WebhookEvent.backoff(afterAttempt: 1) == 10)
        #expect(WebhookEvent.backoff(afterAttempt: 2) == 20)
        #expect(WebhookEvent.backoff(afterAttempt: 4) == 80)
        #expect(WebhookEvent.backoff(afterAttempt: 20) == 3600)
    }
}
