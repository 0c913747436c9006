import Foundation
import KefuCore

/// Past service, written from a fixed seed through the repositories and rules live use goes through:
/// chats with the bot and with agents (hand-overs, the odd group transfer, abandoned queues), tickets
/// (the odd one reopened), the surveys the rules accept, and QA working the negative ratings they open.
/// The demo writes a month of it on a first start, so every report and queue shows something real;
/// `KefuBench quality` writes a centre's month with the same code.
public struct DemoHistory: Sendable {
    public struct Plan: Sendable {
        public var chats: Int
        /// Messages a chat runs to, the greetings included (one a person served ends on an exchange and the
        /// closing phrase, so may have one or two more); nil for each chat's own length (4 to 9).
        public var messagesPerChat: Int?
        public var tickets: Int
        public var days: Int
        /// Who takes the chats, with the groups each serves; QA and the lead who work the reviews.
        public var agents: [(id: String, skills: [SkillGroup])]
        public var qa: String
        public var lead: String
        public var customers: [String]
        public var seed: UInt64 = 20_261_203
        /// Chats written at once: a few dozen keep group commit busy.
        public var writers = 64

        public init(
            chats: Int, messagesPerChat: Int? = nil, tickets: Int, days: Int, agents: [(id: String, skills: [SkillGroup])], qa: String,
            lead: String, customers: [String]
        ) {
            self.chats = chats
            self.messagesPerChat = messagesPerChat
            self.tickets = tickets
            self.days = days
            self.agents = agents
            self.qa = qa
            self.lead = lead
            self.customers = customers
        }
    }

    public struct Summary: Sendable, Equatable {
        public var chats = 0
        public var messages = 0
        public var tickets = 0
        public var surveys = 0
        public var reviews = 0
    }

    let store: Store
    let plan: Plan

    public init(store: Store, plan: Plan) {
        self.store = store
        self.plan = plan
    }

    /// What customers say about each problem, in turn, and what an agent answers to each.
    static let topics: [(intent: Intent?, skill: SkillGroup, customer: [String], agent: [String])] = [
        (.billQuery, .billing, ["这个月话费怎么比上个月多了三十块？", "我没订过什么加油包啊", "那能退吗？", "好的，谢谢"],
         ["我帮您查了本月账单，多出的是一个流量加油包的费用。", "记录显示是本月5号通过短信订购的。", "可以为您申请退订，本月费用按规定退还。", "不客气，还有其他问题随时联系我们。"]),
        (.broadbandFault, .broadband, ["家里宽带从昨晚开始就上不了网，光猫红灯一直闪", "已经重启过两次了，还是不行", "师傅什么时候能来？", "好，我等电话"],
         ["请问光猫上是 LOS 灯红色闪烁吗？", "这是线路问题，我给您登记报修。", "装维师傅会在24小时内联系您上门。", "好的，报修单已生成，请保持电话畅通。"]),
        (.dataUsage, .mobile, ["我的流量还剩多少？月底会不会超？", "超了怎么收费？", "那我先不加了", "谢谢"],
         ["您本月通用流量还剩12.3GB。", "超出部分按每GB 5元收取，当月封顶。", "按您现在的用量够用到月底，不用加。", "不客气，祝您生活愉快。"]),
        (.packageChange, .mobile, ["想换个便宜点的套餐，有什么推荐吗？", "59的流量够用吗？", "合约期内能换吗？", "行，那就换吧"],
         ["根据您近三个月的用量，推荐59元套餐。", "含30GB通用流量，比您平时用的多一些。", "合约期内可以换到同档或更高档，59元档符合规定。", "已为您办理，下个月1号生效。"]),
        (.recharge, .billing, ["刚充了50块钱怎么还没到账？", "是微信充的", "现在看到了", "好的"],
         ["请问是通过什么渠道充值的？", "我查到这笔充值已经到账，余额已更新。", "短信通知可能有几分钟延迟。", "感谢您的耐心等待。"]),
        (nil, .mobile, ["你好，有个问题想咨询一下", "我的号码最近总收到推销电话", "能帮我开个拦截吗？", "谢谢"],
         ["您好，请问有什么可以帮您？", "很抱歉给您带来困扰。", "已为您开通骚扰电话拦截服务，免费。", "不客气，还有问题随时联系我们。"]),
    ]

    /// What the chats need to know of the people and the library: each agent's 工号 for the greetings the
    /// system says for them, and the article agents are offered for each problem.
    struct Cast: Sendable {
        var agentNo: [String: String]
        var articles: [Intent: SolutionArticle]
        /// From when the mobile signal problem of `surge` starts to come up.
        var surgeFrom: Date
    }

    /// A problem that appears in the last week only, as a failing cell would: what the hot topics show
    /// rising against the week before.
    static let surge: (intent: Intent?, skill: SkillGroup, customer: [String], agent: [String]) = (
        .mobileSignal, .mobile, ["最近家里手机信号差，经常无服务", "在小区里打不出去电话，信号差得很", "什么时候能修好？", "好的，谢谢"],
        ["请问您所在的小区和楼栋是？", "附近基站正在检修，已为您登记信号问题。", "预计三天内恢复，恢复后会短信通知您。", "不客气，给您带来不便非常抱歉。"]
    )

    public func write(until end: Date) async throws -> Summary {
        let start = end.addingTimeInterval(-Double(plan.days) * 86_400)
        let staff = try await store.staff.find(ids: Set(plan.agents.map(\.id)))
        var articles: [Intent: SolutionArticle] = [:]
        for article in try await store.knowledge.articles() where articles[article.intent] == nil { articles[article.intent] = article }
        let cast = Cast(agentNo: staff.mapValues(\.agentNo), articles: articles, surgeFrom: end.addingTimeInterval(-7 * 86_400))
        var summary = try await writeChats(from: start, to: end, cast)
        summary.tickets = try await writeTickets(from: start, to: end, surveys: &summary.surveys)
        summary.reviews = try await workReviews(until: end)
        return summary
    }

    // MARK: Chats

    private func writeChats(from start: Date, to end: Date, _ cast: Cast) async throws -> Summary {
        let perTask = 400
        let chunks = stride(from: 0, to: plan.chats, by: perTask).map { ($0, min($0 + perTask, plan.chats)) }
        // Everything of a chat, its survey included, lies before `end`.
        let span = end.timeIntervalSince(start) - 4 * 3600
        return try await withThrowingTaskGroup(of: Summary.self) { group in
            var next = chunks.makeIterator()
            func add(_ chunk: (Int, Int)) {
                group.addTask {
                    var random = SeededGenerator(seed: plan.seed &+ UInt64(chunk.0 + 1))
                    var written = Summary()
                    for n in chunk.0..<chunk.1 {
                        let created = start.addingTimeInterval(Double.random(in: 0..<span, using: &random))
                        let chat = try await oneChat(id: "conv-hist-\(n)", customer: plan.customers[n % plan.customers.count], at: created, cast, &random)
                        written.chats += 1
                        written.messages += chat.messages
                        written.surveys += chat.rated ? 1 : 0
                    }
                    return written
                }
            }
            for _ in 0..<plan.writers { if let chunk = next.next() { add(chunk) } }
            var total = Summary()
            for try await written in group {
                total.chats += written.chats
                total.messages += written.messages
                total.surveys += written.surveys
                if let chunk = next.next() { add(chunk) }
            }
            return total
        }
    }

    /// One chat on the clock of its own day: the bot alone (3 in 10), or handed over, left in the queue
    /// (1 in 14 of those), or taken (greeted for the agent, as the desk does), answered (with the
    /// library's article most times, soothing an upset customer most times), now and then sent on to
    /// another group, resolved with the closing phrase and, one time in three, rated.
    private func oneChat(
        id: String, customer: String, at created: Date, _ cast: Cast, _ random: inout SeededGenerator
    ) async throws -> (messages: Int, rated: Bool) {
        let surging = created >= cast.surgeFrom && Int.random(in: 0..<5, using: &random) == 0
        let topic = surging ? Self.surge : Self.topics.randomElement(using: &random)!
        let length = plan.messagesPerChat ?? Int.random(in: 4...9, using: &random)
        _ = try await store.chat.create(
            Conversation(id: id, customerId: customer, visitorName: "客户", state: .bot, skill: topic.skill, vip: false, createdAt: created, skillChosen: false),
            greeting: "您好，欢迎来到在线客服！请问有什么可以帮您？"
        )
        var clock = created
        var written = 1
        func say(_ sender: ChatMessage.Sender, _ text: String, by who: String?, after seconds: Double) async throws {
            clock = clock.addingTimeInterval(seconds)
            _ = try await store.chat.append(conversationId: id, sender: sender, senderId: who, clientId: nil, text: text, now: clock)
            written += 1
        }
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 30 {
            var turn = 0
            while written < length {
                try await say(.customer, topic.customer[turn % topic.customer.count], by: customer, after: 20)
                if written < length { try await say(.bot, topic.agent[turn % topic.agent.count], by: nil, after: 1) }
                turn += 1
            }
            _ = try await store.chat.transition(id, to: .closed, now: clock.addingTimeInterval(600))
            return (written, false)
        }
        try await say(.customer, roll < 40 ? "人工" : topic.customer[0], by: customer, after: 15)
        let reason: HandoverReason = roll < 40 ? .askedInWords : roll < 45 ? .upset : roll < 50 ? .notUnderstood : .button
        clock = clock.addingTimeInterval(1)
        _ = try await store.chat.transition(id, to: .queued, now: clock, handover: (reason, topic.intent))
        if roll < 35 {
            _ = try await store.chat.transition(id, to: .closed, now: clock.addingTimeInterval(Double.random(in: 30...300, using: &random)))
            return (written, false)
        }
        let serving = plan.agents.filter { $0.skills.contains(topic.skill) }
        var agent = (serving.isEmpty ? plan.agents : serving).randomElement(using: &random)!.id
        // Most chats are taken within seconds and answered within seconds more; a busy hour's are not.
        let busy = Int.random(in: 0..<10, using: &random) < 2
        clock = clock.addingTimeInterval(Double.random(in: busy ? 20...120 : 1...15, using: &random))
        _ = try await store.chat.transition(id, to: .assigned, now: clock, agentId: .some(agent))
        try await say(.system, ChatScripts.greeting(agentNo: cast.agentNo[agent] ?? ""), by: agent, after: 0)
        let soothes = reason == .upset && Int.random(in: 0..<4, using: &random) > 0
        try await say(.agent, soothes ? ChatScripts.soothing : "请问具体是什么问题呢？", by: agent, after: Double.random(in: busy ? 10...60 : 2...12, using: &random))
        if roll >= 97, let other = plan.agents.first(where: { !$0.skills.contains(topic.skill) }), let skill = other.skills.first {
            // Sent on to another group, and taken there.
            _ = try await store.chat.transition(id, to: .queued, now: clock.addingTimeInterval(20), skill: skill, agentId: .some(nil))
            clock = clock.addingTimeInterval(60)
            agent = other.id
            _ = try await store.chat.transition(id, to: .assigned, now: clock, agentId: .some(agent))
            try await say(.system, ChatScripts.greeting(agentNo: cast.agentNo[agent] ?? ""), by: agent, after: 0)
        }
        let article = topic.intent.flatMap { cast.articles[$0] }.flatMap { Int.random(in: 0..<5, using: &random) > 0 ? $0 : nil }
        // At least one exchange on the problem itself, however short the chat.
        var turn = 0
        repeat {
            try await say(.customer, topic.customer[turn % topic.customer.count], by: customer, after: 30)
            let reply = turn == 0 ? article?.chatText ?? topic.agent[0] : topic.agent[turn % topic.agent.count]
            try await say(.agent, reply, by: agent, after: Double.random(in: 10...70, using: &random))
            turn += 1
        } while written < length
        clock = clock.addingTimeInterval(30)
        let resolved = try await store.chat.transition(id, to: .resolved, now: clock)
        try await say(.system, ChatScripts.closing(agentNo: cast.agentNo[agent] ?? ""), by: agent, after: 0)
        var rated = false
        if Int.random(in: 0..<3, using: &random) == 0 {
            rated = try await rate(RatedContact(chat: resolved), owner: customer, at: clock.addingTimeInterval(60), &random)
        }
        _ = try await store.chat.transition(id, to: .closed, now: clock.addingTimeInterval(60))
        return (written, rated)
    }

    /// A survey answer as the customer would give it, stored only if the survey's rules accept it
    /// (a low score with its reason, within 72 hours). A 1 or 2 opens its review with it.
    private func rate(_ contact: RatedContact, owner: String, at: Date, _ random: inout SeededGenerator) async throws -> Bool {
        let csat = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1].randomElement(using: &random)!
        let reasons: [(RatingReason, String)] = [
            (.slowResponse, "等了很久才有人回复"), (.unresolved, "问题还是没解决"), (.attitude, "客服态度敷衍"),
            (.policy, "规定太死板了"), (.network, "信号问题一直没改善"),
        ]
        let reason = csat <= SurveyRules.reasonAt ? reasons.randomElement(using: &random) : nil
        // Those pleased mostly recommend; those not, mostly would not.
        let nps = csat >= 4 ? Int.random(in: 7...10, using: &random) : Int.random(in: 0...6, using: &random)
        let answer = SurveyAnswer.service(csat: csat, nps: nps, reason: reason?.0, comment: csat <= 2 ? reason?.1 : nil)
        guard case .success(let accepted) = SurveyRules.accept(answer, for: contact, now: at) else { return false }
        return try await store.surveys.record(SurveyResponse(
            id: Store.newID("svy"), contactKind: contact.kind, contactId: contact.id, ownerId: owner, agentId: contact.agentId,
            skill: contact.skill, endedAt: contact.endedAt, answeredAt: at, answer: accepted
        ))
    }

    // MARK: Tickets

    private func writeTickets(from start: Date, to end: Date, surveys: inout Int) async throws -> Int {
        let span = end.timeIntervalSince(start) - 3 * 86_400
        let (written, rated) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var random = SeededGenerator(seed: plan.seed &+ 1_000_000 &+ UInt64(worker))
                    var written = 0, rated = 0
                    for n in stride(from: worker, to: plan.tickets, by: 16) {
                        let at = start.addingTimeInterval(Double.random(in: 0..<span, using: &random))
                        let agent = plan.agents[n % plan.agents.count].id
                        let customer = plan.customers[(n * 7) % plan.customers.count]
                        rated += try await oneTicket(customer: customer, agent: agent, at: at, &random) ? 1 : 0
                        written += 1
                    }
                    return (written, rated)
                }
            }
            return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        surveys += rated
        return written
    }

    private func oneTicket(customer: String, agent: String, at: Date, _ random: inout SeededGenerator) async throws -> Bool {
        let actor = TicketAction.Actor(kind: "staff", id: agent)
        let complaint = Int.random(in: 0..<3, using: &random) == 0
        let draft = complaint
            ? TicketRepository.Draft(
                type: .complaint, title: "营业厅办理业务等待太久",
                fields: ["subject": "服务态度", "details": "办理业务时等待很久", "expectedOutcome": "改进服务"],
                customerId: customer, intent: .complaint, actor: actor
            )
            : TicketRepository.Draft(
                type: .fault, title: "宽带断网",
                fields: ["symptom": "光猫 LOS 红灯", "stepsTaken": "已重启光猫", "resolutionStatus": "未解决"],
                customerId: customer, intent: .broadbandFault, actor: actor
            )
        func audit(_ action: String, _ at: Date) -> AuditEntry {
            AuditEntry(id: Store.newID("aud"), at: at, actorKind: "staff", actorId: agent, action: action, targetType: "ticket", targetId: customer)
        }
        let ticket = try await store.tickets.create(draft, now: at, audit: audit("ticket.create", at)).ticket
        var clock = at
        var current = ticket
        for action in [TicketAction.assign(to: agent), .move(to: .inProgress, note: nil), .move(to: .resolved, note: "已处理")] {
            clock = clock.addingTimeInterval(Double.random(in: 600...40_000, using: &random))
            current = try await store.tickets.apply(action, ticketId: ticket.id, actor: actor, now: clock, audit: audit("ticket.change", clock))
        }
        let rated = Int.random(in: 0..<3, using: &random) == 0
            ? try await rate(RatedContact(ticket: current), owner: customer, at: clock.addingTimeInterval(3600), &random) : false
        if Int.random(in: 0..<12, using: &random) == 0 {
            clock = clock.addingTimeInterval(Double.random(in: 3600...86_400, using: &random))
            let customerActor = TicketAction.Actor(kind: "customer", id: customer)
            _ = try await store.tickets.apply(.reopen(reason: "问题又出现了"), ticketId: ticket.id, actor: customerActor, now: clock, audit: audit("ticket.change", clock))
        }
        return rated
    }

    // MARK: Reviews

    /// QA works the review queue as a centre does: most tasks found within their 48 hours, a few late,
    /// a few not yet (overdue, for the leads to see); now and then an agent appeals and the lead decides.
    private func workReviews(until end: Date) async throws -> Int {
        var random = SeededGenerator(seed: plan.seed &+ 7)
        let open = try await store.reviews.list({ var f = ReviewRepository.Filter(); f.status = [.open]; f.limit = 100_000; return f }())
        for review in open.sorted(by: { $0.openedAt < $1.openedAt }) {
            let roll = Int.random(in: 0..<20, using: &random)
            // The last two days' tasks are still QA's to do; of the older, 1 in 20 never was.
            guard end.timeIntervalSince(review.openedAt) > 2 * 86_400, roll > 0 else { continue }
            let late = roll == 1
            let foundAt = review.openedAt.addingTimeInterval(late ? ReviewRules.due + 6 * 3600 : Double.random(in: 1800...40 * 3600, using: &random))
            let cause = [RatingReview.Cause.agent, .agent, .process, .product, .network, .customer].randomElement(using: &random)!
            let action = ReviewAction.conclude(
                cause: cause, action: cause == .agent ? "已对坐席进行话术和响应时效辅导" : "已转相关部门跟进并向客户说明", calledBack: roll % 2 == 0
            )
            _ = try await act(action, review, by: plan.qa, at: foundAt)
            guard roll >= 14, cause == .agent, let agent = review.agentId else { continue }
            let appealedAt = foundAt.addingTimeInterval(Double.random(in: 3600...48 * 3600, using: &random))
            guard appealedAt < end else { continue }
            _ = try await act(.appeal(text: "当时排队人数多，首次响应超时并非本人原因"), review, by: agent, at: appealedAt)
            // Some appeals are still the lead's to decide.
            let decidedAt = appealedAt.addingTimeInterval(Double.random(in: 3600...24 * 3600, using: &random))
            if decidedAt < end, roll < 19 {
                let upheld = roll.isMultiple(of: 2)
                _ = try await act(.decide(upheld: upheld, note: upheld ? "核实后维持原结论" : "核实为排队高峰，撤销原结论"), review, by: plan.lead, at: decidedAt)
            }
        }
        return try await store.reviews.counts(agentId: nil, now: end).byStatus.values.reduce(0, +)
    }

    private func act(_ action: ReviewAction, _ review: RatingReview, by actor: String, at: Date) async throws -> RatingReview {
        let audit = AuditEntry(
            id: Store.newID("aud"), at: at, actorKind: "staff", actorId: actor, action: action.name, targetType: "review", targetId: review.id
        )
        return try await store.reviews.apply(action, reviewId: review.id, actorId: actor, now: at, audit: audit) { _ in }
    }
}
