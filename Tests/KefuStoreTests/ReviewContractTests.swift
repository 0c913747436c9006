import Foundation
import KefuCore
@testable import KefuStore
import SQLKit
import Testing

/// 差评复盘 on SQLite and PostgreSQL: a low rating opens its task with it, the queue's order and counts,
/// the acts on the locked row with their notices and audit lines, and overdue flags raised once.
@Suite struct ReviewContractTests {
    @Test func sqlite() async throws { try await TestDatabases.with(.sqlite) { try await Self.run($0) } }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"))
    func postgres() async throws { try await TestDatabases.with(.postgres) { try await Self.run($0) } }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let hour: TimeInterval = 3600

    static func rate(_ store: Store, _ contact: String, csat: Int, at: Date, agent: String = "staff-agent1") async throws -> Bool {
        try await store.surveys.record(SurveyResponse(
            id: Store.newID("svy"), contactKind: .chat, contactId: contact, ownerId: "cus-100000", agentId: agent, skill: .mobile,
            endedAt: at, answeredAt: at, answer: .service(csat: csat, nps: nil, reason: csat <= 3 ? .attitude : nil, comment: "评价\(csat)")
        ))
    }

    static func audit(_ actor: String, _ action: String, _ id: String, at: Date) -> AuditEntry {
        AuditEntry(id: Store.newID("aud"), at: at, actorKind: "staff", actorId: actor, action: action, targetType: "review", targetId: id)
    }

    static func run(_ db: Database) async throws {
        let store = Store(database: db)
        _ = try await StoreContract.loadDemo(store, customers: 3)
        let leads = try await db.transaction { try await TicketRepository.teamLeads($0) }
        #expect(!leads.isEmpty)

        // 1 and 2 open reviews, 3 does not, nor does the bot's "not helpful".
        #expect(try await rate(store, "conv-a", csat: 2, at: t0))
        #expect(try await rate(store, "conv-b", csat: 1, at: t0.addingTimeInterval(hour), agent: "staff-agent2"))
        #expect(try await rate(store, "conv-c", csat: 3, at: t0))
        #expect(try await store.surveys.record(SurveyResponse(
            id: Store.newID("svy"), contactKind: .chat, contactId: "conv-d", ownerId: "cus-100000", agentId: nil, skill: .mobile,
            endedAt: t0, answeredAt: t0, answer: .bot(helpful: false)
        )))
        var all = try await store.reviews.list(.init())
        #expect(all.map(\.contactId) == ["conv-a", "conv-b"])
        #expect(all[0].dueAt == t0.addingTimeInterval(48 * hour) && all[0].csat == 2 && all[0].reason == .attitude && all[0].comment == "评价2")
        let a = all[0].id, b = all[1].id
        #expect(try await store.audit.search(.init(action: "review.open")).count == 2)

        // The finding, on the locked row: the agent is told.
        let concluded = try await store.reviews.apply(
            .conclude(cause: .agent, action: "已辅导话术", calledBack: true), reviewId: a, actorId: "staff-qa", now: t0.addingTimeInterval(hour),
            audit: audit("staff-qa", "review.conclude", a, at: t0.addingTimeInterval(hour)), check: { _ in }
        )
        #expect(concluded.status == .concluded && concluded.finding?.calledBack == true)
        #expect(try await store.reviews.review(id: a) == concluded)
        let told = try await store.tickets.notifications(recipientId: "staff-agent1")
        #expect(told.first?.kind == "review_concluded" && told.first?.reviewId == a)

        // A refused check stores nothing.
        await #expect(throws: KefuError.forbidden) {
            try await store.reviews.apply(
                .appeal(text: "不是我的问题"), reviewId: a, actorId: "staff-agent2", now: t0.addingTimeInterval(2 * hour),
                audit: audit("staff-agent2", "review.appeal", a, at: t0), check: { _ in throw KefuError.forbidden }
            )
        }
        #expect(try await store.reviews.review(id: a)?.status == .concluded)
        // Two appeals at once: one lands, the other finds it appealed.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for n in 1...2 {
                group.addTask {
                    (try? await store.reviews.apply(
                        .appeal(text: "申诉\(n)"), reviewId: a, actorId: "staff-agent1", now: t0.addingTimeInterval(2 * hour),
                        audit: audit("staff-agent1", "review.appeal", a, at: t0.addingTimeInterval(2 * hour)), check: { _ in }
                    )) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        for lead in leads { #expect(try await store.tickets.notifications(recipientId: lead).contains { $0.kind == "review_appealed" }) }

        // Queue order and counts: open first by deadline, the rest newest first.
        var open = ReviewRepository.Filter()
        open.status = [.open]
        #expect(try await store.reviews.list(open).map(\.id) == [b])
        var mine = ReviewRepository.Filter()
        mine.agentId = "staff-agent1"
        #expect(try await store.reviews.list(mine).map(\.id) == [a])
        var counts = try await store.reviews.counts(agentId: nil, now: t0.addingTimeInterval(50 * hour))
        #expect(counts.byStatus == [.open: 1, .appealed: 1] && counts.overdue == 1)
        counts = try await store.reviews.counts(agentId: "staff-agent1", now: t0.addingTimeInterval(50 * hour))
        #expect(counts.byStatus == [.appealed: 1] && counts.overdue == 0)

        // Overdue: nothing before the deadline; past it, flagged once and the leads told once.
        #expect(try await store.reviews.flagOverdue(now: t0.addingTimeInterval(48 * hour)).isEmpty)
        let late = t0.addingTimeInterval(50 * hour)
        #expect(try await store.reviews.flagOverdue(now: late).map(\.id) == [b])
        #expect(try await store.reviews.flagOverdue(now: late.addingTimeInterval(hour)).isEmpty)
        for lead in leads {
            #expect(try await store.tickets.notifications(recipientId: lead).filter { $0.kind == "review_overdue" }.map(\.reviewId) == [b])
        }
        #expect(try await store.reviews.review(id: b)?.overdueAt == late)
        var overdue = ReviewRepository.Filter()
        overdue.overdueAt = late
        #expect(try await store.reviews.list(overdue).map(\.id) == [b])
        #expect(try await store.audit.search(.init(action: "review.overdue", targetID: b)).count == 1)

        // The decision closes it; the agent and QA are told.
        let decided = try await store.reviews.apply(
            .decide(upheld: false, note: "客户误解，撤销"), reviewId: a, actorId: "staff-lead", now: late,
            audit: audit("staff-lead", "review.decide", a, at: late), check: { _ in }
        )
        #expect(decided.status == .decided && decided.decision?.upheld == false && decided.appeal != nil)
        #expect(try await store.tickets.notifications(recipientId: "staff-qa").first?.kind == "review_decided")
        all = try await store.reviews.list(.init())
        #expect(all.map(\.id) == [b, a])
    }
}
