import Foundation
import KefuCore
@testable import KefuStore
import Testing

/// First-contact resolution on a hand-built month whose answer is known, on both databases: which
/// contacts count, which repeat, a group transfer, a reopened ticket of a chat, a contact whose 7 days
/// are not over yet.
@Suite struct FirstContactTests {
    @Test func sqlite() async throws { try await TestDatabases.with(.sqlite) { try await Self.run($0) } }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"))
    func postgres() async throws { try await TestDatabases.with(.postgres) { try await Self.run($0) } }

    static let t0 = Date(timeIntervalSince1970: 1_793_000_000)
    static let day: TimeInterval = 86_400

    static func run(_ db: Database) async throws {
        let store = Store(database: db)
        _ = try await StoreContract.loadDemo(store, customers: 12)
        let chat = store.chat
        func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
        func customer(_ n: Int) -> String { "cus-1000\(String(format: "%02d", n))" }

        /// A chat of customer `n` handed over for `intent`, taken by agent1, then `ending` (resolved or closed).
        func served(_ id: String, _ n: Int, intent: Intent?, ending: ConversationState = .resolved, at start: TimeInterval = 0,
                    transfer: Bool = false) async throws {
            let c = Conversation(id: id, customerId: customer(n), visitorName: "客", state: .bot, skill: .mobile, vip: false, createdAt: at(start))
            _ = try await chat.create(c, greeting: "您好")
            _ = try await chat.transition(id, to: .queued, now: at(start + 1), handover: (.button, intent))
            _ = try await chat.transition(id, to: .assigned, now: at(start + 2), agentId: .some("staff-agent1"))
            if transfer {
                _ = try await chat.transition(id, to: .queued, now: at(start + 3), skill: .billing, agentId: .some(nil))
                _ = try await chat.transition(id, to: .assigned, now: at(start + 4), agentId: .some("staff-agent3"))
            }
            _ = try await chat.transition(id, to: ending, now: at(start + 60))
        }
        /// A chat with the bot only, on `intent` as far as a hand-over says (queued, nobody took it).
        func botOnly(_ id: String, _ n: Int, intent: Intent?, at start: TimeInterval) async throws {
            let c = Conversation(id: id, customerId: customer(n), visitorName: "客", state: .bot, skill: .mobile, vip: false, createdAt: at(start))
            _ = try await chat.create(c, greeting: "您好")
            _ = try await chat.transition(id, to: .queued, now: at(start + 1), handover: (.button, intent))
        }
        func ticket(_ n: Int, intent: Intent?, conversation: String? = nil, at start: TimeInterval, resolve: Bool, reopen: Bool = false) async throws -> Ticket {
            var draft = TicketContract.fault(customer(n))
            draft.intent = intent
            draft.conversationId = conversation
            let t = try await store.tickets.create(draft, now: at(start), audit: StoreContract.entry()).ticket
            var steps: [(TicketAction, TimeInterval)] = []
            if resolve { steps += [(.assign(to: "staff-agent2"), 10), (.move(to: .inProgress, note: nil), 20), (.move(to: .resolved, note: "修复"), 600)] }
            if reopen { steps.append((.reopen(reason: "又坏了"), 2 * day)) }
            for (action, after) in steps {
                _ = try await store.tickets.apply(action, ticketId: t.id, actor: TicketContract.actor, now: at(start + after), audit: StoreContract.entry())
            }
            return t
        }

        try await served("P", 1, intent: .billQuery)                               // solved, nothing after: yes
        try await served("Q", 2, intent: .broadbandFault)                          // a ticket on the same problem 3 days on: no
        _ = try await ticket(2, intent: .broadbandFault, at: 3 * day, resolve: false)
        try await served("R", 3, intent: .packageChange, transfer: true)              // sent on to billing: no
        try await served("S", 4, intent: .broadbandFault)                          // its ticket reopened: no
        _ = try await ticket(4, intent: .broadbandFault, conversation: "S", at: 30, resolve: true, reopen: true)
        try await served("T", 5, intent: .billQuery, ending: .closed)              // closed unresolved (idle): no
        try await served("U", 6, intent: nil)                                      // unknown problem, next chat 8 days on: yes
        try await botOnly("U2", 6, intent: .billQuery, at: 8 * day)
        try await served("V", 7, intent: .billQuery)                               // a new chat on another problem: yes
        try await botOnly("V2", 7, intent: .packageChange, at: 2 * day)
        try await served("W", 8, intent: .billQuery)                               // the same problem again within 7 days: no
        try await botOnly("W2", 8, intent: .billQuery, at: 6 * day)
        try await served("X", 9, intent: nil)                                      // unknown problem, any new contact repeats: no
        try await botOnly("X2", 9, intent: .packageChange, at: 1 * day)
        _ = try await ticket(10, intent: nil, at: 100, resolve: true)              // a ticket of its own, solved: yes
        let visitorChat = Conversation(id: "Y", customerId: nil, visitorName: "访客", state: .bot, skill: .mobile, vip: false, createdAt: t0, visitorId: "vis-9")
        _ = try await chat.create(visitorChat, greeting: "您好")                   // a visitor cannot be followed: not a contact
        _ = try await chat.transition("Y", to: .assigned, now: at(5), agentId: .some("staff-agent1"))
        _ = try await chat.transition("Y", to: .resolved, now: at(50))

        #expect(try await chat.conversation(id: "R")?.groupTransferred == true)
        #expect(try await chat.conversation(id: "P")?.groupTransferred == false)

        let period = try ReportPeriod(from: at(-3600), to: at(day))
        // Three days on, every contact is still open to a repeat: all pending.
        let early = try #require(try await store.quality.surveyFigures(period, by: nil, now: at(3 * day))[""])
        #expect(early.fcrPending == 10 && early.fcrContacts == 0 && early.firstContactResolution == nil)
        // A month on: P, U, V and the ticket of its own, of 10 (S's ticket is S's contact).
        let month = try #require(try await store.quality.surveyFigures(period, by: nil, now: at(30 * day))[""])
        #expect(month.fcrPending == 0 && month.fcrContacts == 10 && month.fcrResolved == 4)
        let byAgent = try await store.quality.surveyFigures(period, by: .agent, now: at(30 * day))
        // R ended with agent3; the ticket of its own is agent2's.
        #expect(byAgent["staff-agent1"]?.fcrContacts == 8 && byAgent["staff-agent1"]?.fcrResolved == 3)
        #expect(byAgent["staff-agent3"]?.fcrContacts == 1 && byAgent["staff-agent3"]?.fcrResolved == 0)
        #expect(byAgent["staff-agent2"]?.fcrContacts == 1 && byAgent["staff-agent2"]?.fcrResolved == 1)
    }
}
