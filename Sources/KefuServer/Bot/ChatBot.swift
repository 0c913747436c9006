import Foundation
import KefuCore
import KefuNLU
import KefuStore

/// The bot in the chat: understands each customer message, answers from the customer's own data or
/// the solution library, asks when two readings are close, and hands over to a person on request,
/// on anger, or after failing twice, with a summary for the agent.
struct ChatBot: Sendable {
    let service: ChatDesk
    let brain: BotBrain
    /// One model for the whole answer, even if a retrain swaps it meanwhile.
    let nlu: NLU

    static let notUnderstood = "抱歉，我没有完全理解您的问题。可以换个说法再试试，或输入“人工”由客服为您服务。"

    func answer(_ c: Conversation, party: ChatParty, text: String) async throws {
        let customer = party.customer
        let understanding = nlu.understand(text)
        let recent = try await service.store.chat.messages(conversationId: c.id, after: max(0, c.lastSeq - 6))
        let lastBot = recent.last { $0.sender == .bot }
        let failures = lastBot?.text == Self.notUnderstood ? 1 : 0
        // Inside the self-check, a reply answers the step the bot asked; anything else leaves it, and anger or
        // a request for a person always goes to the hand-over below.
        let wantsAPerson = BotPolicy.isAngry(text) || [.humanAgent, .complaint].contains(understanding.intent)
        if !wantsAPerson, let lastBot, let step = SelfCheck.step(askedIn: lastBot.text) {
            let said: String?
            switch SelfCheck.next(after: step, reply: text, aboutTheFault: understanding.intent == .broadbandFault) {
            case .ask(let next): said = SelfCheck.prompt(next)
            case .fixed: said = SelfCheck.fixedReply
            case .openTicket(let found):
                said = try await customer.asyncMap { try await faultTicket(c, customer: $0, found: found) } ?? Self.loginToReport
            case .leave: said = nil
            }
            if let said {
                _ = try await service.post(c, sender: .bot, senderId: nil, text: said)
                return
            }
        }
        // "还是不行" after the bot answered a fault (an outage, an open ticket): the fault again, not a new topic.
        if !wantsAPerson, let customer, SelfCheck.saysStillBroken(text), understanding.intent != .broadbandFault,
            let previous = recent.filter({ $0.sender == .customer }).dropLast().last, nlu.understand(previous.text).intent == .broadbandFault
        {
            _ = try await service.post(c, sender: .bot, senderId: nil, text: try await faultCheck(customer: customer))
            return
        }
        let decision = BotPolicy.decide(
            intent: understanding.intent, confidence: understanding.confidence,
            runnerUp: understanding.alternatives.first.map { ($0.intent, $0.confidence) },
            angry: BotPolicy.isAngry(text), failuresSoFar: failures
        )
        switch decision {
        case .handOver(let reason):
            try await handOver(c, party: party, reason: reason, understanding: understanding, text: text, recent: recent)
        case .clarify(let first, let second):
            try await service.post(
                c, sender: .bot, senderId: nil,
                text: "请问您是想「\(first.displayName)」，还是「\(second.displayName)」？"
            )
        case .notUnderstood:
            try await service.post(c, sender: .bot, senderId: nil, text: Self.notUnderstood)
        case .answer(let intent):
            try await service.post(
                c, sender: .bot, senderId: nil, text: try await customer.asyncMap { try await reply(intent, customer: $0, text: text) } ?? visitorReply(intent)
            )
        }
    }

    /// Into a person's queue, with a summary for the agent who takes the chat (staff-only: requestHuman
    /// tells the customer). The group is the one the customer asked for or chose from the menu; without
    /// a choice, the last intent that describes the problem (not the request for a person, nor the
    /// complaint about it); an angry VIP goes to the VIP desk.
    func handOver(
        _ c: Conversation, party: ChatParty, reason: HandoverReason, understanding: Understanding?, text: String?,
        recent: [ChatMessage], asked: SkillGroup? = nil
    ) async throws {
        func isTopic(_ intent: Intent) -> Bool { intent.describesAProblem && intent != .complaint }
        let topical = understanding.map(\.intent).flatMap { isTopic($0) ? $0 : nil }
            ?? recent.filter { $0.sender == .customer }.reversed().lazy.map { nlu.understand($0.text).intent }.first(where: isTopic)
        let keywords = (understanding?.keywords ?? []).isEmpty ? "无" : understanding!.keywords.joined(separator: "、")
        let angry = text.map(BotPolicy.isAngry) ?? false
        let soothing = angry || understanding?.intent == .complaint ? "\n建议话术：" + ChatScripts.soothing : ""
        let about = (topical ?? understanding?.intent).map(\.displayName) ?? "未识别"
        try await service.post(
            c, sender: .bot, senderId: nil, text: "转接摘要——意图：\(about)；关键词：\(keywords)；原因：\(reason.label)。\(soothing)", visibility: .staff
        )
        let group = asked ?? (c.skillChosen ? c.skill : topical?.skillGroup ?? c.skill)
        try await service.requestHuman(
            c, skill: (party.customer?.vipLevel ?? 0) > 0 && angry ? .vip : group, handover: (reason, topical ?? understanding?.intent)
        )
    }

    /// The customer pressed 转人工: the same hand-over as asking in words, summary included.
    func humanRequested(_ c: Conversation, party: ChatParty, skill: SkillGroup?) async throws {
        let recent = try await service.store.chat.messages(conversationId: c.id, after: max(0, c.lastSeq - 6))
        let last = recent.last { $0.sender == .customer }
        try await handOver(
            c, party: party, reason: .button, understanding: last.map { nlu.understand($0.text) }, text: last?.text,
            recent: recent, asked: skill
        )
    }

    /// The library's article as the bot says it: the article is written for anyone to send, so the bot
    /// adds its one way further, to a person.
    func articleAnswer(_ intent: Intent) -> String {
        guard let article = brain.article(for: intent) else { return Self.notUnderstood }
        return intent == .outOfScope ? article.chatText : article.chatText + "\n" + Self.furtherHelp
    }

    static let furtherHelp = "需要客服为您办理，请输入“人工”。"

    static let loginToReport = "报修需要先用手机号登录：请点击页面上的“登录”，登录后告诉我“宽带报修”，我马上为您创建报修工单。"

    static let loginFirst = "查询账单、用量，充值、变更套餐和报修需要先用手机号登录（点击页面上的“登录”）；也可以输入“人工”由客服为您服务。"

    /// A visitor has no account: the library answers, and what needs an account asks them to log in.
    func visitorReply(_ intent: Intent) -> String {
        switch intent {
        case .greeting:
            return "您好！我可以为您介绍套餐、宽带、漫游、补换卡等业务；登录后还能查话费、查流量、充值和报修。请问有什么需要？"
        case .billQuery, .billingDispute, .dataUsage, .recharge, .packageChange, .valueAddedCancel:
            return Self.loginFirst
        case .broadbandFault:
            return SelfCheck.prompt(.losLight)
        default:
            return articleAnswer(intent)
        }
    }

    /// Self-service answers with the customer's real data; the library for the rest.
    func reply(_ intent: Intent, customer: Customer, text: String) async throws -> String {
        let store = service.store
        switch intent {
        case .greeting:
            return "您好，\(Masking.name(customer.name))！我可以帮您查话费、查流量、充值、变更套餐、报宽带故障，请问有什么需要？"
        case .billQuery, .billingDispute:
            guard let view = try await store.customers.view360(id: customer.id), let month = view.bills.first?.month else {
                return "暂时没有查到您的账单。"
            }
            let bills = view.bills.filter { $0.month == month }
            var lines = ["您 \(month) 的账单合计 \(Money.format(fen: bills.map(\.totalFen).reduce(0, +)))："]
            for bill in bills {
                for item in bill.items.prefix(6) { lines.append("· \(item.description) \(Money.format(fen: item.amountFen))") }
            }
            lines.append("账户余额 \(Money.format(fen: view.customer.balanceFen))。" + (intent == .billingDispute ? "如对某项费用有异议，请输入“人工”为您核实处理。" : ""))
            return lines.joined(separator: "\n")
        case .dataUsage:
            guard let view = try await store.customers.view360(id: customer.id) else { return "暂时没有查到您的用量。" }
            let month = CalendarDate(chinaTime: service.now()).monthKey
            let allowances = Allowance.of(view, month: month)
            guard !allowances.isEmpty else { return "您名下没有移动号码。" }
            let say = SelfServiceAnswers.asksAboutPrice(text) ? SelfServiceAnswers.overage : SelfServiceAnswers.allowance
            return allowances.map(say).joined(separator: "\n")
        case .broadbandFault:
            return try await faultCheck(customer: customer)
        case .recharge:
            if let view = try await store.customers.view360(id: customer.id), let stopped = SelfServiceAnswers.arrears(view) { return stopped }
            return "您当前余额 \(Money.format(fen: customer.balanceFen))。可在“办理业务 → 充值缴费”中充值（1–5000元，支持微信、支付宝、银行卡），欠费停机的号码缴清后自动复机。"
        case .suspendResume, .mobileSignal:
            // A line stopped for arrears is the likeliest answer to "why can't I call": said with the amount.
            if let view = try await store.customers.view360(id: customer.id), let stopped = SelfServiceAnswers.arrears(view) { return stopped }
            return articleAnswer(intent)
        case .packageInquiry, .packageChange:
            if let quoted = try await planChangeAnswer(customer: customer, text: text) { return quoted }
            let recommendations = try await PlanAdvisor(store: store, now: service.now).recommendations(for: customer.id)
            guard let best = recommendations.first else {
                return "根据您近3个月的用量，目前的套餐已经比较合适。如需变更，可在“办理业务 → 套餐变更”先获取报价再确认。"
            }
            return "为您推荐：\(best.reason)\n可在“办理业务 → 套餐变更”获取报价后确认办理。"
        default:
            return articleAnswer(intent)
        }
    }

    /// A question naming the plan to move to ("5G升级到199合约期内可以吗") answered with the quote; nil
    /// when no plan is named, and the bot recommends instead. The line is the one whose number is in the
    /// question, else the first the named plan fits.
    private func planChangeAnswer(customer: Customer, text: String) async throws -> String? {
        let store = service.store
        guard let view = try await store.customers.view360(id: customer.id) else { return nil }
        let catalog = try await store.catalog.list()
        let packages = Dictionary((catalog + view.packages).map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let movable = view.subscriptions.filter { $0.status != .closed && ($0.kind == .mobile || $0.kind == .broadband) }
        let named = movable.filter { text.contains($0.number) }
        for line in named.isEmpty ? movable : named {
            guard let current = packages[line.packageCode] else { continue }
            switch PackageMention.find(in: text, among: catalog, movingFrom: current) {
            case .none:
                continue
            case .several(let options):
                return "请问您想换成哪一个套餐：" + options.map { "「\($0.name)」（\(Money.format(fen: $0.monthlyFeeFen))/月）" }.joined(separator: "、") + "？"
            case .one(let target):
                if line.bundleId != nil {
                    return "号码 \(Masking.phone(line.number)) 属于融合套餐，需要整体变更，不能单独改这个号码的套餐。需要办理请输入“人工”。"
                }
                let advisor = PlanAdvisor(store: store, now: service.now)
                let next = try await advisor.quote(line, of: view, to: target, timing: .nextMonth)
                let now = next.upgrade ? try await advisor.quote(line, of: view, to: target, timing: .immediately) : nil
                return SelfServiceAnswers.planChange(
                    number: line.number, from: current, to: target, nextMonth: next, immediately: now, contract: line.contract,
                    minimum: line.contract.flatMap { packages[$0.minimumPackageCode] }
                )
            }
        }
        return nil
    }

    /// First round of the self-check: a known outage in the district answers everything; an open fault
    /// ticket is reported rather than duplicated; otherwise the first step.
    func faultCheck(customer: Customer) async throws -> String {
        try await knownFault(customer) ?? SelfCheck.prompt(.losLight)
    }

    /// The checks are exhausted (or point at the line), so the bot opens the fault ticket itself.
    func faultTicket(_ c: Conversation, customer: Customer, found: String) async throws -> String {
        if let known = try await knownFault(customer) { return known }
        let store = service.store
        let messages = try await store.chat.messages(conversationId: c.id, after: 0)
        let view = try await store.customers.view360(id: customer.id)
        var draft = TicketDrafts.make(conversation: c, messages: messages, customer: customer, view: view, nlu: nlu, now: service.now())
        if draft.type != .fault {
            draft.type = .fault
            draft.fields = ["symptom": draft.summary, "stepsTaken": "", "resolutionStatus": ""]
        }
        draft.fields["stepsTaken"] = "机器人自检：\(found)"
        draft.fields["resolutionStatus"] = "未解决，需后台排查或上门"
        let line = view?.subscriptions.first { $0.kind == .broadband }
        let created = try await TicketDesk(store: store, now: service.now).open(
            TicketRepository.Draft(
                type: .fault, title: "宽带故障（机器人自助报修）", fields: draft.fields, customerId: customer.id, subscriptionId: line?.id,
                conversationId: c.id, intent: .broadbandFault, keywords: draft.keywords, summary: draft.summary,
                actor: .init(kind: "system", id: "bot")
            ),
            by: .bot
        )
        let ticket = created.ticket
        if let incident = created.incident {
            return "已为您创建报修工单 \(ticket.number)。系统发现\(incident.district)近期多位用户报修，已作为区域性故障（P0）紧急处理，恢复后会通知您。"
        }
        return "已为您创建报修工单 \(ticket.number)，优先级 \(ticket.priority.label)，工程师将在 \(FaultCheck.hours(ticket.priority.responseTarget))内联系您。处理进度可在“我的工单”中查看。"
    }

    /// A district outage, or the customer's own open fault ticket: said instead of opening another.
    private func knownFault(_ customer: Customer) async throws -> String? {
        let store = service.store
        if let outage = try await store.tickets.activeOutage(district: customer.district, service: .broadband) {
            let eta = outage.eta.map { "预计 \(FaultCheck.chinaTime($0)) 恢复" } ?? "恢复时间正在评估"
            return "您所在的\(customer.district)正在进行宽带区域性故障抢修（\(outage.title)），\(eta)。无需重复报修，恢复后会短信通知您，给您带来不便非常抱歉。"
        }
        var filter = TicketRepository.Filter()
        filter.customerId = customer.id
        filter.type = .fault
        filter.status = TicketStatus.allCases.filter(\.isOpen)
        if let open = try await store.tickets.list(filter).first(where: { $0.service == .broadband }) {
            return "您已有一张宽带报修工单 \(open.number)（\(open.status.label)），正在处理中，无需重复报修。可在“我的工单”查看进度或补充说明。"
        }
        return nil
    }
}

/// How the bot words the times of a fault: the response target and an outage's expected end.
enum FaultCheck {
    static func hours(_ seconds: TimeInterval) -> String {
        seconds < 3600 ? "\(Int(seconds / 60)) 分钟" : "\(Int(seconds / 3600)) 小时"
    }

    static func chinaTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "zh_CN")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "M月d日 HH:mm"
        return formatter.string(from: date)
    }
}
