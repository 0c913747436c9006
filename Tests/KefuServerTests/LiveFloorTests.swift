import Foundation
import KefuCore
@testable import KefuServer
import Testing

/// This node's floor: the version moves with every change, a watcher behind is told which chats the
/// changes touched (or that it must look at all of them after a reconcile), and the board is read once
/// per version for every watcher.
@Suite struct LiveFloorTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func chat(_ id: String, _ state: ConversationState) -> FloorChange {
        .chat(FloorChat(Conversation(id: id, customerId: nil, visitorName: "访客", state: state, skill: .mobile, vip: false, createdAt: t0)), closedAt: nil)
    }

    @Test func aWatcherBehindIsToldWhichChatsChanged() async throws {
        let live = LiveFloor()
        let start = live.view(since: nil, at: t0)
        #expect(start.changed == nil && start.floor.chats.isEmpty)
        live.apply(chat("c1", .bot))
        live.apply(chat("c2", .bot))
        live.apply(.agent(FloorAgent(id: "a1", agentNo: "K1", displayName: "甲", status: .online, limit: 3, skills: [.mobile])))
        let later = live.view(since: start.version, at: t0)
        #expect(later.changed == ["c1", "c2"] && later.version == start.version + 3)
        #expect(later.board.agentStates.online == 1)
        live.apply(chat("c2", .queued))
        #expect(live.view(since: later.version, at: t0).changed == ["c2"])
        // Read twice at one version: the same board, computed once.
        let again = live.view(since: later.version, at: t0.addingTimeInterval(9))
        #expect(again.board.at == live.view(since: later.version, at: t0.addingTimeInterval(20)).board.at)
        // A reconcile that changes the floor leaves nothing to tell a watcher from before it but "all".
        try await live.reconcile { Floor(chats: [], agents: [], abandonedAt: []) }
        let mended = live.view(since: again.version, at: t0)
        #expect(mended.changed == nil && mended.floor.chats.isEmpty)
        #expect(live.view(since: mended.version, at: t0).changed == [])
    }
}
