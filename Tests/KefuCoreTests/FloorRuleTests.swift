import Foundation
import KefuCore
import Testing

/// The live floor as a value: chats follow their committed states, what only messages tell survives a
/// change of state, a close of a chat queued and never taken is one abandonment, and the board's
/// figures are read from what the floor holds.
@Suite struct FloorRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func chat(_ id: String, _ state: ConversationState, skill: SkillGroup = .mobile, agent: String? = nil, at offset: TimeInterval = 0) -> Conversation {
        var c = Conversation(id: id, customerId: "cus-\(id)", visitorName: "张*", state: state, skill: skill, vip: false, createdAt: t0)
        if state != .bot { c.queuedAt = t0.addingTimeInterval(offset) }
        if let agent {
            c.agentId = agent
            c.assignedAt = t0.addingTimeInterval(offset + 20)
        }
        return c
    }

    func said(_ id: String, _ sender: ChatMessage.Sender, _ text: String, at offset: TimeInterval, visibility: ChatMessage.Visibility = .everyone) -> FloorChange? {
        FloorChange(ChatMessage(
            conversationId: id, seq: 1, clientId: nil, sender: sender, senderId: nil, text: text, visibility: visibility,
            createdAt: t0.addingTimeInterval(offset)
        ))
    }

    func apply(_ floor: inout Floor, _ c: Conversation) { floor.apply(.chat(FloorChat(c), closedAt: c.closedAt)) }

    @Test func aCustomerWaitsFromTheirFirstUnansweredMessageUntilSomeoneAnswers() throws {
        var floor = Floor()
        apply(&floor, chat("c1", .assigned, agent: "a1"))
        floor.apply(try #require(said("c1", .customer, "我的宽带又断了", at: 30)))
        floor.apply(try #require(said("c1", .customer, "还在吗", at: 45)))
        #expect(floor.chats["c1"]?.awaitingSince == t0.addingTimeInterval(30))
        #expect(floor.chats["c1"]?.lastCustomerText == "还在吗" && floor.chats["c1"]?.lastCustomerAt == t0.addingTimeInterval(45))
        #expect(floor.board(at: t0.addingTimeInterval(50)).counts.awaitingReply == 1)
        // A staff-only note answers nobody and tells the floor nothing.
        #expect(said("c1", .agent, "客户情绪激动，注意安抚", at: 50, visibility: .staff) == nil)
        floor.apply(try #require(said("c1", .agent, "您好，正在为您查询", at: 60)))
        #expect(floor.chats["c1"]?.awaitingSince == nil)
        #expect(floor.chats["c1"]?.lastCustomerText == "还在吗")
        #expect(floor.board(at: t0.addingTimeInterval(61)).counts.awaitingReply == 0)
    }

    @Test func whatMessagesToldSurvivesAChangeOfStateAndTheMoodOnlyTurnsOn() throws {
        var floor = Floor()
        apply(&floor, chat("c1", .queued))
        floor.apply(try #require(said("c1", .customer, "你们什么破服务！！！", at: 10)))
        #expect(floor.chats["c1"]?.angry == true)
        apply(&floor, chat("c1", .assigned, agent: "a1"))
        let after = try #require(floor.chats["c1"])
        #expect(after.angry && after.awaitingSince == t0.addingTimeInterval(10) && after.lastCustomerText == "你们什么破服务！！！")
        floor.apply(try #require(said("c1", .customer, "好的谢谢", at: 90)))
        #expect(floor.chats["c1"]?.angry == true)
        // The bot's hand-over for an upset customer is the same signal, before any message is seen.
        var upset = chat("c2", .queued)
        upset.handoverReason = .upset
        apply(&floor, upset)
        #expect(floor.chats["c2"]?.angry == true)
    }

    @Test func aCustomersWordsAreMaskedAndCutShort() throws {
        let change = try #require(said("c1", .customer, "我的手机号13812345678怎么一直没信号，已经三天了，你们到底管不管，" + String(repeating: "啊", count: 30), at: 0))
        guard case .message(_, _, _, _, let text?) = change else { Issue.record("no text"); return }
        #expect(!text.contains("13812345678") && text.contains("138****5678"))
        #expect(text.count == FloorChat.excerptLength + 1 && text.hasSuffix("…"))
        let picture = try #require(said("c1", .customer, "", at: 0))
        guard case .message(_, _, _, _, let shown?) = picture else { Issue.record("no text"); return }
        #expect(shown == "［附件］")
    }

    @Test func aChatQueuedAndClosedBeforeAnyoneTookItIsOneAbandonment() {
        var floor = Floor()
        var left = chat("c1", .queued)
        apply(&floor, left)
        left.state = .closed
        left.closedAt = t0.addingTimeInterval(100)
        apply(&floor, left)
        // Told twice (a notification and the node's own event), counted once.
        apply(&floor, left)
        #expect(floor.chats["c1"] == nil && floor.abandonedAt == [t0.addingTimeInterval(100)])

        // Taken and then sent back to the queue: taken once, so its close is not an abandonment.
        var served = chat("c2", .assigned, agent: "a1")
        apply(&floor, served)
        served.state = .queued
        served.agentId = nil
        apply(&floor, served)
        served.state = .closed
        served.closedAt = t0.addingTimeInterval(200)
        apply(&floor, served)
        // A chat the bot finished never queued.
        var bot = chat("c3", .bot)
        apply(&floor, bot)
        bot.state = .closed
        bot.closedAt = t0.addingTimeInterval(300)
        apply(&floor, bot)
        #expect(floor.abandonedAt == [t0.addingTimeInterval(100)])
        #expect(floor.board(at: t0.addingTimeInterval(100 + 29 * 60)).abandonedAt.count == 1)
        #expect(floor.board(at: t0.addingTimeInterval(100 + 31 * 60)).abandonedAt.count == 0)
    }

    @Test func theBoardCountsQueuesLoadsAndAgentsByState() {
        var floor = Floor(agents: [
            FloorAgent(id: "a1", agentNo: "K3001", displayName: "王芳", status: .online, limit: 2, skills: [.mobile, .billing]),
            FloorAgent(id: "a2", agentNo: "K3002", displayName: "李强", status: .busy, limit: 3, skills: [.mobile]),
            FloorAgent(id: "a3", agentNo: "K3003", displayName: "赵敏", status: .online, limit: 3, skills: [.broadband]),
        ])
        apply(&floor, chat("c1", .queued, skill: .mobile, at: 50))
        apply(&floor, chat("c2", .queued, skill: .mobile, at: 10))
        apply(&floor, chat("c3", .queued, skill: .broadband, at: 30))
        apply(&floor, chat("c4", .assigned, skill: .mobile, agent: "a1"))
        apply(&floor, chat("c5", .assigned, skill: .billing, agent: "a1"))
        apply(&floor, chat("c6", .bot))
        apply(&floor, chat("c7", .resolved, agent: "a2"))
        floor.apply(.away(agentIds: ["a3"]))
        let board = floor.board(at: t0.addingTimeInterval(70))
        let mobile = board.groups.first { $0.skill == .mobile }
        #expect(mobile?.queued == 2 && mobile?.oldestQueuedAt == t0.addingTimeInterval(10) && mobile?.withAgents == 1 && mobile?.agentsOnline == 1)
        #expect(mobile?.longestWait(at: t0.addingTimeInterval(70)) == 60)
        #expect(board.groups.first { $0.skill == .broadband }?.agentsOnline == 0)
        #expect(board.counts.queued == 3 && board.counts.withAgents == 2 && board.counts.withBot == 1 && board.counts.resolved == 1)
        #expect(board.agentStates.online == 1 && board.agentStates.busy == 1 && board.agentStates.away == 1)
        // Online first, then busy, then away; a resolved chat waiting for its rating holds no slot.
        #expect(board.agents.map(\.agentNo) == ["K3001", "K3002", "K3003"])
        #expect(board.agents.map(\.load) == [2, 0, 0])
    }

    @Test func twoBoardsOfTheSameFloorSayTheSameWhenEverTheyWereRead() {
        var floor = Floor()
        apply(&floor, chat("c1", .queued))
        let a = floor.board(at: t0), b = floor.board(at: t0.addingTimeInterval(5))
        #expect(a != b && a.sameFigures(as: b))
        apply(&floor, chat("c1", .assigned, agent: "a1"))
        #expect(!floor.board(at: t0).sameFigures(as: a))
    }
}
