import Foundation
import HummingbirdWebSocket
import KefuCore
import KefuStore
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// One live WebSocket: reads the client's frames in order, and writes through a single writer task
/// that keeps, per conversation, the last sequence number this client has been sent, so what it gets
/// has no gap and no repeat whatever order the hub and the catch-up reads deliver in.
struct ChatSocket: Sendable {
    let service: ChatDesk
    /// Who is on the socket and from where, for the tickets and audit entries their frames lead to.
    let acting: Acting
    var principal: Principal { acting.principal }
    /// The session it was opened with; the socket ends when it does.
    let sessionTokenHash: String?

    /// Frames larger than this are refused with an error frame; the connection stays open.
    static let maxFrameBytes = 8 * 1024
    /// A message larger than this is not read at all: the connection closes with 1009.
    static let maxMessageBytes = 1 << 20
    static let maxTextCharacters = 2000

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        guard let participant = try await service.participant(for: principal) else {
            try await outbound.write(.text(ServerFrame.error("forbidden", "该账号不能接待会话").json()))
            return
        }
        var staff: StaffUser?
        var party: ChatParty?
        switch participant {
        case .agent(let agent): staff = agent
        case .party(let someone): party = someone
        }
        let identity = ChatIdentity(customerId: party?.id, agentId: staff?.id, principalId: principal.actorID, sessionTokenHash: sessionTokenHash)
        let (stream, continuation) = AsyncStream.makeStream(of: ChatOutbound.self, bufferingPolicy: .bufferingOldest(4096))
        let connection = service.hub.connect(identity, continuation)
        let session = Session(service: service, acting: acting, participant: participant, outbound: continuation)

        // The session is watched for the whole node at once (`ChatDesk.closeEndedSessions`), not here: a
        // task and a read every few seconds for each of thousands of idle sockets cost more than the chats.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Self.write(stream, to: outbound, desk: service, viewer: principal)
            }
            // A protocol error (invalid UTF-8, a message over the limit) is thrown on after the clean-up,
            // so the WebSocket layer closes with its code (1007, 1009) rather than a normal closure.
            var failure: (any Error)?
            do {
                try await session.welcome()
                for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
                    await session.handle(message)
                }
            } catch {
                logger.debug("chat socket ended", metadata: ["error": "\(error)"])
                failure = error
            }
            continuation.finish()
            service.hub.disconnect(connection)
            // Let the writer send what is queued.
            try await group.waitForAll()
            if let failure, !(failure is CancellationError) { throw failure }
        }
        if let staff, service.hub.connections(agentId: staff.id) == 0 {
            try? await service.deskClosed(by: staff)
        }
    }

    /// The writer task: the only place this connection's socket is written.
    /// Messages leave with personal data as `viewer` may see it (masked for staff).
    ///
    /// Swift keeps a task's stack at its deepest for as long as the task lives, so what this task's
    /// functions hold across an `await` is held for every open socket, idle or not. Hence frames are
    /// encoded to text before anything is awaited (a frame is half a kilobyte), and the socket is written
    /// in one place that is never inlined: inlined at each of the eight places that write, NIO's writer
    /// made `write(_:)` a 30 KB async frame per socket (heaptrack; 10 KB now). Little of it was ever
    /// touched, so resident memory fell by only 2 KB a socket: the rest of the 68 KB is not found yet.
    static func write(_ stream: AsyncStream<ChatOutbound>, to outbound: WebSocketOutboundWriter, desk: ChatDesk, viewer: Principal) async throws {
        var lastSent: [String: Int] = [:]
        @inline(never) func emit(_ text: String) async throws {
            try await outbound.write(.text(text))
        }
        @inline(never) func close(_ code: WebSocketErrorCode, _ reason: String) async throws {
            try await outbound.close(code, reason: reason)
        }
        let seesStaffOnly = ConversationPolicy.seesStaffOnly(viewer)
        func text(_ frame: ServerFrame) -> String {
            var frame = frame
            frame.message = PersonalData.shown(frame.message, to: viewer)
            // Who a chat was taken over from is the staff's business.
            if !seesStaffOnly {
                if frame.conversation?.takenFrom != nil { frame.conversation?.takenFrom = nil }
                if frame.conversations?.contains(where: { $0.takenFrom != nil }) == true {
                    frame.conversations = frame.conversations?.map { var view = $0; view.takenFrom = nil; return view }
                }
            }
            return frame.json()
        }
        @inline(never) func deliver(_ message: ChatMessage) async throws {
            let last = lastSent[message.conversationId] ?? 0
            guard message.seq > last, seesStaffOnly || message.visibility == .everyone else { return }
            if message.seq > last + 1 {
                for missed in try await desk.messages(in: message.conversationId, after: last, for: viewer)
                where missed.seq < message.seq {
                    try await emit(text(.message(missed)))
                }
            }
            try await emit(text(.message(message)))
            lastSent[message.conversationId] = message.seq
        }
        func synced(_ conversationId: String) -> String {
            var synced = ServerFrame(type: "synced")
            synced.conversationId = conversationId
            synced.seq = lastSent[conversationId]
            return text(synced)
        }
        /// Writes one item; false once the connection is closed.
        @inline(never) func write(_ item: ChatOutbound) async throws -> Bool {
            switch item {
            case .frame(let frame):
                try await emit(text(frame))
            case .event(let event):
                if let message = event.frame.message { try await deliver(message) } else { try await emit(text(event.frame)) }
            case .sync(let conversationId, let after):
                // What this connection already sent counts as seen, whatever the client says.
                lastSent[conversationId] = max(lastSent[conversationId] ?? 0, after)
                var cursor = after
                while true {
                    let batch = try await desk.messages(in: conversationId, after: cursor, limit: 500, for: viewer)
                    for message in batch { try await deliver(message) }
                    guard let last = batch.last, batch.count == 500 else { break }
                    cursor = last.seq
                }
                try await emit(synced(conversationId))
            case .storedMessage(let conversationId, let seq):
                let last = lastSent[conversationId] ?? 0
                guard seq > last else { return true }
                for message in try await desk.messages(in: conversationId, after: last, limit: 500, for: viewer) where message.seq <= seq {
                    try await deliver(message)
                }
            case .text(let json):
                try await emit(json)
            case .floorChanged:
                break
            case .close(.sessionEnded):
                try await emit(text(.error("session_ended", "登录已失效，请重新登录")))
                try await close(.policyViolation, "session ended")
                return false
            case .close(.shuttingDown):
                try await close(.goingAway, "server shutting down")
                return false
            }
            return true
        }
        // The welcome comes first: an event published while the desk was opening (a chat routed to the
        // agent by another task) waits until the client has had it, so no client sees a chat before it
        // knows who it is.
        var held: [ChatOutbound]? = []
        for await item in stream {
            if var waiting = held {
                switch item {
                case .frame(let frame) where frame.type == "welcome":
                    held = nil
                    guard try await write(item) else { return }
                    for earlier in waiting { guard try await write(earlier) else { return } }
                case .close:
                    _ = try await write(item)
                    return
                default:
                    waiting.append(item)
                    held = waiting
                }
                continue
            }
            guard try await write(item) else { return }
        }
    }
}

/// The reading side of one connection: checks each frame, acts through the service, answers.
final class Session: Sendable {
    let service: ChatDesk
    let acting: Acting
    var principal: Principal { acting.principal }
    let participant: ChatDesk.Participant
    let outbound: AsyncStream<ChatOutbound>.Continuation

    init(service: ChatDesk, acting: Acting, participant: ChatDesk.Participant, outbound: AsyncStream<ChatOutbound>.Continuation) {
        self.service = service
        self.acting = acting
        self.participant = participant
        self.outbound = outbound
    }

    var staff: StaffUser? {
        if case .agent(let agent) = participant { return agent }
        return nil
    }

    /// The customer or visitor on the other side; nil for staff.
    var party: ChatParty? {
        if case .party(let party) = participant { return party }
        return nil
    }

    func reply(_ frame: ServerFrame) { outbound.yield(.frame(frame)) }

    func welcome() async throws {
        var frame = ServerFrame(type: "welcome")
        switch participant {
        case .agent(let agent):
            let desk = try await service.deskOpened(by: agent)
            frame.status = desk.status
            frame.limit = desk.limit
            frame.conversations = desk.conversations
            frame.reads = desk.reads
            reply(frame)
            try await service.dispatch()
        case .party(let party):
            frame.conversations = try await service.openConversations(of: party)
            reply(frame)
        }
    }

    func handle(_ message: WebSocketMessage) async {
        if let wait = service.flood.frame(by: principal, now: service.now()) {
            var refusal = ServerFrame.error("rate_limited", "发送过于频繁，请稍后再试")
            refusal.retryAfter = wait
            return reply(refusal)
        }
        guard case .text(let text) = message else {
            return reply(.error("unsupported", "只接受 JSON 文本帧；图片和语音请先上传为附件"))
        }
        guard text.utf8.count <= ChatSocket.maxFrameBytes else {
            return reply(.error("frame_too_large", "单帧不能超过 8 KiB"))
        }
        let frame: ClientFrame
        do {
            frame = try JSONDecoder().decode(ClientFrame.self, from: Data(text.utf8))
        } catch {
            let type = (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)))?["type"]
            if let type, ClientFrame.Kind(rawValue: type) == nil {
                return reply(.error("unknown_type", "未知的帧类型 \(type)"))
            }
            return reply(.error("invalid_frame", "帧格式不正确"))
        }
        if frame.type == .send, let wait = service.flood.message(by: principal, to: frame.conversationId, now: service.now()) {
            // Names the message, so the page can mark it and send it again after the wait.
            var refusal = ServerFrame.error("rate_limited", "发送过于频繁，请 \(wait) 秒后再试", ref: frame.ref)
            refusal.retryAfter = wait
            refusal.clientId = frame.clientId
            refusal.conversationId = frame.conversationId
            return reply(refusal)
        }
        do {
            try await act(frame)
        } catch let failure as any KefuErrorConvertible {
            let refusal = failure.kefuError
            reply(.error(refusal.code, refusal.message, ref: frame.ref))
        } catch {
            service.logger.error("chat frame failed", metadata: ["type": "\(frame.type)", "error": "\(String(reflecting: error))"])
            reply(.error("internal", "服务器内部错误，请稍后再试", ref: frame.ref))
        }
    }

    /// Where a resume starts: the client's last seq, never below 0 nor beyond the conversation's last
    /// message. A client that claims to have seen more than exists would otherwise skip every new message.
    static func resumePoint(_ lastSeq: Int?, in c: Conversation) -> Int {
        min(max(0, lastSeq ?? 0), c.lastSeq)
    }

    func conversation(_ id: String?, to action: ConversationPolicy.Action = .converse) async throws -> Conversation {
        try await service.conversation(id, for: principal, to: action)
    }

    func act(_ frame: ClientFrame) async throws {
        switch frame.type {
        case .ping:
            reply(ServerFrame(type: "pong"))

        case .start:
            guard let party else { throw KefuError(.forbidden, "customers_only", "只有客户可以发起会话") }
            let c = try await service.start(party, skill: frame.skill)
            outbound.yield(.sync(conversationId: c.id, after: Self.resumePoint(frame.lastSeq, in: c)))

        case .subscribe:
            let c = try await conversation(frame.conversationId, to: .follow)
            reply(.conversation(try await service.view(c)))
            outbound.yield(.sync(conversationId: c.id, after: Self.resumePoint(frame.lastSeq, in: c)))

        case .send:
            let c = try await conversation(frame.conversationId)
            guard let clientId = frame.clientId, (1...64).contains(clientId.count) else {
                throw KefuError(.invalid, "invalid_frame", "每条消息需要客户端生成的 clientId（1–64字符）")
            }
            let text = (frame.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard frame.attachmentId != nil || !text.isEmpty else { throw KefuError(.invalid, "empty_message", "消息不能为空") }
            guard text.count <= ChatSocket.maxTextCharacters, text.isEmpty || Validation.isCleanText(text, max: ChatSocket.maxTextCharacters) else {
                throw KefuError(.invalid, "invalid_text", "消息不能超过2000字，且不能含控制字符")
            }
            switch frame.visibility ?? .everyone {
            case .everyone:
                try await send(c, clientId: clientId, text: text, attachmentId: frame.attachmentId)
            case .staff:
                guard let staff, frame.attachmentId == nil, !text.isEmpty else {
                    throw KefuError(.forbidden, "agents_only", "只有客服可以写内部备注（仅文字）")
                }
                acknowledge(try await service.note(c, by: staff, clientId: clientId, text: text), clientId: clientId)
            }

        case .typing:
            let c = try await conversation(frame.conversationId)
            var typing = ServerFrame(type: "typing")
            typing.conversationId = c.id
            typing.sender = staff == nil ? "customer" : "agent"
            service.publish(typing, for: c)

        case .read:
            try await service.read(try await conversation(frame.conversationId, to: .follow), upTo: frame.seq ?? 0, by: participant)

        case .human:
            guard let party else { throw KefuError(.forbidden, "customers_only", "只有客户可以请求人工") }
            let c = try await conversation(frame.conversationId)
            try await service.humanRequested(c, party: party, skill: frame.skill)

        case .leaveMessage:
            guard let party else { throw KefuError(.forbidden, "customers_only", "只有客户可以留言") }
            let c = try await conversation(frame.conversationId)
            let ticket = try await service.leaveMessage(c, by: party, acting: acting, text: frame.text ?? "", callbackPhone: frame.callbackPhone ?? "")
            var answer = ServerFrame(type: "message_left")
            answer.conversationId = c.id
            answer.ticketNumber = ticket.number
            answer.ref = frame.ref
            reply(answer)

        case .status:
            guard let staff, let status = frame.status else { throw KefuError(.invalid, "invalid_frame", "需要 status：online、busy 或 away") }
            let presence = try await service.setStatus(of: staff, to: status, limit: frame.limit)
            var answer = ServerFrame(type: "status")
            answer.status = presence.status
            answer.limit = presence.limit
            answer.activeChats = presence.activeChats
            reply(answer)

        case .transfer:
            guard let staff else { throw KefuError(.forbidden, "agents_only", "只有客服可以转接") }
            let c = try await conversation(frame.conversationId)
            guard frame.toAgentId != nil || frame.toSkill != nil else { throw KefuError(.invalid, "invalid_frame", "需要 toAgentId 或 toSkill") }
            try await service.transfer(c, by: staff, toAgentId: frame.toAgentId, toSkill: frame.toSkill)

        case .end:
            guard let staff else { throw KefuError(.forbidden, "agents_only", "只有客服可以结束会话") }
            try await service.end(try await conversation(frame.conversationId), by: staff)

        case .rate:
            guard party != nil else { throw KefuError(.forbidden, "customers_only", "只有客户可以评价") }
            let answer: SurveyAnswer = if let helpful = frame.helpful {
                .bot(helpful: helpful)
            } else {
                .service(csat: frame.score ?? 0, nps: frame.nps, reason: frame.reason, comment: frame.comment)
            }
            let c = try await conversation(frame.conversationId)
            try await service.rate(c, answer: answer, by: principal)
            var rated = ServerFrame(type: "rated")
            rated.conversationId = c.id
            rated.ref = frame.ref
            rated.survey = answer.kind.rawValue
            reply(rated)
        }
    }

    /// Stored: the client stops resending it.
    private func acknowledge(_ appended: ChatRepository.Appended, clientId: String) {
        var ack = ServerFrame(type: "ack")
        ack.clientId = clientId
        ack.conversationId = appended.message.conversationId
        ack.seq = appended.message.seq
        ack.duplicate = appended.duplicate
        reply(ack)
    }

    private func send(_ c: Conversation, clientId: String, text: String, attachmentId: String?) async throws {
        switch try await service.send(c, from: participant, clientId: clientId, text: text, attachmentId: attachmentId) {
        case .forbidden(let hit):
            var refusal = ServerFrame.error("forbidden_word", "消息含禁用词“\(hit.word)”，建议改为“\(hit.suggestion)”")
            refusal.word = hit.word
            refusal.suggestion = hit.suggestion
            refusal.clientId = clientId
            refusal.conversationId = c.id
            reply(refusal)
        case .stored(let appended):
            acknowledge(appended, clientId: clientId)
            if let party, !appended.duplicate, c.state == .bot {
                try await service.botAnswers(c, party: party, text: text)
            }
        }
    }
}
