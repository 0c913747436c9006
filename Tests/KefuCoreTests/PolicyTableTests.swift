import Foundation
import KefuCore
import Testing

/// Every role against every resource and action, as one table: a change to any rule shows here as a
/// changed letter. A = allowed, H = hidden (told as not found), F = forbidden.
@Suite struct PolicyTableTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Customer cA's chat, held by agent1; visitor vV's chat, held by agent1 too.
    static let customerChat = Conversation(
        id: "conv-a", customerId: "cA", visitorName: "张*", state: .assigned, skill: .mobile, vip: false, agentId: "s-agent1", createdAt: t0
    )
    static let visitorChat = Conversation(
        id: "conv-v", customerId: nil, visitorName: "访客", state: .assigned, skill: .mobile, vip: false, agentId: "s-agent1", createdAt: t0,
        visitorId: "vV"
    )
    static let ticket = Ticket(
        id: "tk-a", number: "GD1", type: .fault, title: "断网", fields: [:], status: .inProgress, priority: .p2, priorityReason: "一般故障",
        priorityOverridden: false, group: .broadband, assigneeId: "s-agent1", customerId: "cA", subscriptionId: nil, deviceId: nil,
        outageId: nil, conversationId: "conv-a", intent: nil, keywords: [], summary: nil, district: "西湖区", service: .broadband,
        serviceDown: false, escalated: false, followUpDueAt: nil,
        response: SLAClock(startedAt: t0, target: 3600), resolution: SLAClock(startedAt: t0, target: 48 * 3600),
        createdBy: "cA", createdAt: t0, updatedAt: t0, resolvedAt: nil, closedAt: nil, reopenCount: 0
    )

    /// A 2 given for customer cA's chat, credited to agent1, with QA's finding recorded.
    static let review = RatingReview(
        id: "rvw-a", surveyId: "svy-a", contactKind: .chat, contactId: "conv-a", ownerId: "cA", agentId: "s-agent1", skill: .mobile, csat: 2,
        reason: .attitude, comment: nil, openedAt: t0, dueAt: t0.addingTimeInterval(ReviewRules.due), status: .concluded,
        finding: .init(cause: .agent, action: "辅导", calledBack: true, by: "s-qa", at: t0)
    )

    /// The QA score of customer cA's chat, credited to agent1.
    static let qaScore = QAScore(
        conversationId: "conv-a", agentId: "s-agent1", skill: .mobile, closedAt: t0, rulesVersion: 1, items: [], automatic: 80,
        adjustment: nil, scoredAt: t0
    )

    static func staff(_ id: String, _ role: Role) -> Principal { .staff(id: id, username: id, role: role, agentNo: "K0") }

    static let principals: [(String, Principal)] = [
        ("customer, owner", .customer(id: "cA", phone: "13800138000")),
        ("customer, other", .customer(id: "cB", phone: "13900139001")),
        ("visitor", .visitor(id: "vV")),
        ("agent, holds it", staff("s-agent1", .agent)),
        ("agent, other", staff("s-agent2", .agent)),
        ("team lead", staff("s-lead", .teamLead)),
        ("qa", staff("s-qa", .qa)),
        ("admin", staff("s-admin", .admin)),
    ]

    static let columns = [
        "converse", "history", "follow", "draft", "transcript", "attachment", "upload",
        "ticket", "comment", "confirm", "reopen", "assignSelf", "assignOther", "work", "create", "override",
        "recordRead", "recordWrite",
        "rateChat", "rateTicket", "qualityRead",
        "reviewRead", "reviewConclude", "reviewAppeal", "reviewDecide",
        "qaRead", "qaAdjust", "qaRules",
    ]

    static let expected: [String: String] = [
        "customer, owner": "A A A F H A A  A A A A F F F A F  A A  A A F  F F F F  F F F",
        "customer, other": "H H H F H H H  H H H H H H H F F  H H  H H F  F F F F  F F F",
        "visitor": "H H H F H H H  H H H H H H H F F  H H  H H F  F F F F  F F F",
        "agent, holds it": "A A A A A A A  A A A A A F A A A  A A  F F F  A F A F  A F F",
        "agent, other": "H H H H H H H  A A A A A F A A A  A A  F F F  H H H H  H H F",
        "team lead": "H A H A A A H  A A A A A A A A A  A A  F F A  A F F A  A F F",
        "qa": "H A H F A A H  A F F F F F F F F  A F  F F A  A A F F  A A F",
        "admin": "H A H A A A H  A A A A A A A A A  A A  F F A  A A F A  A A A",
    ]

    static func letter(_ access: Access) -> String {
        switch access {
        case .allowed: "A"
        case .hidden: "H"
        case .forbidden: "F"
        }
    }

    static func row(_ p: Principal) -> String {
        let c = customerChat
        let answers: [Access] = [
            ConversationPolicy.access(p, .converse, c),
            ConversationPolicy.access(p, .readHistory, c),
            ConversationPolicy.access(p, .follow, c),
            ConversationPolicy.access(p, .draftTicket, c),
            TranscriptPolicy.access(p, c),
            AttachmentPolicy.read(p, of: c),
            AttachmentPolicy.upload(p, to: c),
            TicketPolicy.read(p, ticket),
            TicketPolicy.act(p, .comment, ticket),
            TicketPolicy.act(p, .confirm, ticket),
            TicketPolicy.act(p, .reopen, ticket),
            TicketPolicy.act(p, .assignSelf, ticket),
            TicketPolicy.act(p, .assignOther, ticket),
            TicketPolicy.act(p, .work, ticket),
            TicketPolicy.create(p, for: "cA", overridingPriority: false),
            TicketPolicy.create(p, for: "cA", overridingPriority: true),
            CustomerRecordPolicy.access(p, "cA", needing: .customerRead),
            CustomerRecordPolicy.access(p, "cA", needing: .customerWrite),
            SurveyPolicy.answer(p, RatedContact(chat: c)),
            SurveyPolicy.answer(p, RatedContact(ticket: ticket)),
            SurveyPolicy.read(p),
            ReviewPolicy.read(p, review),
            ReviewPolicy.act(p, .conclude(cause: .agent, action: "x", calledBack: false), review),
            ReviewPolicy.act(p, .appeal(text: "x"), review),
            ReviewPolicy.act(p, .decide(upheld: true, note: "x"), review),
            QAScorePolicy.read(p, qaScore),
            QAScorePolicy.adjust(p, qaScore),
            QAScorePolicy.manageRules(p),
        ]
        return answers.map(letter).joined()
    }

    @Test(arguments: principals.map(\.0))
    func everyRoleAgainstEveryResource(_ name: String) throws {
        let principal = try #require(Self.principals.first { $0.0 == name }?.1)
        let want = try #require(Self.expected[name]).filter { !$0.isWhitespace }
        let got = Self.row(principal)
        #expect(got.count == Self.columns.count)
        let differences = zip(Self.columns, zip(want, got)).filter { $0.1.0 != $0.1.1 }.map { "\($0.0): want \($0.1.0), got \($0.1.1)" }
        #expect(differences.isEmpty, "\(name): \(differences.joined(separator: ", "))")
    }

    /// A lead took customer cA's chat over from agent1: the lead converses, agent1 follows and reads it.
    @Test func aChatTakenOverIsTheLeadsAndTheAgentStillFollowsIt() {
        var taken = Self.customerChat
        (taken.agentId, taken.takenFrom) = ("s-lead", "s-agent1")
        let lead = Self.staff("s-lead", .teamLead), agent = Self.staff("s-agent1", .agent), other = Self.staff("s-agent2", .agent)
        #expect(ConversationPolicy.access(lead, .converse, taken) == .allowed && ConversationPolicy.access(lead, .suggestAnswers, taken) == .allowed)
        #expect(ConversationPolicy.access(agent, .converse, taken) == .hidden && ConversationPolicy.access(agent, .suggestAnswers, taken) == .hidden)
        #expect(ConversationPolicy.access(agent, .follow, taken) == .allowed && ConversationPolicy.access(agent, .readHistory, taken) == .allowed)
        #expect(ConversationPolicy.access(other, .follow, taken) == .hidden && ConversationPolicy.access(other, .readHistory, taken) == .hidden)
        #expect(ConversationPolicy.access(.customer(id: "cA", phone: "1"), .converse, taken) == .allowed)
    }

    @Test func theVisitorConversesInTheirOwnChatOnly() {
        let visitor = Principal.visitor(id: "vV")
        #expect(ConversationPolicy.access(visitor, .converse, Self.visitorChat) == .allowed)
        #expect(ConversationPolicy.access(visitor, .readHistory, Self.visitorChat) == .allowed)
        #expect(ConversationPolicy.access(.visitor(id: "vW"), .converse, Self.visitorChat) == .hidden)
        // A customer whose id happened to equal a visitor id still does not own a visitor's chat.
        #expect(ConversationPolicy.access(.customer(id: "vV", phone: "1"), .converse, Self.visitorChat) == .hidden)
    }

    @Test func listsAndSearchesAreScopedByRole() throws {
        #expect(try TicketPolicy.listScope(.customer(id: "cA", phone: "1")) == "cA")
        #expect(try TicketPolicy.listScope(Self.staff("s-qa", .qa)) == nil)
        #expect(throws: KefuError.forbidden) { try TicketPolicy.listScope(.visitor(id: "vV")) }
        #expect(try TranscriptPolicy.searchScope(Self.staff("s-agent1", .agent)) == .heldBy(agentId: "s-agent1"))
        #expect(try TranscriptPolicy.searchScope(Self.staff("s-qa", .qa)) == .all)
        #expect(throws: KefuError.forbidden) { try TranscriptPolicy.searchScope(.customer(id: "cA", phone: "1")) }
        #expect(throws: KefuError.forbidden) { try TranscriptPolicy.searchScope(.visitor(id: "vV")) }
        #expect(try ReviewPolicy.listScope(Self.staff("s-agent1", .agent)) == .creditedTo(agentId: "s-agent1"))
        #expect(try ReviewPolicy.listScope(Self.staff("s-lead", .teamLead)) == .all)
        #expect(throws: KefuError.forbidden) { try ReviewPolicy.listScope(.customer(id: "cA", phone: "1")) }
    }

    /// A lead who took the chat themselves may appeal its finding but not decide it.
    @Test func nobodyJudgesTheirOwnRating() {
        var own = Self.review
        own.agentId = "s-lead"
        own.status = .appealed
        own.appeal = .init(text: "申诉", at: Self.t0)
        #expect(ReviewPolicy.act(Self.staff("s-lead", .teamLead), .decide(upheld: true, note: "x"), own) == .forbidden)
        #expect(ReviewPolicy.act(Self.staff("s-lead2", .teamLead), .decide(upheld: true, note: "x"), own) == .allowed)
    }

    /// An admin who took the chat reads its QA score but does not adjust it.
    @Test func nobodyAdjustsTheScoreOfTheirOwnChat() {
        var own = Self.qaScore
        own.agentId = "s-admin"
        #expect(QAScorePolicy.read(Self.staff("s-admin", .admin), own) == .allowed)
        #expect(QAScorePolicy.adjust(Self.staff("s-admin", .admin), own) == .forbidden)
        #expect(QAScorePolicy.adjust(Self.staff("s-admin2", .admin), own) == .allowed)
    }

    @Test func onlyTheCustomerSeesTheirRecordUnmasked() {
        #expect(CustomerRecordPolicy.seesUnmasked(.customer(id: "cA", phone: "1")))
        for (_, principal) in Self.principals where principal.actorKind == "staff" {
            #expect(!CustomerRecordPolicy.seesUnmasked(principal))
        }
    }

    @Test func deniedAccessIsToldAsNotFoundOrForbidden() {
        #expect(throws: KefuError.notFound("工单")) { try Access.hidden.require("工单") }
        #expect(throws: KefuError.forbidden) { try Access.forbidden.require("工单") }
        #expect(throws: Never.self) { try Access.allowed.require("工单") }
    }
}
