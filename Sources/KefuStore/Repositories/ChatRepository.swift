import Foundation
import KefuCore
import SQLKit

/// Conversations and their numbered messages. Every change is one transaction; callers publish
/// events only after it has committed, so nothing is announced that was not stored.
public struct ChatRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case noSuchConversation
        case conversationClosed
        case invalidTransition(from: ConversationState, to: ConversationState)
    }

    /// What appending a message did.
    public struct Appended: Sendable {
        public var message: ChatMessage
        public var conversation: Conversation
        /// The client id was seen before: this is the stored message, acknowledged again.
        public var duplicate: Bool
    }

    // MARK: Conversations

    /// Starts a conversation with the bot's first message as seq 1.
    public func create(_ conversation: Conversation, greeting: String) async throws -> (Conversation, ChatMessage) {
        try await database.transaction { db in
            var conversation = conversation
            conversation.lastSeq = 1
            try await Self.insert(conversation, db)
            // The report's district: the customer's at the time of the chat.
            if let customerId = conversation.customerId {
                try await db.raw(
                    "UPDATE conversations SET district = (SELECT u.district FROM customers u WHERE u.id = \(bind: customerId)) WHERE id = \(bind: conversation.id)"
                ).run()
            }
            try await RepeatContacts.mark(
                customerId: conversation.customerId, intent: nil, at: conversation.createdAt, exceptChat: conversation.id, exceptTicket: nil, db
            )
            let message = ChatMessage(
                conversationId: conversation.id, seq: 1, clientId: nil, sender: .bot, senderId: nil, text: greeting,
                createdAt: conversation.createdAt
            )
            try await Self.insert(message, db)
            return (conversation, message)
        }
    }

    public func conversation(id: String) async throws -> Conversation? {
        try await database.readOne { db in try await Self.conversation(id, db) }
    }

    /// The customer's (or visitor's) conversation that is not closed yet, if any.
    public func openConversation(ownerId: String) async throws -> Conversation? {
        try await database.readOne { db in
            try await db.select().columns("*").from("conversations")
                .where { $0.where("customer_id", .equal, ownerId).orWhere("visitor_id", .equal, ownerId) }
                .where("state", .notEqual, ConversationState.closed.rawValue).orderBy("created_at", .descending)
                .first().map(Self.conversation)
        }
    }

    /// The conversations an agent is working on now.
    public func assigned(to agentId: String) async throws -> [Conversation] {
        try await database.read { db in
            try await db.select().columns("*").from("conversations").where("agent_id", .equal, agentId)
                .where("state", .in, [ConversationState.assigned.rawValue, ConversationState.resolved.rawValue])
                .orderBy("assigned_at").all().map(Self.conversation)
        }
    }

    /// Chats team leads took over from the agent, which the agent still reads.
    public func taken(from agentId: String) async throws -> [Conversation] {
        try await database.read { db in
            try await db.select().columns("*").from("conversations").where("taken_from", .equal, agentId)
                .where("state", .in, [ConversationState.assigned.rawValue, ConversationState.resolved.rawValue])
                .orderBy("assigned_at").all().map(Self.conversation)
        }
    }

    public func queued() async throws -> [Conversation] {
        try await database.read { db in
            try await db.select().columns("*").from("conversations").where("state", .equal, ConversationState.queued.rawValue)
                .orderBy("queued_at").all().map(Self.conversation)
        }
    }

    /// Moves a conversation along its lifecycle, refusing moves the lifecycle does not allow.
    /// A hand-over from the bot says why and what about, written with the move to the queue.
    public func transition(
        _ id: String, to state: ConversationState, now: Date, skill: SkillGroup? = nil, agentId: String?? = nil,
        handover: (reason: HandoverReason, intent: Intent?)? = nil, takenFrom: String?? = nil, audit: AuditEntry? = nil
    ) async throws -> Conversation {
        try await database.transaction { db in
            guard var conversation = try await Self.conversation(id, db, forUpdate: true) else { throw Failure.noSuchConversation }
            guard conversation.state.canMove(to: state) else {
                throw Failure.invalidTransition(from: conversation.state, to: state)
            }
            if let skill { conversation.route(to: skill) }
            conversation.state = state
            // A chat that changes hands otherwise than by a take-over is no longer read by whom it was taken from.
            if let agentId, agentId != conversation.agentId { (conversation.agentId, conversation.takenFrom) = (agentId, nil) }
            if let takenFrom { conversation.takenFrom = takenFrom }
            if let handover { (conversation.handoverReason, conversation.intent) = (handover.reason, handover.intent) }
            switch state {
            case .queued: conversation.queuedAt = now
            case .assigned: conversation.assignedAt = now
            case .resolved: conversation.resolvedAt = now
            case .closed: conversation.closedAt = now
            default: break
            }
            try await Self.update(conversation, db)
            if let audit { try await AuditRepository.append(audit, in: db) }
            if state == .closed { try await QAScoreRepository.scoreClosed(conversation, now: now, db) }
            if let intent = handover?.intent {
                try await RepeatContacts.mark(
                    customerId: conversation.customerId, intent: intent, at: conversation.createdAt, exceptChat: conversation.id, exceptTicket: nil, db
                )
            }
            return conversation
        }
    }

    // MARK: Messages

    /// Stores a message under the next sequence number, or finds the one stored before under the same client id.
    /// A staff-only message changes nothing the customer's side counts (first response, idleness).
    public func append(
        conversationId: String, sender: ChatMessage.Sender, senderId: String?, clientId: String?, text: String,
        attachmentId: String? = nil, attachmentMime: String? = nil, visibility: ChatMessage.Visibility = .everyone, now: Date,
        audit: AuditEntry? = nil
    ) async throws -> Appended {
        // Two statements, the hottest path there is: the conversation's counter moves in the UPDATE itself
        // (so two senders never take one seq, and PostgreSQL locks the row), and a client id sent before
        // breaks the unique index, which rolls the counter back and answers with the stored message below.
        let touched: SQLQueryString = switch visibility == .staff ? nil : sender {
        case .customer: ", last_customer_message_at = \(bind: now), idle_reminder_sent_at = NULL"
        case .agent: ", first_response_at = COALESCE(first_response_at, \(bind: now))"
        case .bot, .system, nil: ""
        }
        do {
            return try await database.transaction { db in
                let bumped = try await db.raw(
                    "UPDATE conversations SET last_seq = last_seq + 1" + touched
                        + " WHERE id = \(bind: conversationId) AND state <> \(bind: ConversationState.closed.rawValue) RETURNING *"
                ).first().map(Self.conversation)
                guard let conversation = bumped else {
                    throw try await Self.conversation(conversationId, db) == nil ? Failure.noSuchConversation : Failure.conversationClosed
                }
                let message = ChatMessage(
                    conversationId: conversationId, seq: conversation.lastSeq, clientId: clientId, sender: sender,
                    senderId: senderId, text: text, attachmentId: attachmentId, attachmentMime: attachmentMime,
                    visibility: visibility, createdAt: now
                )
                try await Self.insert(message, db)
                if let audit { try await AuditRepository.append(audit, in: db) }
                return Appended(message: message, conversation: conversation, duplicate: false)
            }
        } catch let error where clientId != nil && error as? Failure != .noSuchConversation {
            // The client id was stored before (a resend, or two sends racing; perhaps since closed): answer with that message.
            if let clientId, let existing = try await database.read({ db in
                try await Self.message(conversationId: conversationId, clientId: clientId, db)
            }), let conversation = try await conversation(id: conversationId) {
                return Appended(message: existing, conversation: conversation, duplicate: true)
            }
            throw error
        }
    }

    /// Messages after `seq`, in order; staff-only ones only when asked for, so no path shows them to a
    /// customer by default.
    public func messages(conversationId: String, after seq: Int, limit: Int = 500, includingStaffOnly: Bool = false) async throws -> [ChatMessage] {
        try await database.readOne { db in
            let query = db.select().columns("*").from("chat_messages").where("conversation_id", .equal, conversationId)
                .where("seq", .greaterThan, seq)
            if !includingStaffOnly { query.where("visibility", .equal, ChatMessage.Visibility.everyone.rawValue) }
            return try await query.orderBy("seq").limit(limit).all().map(Self.message)
        }
    }

    // MARK: Idle customers

    /// Claims assigned chats where the last word was ours (the agent's or the system's) and the customer
    /// has not answered for `after` seconds, and marks the reminder as sent. A customer waiting for a
    /// slow agent is not idle, nor one just taken from the queue: idleness counts from the assignment
    /// too, or a long wait in the queue would earn a "still there?" before the agent's greeting.
    /// Runs in one transaction, so each reminder is claimed once.
    public func claimIdleReminders(now: Date, after: TimeInterval) async throws -> [Conversation] {
        try await database.transaction { db in
            let cutoff = now.addingTimeInterval(-after)
            let candidates = try await db.select().columns("*").from("conversations")
                .where("state", .equal, ConversationState.assigned.rawValue)
                .where("idle_reminder_sent_at", .is, SQLLiteral.null)
                .where("assigned_at", .lessThan, cutoff)
                .where(SQLQueryString("""
                    EXISTS (SELECT 1 FROM chat_messages m WHERE m.conversation_id = conversations.id
                    AND m.seq = conversations.last_seq AND m.sender <> 'customer' AND m.created_at < \(bind: cutoff))
                    """))
                .lockingClause(SQLLockingClause.update)
                .all().map(Self.conversation)
            var claimed: [Conversation] = []
            for var conversation in candidates {
                conversation.idleReminderSentAt = now
                try await Self.update(conversation, db)
                claimed.append(conversation)
            }
            return claimed
        }
    }

    /// Closes, with a farewell as their last message, chats reminded `after` seconds ago without an
    /// answer, and resolved chats whose survey went unanswered for as long.
    public func claimIdleClosures(now: Date, after: TimeInterval, farewell: String) async throws -> [(Conversation, ChatMessage)] {
        try await database.transaction { db in
            let cutoff = now.addingTimeInterval(-after)
            let reminded = try await db.select().columns("*").from("conversations")
                .where("state", .equal, ConversationState.assigned.rawValue)
                .where("idle_reminder_sent_at", .lessThan, cutoff)
                .lockingClause(SQLLockingClause.update)
                .all().map(Self.conversation)
            let unrated = try await db.select().columns("*").from("conversations")
                .where("state", .equal, ConversationState.resolved.rawValue)
                .where(SQLQueryString("""
                    EXISTS (SELECT 1 FROM chat_messages m WHERE m.conversation_id = conversations.id
                    AND m.seq = conversations.last_seq AND m.created_at < \(bind: cutoff))
                    """))
                .lockingClause(SQLLockingClause.update)
                .all().map(Self.conversation)
            var claimed: [(Conversation, ChatMessage)] = []
            for var conversation in reminded + unrated {
                conversation.state = .closed
                conversation.closedAt = now
                try await Self.update(conversation, db)
                guard let seq = try await db.raw(
                    "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = \(bind: conversation.id) RETURNING last_seq"
                ).first()?.int("last_seq") else { throw Failure.noSuchConversation }
                conversation.lastSeq = seq
                let message = ChatMessage(
                    conversationId: conversation.id, seq: conversation.lastSeq, clientId: nil, sender: .system, senderId: nil,
                    text: farewell, createdAt: now
                )
                try await Self.insert(message, db)
                try await QAScoreRepository.scoreClosed(conversation, now: now, db)
                claimed.append((conversation, message))
            }
            return claimed
        }
    }

    // MARK: Rows

    static let conversationColumns = [
        "id", "customer_id", "visitor_name", "state", "skill", "vip", "agent_id", "last_seq", "created_at", "queued_at",
        "assigned_at", "first_response_at", "closed_at", "last_customer_message_at", "idle_reminder_sent_at", "visitor_id",
        "skill_chosen", "resolved_at", "first_queued_at", "first_assigned_at", "intent", "handover_reason",
        "group_transferred", "taken_from",
    ]

    static func insert(_ c: Conversation, _ db: any SQLDatabase) async throws {
        try await Rows.insert(
            db, into: "conversations", columns: conversationColumns,
            rows: [[
                c.id, c.customerId, c.visitorName, c.state.rawValue, c.skill.rawValue, c.vip, c.agentId, c.lastSeq, c.createdAt,
                c.queuedAt, c.assignedAt, c.firstResponseAt, c.closedAt, c.lastCustomerMessageAt, c.idleReminderSentAt, c.visitorId,
                c.skillChosen, c.resolvedAt, c.queuedAt, c.assignedAt, c.intent?.rawValue, c.handoverReason?.rawValue,
                c.groupTransferred, c.takenFrom,
            ]]
        )
    }

    /// Writes what the workflows change. Never `last_seq`: only an append moves it, by one, in the UPDATE
    /// that takes the number, so a copy read before someone else's message cannot move it back.
    static func update(_ c: Conversation, _ db: any SQLDatabase) async throws {
        try await db.update("conversations")
            .set("state", to: c.state.rawValue).set("skill", to: c.skill.rawValue).set("vip", to: c.vip)
            .set("agent_id", to: c.agentId).set("queued_at", to: c.queuedAt)
            .set("assigned_at", to: c.assignedAt).set("first_response_at", to: c.firstResponseAt)
            .set("closed_at", to: c.closedAt).set("last_customer_message_at", to: c.lastCustomerMessageAt)
            .set("idle_reminder_sent_at", to: c.idleReminderSentAt).set("skill_chosen", to: c.skillChosen)
            .set("resolved_at", to: c.resolvedAt)
            .set("intent", to: c.intent?.rawValue).set("handover_reason", to: c.handoverReason?.rawValue)
            .set("group_transferred", to: c.groupTransferred).set("taken_from", to: c.takenFrom)
            // Reports only: the first queue and the first agent stay, whatever transfers follow.
            .set("first_queued_at", to: SQLFunction("COALESCE", args: SQLColumn("first_queued_at"), SQLBind(c.queuedAt)))
            .set("first_assigned_at", to: SQLFunction("COALESCE", args: SQLColumn("first_assigned_at"), SQLBind(c.assignedAt)))
            .where("id", .equal, c.id).run()
    }

    static func conversation(_ id: String, _ db: any SQLDatabase, forUpdate: Bool = false) async throws -> Conversation? {
        // Written out: read before nearly every frame a chat socket handles.
        let lock: SQLQueryString = forUpdate ? " \(SQLLockingClause.update)" : ""
        return try await db.raw("SELECT * FROM conversations WHERE id = \(bind: id)" + lock).first().map(conversation)
    }

    static func conversation(_ row: any SQLRow) throws -> Conversation {
        Conversation(
            id: try row.text("id"), customerId: try row.optionalText("customer_id"), visitorName: try row.text("visitor_name"),
            state: try decodeEnum(ConversationState.self, try row.text("state"), column: "state"),
            skill: try decodeEnum(SkillGroup.self, try row.text("skill"), column: "skill"), vip: try row.bool("vip"),
            agentId: try row.optionalText("agent_id"), lastSeq: try row.int("last_seq"), createdAt: try row.date("created_at"),
            queuedAt: try row.decode(column: "queued_at", as: Date?.self),
            assignedAt: try row.decode(column: "assigned_at", as: Date?.self),
            firstResponseAt: try row.decode(column: "first_response_at", as: Date?.self),
            closedAt: try row.decode(column: "closed_at", as: Date?.self),
            lastCustomerMessageAt: try row.decode(column: "last_customer_message_at", as: Date?.self),
            idleReminderSentAt: try row.decode(column: "idle_reminder_sent_at", as: Date?.self),
            visitorId: try row.optionalText("visitor_id"), skillChosen: try row.bool("skill_chosen"),
            resolvedAt: try row.decode(column: "resolved_at", as: Date?.self),
            intent: try row.optionalText("intent").flatMap(Intent.init(rawValue:)),
            handoverReason: try row.optionalText("handover_reason").flatMap(HandoverReason.init(rawValue:)),
            groupTransferred: try row.bool("group_transferred"), takenFrom: try row.optionalText("taken_from")
        )
    }

    /// Written out rather than built: every message passes here, and building the statement (quoting each
    /// identifier) cost more than SQLite's storing it.
    static func insert(_ m: ChatMessage, _ db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO chat_messages (conversation_id, seq, client_id, sender, sender_id, text, attachment_id, attachment_mime, visibility, created_at) \
            VALUES (\(bind: m.conversationId), \(bind: m.seq), \(bind: m.clientId), \(bind: m.sender.rawValue), \(bind: m.senderId), \(bind: m.text), \
            \(bind: m.attachmentId), \(bind: m.attachmentMime), \(bind: m.visibility.rawValue), \(bind: m.createdAt))
            """).run()
    }

    static func message(conversationId: String, clientId: String, _ db: any SQLDatabase) async throws -> ChatMessage? {
        try await db.select().columns("*").from("chat_messages").where("conversation_id", .equal, conversationId)
            .where("client_id", .equal, clientId).first().map(message)
    }

    static func message(_ row: any SQLRow) throws -> ChatMessage {
        ChatMessage(
            conversationId: try row.text("conversation_id"), seq: try row.int("seq"), clientId: try row.optionalText("client_id"),
            sender: try decodeEnum(ChatMessage.Sender.self, try row.text("sender"), column: "sender"),
            senderId: try row.optionalText("sender_id"), text: try row.text("text"),
            attachmentId: try row.optionalText("attachment_id"), attachmentMime: try row.optionalText("attachment_mime"),
            visibility: try decodeEnum(ChatMessage.Visibility.self, try row.text("visibility"), column: "visibility"),
            createdAt: try row.date("created_at")
        )
    }
}

extension ChatRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .noSuchConversation: KefuError(.notFound, "not_found", "会话不存在或无权访问")
        case .conversationClosed: KefuError(.conflict, "conversation_closed", "会话已结束")
        case .invalidTransition(let from, let to): KefuError(.conflict, "invalid_state", "会话当前状态（\(from.rawValue)）不能变为 \(to.rawValue)")
        }
    }
}
