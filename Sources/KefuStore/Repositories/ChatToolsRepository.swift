import Foundation
import KefuCore
import SQLKit

/// What agents work with around the chat: quick replies, forbidden words and their hits, attachments, transcripts.
public struct ChatToolsRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case duplicateShortcode(String)
        case duplicateWord(String)
    }

    // MARK: Quick replies

    /// The agent's own replies and the team's.
    public func quickReplies(for agentId: String) async throws -> [QuickReply] {
        try await database.read { db in
            try await db.select().columns("*").from("quick_replies")
                .where { $0.where("owner_id", .is, SQLLiteral.null).orWhere("owner_id", .equal, agentId) }
                .orderBy("shortcode").all().map(Self.reply)
        }
    }

    public func addQuickReply(_ reply: QuickReply, now: Date, audit: AuditEntry) async throws {
        try await database.transaction { db in
            let clash = db.select().column("id").from("quick_replies").where("shortcode", .equal, reply.shortcode)
            if let owner = reply.ownerId { clash.where("owner_id", .equal, owner) } else { clash.where("owner_id", .is, SQLLiteral.null) }
            if try await clash.first() != nil { throw Failure.duplicateShortcode(reply.shortcode) }
            try await Rows.insert(
                db, into: "quick_replies", columns: ["id", "owner_id", "shortcode", "text", "created_at"],
                rows: [[reply.id, reply.ownerId, reply.shortcode, reply.text, now]]
            )
            try await AuditRepository.append(audit, in: db)
        }
    }

    public func quickReply(id: String) async throws -> QuickReply? {
        try await database.read { db in
            try await db.select().columns("*").from("quick_replies").where("id", .equal, id).first().map(Self.reply)
        }
    }

    static func reply(_ row: any SQLRow) throws -> QuickReply {
        QuickReply(id: try row.text("id"), ownerId: try row.optionalText("owner_id"), shortcode: try row.text("shortcode"), text: try row.text("text"))
    }

    public func deleteQuickReply(id: String, audit: AuditEntry) async throws {
        try await database.transaction { db in
            try await db.delete(from: "quick_replies").where("id", .equal, id).run()
            try await AuditRepository.append(audit, in: db)
        }
    }

    // MARK: Forbidden words

    public func forbiddenWords() async throws -> [ForbiddenWord] {
        try await database.read { db in
            try await db.select().columns("*").from("forbidden_words").orderBy("word").all().map { row in
                ForbiddenWord(id: try row.text("id"), word: try row.text("word"), suggestion: try row.text("suggestion"))
            }
        }
    }

    public func addForbiddenWord(_ word: ForbiddenWord, now: Date, audit: AuditEntry) async throws {
        try await database.transaction { db in
            if try await db.select().column("id").from("forbidden_words").where("word", .equal, word.word).first() != nil {
                throw Failure.duplicateWord(word.word)
            }
            try await Rows.insert(
                db, into: "forbidden_words", columns: ["id", "word", "suggestion", "created_at"],
                rows: [[word.id, word.word, word.suggestion, now]]
            )
            try await AuditRepository.append(audit, in: db)
        }
    }

    public func deleteForbiddenWord(id: String, audit: AuditEntry) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.select().column("id").from("forbidden_words").where("id", .equal, id).first() != nil else { return false }
            try await db.delete(from: "forbidden_words").where("id", .equal, id).run()
            try await AuditRepository.append(audit, in: db)
            return true
        }
    }

    public struct Hit: Codable, Hashable, Sendable {
        public var id: String
        public var conversationId: String
        public var agentId: String
        public var word: String
        public var text: String
        public var at: Date

        public init(id: String, conversationId: String, agentId: String, word: String, text: String, at: Date) {
            self.id = id
            self.conversationId = conversationId
            self.agentId = agentId
            self.word = word
            self.text = text
            self.at = at
        }
    }

    public func recordHit(_ hit: Hit) async throws {
        try await database.transaction { db in
            try await Rows.insert(
                db, into: "forbidden_hits", columns: ["id", "conversation_id", "agent_id", "word", "text", "at"],
                rows: [[hit.id, hit.conversationId, hit.agentId, hit.word, hit.text, hit.at]]
            )
        }
    }

    public func hits(limit: Int) async throws -> [Hit] {
        try await database.read { db in
            try await db.select().columns("*").from("forbidden_hits").orderBy("at", .descending).limit(limit).all().map { row in
                Hit(
                    id: try row.text("id"), conversationId: try row.text("conversation_id"), agentId: try row.text("agent_id"),
                    word: try row.text("word"), text: try row.text("text"), at: try row.date("at")
                )
            }
        }
    }

    // MARK: Attachments

    /// An uploaded file, kept with the conversation it was uploaded to: it can be sent and read only there.
    public struct Attachment: Sendable, Equatable {
        public var id: String
        public var conversationId: String
        public var uploaderId: String
        public var mime: String
        public var data: Data

        public init(id: String, conversationId: String, uploaderId: String, mime: String, data: Data) {
            self.id = id
            self.conversationId = conversationId
            self.uploaderId = uploaderId
            self.mime = mime
            self.data = data
        }
    }

    /// Every upload is its own attachment, even of the same bytes: ids say nothing about the content.
    public static func newAttachmentID() -> String { Rows.newID("att") }

    public func putAttachment(_ a: Attachment, now: Date) async throws {
        try await database.transaction { db in
            try await db.insert(into: "chat_attachments").columns("id", "conversation_id", "uploader_id", "mime", "size", "data", "created_at")
                .values(SQLBind(a.id), SQLBind(a.conversationId), SQLBind(a.uploaderId), SQLBind(a.mime), SQLBind(a.data.count), SQLBind(a.data), SQLBind(now))
                .run()
        }
    }

    public func attachment(id: String) async throws -> Attachment? {
        try await database.read { db in
            guard let row = try await db.select().columns("id", "conversation_id", "uploader_id", "mime", "data").from("chat_attachments")
                .where("id", .equal, id).first()
            else { return nil }
            return Attachment(
                id: try row.text("id"), conversationId: try row.text("conversation_id"), uploaderId: try row.optionalText("uploader_id") ?? "",
                mime: try row.text("mime"), data: try row.decode(column: "data", as: Data.self)
            )
        }
    }

    /// The type of an attachment of `conversationId`, without its bytes; nil when there is none by that id there.
    public func attachmentMime(id: String, in conversationId: String) async throws -> String? {
        try await database.read { db in
            try await db.select().column("mime").from("chat_attachments")
                .where("id", .equal, id).where("conversation_id", .equal, conversationId).first()?.text("mime")
        }
    }

    // MARK: Transcripts

    public struct TranscriptQuery: Sendable {
        public var customerIds: [String]?
        public var agentId: String?
        public var since: Date?
        public var until: Date?
        public var keyword: String?
        public var limit: Int

        public init(customerIds: [String]? = nil, agentId: String? = nil, since: Date? = nil, until: Date? = nil, keyword: String? = nil, limit: Int = 50) {
            self.customerIds = customerIds
            self.agentId = agentId
            self.since = since
            self.until = until
            self.keyword = keyword
            self.limit = limit
        }
    }

    /// Conversations matching every given filter, newest first.
    public func transcripts(_ query: TranscriptQuery) async throws -> [Conversation] {
        try await database.read { db in
            let select = db.select().columns("*").from("conversations")
            if let ids = query.customerIds { select.where("customer_id", .in, ids.isEmpty ? [""] : ids) }
            if let agent = query.agentId { select.where("agent_id", .equal, agent) }
            if let since = query.since { select.where("created_at", .greaterThanOrEqual, since) }
            if let until = query.until { select.where("created_at", .lessThan, until) }
            if let keyword = query.keyword, !keyword.isEmpty {
                let pattern = "%" + CustomerRepository.likePrefix(keyword)
                select.where(SQLIdentifier("id"), .in, SQLGroupExpression(
                    db.select().column("conversation_id").from("chat_messages")
                        .where(SQLQueryString("text LIKE \(bind: pattern) ESCAPE '\\'")).select
                ))
            }
            return try await select.orderBy("created_at", .descending).limit(query.limit).all().map(ChatRepository.conversation)
        }
    }
}

extension ChatToolsRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .duplicateShortcode(let shortcode): .conflict("快捷短语 \(shortcode) 已存在")
        case .duplicateWord(let word): .conflict("禁用词“\(word)”已存在")
        }
    }
}
