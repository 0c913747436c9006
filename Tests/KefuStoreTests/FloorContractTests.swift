import Foundation
import KefuCore
@testable import KefuStore
import Testing

/// The live floor read from the database, as a node starts and as it mends its copy: the open chats
/// with what their latest messages tell, the agents with a presence, and the abandonments of the last
/// half hour — the same on SQLite and PostgreSQL.
@Suite struct FloorContractTests {
    @Test(arguments: TestDatabases.Kind.allCases)
    func theFloorIsReadFromTheDatabase(_ kind: TestDatabases.Kind) async throws {
        if kind == .postgres, TestDatabases.postgresURL == nil { return }
        try await TestDatabases.with(kind) { db in try await Self.run(db) }
    }

    static func run(_ db: Database) async throws {
        let store = Store(database: db)
        _ = try await StoreContract.loadDemo(store, customers: 5)
        let now = Date()
        let at = { (seconds: TimeInterval) in now.addingTimeInterval(seconds) }

        // Angry and unanswered in the queue.
        _ = try await store.chat.create(StoreContract.conversation("conv-1"), greeting: "您好")
        _ = try await store.chat.transition("conv-1", to: .queued, now: at(-300))
        _ = try await store.chat.append(conversationId: "conv-1", sender: .customer, senderId: "cus-100000", clientId: "a", text: "你们什么破服务！！！", now: at(-200))
        _ = try await store.chat.append(conversationId: "conv-1", sender: .customer, senderId: "cus-100000", clientId: "b", text: "人呢", now: at(-100))
        // With an agent, who answered; a staff-only note after the answer changes nothing.
        _ = try await store.chat.openDesk(agentId: "staff-agent1", node: "n1", defaultLimit: 3, now: at(-400))
        _ = try await store.chat.create(StoreContract.conversation("conv-2"), greeting: "您好")
        _ = try await store.chat.transition("conv-2", to: .queued, now: at(-250))
        _ = try await store.chat.transition("conv-2", to: .assigned, now: at(-240), agentId: .some("staff-agent1"))
        _ = try await store.chat.append(conversationId: "conv-2", sender: .customer, senderId: "cus-100000", clientId: "c", text: "查话费", now: at(-230))
        _ = try await store.chat.append(conversationId: "conv-2", sender: .agent, senderId: "staff-agent1", clientId: "d", text: "好的", now: at(-220))
        _ = try await store.chat.append(
            conversationId: "conv-2", sender: .agent, senderId: "staff-agent1", clientId: "e", text: "内部备注", visibility: .staff, now: at(-210)
        )
        // Queued and closed before anyone took it: ten minutes ago counts, an hour ago does not.
        for (id, closed) in [("conv-3", at(-600)), ("conv-4", at(-3600))] {
            _ = try await store.chat.create(StoreContract.conversation(id), greeting: "您好")
            _ = try await store.chat.transition(id, to: .queued, now: closed.addingTimeInterval(-60))
            _ = try await store.chat.transition(id, to: .closed, now: closed)
        }
        // The bot finished this one alone: no abandonment.
        _ = try await store.chat.create(StoreContract.conversation("conv-5"), greeting: "您好")
        _ = try await store.chat.transition("conv-5", to: .closed, now: at(-60))

        let floor = try await store.chat.floor(now: now)
        #expect(Set(floor.chats.keys) == ["conv-1", "conv-2"])
        let waiting = try #require(floor.chats["conv-1"])
        #expect(waiting.state == .queued && waiting.angry && waiting.everQueued && !waiting.everTaken)
        #expect(abs((waiting.awaitingSince ?? .distantPast).timeIntervalSince(at(-200))) < 0.001)
        #expect(waiting.lastCustomerText == "人呢")
        let served = try #require(floor.chats["conv-2"])
        #expect(served.state == .assigned && served.agentId == "staff-agent1" && served.awaitingSince == nil && !served.angry)
        #expect(served.lastCustomerText == "查话费")
        let agent = try #require(floor.agents["staff-agent1"])
        #expect(agent.status == .online && agent.agentNo == "K3001" && agent.limit == 3 && !agent.skills.isEmpty)
        #expect(floor.abandonedAt.count == 1 && abs(floor.abandonedAt[0].timeIntervalSince(at(-600))) < 0.001)
        #expect(floor.board(at: now).groups.first { $0.skill == .mobile }?.queued == 1)
    }
}
