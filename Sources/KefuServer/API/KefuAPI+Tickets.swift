import Foundation
import KefuCore
import KefuNLU
import KefuStore

/// Tickets, the regional fault library and staff notifications. Customers reach their own tickets
/// only; staff need ticket.read to look and ticket.handle to act.
extension KefuAPI {
    func listTicketTemplates(_ input: Operations.ListTicketTemplates.Input) async throws -> Operations.ListTicketTemplates.Output {
        _ = try requirePrincipal()
        return .ok(.init(body: .json(TicketType.allCases.map {
            .init(_type: $0, label: $0.label, requiredFields: $0.requiredFields, optionalFields: $0.optionalFields)
        })))
    }

    func listTickets(_ input: Operations.ListTickets.Input) async throws -> Operations.ListTickets.Output {
        let principal = try requirePrincipal()
        var filter = TicketRepository.Filter()
        let q = input.query
        if let status = q.status, !status.isEmpty {
            for word in status.split(separator: ",") {
                if word == "open" {
                    filter.status += TicketStatus.allCases.filter(\.isOpen)
                } else if let value = TicketStatus(rawValue: String(word)) {
                    filter.status.append(value)
                } else {
                    throw KefuError.invalid("status：未知的状态 \(word)")
                }
            }
        }
        filter.priority = q.priority
        filter.type = q._type
        filter.group = try q.group.map { try Self.skillGroup($0) }
        filter.assigneeId = q.assignee == "me" ? principal.actorID : q.assignee
        filter.customerId = q.customerId
        filter.outageId = q.outageId
        filter.breachedOnly = q.breached ?? false
        filter.search = q.q
        filter.limit = q.limit ?? 200
        if let own = try TicketPolicy.listScope(principal) { filter.customerId = own }
        return .ok(.init(body: .json(PersonalData.shown(try await store.tickets.list(filter), to: principal))))
    }

    func createTicket(_ input: Operations.CreateTicket.Input) async throws -> Operations.CreateTicket.Output {
        let principal = try requirePrincipal()
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let customerId: String
        switch principal {
        case .customer(let id, _): customerId = body.customerId ?? id
        case .staff: customerId = body.customerId ?? ""
        case .visitor: throw TicketPolicy.loginRequired
        }
        let draft = TicketRepository.Draft(
            type: body._type, title: body.title.trimmingCharacters(in: .whitespacesAndNewlines), fields: body.fields.additionalProperties,
            customerId: customerId, subscriptionId: body.subscriptionId, conversationId: body.conversationId,
            intent: try body.intent.map { try Self.intent($0) },
            keywords: body.keywords ?? [], summary: body.summary, serviceDown: body.serviceDown ?? false,
            priorityOverride: body.priorityOverride.map { ($0, (body.overrideReason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) },
            actor: .init(kind: principal.actorKind, id: principal.actorID)
        )
        let created = try await tickets.open(draft, by: .person(acting(principal)))
        return .created(.init(body: .json(.init(ticket: PersonalData.shown(created.ticket, to: principal), incident: created.incident))))
    }

    func draftTicketFromChat(_ input: Operations.DraftTicketFromChat.Input) async throws -> Operations.DraftTicketFromChat.Output {
        let principal = try requirePrincipal()
        guard let conversation = try await store.chat.conversation(id: input.query.conversationId) else { throw KefuError.notFound("会话") }
        try ConversationPolicy.access(principal, .draftTicket, conversation).require("会话")
        guard let customerId = conversation.customerId, let customer = try await store.customers.find(id: customerId) else {
            throw KefuError.notFound("会话")
        }
        let messages = try await store.chat.messages(conversationId: conversation.id, after: 0)
        let draft = TicketDrafts.make(conversation: conversation, messages: messages, customer: customer, view: try await store.customers.view360(id: customerId), nlu: nlu, now: now())
        let outage = try await store.tickets.activeOutage(district: customer.district, service: draft.service)
        return .ok(.init(body: .json(.init(
            _type: draft.type, title: PersonalData.shown(text: draft.title, to: principal),
            fields: .init(additionalProperties: draft.fields.mapValues { PersonalData.shown(text: $0, to: principal) }), customerId: customerId,
            subscriptionId: draft.subscriptionId, conversationId: conversation.id, intent: draft.intent?.rawValue, keywords: draft.keywords,
            summary: PersonalData.shown(text: draft.summary, to: principal), activeOutage: outage
        ))))
    }

    func getTicket(_ input: Operations.GetTicket.Input) async throws -> Operations.GetTicket.Output {
        let principal = try requirePrincipal()
        let ticket = try await visibleTicket(input.path.ticketId, to: principal)
        let events = try await store.tickets.events(ticketId: ticket.id, includeInternal: TicketPolicy.seesInternal(principal))
        let outage = try await ticket.outageId.asyncMap { try await store.tickets.outage(id: $0) } ?? nil
        return .ok(.init(body: .json(.init(ticket: PersonalData.shown(ticket, to: principal), events: PersonalData.shown(events, to: principal), outage: outage))))
    }

    func actOnTicket(_ input: Operations.ActOnTicket.Input) async throws -> Operations.ActOnTicket.Output {
        let principal = try requirePrincipal()
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        // The contract's lengths hold for every field sent, whichever the action reads (JSON Schema counts code points).
        let limits: [(String, String?, Int)] = [("assigneeId", body.assigneeId, 64), ("group", body.group, 32), ("reason", body.reason, 500), ("text", body.text, 2000)]
        let tooLong = limits.filter { ($0.1?.unicodeScalars.count ?? 0) > $0.2 }
        if !tooLong.isEmpty { throw KefuError.unprocessable(tooLong.map { "\($0.0)：最多 \($0.2) 个字符" }) }
        let ticket = try await visibleTicket(input.path.ticketId, to: principal)
        let isCustomer: Bool
        if case .customer = principal { isCustomer = true } else { isCustomer = false }
        let assignee = body.assigneeId ?? principal.actorID
        let action: TicketAction
        switch body.action {
        case .assign: action = .assign(to: assignee)
        case .start, .resume: action = .move(to: .inProgress, note: body.text)
        case .wait: action = .move(to: .waitingCustomer, note: body.text)
        case .resolve: action = .move(to: .resolved, note: body.text)
        case .close, .confirm: action = .move(to: .closed, note: body.text ?? (isCustomer ? "客户确认已解决" : nil))
        case .transfer:
            guard let group = body.group else { throw KefuError.unprocessable(["group：请选择转派的技能组"]) }
            action = .transfer(group: try Self.skillGroup(group), reason: body.reason ?? "")
        case .escalate: action = .escalate(reason: body.reason ?? "")
        case .comment: action = .comment(text: body.text ?? "", internal: isCustomer ? false : body._internal ?? false)
        case .priority:
            guard let priority = body.priority else { throw KefuError.unprocessable(["priority：请选择优先级"]) }
            action = .setPriority(priority, reason: body.reason ?? "")
        case .reopen: action = .reopen(reason: body.reason ?? "")
        }
        let change = TicketDesk.Change(
            policy: Self.policyAction(body.action, assigningOther: assignee != principal.actorID), action: action, name: body.action.rawValue
        )
        return .ok(.init(body: .json(PersonalData.shown(try await tickets.act(on: ticket, change, by: acting(principal)), to: principal))))
    }

    /// The ticket, when the principal may see it; otherwise not found, so ids reveal nothing.
    private func visibleTicket(_ id: String, to principal: Principal) async throws -> Ticket {
        guard let ticket = try await store.tickets.ticket(id: id) else { throw KefuError.notFound("工单") }
        try TicketPolicy.read(principal, ticket).require("工单")
        return ticket
    }

    /// A skill group named in a request, or a 422 naming the field.
    static func skillGroup(_ id: String) throws -> SkillGroup {
        guard let group = SkillGroup(rawValue: id) else { throw KefuError.unprocessable(["group：未知的技能组 \(id)"]) }
        return group
    }

    /// The policy's name for what the request asks.
    private static func policyAction(_ action: Components.Schemas.TicketActionRequest.ActionPayload, assigningOther: Bool) -> TicketPolicy.Action {
        switch action {
        case .comment: .comment
        case .confirm: .confirm
        case .reopen: .reopen
        case .assign: assigningOther ? .assignOther : .assignSelf
        case .start, .resume, .wait, .resolve, .close, .transfer, .escalate, .priority: .work
        }
    }

    // MARK: Outages

    func listOutages(_ input: Operations.ListOutages.Input) async throws -> Operations.ListOutages.Output {
        try require(.ticketRead)
        return .ok(.init(body: .json(try await store.tickets.outages(activeOnly: input.query.active ?? false, district: input.query.district))))
    }

    func declareOutage(_ input: Operations.DeclareOutage.Input) async throws -> Operations.DeclareOutage.Output {
        let principal = try require(.outageManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        var problems: [String] = []
        if !Validation.isCleanText(body.district, max: 40) { problems.append("district：请填写区县") }
        if !Validation.isCleanText(body.title, max: 200) { problems.append("title：请填写故障说明（1–200 字）") }
        let started = body.startedAt ?? now()
        if let eta = body.eta, eta <= started { problems.append("eta：预计恢复时间应晚于开始时间") }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let city = try await store.customers.city(ofDistrict: body.district) ?? body.city ?? ""
        let service: TicketService =
            switch body.service {
            case .broadband: .broadband
            case .mobile: .mobile
            case .iptv: .iptv
            }
        let outage = Outage(
            id: Store.newID("out"), city: city, district: body.district, service: service, title: body.title,
            status: .active, source: .declared, startedAt: started, eta: body.eta, resolvedAt: nil, createdBy: principal.actorID
        )
        let stored = try await store.tickets.declareOutage(outage, now: now(), audit: entry(principal, "outage.declare", targetType: "outage", targetId: outage.id, detail: "\(outage.district)/\(outage.service)"))
        return .created(.init(body: .json(stored)))
    }

    func updateOutage(_ input: Operations.UpdateOutage.Input) async throws -> Operations.UpdateOutage.Output {
        let principal = try require(.outageManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        guard body.eta != nil || body.resolve == true else { throw KefuError.unprocessable(["请提供新的 eta 或 resolve: true"]) }
        guard let outage = try await store.tickets.updateOutage(
            id: input.path.outageId, eta: body.eta, resolve: body.resolve ?? false, now: now(),
            audit: entry(principal, "outage.update", targetType: "outage", targetId: input.path.outageId, detail: body.resolve == true ? "resolve" : "eta")
        ) else { throw KefuError.notFound("区域故障") }
        return .ok(.init(body: .json(outage)))
    }

    // MARK: Notifications

    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let principal = try require(.ticketRead)
        return .ok(.init(body: .json(PersonalData.shown(try await store.tickets.notifications(recipientId: principal.actorID), to: principal))))
    }

    func markNotificationsRead(_ input: Operations.MarkNotificationsRead.Input) async throws -> Operations.MarkNotificationsRead.Output {
        let principal = try require(.ticketRead)
        try await store.tickets.markNotificationsRead(recipientId: principal.actorID, now: now())
        return .noContent(.init())
    }
}
