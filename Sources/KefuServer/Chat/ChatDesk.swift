public import Foundation
public import KefuCore
import KefuNLU
import KefuStore
import Logging

/// The chat's rules in motion: storing messages, moving conversations through their lifecycle,
/// routing, and telling the right connections. Every event is published after its transaction commits.
struct ChatDesk: Sendable {
    let store: Store
    let hub: any ChatHub
    let settings: ChatSettings
    let logger: Logger
    let now: @Sendable () -> Date
    /// This node, for the desks it holds.
    let node: String
    /// The bot's understanding; nil leaves every chat to people.
    var brain: BotBrain? = nil
    /// Shared by every copy of the desk, so by every socket of a person on this node.
    let flood = FloodControl()

    static let greeting = "您好，欢迎来到在线客服！请问有什么可以帮您？如需人工服务，请点击“转人工”或直接输入“人工”。"

    // MARK: Views and events

    func badge(_ agentId: String?) async throws -> AgentBadge? {
        guard let agentId, let user = try await store.staff.find(id: agentId) else { return nil }
        return AgentBadge(id: user.id, agentNo: user.agentNo, displayName: user.displayName)
    }

    func view(_ c: Conversation) async throws -> ConversationView {
        ConversationView(
            id: c.id, state: c.state, skill: c.skill, vip: c.vip, customerId: c.customerId, visitorName: c.visitorName,
            agent: try await badge(c.agentId), lastSeq: c.lastSeq, createdAt: c.createdAt, queuedAt: c.queuedAt, assignedAt: c.assignedAt,
            takenFrom: c.takenFrom
        )
    }

    func publish(_ frame: ServerFrame, for c: Conversation, alsoAgents extra: [String] = [], floor: FloorChange? = nil) {
        hub.publish(ChatEvent(frame: frame, conversationId: c.id, customerId: c.ownerId, agentIds: Self.staffSide(c) + extra, floor: floor))
    }

    /// The agents who follow a chat live: who holds it, and the agent a lead took it over from.
    static func staffSide(_ c: Conversation) -> [String] { [c.agentId, c.takenFrom].compactMap { $0 } }

    /// Every change of a chat's state passes here, so the live floor sees each one as it commits.
    func publishState(_ c: Conversation, alsoAgents extra: [String] = []) async throws {
        publish(.conversation(try await view(c)), for: c, alsoAgents: extra, floor: .chat(FloorChat(c), closedAt: c.closedAt))
    }

    /// Stores a message and then tells both sides; a staff-only one only the staff side.
    @discardableResult
    func post(
        _ c: Conversation, sender: ChatMessage.Sender, senderId: String?, text: String, clientId: String? = nil,
        attachmentId: String? = nil, attachmentMime: String? = nil, visibility: ChatMessage.Visibility = .everyone, audit: AuditEntry? = nil
    ) async throws -> ChatRepository.Appended {
        let appended = try await store.chat.append(
            conversationId: c.id, sender: sender, senderId: senderId, clientId: clientId, text: text,
            attachmentId: attachmentId, attachmentMime: attachmentMime, visibility: visibility, now: now(), audit: audit
        )
        guard !appended.duplicate else { return appended }
        CentreMetrics.stored(appended.message)
        let held = appended.conversation
        switch visibility {
        case .everyone:
            publish(.message(appended.message), for: held, floor: FloorChange(appended.message))
        case .staff:
            hub.publish(ChatEvent(frame: .message(appended.message), conversationId: held.id, customerId: nil, agentIds: Self.staffSide(held)))
        }
        return appended
    }

    // MARK: Lifecycle

    /// The customer's (or visitor's) open conversation, or a new one with the bot. `skill` is the group
    /// the customer chose from the menu; without one the bot's reading of the problem decides later.
    func start(_ party: ChatParty, skill: SkillGroup?) async throws -> Conversation {
        if let open = try await store.chat.openConversation(ownerId: party.id) { return open }
        let conversation = Conversation(
            id: Store.newID("conv"), customerId: party.customer?.id, visitorName: party.name, state: .bot,
            skill: skill ?? .mobile, vip: (party.customer?.vipLevel ?? 0) > 0, createdAt: now(),
            visitorId: party.customer == nil ? party.id : nil, skillChosen: skill != nil
        )
        let (created, first) = try await store.chat.create(conversation, greeting: Self.greeting)
        publish(.message(first), for: created)
        try await publishState(created)
        return created
    }

    /// The customer asked for a person (or the bot gave up): into the queue of `skill`, then try to
    /// route; a customer nobody can serve now is told so at once.
    func requestHuman(_ c: Conversation, skill: SkillGroup? = nil, handover: (reason: HandoverReason, intent: Intent?)? = nil) async throws {
        guard c.state == .bot else { return }
        let queued = try await store.chat.transition(c.id, to: .queued, now: now(), skill: skill ?? c.skill, handover: handover)
        if let handover { CentreMetrics.handedOver(handover.reason) }
        let notice = try await post(queued, sender: .system, senderId: nil, text: "正在为您转接人工客服（\(queued.skill.displayName)），请稍候…")
        // The state as the notice found it: a sweep may have routed the chat since the transition, and the
        // customer must not be shown it waiting after it was given an agent.
        try await publishState(notice.conversation)
        try await dispatch()
        try await tellIfNobodyServes(queued)
    }

    /// Why a queued chat cannot be served now, if it cannot.
    enum Unserved: String, Sendable {
        /// Outside the group's service hours.
        case closed
        /// In hours, but nobody of the group is online and taking chats.
        case noAgents = "no_agents"
    }

    /// The one rule for both the notice and every queue frame: hours first, then whether anyone serves.
    func unserved(_ c: Conversation, servedBy agents: [ServingAgent]) -> Unserved? {
        if !settings.serviceHours.isOpen(c.skill, at: now()) { return .closed }
        return agents.isEmpty ? .noAgents : nil
    }

    /// A chat left in the queue with nobody to serve it: the customer hears why and what they can do.
    private func tellIfNobodyServes(_ c: Conversation) async throws {
        guard let current = try await store.chat.conversation(id: c.id), current.state == .queued,
            let reason = unserved(current, servedBy: try await store.chat.servingAgents(for: current.skill, vip: current.vip, now: now()))
        else { return }
        let group = current.skill.displayName
        let offer = "您可以点击“留言”留下问题和回电号码，我们会尽快致电您；也可以继续等待。"
        let text = switch reason {
        case .closed: "\(group)人工服务时间为\(settings.serviceHours.describe(current.skill))，现在不在服务时间内。" + offer
        case .noAgents: "当前\(group)暂无客服在线。" + offer
        }
        try await post(current, sender: .system, senderId: nil, text: text)
    }

    /// Routes waiting chats, greets on assignment, and tells those still waiting where they stand.
    func dispatch() async throws {
        let assignments = try await store.chat.dispatch(now: now(), defaultLimit: settings.agentChatLimit)
        for assignment in assignments {
            try await publishState(assignment.conversation)
            try await post(
                assignment.conversation, sender: .system, senderId: assignment.agent.id,
                text: ChatScripts.greeting(agentNo: assignment.agent.agentNo)
            )
        }
        try await announceQueue()
    }

    /// Tells every waiting customer their place, an estimate computed from the agents who serve their
    /// group (none when nobody does, so no number is promised), and whether anyone can serve them now.
    func announceQueue() async throws {
        let waiting = try await store.chat.queued()
        let entries = waiting.map { QueueEntry(conversationId: $0.id, skill: $0.skill, vip: $0.vip, queuedAt: $0.queuedAt ?? $0.createdAt) }
        let since = now().addingTimeInterval(-7 * 86_400)
        var serving: [String: [ServingAgent]] = [:]
        var handling: [SkillGroup: Double] = [:]
        for c in waiting {
            guard let position = ChatQueue.position(of: c.id, in: entries) else { continue }
            let key = "\(c.skill.rawValue)/\(c.vip)"
            if serving[key] == nil { serving[key] = try await store.chat.servingAgents(for: c.skill, vip: c.vip, now: now()) }
            if handling[c.skill] == nil {
                handling[c.skill] = try await store.chat.averageHandlingSeconds(for: c.skill, since: since) ?? settings.averageHandlingSeconds
            }
            let agents = serving[key] ?? []
            var frame = ServerFrame(type: "queue")
            frame.conversationId = c.id
            frame.position = position
            frame.estimatedWaitSeconds = ChatQueue.estimatedWait(
                position: position, agents: agents, averageHandlingSeconds: handling[c.skill] ?? settings.averageHandlingSeconds
            )
            let reason = unserved(c, servedBy: agents)
            frame.available = reason == nil
            frame.code = reason?.rawValue
            publish(frame, for: c)
        }
    }

    /// A waiting customer leaves a message instead: it becomes a ticket of the chat's group with the
    /// number to call back, the chat says so and ends. Visitors log in first: the number they are called
    /// back on is then one they have proved is theirs.
    func leaveMessage(_ c: Conversation, by party: ChatParty, acting: Acting, text: String, callbackPhone: String) async throws -> Ticket {
        guard let customer = party.customer else { throw TicketPolicy.loginRequired }
        guard c.state == .queued || c.state == .bot else { throw KefuError(.conflict, "invalid_state", "会话已有客服接待，无需留言") }
        let message = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !message.isEmpty, Validation.isCleanText(message, max: 500) else {
            throw KefuError(.invalid, "invalid_text", "请填写留言内容（最多500字）")
        }
        guard let phone = Validation.callbackNumber(callbackPhone) else {
            throw KefuError(.invalid, "invalid_phone", "请填写正确的回电号码（11位手机号或带区号的固定电话）")
        }
        let view = try await store.customers.view360(id: customer.id)
        let line = view?.subscriptions.first { c.skill == .broadband ? $0.kind == .broadband : $0.kind == .mobile }
        let understanding = brain?.nlu.understand(message)
        let created = try await TicketDesk(store: store, now: now).open(
            TicketRepository.Draft(
                type: .businessRequest, title: "留言回电（\(c.skill.displayName)）",
                fields: ["requestType": "留言回电", "details": message, "callbackNumber": phone],
                customerId: customer.id, subscriptionId: line?.id, conversationId: c.id, intent: understanding?.intent,
                keywords: understanding?.keywords ?? [], summary: message, actor: .init(kind: "customer", id: customer.id)
            ),
            by: .person(acting)
        )
        // The ticket is stored first; the chat then says so and ends, in that order, since a closed chat
        // takes no more messages.
        try await post(c, sender: .customer, senderId: party.id, text: "【留言】\(message)")
        try await post(
            c, sender: .system, senderId: nil,
            text: "已为您登记留言，工单号 \(created.ticket.number)。客服会尽快致电 \(Masking.phone(phone)) 与您联系，进度可在“我的工单”中查看。"
        )
        let closed = try await store.chat.transition(c.id, to: .closed, now: now())
        try await publishState(closed)
        try await announceQueue()
        return created.ticket
    }

    /// Hands a chat to another agent (if they have room) or back to a group's queue; the history goes with it.
    func transfer(_ c: Conversation, by agent: StaffUser, toAgentId: String?, toSkill: SkillGroup?) async throws {
        if let toAgentId {
            guard toAgentId != agent.id, let target = try await store.staff.find(id: toAgentId), !target.disabled,
                target.role.permissions.contains(.chatHandle)
            else { throw KefuError(.unprocessable, "bad_target", "转接对象不存在或不能接待") }
            let presence = try await store.chat.presence(agentId: target.id)
            let load = try await store.chat.activeCount(agentId: target.id)
            guard let presence, presence.status == .online, load < presence.limit else {
                throw KefuError(.conflict, "target_unavailable", "客服 \(target.agentNo) 当前不在线或已满负荷")
            }
            let moved = try await store.chat.transition(c.id, to: .assigned, now: now(), agentId: .some(target.id))
            // The new agent's desk learns of the chat first, so the message below (and the history its
            // connection fills in before it) lands in a chat the desk already shows.
            try await publishState(moved, alsoAgents: [agent.id])
            try await post(moved, sender: .system, senderId: target.id, text: "会话已由客服 \(agent.agentNo) 转接给客服 \(target.agentNo)，请继续描述您的问题。")
        } else {
            let skill = toSkill ?? c.skill
            let moved = try await store.chat.transition(c.id, to: .queued, now: now(), skill: skill, agentId: .some(nil))
            try await post(moved, sender: .system, senderId: nil, text: "会话已转接至\(skill.displayName)，正在为您安排客服，请稍候…")
            try await publishState(moved, alsoAgents: [agent.id])
            try await dispatch()
            try await tellIfNobodyServes(moved)
        }
    }

    /// The agent ends the chat: closing phrase, then the survey; the slot frees at once.
    func end(_ c: Conversation, by agent: StaffUser) async throws {
        let resolved = try await store.chat.transition(c.id, to: .resolved, now: now())
        try await post(resolved, sender: .system, senderId: agent.id, text: ChatScripts.closing(agentNo: agent.agentNo))
        try await publishState(resolved)
        var survey = ServerFrame(type: "survey")
        survey.conversationId = c.id
        publish(survey, for: resolved)
        try await dispatch()
    }

    /// The customer's answer to the chat's survey (or the bot's two buttons). A service answer while
    /// the chat waits for it is thanked and closes the chat; one given later, from the customer's list
    /// of open surveys, is only stored.
    @discardableResult
    func rate(_ c: Conversation, answer: SurveyAnswer, by principal: Principal) async throws -> SurveyResponse {
        let response = try await SurveyDesk(store: store, now: now).answer(answer, to: RatedContact(chat: c), by: principal)
        guard case .service = answer, let current = try await store.chat.conversation(id: c.id), current.state == .resolved else {
            return response
        }
        do {
            try await post(current, sender: .system, senderId: nil, text: "感谢您的评价！")
            try await publishState(try await store.chat.transition(c.id, to: .closed, now: now()))
        } catch ChatRepository.Failure.conversationClosed, ChatRepository.Failure.invalidTransition {
            // The idle sweep closed it in between: the answer is stored, which is what the customer asked.
            logger.info("chat closed while its survey was answered", metadata: ["conversation": "\(c.id)"])
        }
        return response
    }

    // MARK: Desks

    /// Keeps this node's desks alive, releases those of nodes that stopped beating, and gives chats left
    /// with nobody back to their group's queue.
    func tendDesks() async throws {
        // One instant for the whole tick, so a beat and the staleness it is judged by agree.
        let tick = now()
        try await store.chat.beat(node: node, now: tick)
        let away = try await store.chat.releaseDesks(.staleBefore(tick.addingTimeInterval(-settings.deskStaleAfter), sparing: node), now: tick)
        if !away.isEmpty {
            logger.warning("released the desks of a node that stopped", metadata: ["agents": "\(away)"])
            hub.publish(.away(agentIds: away))
        }
        let orphans = try await store.chat.orphanedChats(leftBefore: tick.addingTimeInterval(-settings.orphanedChatAfter))
        for c in orphans {
            let moved = try await store.chat.transition(c.id, to: .queued, now: now(), skill: c.skill, agentId: .some(nil))
            let notice = try await post(moved, sender: .system, senderId: nil, text: "客服暂时离开，正在为您安排其他客服，请稍候…")
            // As the notice found it (a sweep may have given it to someone already), never the stale `moved`.
            try await publishState(notice.conversation, alsoAgents: [c.agentId].compactMap { $0 })
        }
        if !orphans.isEmpty {
            logger.info("re-queued chats of agents with no desk", metadata: ["chats": "\(orphans.map(\.id))"])
            try await dispatch()
        }
    }

    // MARK: Sessions

    /// Closes this node's sockets whose session ended where no event said so: expired, or ended on a
    /// node whose notice was missed (logout and disabling close them at once through the hub). One
    /// query per few hundred sessions, whatever the number of sockets.
    func closeEndedSessions() async throws {
        let held = hub.sessionsHeld
        guard !held.isEmpty else { return }
        let live = try await store.sessions.live(among: Array(held), now: now())
        for hash in held.subtracting(live) { hub.endHere(.session(tokenHash: hash)) }
    }

    // MARK: Idle customers

    /// Reminds customers silent for the reminder time, closes those still silent after the close time.
    func sweepIdle() async throws {
        for c in try await store.chat.claimIdleReminders(now: now(), after: settings.idleReminderSeconds) {
            let minutes = Int(settings.idleCloseSeconds / 60)
            try await post(c, sender: .system, senderId: nil, text: "您好，请问还在吗？如无回复，本次会话将在\(minutes)分钟后自动结束。")
        }
        let closures = try await store.chat.claimIdleClosures(
            now: now(), after: settings.idleCloseSeconds, farewell: "本次会话已结束。如有需要，欢迎随时再次咨询。"
        )
        for (c, farewell) in closures {
            publish(.message(farewell), for: c)
            try await publishState(c)
        }
        let freed = !closures.isEmpty
        if freed { try await dispatch() }
    }
}

/// How the chat behaves; `kefu serve` could take these from flags, tests shorten the timers.
public struct ChatSettings: Sendable {
    public var agentChatLimit = 5
    public var idleReminderSeconds: TimeInterval = 180
    public var idleCloseSeconds: TimeInterval = 300
    /// The handling time the queue estimate assumes until a week of resolved chats says otherwise.
    public var averageHandlingSeconds: Double = 240
    /// When each group's people work; `kefu serve --hours` changes a group's.
    public var serviceHours = ServiceHours.standard
    public var sweepInterval: Duration = .seconds(5)
    /// How often the node checks that its sockets' sessions still hold: a socket outlives its session's
    /// expiry by at most this long.
    public var sessionRecheck: Duration = .seconds(10)
    /// How often a node marks its desks alive and looks for nodes that stopped.
    public var deskHeartbeat: Duration = .seconds(10)
    /// A desk whose node has not beaten for this long is released and its agent, with no other desk, set away.
    public var deskStaleAfter: TimeInterval = 30
    /// Chats of an agent with no desk for this long go back to the queue: long enough for a reload or
    /// a reconnect, short enough that a customer is not left with nobody.
    public var orphanedChatAfter: TimeInterval = 60

    public init() {}
}

/// Whoever chats on the customer's side: a logged-in customer, or a visitor with no account.
struct ChatParty: Sendable {
    let id: String
    let name: String
    let customer: Customer?

    init(customer: Customer) {
        id = customer.id
        name = Masking.name(customer.name)
        self.customer = customer
    }

    init(visitorId: String) {
        id = visitorId
        name = KefuAPI.visitorName(visitorId)
        customer = nil
    }
}
