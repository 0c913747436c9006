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
        #expect(ChatQueue.estimatedWait(position: 3, servingSlots: 2, averageHandlingSeconds: 240) == 360)
        #expect(ChatQueue.estimatedWait(position: 1, servingSlots: 0, averageHandlingSeconds: 240) == 240)
    }
}
