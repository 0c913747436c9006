import Foundation
import KefuCore
@testable import KefuStore
import SQLKit
import Testing

/// One contract, run on SQLite always and on PostgreSQL when `KEFU_TEST_POSTGRES_URL` is set.
@Suite struct StoreContractTests {
    @Test(arguments: StoreContract.allCases)
    func sqlite(_ contract: StoreContract) async throws {
        try await TestDatabases.with(.sqlite) { try await contract.run($0) }
    }

    @Test(arguments: StoreContract.allCases)
    func sqliteFile(_ contract: StoreContract) async throws {
        try await TestDatabases.with(.sqliteFile) { try await contract.run($0) }
    }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"), arguments: StoreContract.allCases)
    func postgres(_ contract: StoreContract) async throws {
        try await TestDatabases.with(.postgres) { try await contract.run($0) }
    }
}

enum StoreContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case migrationsAreIdempotent
    case demoDataLoadsOnceAndFormsA360
    case customersAreFoundByEveryNumber
    case searchPagesByCursor
    case staffAccounts
    case sessionsExpire
    case smsCodesCountAttempts
    case catalogKeepsExactMoney
    case auditFilters
    case metacharactersRoundTrip
    case failedTransactionLeavesNothing
    case messagesAreNumberedWithoutGapsUnderConcurrency
    case repeatedClientIdIsStoredOnce
    case routingWhileMessagesArriveKeepsTheirNumbers
    case concurrentRoutingNeverOverfillsOrDoubleAssigns
    case lifecycleRefusesInvalidMoves
    case idleChatsAreRemindedThenClosedOnce
    case anAttachmentBelongsToItsConversation
    case desksBelongToLiveNodes
    case readsAreKeptPerReaderAndNeverGoBack
    case handlingTimesAndServingAgentsFeedTheEstimate
    case shippedArticlesTakeNewWordingOnceAndSpareEdits

    var testDescription: String { rawValue }

    static let day = CalendarDate(year: 2026, month: 11, day: 28)!
    static let audit = AuditEntry(id: "a", at: Date(), actorKind: "test", actorId: "t", action: "x", targetType: "t", targetId: "t")

    static func entry(_ id: String = UUID().uuidString, action: String = "test.change", actor: String = "tester", at: Date = Date()) -> AuditEntry {
        AuditEntry(id: id, at: at, actorKind: "staff", actorId: actor, action: action, targetType: "t", targetId: "t")
    }

    static func conversation(_ id: String, customer: String = "cus-100000") -> Conversation {
        Conversation(id: id, customerId: customer, visitorName: "客户", state: .bot, skill: .mobile, vip: false, createdAt: Date())
    }

    static func loadDemo(_ store: Store, customers: Int = 60) async throws -> DemoDataset {
        var generator = DemoGenerator(customerCount: customers, asOf: day)
        let data = generator.generate()
        _ = try await DemoLoader(store: store).load(data, hash: { "hash-of-\($0)" })
        return data
    }

    func run(_ db: Database) async throws {
        let store = Store(database: db)
        switch self {
        case .shippedArticlesTakeNewWordingOnceAndSpareEdits:
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            func article(_ id: String, _ intent: Intent, _ answer: String, _ steps: [String]) -> SolutionArticle {
                SolutionArticle(id: id, intent: intent, title: id, answer: answer, steps: steps, keywords: [], updatedAt: t0)
            }
            // As an earlier release seeded them: one untouched, one edited by an admin, one deleted.
            let old = [article("art-a", .iptv, "旧", ["请输入人工"]), article("art-b", .roaming, "旧", ["请输入人工"]), article("art-c", .invoice, "旧", ["x"])]
            #expect(try await store.knowledge.seedIfNeeded(phrases: [("你好", .greeting)], articles: old, now: t0))
            try await store.knowledge.save(article("art-b", .roaming, "管理员改过", ["自己的话"]), by: "admin", audit: Self.entry())
            _ = try await store.knowledge.deleteArticle(id: "art-c", audit: Self.entry())
            let version = try await store.knowledge.version()
            let shipped = [article("art-a", .iptv, "新", ["新步骤"]), article("art-b", .roaming, "新", ["新步骤"]),
                           article("art-c", .invoice, "新", ["新步骤"]), article("art-d", .complaint, "新", ["新步骤"])]
            let retired = ["art-a": [(answer: "旧", steps: ["请输入人工"])], "art-b": [(answer: "旧", steps: ["请输入人工"])], "art-c": [(answer: "旧", steps: ["x"])]]
            // The deleted art-c stays deleted; art-d is new with this wording.
            #expect(try await store.knowledge.upgradeShippedArticles(shipped, retired: retired, added: ["art-d"], wording: 2, now: t0) == 2)
            let now = Dictionary(uniqueKeysWithValues: try await store.knowledge.articles().map { ($0.id, $0) })
            #expect(now["art-a"]?.answer == "新" && now["art-a"]?.steps == ["新步骤"] && now["art-a"]?.title == "art-a")
            #expect(now["art-b"]?.answer == "管理员改过" && now["art-c"] == nil && now["art-d"]?.answer == "新")
            #expect(try await store.knowledge.version() > version)
            // Once per wording: deleting the new article again keeps it deleted.
            _ = try await store.knowledge.deleteArticle(id: "art-d", audit: Self.entry())
            #expect(try await store.knowledge.upgradeShippedArticles(shipped, retired: retired, added: ["art-d"], wording: 2, now: t0) == 0)
            #expect(try await store.knowledge.article(id: "art-d") == nil)

        case .migrationsAreIdempotent:
            #expect(try await db.migrate() == [])
            #expect(try await store.staff.count() == 0)

        case .demoDataLoadsOnceAndFormsA360:
            let data = try await Self.loadDemo(store)
            #expect(try await DemoLoader(store: store).isLoaded())
            #expect(try await DemoLoader(store: store).load(data, hash: { $0 }) == nil)
            let view = try #require(try await store.customers.view360(id: "cus-100000"))
            #expect(view.customer.contactPhone == "13800138000")
            #expect(view.customer.vipLevel == 3)
            #expect(view.subscriptions.count == 4)
            #expect(view.subscriptions.contains { $0.kind == .broadband })
            #expect(view.devices.contains { $0.kind == .opticalModem })
            #expect(view.devices.contains { $0.kind == .setTopBox })
            #expect(Set(view.usage.map(\.month)).count == 4, "three billed months and the one under way")
            #expect(!view.bills.isEmpty && view.bills.allSatisfy { !$0.items.isEmpty && $0.totalFen == BillCalculator.total($0.items) })
            #expect(view.packages.map(\.code) == ["FAM-229"])
            #expect(!view.payments.isEmpty)
            let expected = data.bills.filter { $0.customerId == "cus-100000" }.sorted { $0.id < $1.id }
            #expect(view.bills.sorted { $0.id < $1.id } == expected)
            let arrears = try #require(try await store.customers.view360(id: "cus-100001"))
            #expect(arrears.customer.balanceFen < 0)
            #expect(arrears.subscriptions.contains { $0.status == .suspendedArrears })
            #expect(arrears.bills.contains { $0.status == .overdue })
            let contract = try #require(try await store.customers.view360(id: "cus-100002"))
            #expect(contract.subscriptions.first?.contract?.monthlyDiscountFen ?? 0 > 0)
            let bill = try #require(view.bills.first)
            #expect(try await store.customers.bill(id: bill.id) == bill)

        case .customersAreFoundByEveryNumber:
            let data = try await Self.loadDemo(store)
            #expect(try await store.customers.find(phone: "13800138000")?.id == "cus-100000")
            let secondLine = try #require(data.subscriptions.first { $0.customerId == "cus-100000" && $0.kind == .mobile && $0.number != "13800138000" })
            #expect(try await store.customers.find(phone: secondLine.number)?.id == "cus-100000")
            #expect(try await store.customers.find(phone: "10000000000") == nil)
            let found = try await store.customers.find(id: "cus-100000")
            #expect(found?.phones.contains(secondLine.number) == true)

        case .searchPagesByCursor:
            _ = try await Self.loadDemo(store, customers: 30)
            let first = try await store.customers.search(query: nil, limit: 10, after: nil)
            let second = try await store.customers.search(query: nil, limit: 10, after: first.last?.id)
            #expect(first.count == 10 && second.count == 10)
            #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
            #expect(first.last!.id < second.first!.id)
            let name = try #require(first.first?.name)
            let byName = try await store.customers.search(query: String(name.prefix(1)), limit: 100, after: nil)
            #expect(byName.contains { $0.id == first.first?.id })
            #expect(try await store.customers.search(query: "%", limit: 100, after: nil).isEmpty)
            #expect(try await store.customers.search(query: "13800138000", limit: 5, after: nil).map(\.id) == ["cus-100000"])

        case .staffAccounts:
            let user = StaffUser(id: "s1", username: "agent9", displayName: "测试", role: .agent, agentNo: "K9", skills: ["mobile"], disabled: false, createdAt: Date())
            try await store.staff.create(user, passwordHash: "h1", audit: Self.entry())
            await #expect(throws: StaffRepository.Failure.usernameTaken("agent9")) {
                try await store.staff.create(user, passwordHash: "h2", audit: Self.entry())
            }
            var other = user
            other.id = "s2"
            other.username = "agent10"
            await #expect(throws: StaffRepository.Failure.agentNoTaken("K9")) {
                try await store.staff.create(other, passwordHash: "h2", audit: Self.entry())
            }
            let (found, hash) = try #require(try await store.staff.credentials(username: "agent9"))
            #expect(found.skills == ["mobile"] && hash == "h1" && found.role == .agent)
            try await store.sessions.create(.init(tokenHash: "t", principalKind: "staff", principalID: "s1", createdAt: Date(), expiresAt: Date().addingTimeInterval(60)))
            #expect(try await store.staff.setDisabled(id: "s1", true, audit: Self.entry()))
            #expect(try await store.sessions.find(tokenHash: "t", now: Date()) == nil)
            #expect(try await store.staff.find(id: "s1")?.disabled == true)
            #expect(try await store.staff.setDisabled(id: "nobody", true, audit: Self.entry()) == false)

        case .sessionsExpire:
            let now = Date()
            try await store.sessions.create(.init(tokenHash: "a", principalKind: "customer", principalID: "c", createdAt: now, expiresAt: now.addingTimeInterval(100)))
            #expect(try await store.sessions.find(tokenHash: "a", now: now.addingTimeInterval(99))?.principalID == "c")
            #expect(try await store.sessions.find(tokenHash: "a", now: now.addingTimeInterval(101)) == nil)
            try await store.sessions.purgeExpired(now: now.addingTimeInterval(101))
            #expect(try await store.sessions.find(tokenHash: "a", now: now) == nil)
            // Many at once, as the chat's check of its open sockets asks (more than one query's worth):
            // the expired, the unknown and a customer's no longer on record drop out.
            _ = try await Self.loadDemo(store, customers: 5)
            func session(_ hash: String, _ kind: String, _ id: String, lasting: TimeInterval = 100) async throws {
                try await store.sessions.create(.init(tokenHash: hash, principalKind: kind, principalID: id, createdAt: now, expiresAt: now.addingTimeInterval(lasting)))
            }
            try await session("live-c", "customer", "cus-100000")
            try await session("live-s", "staff", "staff-agent1")
            try await session("old", "customer", "cus-100000", lasting: 10)
            try await session("orphan", "customer", "cus-none")
            var visitors: [String] = []
            for n in 0..<520 {
                try await session("v\(n)", "visitor", "vis-\(n)")
                visitors.append("v\(n)")
            }
            let live = try await store.sessions.live(among: ["live-c", "live-s", "old", "orphan", "nothing"] + visitors, now: now.addingTimeInterval(50))
            #expect(live == Set(["live-c", "live-s"] + visitors))
            #expect(try await store.sessions.live(among: [], now: now).isEmpty)

        case .smsCodesCountAttempts:
            let now = Date()
            try await store.smsCodes.replace(phone: "13800138000", codeHash: "x", now: now, expiresAt: now.addingTimeInterval(300))
            #expect(try await store.smsCodes.recordAttempt(phone: "13800138000", now: now)?.attempts == 0)
            #expect(try await store.smsCodes.recordAttempt(phone: "13800138000", now: now)?.attempts == 1)
            #expect(try await store.smsCodes.recordAttempt(phone: "13800138000", now: now.addingTimeInterval(301)) == nil)
            try await store.smsCodes.replace(phone: "13800138000", codeHash: "y", now: now, expiresAt: now.addingTimeInterval(300))
            #expect(try await store.smsCodes.recordAttempt(phone: "13800138000", now: now)?.codeHash == "y")

        case .catalogKeepsExactMoney:
            var package = ServicePackage(code: "ENT-X", name: "专线", category: .enterpriseLine, monthlyFeeFen: 9_999_999, dataMB: 0, voiceMinutes: 0, bandwidthMbps: 10000, benefits: ["固定IP"])
            try await store.catalog.create(package, audit: Self.entry())
            await #expect(throws: CatalogRepository.Failure.codeTaken("ENT-X")) { try await store.catalog.create(package, audit: Self.entry()) }
            #expect(try await store.catalog.find(code: "ENT-X") == package)
            package.monthlyFeeFen = 1
            package.active = false
            #expect(try await store.catalog.update(package, audit: Self.entry()))
            #expect(try await store.catalog.find(code: "ENT-X")?.monthlyFeeFen == 1)
            #expect(try await store.catalog.list().contains { $0.code == "ENT-X" } == false)
            #expect(try await store.catalog.list(includeInactive: true).contains { $0.code == "ENT-X" })

        case .auditFilters:
            let base = Date(timeIntervalSince1970: 1_790_000_000)
            for index in 0..<5 {
                try await store.audit.append(Self.entry("e\(index)", action: index % 2 == 0 ? "pii.unmask" : "customer.read", actor: "u\(index % 2)", at: base.addingTimeInterval(Double(index))))
            }
            let unmasks = try await store.audit.search(.init(action: "pii.unmask"))
            #expect(unmasks.map(\.id) == ["e4", "e2", "e0"])
            #expect(try await store.audit.search(.init(actorID: "u1")).count == 2)
            #expect(try await store.audit.search(.init(since: base.addingTimeInterval(3))).map(\.id) == ["e4", "e3"])
            #expect(try await store.audit.search(.init(limit: 1)).map(\.id) == ["e4"])

        case .metacharactersRoundTrip:
            let nasty = "O'Brien\"; DROP TABLE customers;-- <script>alert(1)</script> %_\\"
            let customer = Customer(
                id: "cus-x", name: nasty, idNumber: "11010519491231002X", contactPhone: "13700000000", city: "杭州",
                district: "西湖区", address: nasty, vipLevel: 0, tags: [nasty, "标签"], balanceFen: -12_345, createdAt: Date(timeIntervalSince1970: 1_790_000_000)
            )
            try await store.customers.create(customer, audit: Self.entry())
            let found = try #require(try await store.customers.find(id: "cus-x"))
            #expect(found.name == nasty && found.address == nasty && found.tags == [nasty, "标签"] && found.balanceFen == -12_345)
            #expect(try await store.customers.search(query: nasty, limit: 5, after: nil).isEmpty == false)

        case .messagesAreNumberedWithoutGapsUnderConcurrency:
            _ = try await Self.loadDemo(store, customers: 5)
            let (c, _) = try await store.chat.create(Self.conversation("conv-1"), greeting: "你好")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        _ = try await store.chat.append(conversationId: c.id, sender: .customer, senderId: "cus-100000", clientId: "m\(index)", text: "第\(index)条", now: Date())
                    }
                }
                try await group.waitForAll()
            }
            let messages = try await store.chat.messages(conversationId: c.id, after: 0)
            #expect(messages.map(\.seq) == Array(1...41))
            #expect(try await store.chat.conversation(id: c.id)?.lastSeq == 41)
            #expect(try await store.chat.messages(conversationId: c.id, after: 39).map(\.seq) == [40, 41])

        case .routingWhileMessagesArriveKeepsTheirNumbers:
            // A copy of the chat read before a message, written back after it, must not take its number back
            // (on PostgreSQL the dispatcher's copy did, and the next message collided with the last).
            _ = try await Self.loadDemo(store, customers: 20)
            let (c, _) = try await store.chat.create(Self.conversation("conv-1"), greeting: "你好")
            let stale = try #require(try await store.chat.conversation(id: c.id))
            _ = try await store.chat.append(conversationId: c.id, sender: .customer, senderId: "cus-100000", clientId: "a", text: "一", now: Date())
            try await db.transaction { try await ChatRepository.update(stale, $0) }
            _ = try await store.chat.append(conversationId: c.id, sender: .customer, senderId: "cus-100000", clientId: "b", text: "二", now: Date())
            #expect(try await store.chat.messages(conversationId: c.id, after: 0).map(\.seq) == [1, 2, 3])
            // And for real: chats routed while their customers type.
            _ = try await store.chat.setPresence(agentId: "staff-agent1", status: .online, limit: 10, defaultLimit: 10, now: Date())
            for index in 0..<10 {
                var queued = Self.conversation("conv-q\(index)", customer: "cus-\(100_001 + index)")
                queued.state = .queued
                queued.queuedAt = Date()
                _ = try await store.chat.create(queued, greeting: "你好")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        for n in 0..<5 {
                            _ = try await store.chat.append(
                                conversationId: "conv-q\(index)", sender: .customer, senderId: "cus-\(100_001 + index)", clientId: "q\(n)", text: "在吗", now: Date()
                            )
                        }
                    }
                }
                for _ in 0..<4 { group.addTask { _ = try await store.chat.dispatch(now: Date(), defaultLimit: 10) } }
                try await group.waitForAll()
            }
            for index in 0..<10 {
                let conversation = try #require(try await store.chat.conversation(id: "conv-q\(index)"))
                #expect(try await store.chat.messages(conversationId: conversation.id, after: 0).map(\.seq) == Array(1...6))
                #expect(conversation.lastSeq == 6 && conversation.state == .assigned)
            }

        case .repeatedClientIdIsStoredOnce:
            _ = try await Self.loadDemo(store, customers: 5)
            let (c, _) = try await store.chat.create(Self.conversation("conv-1"), greeting: "你好")
            let results = try await withThrowingTaskGroup(of: ChatRepository.Appended.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await store.chat.append(conversationId: c.id, sender: .customer, senderId: "cus-100000", clientId: "same", text: "一次", now: Date())
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.message.seq)).count == 1)
            #expect(results.filter { !$0.duplicate }.count == 1)
            #expect(try await store.chat.messages(conversationId: c.id, after: 0).count == 2)
            // The refused copies took no number: the next message is seq 3.
            #expect(try await store.chat.conversation(id: c.id)?.lastSeq == 2)
            // Once the chat is closed a resend is still the stored message, and a new one is refused.
            _ = try await store.chat.transition(c.id, to: .closed, now: Date())
            let resent = try await store.chat.append(conversationId: c.id, sender: .customer, senderId: "cus-100000", clientId: "same", text: "一次", now: Date())
            #expect(resent.duplicate && resent.message.seq == 2)
            await #expect(throws: ChatRepository.Failure.conversationClosed) {
                try await store.chat.append(conversationId: c.id, sender: .customer, senderId: "cus-100000", clientId: "new", text: "再一次", now: Date())
            }
            await #expect(throws: ChatRepository.Failure.noSuchConversation) {
                try await store.chat.append(conversationId: "conv-none", sender: .customer, senderId: "cus-100000", clientId: "x", text: "有人吗", now: Date())
            }

        case .concurrentRoutingNeverOverfillsOrDoubleAssigns:
            _ = try await Self.loadDemo(store, customers: 40)
            // A lead takes chats automatically only when set to; this one is.
            let audit = AuditEntry(id: "aud-lead", at: Date(), actorKind: "staff", actorId: "staff-admin", action: "staff.update", targetType: "staff", targetId: "staff-lead")
            #expect(try await store.staff.update(id: "staff-lead", autoAssign: true, skills: nil, audit: audit)?.autoAssign == true)
            #expect(try await store.staff.update(id: "staff-none", autoAssign: true, skills: nil, audit: audit) == nil)
            for agent in ["staff-agent1", "staff-lead"] {
                _ = try await store.chat.setPresence(agentId: agent, status: .online, limit: 3, defaultLimit: 5, now: Date())
            }
            _ = try await store.chat.setPresence(agentId: "staff-agent2", status: .online, limit: 5, defaultLimit: 5, now: Date())
            for index in 0..<20 {
                var c = Self.conversation("conv-\(index)", customer: "cus-\(100_000 + index)")
                c.state = .queued
                c.queuedAt = Date(timeIntervalSince1970: 1_790_000_000 + Double(index))
                c.vip = index == 19
                _ = try await store.chat.create(c, greeting: "你好")
            }
            let rounds = try await withThrowingTaskGroup(of: [ChatRepository.Assignment].self) { group in
                for _ in 0..<8 { group.addTask { try await store.chat.dispatch(now: Date(), defaultLimit: 5) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            // Mobile chats go to agent1 (mobile) and lead (all skills); agent2 serves broadband only.
            #expect(rounds.count == 6)
            #expect(Set(rounds.map(\.conversation.id)).count == rounds.count)
            #expect(try await store.chat.activeCount(agentId: "staff-agent1") == 3)
            #expect(try await store.chat.activeCount(agentId: "staff-lead") == 3)
            #expect(try await store.chat.activeCount(agentId: "staff-agent2") == 0)
            #expect(rounds.contains { $0.conversation.id == "conv-19" })
            #expect(try await store.chat.queued().count == 14)

        case .lifecycleRefusesInvalidMoves:
            _ = try await Self.loadDemo(store, customers: 5)
            let (c, _) = try await store.chat.create(Self.conversation("conv-1"), greeting: "你好")
            await #expect(throws: ChatRepository.Failure.invalidTransition(from: .bot, to: .resolved)) {
                _ = try await store.chat.transition(c.id, to: .resolved, now: Date())
            }
            _ = try await store.chat.transition(c.id, to: .closed, now: Date())
            await #expect(throws: ChatRepository.Failure.conversationClosed) {
                _ = try await store.chat.append(conversationId: c.id, sender: .customer, senderId: nil, clientId: "x", text: "晚了", now: Date())
            }

        case .idleChatsAreRemindedThenClosedOnce:
            _ = try await Self.loadDemo(store, customers: 5)
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            var c = Self.conversation("conv-1")
            c.state = .assigned
            c.agentId = "staff-agent1"
            c.assignedAt = start
            c.createdAt = start
            _ = try await store.chat.create(c, greeting: "你好")
            // A customer waiting for the agent is not idle.
            _ = try await store.chat.append(conversationId: c.id, sender: .customer, senderId: nil, clientId: "q", text: "在吗", now: start)
            #expect(try await store.chat.claimIdleReminders(now: start.addingTimeInterval(600), after: 180).isEmpty)
            _ = try await store.chat.append(conversationId: c.id, sender: .agent, senderId: "staff-agent1", clientId: "a", text: "在的", now: start)
            #expect(try await store.chat.claimIdleReminders(now: start.addingTimeInterval(179), after: 180).isEmpty)
            #expect(try await store.chat.claimIdleReminders(now: start.addingTimeInterval(181), after: 180).count == 1)
            #expect(try await store.chat.claimIdleReminders(now: start.addingTimeInterval(200), after: 180).isEmpty)
            #expect(try await store.chat.claimIdleClosures(now: start.addingTimeInterval(181 + 299), after: 300, farewell: "再见").isEmpty)
            let closed = try await store.chat.claimIdleClosures(now: start.addingTimeInterval(181 + 301), after: 300, farewell: "再见")
            #expect(closed.count == 1 && closed.first?.1.text == "再见" && closed.first?.0.state == .closed)
            #expect(try await store.chat.claimIdleClosures(now: start.addingTimeInterval(1000), after: 300, farewell: "再见").isEmpty)
            // A customer who waited long in the queue is not idle the moment an agent takes the chat.
            var waited = Self.conversation("conv-3", customer: "cus-100001")
            waited.state = .assigned
            waited.agentId = "staff-agent1"
            waited.createdAt = start
            waited.assignedAt = start.addingTimeInterval(900)
            _ = try await store.chat.create(waited, greeting: "正在为您转接人工客服")
            #expect(try await store.chat.claimIdleReminders(now: start.addingTimeInterval(901), after: 180).isEmpty)
            #expect(try await store.chat.claimIdleReminders(now: start.addingTimeInterval(900 + 181), after: 180).map(\.id) == ["conv-3"])
            // A resolved chat whose survey nobody answers closes too.
            var resolved = Self.conversation("conv-2")
            resolved.state = .resolved
            resolved.agentId = "staff-agent1"
            resolved.createdAt = start
            _ = try await store.chat.create(resolved, greeting: "你好")
            #expect(try await store.chat.claimIdleClosures(now: start.addingTimeInterval(299), after: 300, farewell: "再见").isEmpty)
            #expect(try await store.chat.claimIdleClosures(now: start.addingTimeInterval(301), after: 300, farewell: "再见").map(\.0.id) == ["conv-2"])

        case .anAttachmentBelongsToItsConversation:
            let bytes = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: UInt8(7), count: 5000))
            _ = try await Self.loadDemo(store, customers: 5)
            _ = try await store.chat.create(Self.conversation("conv-a"), greeting: "你好")
            _ = try await store.chat.create(Self.conversation("conv-b"), greeting: "你好")
            let first = ChatToolsRepository.newAttachmentID(), second = ChatToolsRepository.newAttachmentID()
            #expect(first != second)
            try await store.chatTools.putAttachment(.init(id: first, conversationId: "conv-a", uploaderId: "cus-100000", mime: "image/png", data: bytes), now: Date())
            try await store.chatTools.putAttachment(.init(id: second, conversationId: "conv-a", uploaderId: "cus-100000", mime: "image/png", data: bytes), now: Date())
            let found = try #require(try await store.chatTools.attachment(id: first))
            #expect(found.conversationId == "conv-a" && found.mime == "image/png" && found.data == bytes && found.uploaderId == "cus-100000")
            #expect(try await store.chatTools.attachment(id: second)?.data == bytes)
            #expect(try await store.chatTools.attachmentMime(id: first, in: "conv-a") == "image/png")
            #expect(try await store.chatTools.attachmentMime(id: first, in: "conv-b") == nil)
            #expect(try await store.chatTools.attachment(id: "att-none") == nil)

        case .readsAreKeptPerReaderAndNeverGoBack:
            _ = try await Self.loadDemo(store, customers: 5)
            for id in ["conv-r1", "conv-r2"] { _ = try await store.chat.create(Self.conversation(id), greeting: "你好") }
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            #expect(try await store.chat.readSeqs(readerId: "staff-agent1", conversationIds: ["conv-r1", "conv-r2"]).isEmpty)
            try await store.chat.markRead(conversationId: "conv-r1", readerId: "staff-agent1", seq: 5, now: t0)
            try await store.chat.markRead(conversationId: "conv-r1", readerId: "staff-agent1", seq: 3, now: t0)
            try await store.chat.markRead(conversationId: "conv-r1", readerId: "staff-agent2", seq: 1, now: t0)
            try await store.chat.markRead(conversationId: "conv-r2", readerId: "staff-agent1", seq: 2, now: t0)
            try await store.chat.markRead(conversationId: "conv-r2", readerId: "staff-agent1", seq: 4, now: t0)
            #expect(try await store.chat.readSeqs(readerId: "staff-agent1", conversationIds: ["conv-r1", "conv-r2"]) == ["conv-r1": 5, "conv-r2": 4])
            #expect(try await store.chat.readSeqs(readerId: "staff-agent2", conversationIds: ["conv-r1", "conv-r2"]) == ["conv-r1": 1])
            #expect(try await store.chat.readSeqs(readerId: "staff-agent1", conversationIds: []).isEmpty)

        case .handlingTimesAndServingAgentsFeedTheEstimate:
            _ = try await Self.loadDemo(store, customers: 20)
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            #expect(try await store.chat.averageHandlingSeconds(for: .mobile, since: t0) == nil)
            for index in 0..<6 {
                var c = Self.conversation("conv-h\(index)", customer: "cus-\(100_000 + index)")
                c.state = .assigned
                c.agentId = "staff-agent1"
                c.assignedAt = t0.addingTimeInterval(Double(index))
                _ = try await store.chat.create(c, greeting: "你好")
                if index < 5 {
                    _ = try await store.chat.transition(c.id, to: .resolved, now: t0.addingTimeInterval(Double(index) + 100 + Double(index) * 10))
                }
            }
            // Five resolved in 100, 110, 120, 130 and 140 s; the one still open is not counted.
            #expect(try await store.chat.averageHandlingSeconds(for: .mobile, since: t0) == 120)
            #expect(try await store.chat.averageHandlingSeconds(for: .mobile, since: t0, minimumSample: 6) == nil)
            #expect(try await store.chat.averageHandlingSeconds(for: .broadband, since: t0) == nil)
            // agent1 serves mobile (and VIP), holding one chat for 60 s; the lead serves nothing until set to.
            for agent in ["staff-agent1", "staff-lead", "staff-agent2"] {
                _ = try await store.chat.setPresence(agentId: agent, status: .online, limit: 3, defaultLimit: 5, now: t0)
            }
            let serving = try await store.chat.servingAgents(for: .mobile, now: t0.addingTimeInterval(65))
            #expect(serving == [ServingAgent(limit: 3, chatElapsedSeconds: [60])])
            #expect(try await store.chat.servingAgents(for: .billing, now: t0).isEmpty)
            #expect(try await store.chat.servingAgents(for: .broadband, now: t0).count == 1)

        case .desksBelongToLiveNodes:
            _ = try await Self.loadDemo(store, customers: 5)
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            func status(_ agent: String) async throws -> AgentStatus? { try await store.chat.presence(agentId: agent)?.status }
            #expect(try await store.chat.openDesk(agentId: "staff-agent1", node: "n1", defaultLimit: 5, now: t0) == (.online, 5))
            _ = try await store.chat.openDesk(agentId: "staff-agent1", node: "n2", defaultLimit: 5, now: t0)
            _ = try await store.chat.openDesk(agentId: "staff-agent2", node: "n2", defaultLimit: 5, now: t0)
            // Closing one of two desks leaves the agent online; n2 keeps beating, n1 does not.
            #expect(try await store.chat.closeDesk(agentId: "staff-agent1", node: "n1", now: t0) == false)
            _ = try await store.chat.openDesk(agentId: "staff-agent1", node: "n1", defaultLimit: 5, now: t0)
            try await store.chat.beat(node: "n2", now: t0.addingTimeInterval(40))
            #expect(try await store.chat.releaseDesks(.staleBefore(t0.addingTimeInterval(10), sparing: "n3"), now: t0.addingTimeInterval(40)) == [])
            #expect(try await status("staff-agent1") == .online)
            // n2 stops: both lose their last desk.
            var held = Self.conversation("conv-h")
            held.state = .assigned
            held.agentId = "staff-agent2"
            _ = try await store.chat.create(held, greeting: "你好")
            #expect(try await store.chat.releaseDesks(.node("n1"), now: t0.addingTimeInterval(41)) == [])
            // A node asking never releases its own desks, however late its last beat looks.
            #expect(try await store.chat.releaseDesks(.staleBefore(t0.addingTimeInterval(80), sparing: "n2"), now: t0.addingTimeInterval(80)) == [])
            #expect(try await status("staff-agent2") == .online)
            #expect(try await store.chat.releaseDesks(.staleBefore(t0.addingTimeInterval(80), sparing: "n3"), now: t0.addingTimeInterval(80)) == ["staff-agent1", "staff-agent2"])
            #expect(try await status("staff-agent2") == .away)
            // Their chat is orphaned once they have had no desk for the grace time, not before.
            #expect(try await store.chat.orphanedChats(leftBefore: t0.addingTimeInterval(79)).isEmpty)
            #expect(try await store.chat.orphanedChats(leftBefore: t0.addingTimeInterval(81)).map(\.id) == ["conv-h"])
            _ = try await store.chat.openDesk(agentId: "staff-agent2", node: "n3", defaultLimit: 5, now: t0.addingTimeInterval(90))
            #expect(try await store.chat.orphanedChats(leftBefore: t0.addingTimeInterval(200)).isEmpty)
            // A lone node starting again holds nothing.
            #expect(try await store.chat.releaseDesks(.everyNode, now: t0.addingTimeInterval(100)) == ["staff-agent2"])

        case .failedTransactionLeavesNothing:
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await db.transaction { sql in
                    try await sql.insert(into: "settings").columns("key", "value").values(SQLBind("k"), SQLBind("v")).run()
                    throw Boom()
                }
            }
            let rows = try await db.read { try await $0.select().column("key").from("settings").all().count }
            #expect(rows == 0)
        }
    }
}
