import Foundation
import KefuCore
import Testing

/// The routing rules on their own: who takes a chat, in which order, and what a waiting customer is told.
@Suite struct RoutingRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func agent(_ id: String, _ skills: Set<SkillGroup>, active: Int = 0, limit: Int = 2, status: AgentStatus = .online, last: TimeInterval? = nil) -> AgentLoad {
        AgentLoad(agentId: id, skills: skills, status: status, activeChats: active, limit: limit, lastAssignedAt: last.map { t0.addingTimeInterval($0) })
    }

    func waiting(_ id: String, _ skill: SkillGroup, vip: Bool = false, at offset: TimeInterval) -> QueueEntry {
        QueueEntry(conversationId: id, skill: skill, vip: vip, queuedAt: t0.addingTimeInterval(offset))
    }

    @Test func theLeastLoadedOnlineAgentWithTheSkillTakesIt() {
        let agents = [
            agent("a", [.mobile], active: 1), agent("b", [.mobile], active: 0), agent("c", [.broadband]),
            agent("d", [.mobile], status: .busy), agent("e", [.mobile], active: 2),
        ]
        #expect(ChatRouter.pickAgent(for: .mobile, vip: false, among: agents)?.agentId == "b")
        #expect(ChatRouter.pickAgent(for: .enterprise, vip: false, among: agents) == nil)
        // Load is a share of the limit: 1 of 5 is lighter than 1 of 2.
        #expect(ChatRouter.pickAgent(for: .mobile, vip: false, among: [agent("a", [.mobile], active: 1), agent("z", [.mobile], active: 1, limit: 5)])?.agentId == "z")
        // Equal load: whoever waited longest since their last chat.
        #expect(ChatRouter.pickAgent(for: .mobile, vip: false, among: [agent("a", [.mobile], last: 60), agent("b", [.mobile], last: 10)])?.agentId == "b")
        // A VIP chat may also go to the VIP desk.
        #expect(ChatRouter.pickAgent(for: .broadband, vip: true, among: [agent("v", [.vip])])?.agentId == "v")
        #expect(ChatRouter.pickAgent(for: .broadband, vip: false, among: [agent("v", [.vip])]) == nil)
    }

    @Test func aPlanServesVIPsFirstAndNeverOverfills() {
        let queue = [waiting("c1", .mobile, at: 0), waiting("c2", .mobile, at: 10), waiting("vip", .mobile, vip: true, at: 20), waiting("bb", .broadband, at: 5)]
        let plan = ChatRouter.plan(queue, among: [agent("a", [.mobile], active: 0, limit: 2)], at: t0)
        #expect(plan == [.init(conversationId: "vip", agentId: "a"), .init(conversationId: "c1", agentId: "a")])
        // Two agents share the batch as it is handed out, not by their load before it: "a" has never had a
        // chat, so it waited longest; then "b" is the lighter; then a tie on load and time goes by id.
        let shared = ChatRouter.plan(queue, among: [agent("a", [.mobile]), agent("b", [.mobile], last: -10)], at: t0)
        #expect(shared.map(\.agentId) == ["a", "b", "a"])
        #expect(shared.map(\.conversationId) == ["vip", "c1", "c2"])
        #expect(ChatRouter.plan(queue, among: [], at: t0).isEmpty)
    }

    @Test func aWaitingCustomerIsToldTheirPlaceAndAnHonestEstimate() {
        let queue = [waiting("c1", .mobile, at: 0), waiting("c2", .mobile, at: 10), waiting("vip", .mobile, vip: true, at: 20), waiting("bb", .broadband, at: 5)]
        #expect(ChatQueue.position(of: "vip", in: queue) == 1)
        #expect(ChatQueue.position(of: "c2", in: queue) == 3)
        #expect(ChatQueue.position(of: "bb", in: queue) == 1)
        #expect(ChatQueue.position(of: "nope", in: queue) == nil)
    }

    @Test func theEstimateComesFromTheServingAgentsChatsInProgress() {
        // Nobody serves the group: no number is promised.
        #expect(ChatQueue.estimatedWait(position: 1, agents: [], averageHandlingSeconds: 240) == nil)
        // A free slot serves at once.
        #expect(ChatQueue.estimatedWait(position: 1, agents: [.init(limit: 2, chatElapsedSeconds: [100])], averageHandlingSeconds: 240) == 0)
        // Two agents at their limit of one: the chat that has run longest ends first, then the other.
        let busy = [ServingAgent(limit: 1, chatElapsedSeconds: [200]), ServingAgent(limit: 1, chatElapsedSeconds: [60])]
        #expect(ChatQueue.estimatedWait(position: 1, agents: busy, averageHandlingSeconds: 240) == 40)
        #expect(ChatQueue.estimatedWait(position: 2, agents: busy, averageHandlingSeconds: 240) == 180)
        // The third waits for a second round of the first slot.
        #expect(ChatQueue.estimatedWait(position: 3, agents: busy, averageHandlingSeconds: 240) == 280)
        // A chat past the average is still expected to take a little while, not none.
        #expect(ChatQueue.estimatedWait(position: 1, agents: [.init(limit: 1, chatElapsedSeconds: [900])], averageHandlingSeconds: 240) == 30)
    }

    @Test func onlyThoseWhoTakeChatsAutomaticallyAreRoutedTo() {
        let lead = AgentLoad(agentId: "lead", skills: Set(SkillGroup.allCases), status: .online, activeChats: 0, limit: 5, autoAssign: false)
        let agent = AgentLoad(agentId: "a", skills: [.mobile], status: .online, activeChats: 4, limit: 5)
        #expect(ChatRouter.pickAgent(for: .mobile, vip: false, among: [lead, agent])?.agentId == "a")
        #expect(ChatRouter.pickAgent(for: .broadband, vip: false, among: [lead, agent]) == nil)
        #expect(!lead.serves(.mobile) && agent.serves(.mobile) && !agent.serves(.broadband))
        #expect(Role.agent.receivesChatsByDefault && !Role.teamLead.receivesChatsByDefault && !Role.admin.receivesChatsByDefault)
    }

    @Test func serviceHoursAreReadInChinaTime() throws {
        let hours = ServiceHours.standard
        // 2026-12-01 is a Tuesday; 01:30 UTC is 09:30 in Beijing, 10:30 UTC is 18:30.
        let tuesdayMorning = try #require(ISO8601DateFormatter().date(from: "2026-12-01T01:30:00Z"))
        let tuesdayEvening = try #require(ISO8601DateFormatter().date(from: "2026-12-01T10:30:00Z"))
        let saturday = try #require(ISO8601DateFormatter().date(from: "2026-12-05T03:00:00Z"))
        #expect(hours.isOpen(.enterprise, at: tuesdayMorning))
        #expect(!hours.isOpen(.enterprise, at: tuesdayEvening))
        #expect(!hours.isOpen(.enterprise, at: saturday))
        #expect(hours.isOpen(.mobile, at: saturday) && hours.isOpen(.broadband, at: tuesdayEvening))
        #expect(hours.describe(.enterprise) == "周一至周五 9:00–18:00")
        #expect(hours.describe(.mobile) == "全天24小时")
        let parsed = try #require(ServiceHours.parse("vip=6,7@08:30-22:00"))
        #expect(parsed.0 == .vip && parsed.1 == .init(weekdays: [6, 7], opens: 510, closes: 1320))
        #expect(ServiceHours.parse("billing=always")?.1 == .always)
        for bad in ["vip", "nope=always", "vip=8@09:00-18:00", "vip=1-5@18:00-09:00", "vip=1-5@9-18", "vip=1-5@09:00-25:00"] {
            #expect(ServiceHours.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func callbackNumbersAreReadAsPeopleTypeThem() {
        #expect(Validation.callbackNumber("138 0013 8000") == "13800138000")
        #expect(Validation.callbackNumber("+86-13800138000") == "13800138000")
        #expect(Validation.callbackNumber("010-62345678") == "01062345678")
        #expect(Validation.callbackNumber("0755 8765 4321") == "075587654321")
        for bad in ["", "12345", "23800138000", "1380013800a", "0012345678901", "１３８００１３８０００"] {
            #expect(Validation.callbackNumber(bad) == nil, "\(bad)")
        }
    }
}
