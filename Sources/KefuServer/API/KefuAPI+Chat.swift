import Foundation
import KefuCore
import KefuStore
import OpenAPIRuntime

extension KefuAPI {
    func createSocketPass(_ input: Operations.CreateSocketPass.Input) async throws -> Operations.CreateSocketPass.Output {
        let principal = try requirePrincipal()
        let pass = Tokens.generate()
        let created = now()
        try await store.sessions.create(
            StoredSession(
                tokenHash: Tokens.hash(pass), principalKind: SocketPass.kindPrefix + principal.actorKind, principalID: principal.actorID,
                createdAt: created, expiresAt: created.addingTimeInterval(SocketPass.lifetime), parentTokenHash: info.tokenHash
            )
        )
        return .created(.init(body: .json(.init(pass: pass, expiresInSeconds: Int(SocketPass.lifetime)))))
    }

    func listChatAgents(_ input: Operations.ListChatAgents.Input) async throws -> Operations.ListChatAgents.Output {
        try require(.chatHandle)
        return .ok(.init(body: .json(try await store.chat.agentBoard().map {
            .init(
                id: $0.user.id, displayName: $0.user.displayName, agentNo: $0.user.agentNo, skills: $0.user.skills,
                status: .init(rawValue: $0.status.rawValue) ?? .away, activeChats: $0.activeChats, limit: $0.limit
            )
        })))
    }

    // MARK: Quick replies

    func listQuickReplies(_ input: Operations.ListQuickReplies.Input) async throws -> Operations.ListQuickReplies.Output {
        let principal = try require(.chatHandle)
        return .ok(.init(body: .json(try await store.chatTools.quickReplies(for: principal.actorID))))
    }

    func createQuickReply(_ input: Operations.CreateQuickReply.Input) async throws -> Operations.CreateQuickReply.Output {
        let principal = try require(.chatHandle)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let team = body.team ?? false
        if team, !principal.has(.teamRepliesManage) { throw KefuError.forbidden }
        let problems = QuickReply.problems(shortcode: body.shortcode, text: body.text)
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let reply = QuickReply(id: Store.newID("qr"), ownerId: team ? nil : principal.actorID, shortcode: body.shortcode, text: body.text)
        try await store.chatTools.addQuickReply(
            reply, now: now(), audit: entry(principal, "quick_reply.create", targetType: "quick_reply", targetId: reply.id, detail: reply.shortcode)
        )
        return .created(.init(body: .json(reply)))
    }

    func deleteQuickReply(_ input: Operations.DeleteQuickReply.Input) async throws -> Operations.DeleteQuickReply.Output {
        let principal = try require(.chatHandle)
        guard let reply = try await store.chatTools.quickReply(id: input.path.replyId) else { throw KefuError.notFound("快捷短语") }
        if let owner = reply.ownerId {
            guard owner == principal.actorID else { throw KefuError.notFound("快捷短语") }
        } else if !principal.has(.teamRepliesManage) {
            throw KefuError.forbidden
        }
        try await store.chatTools.deleteQuickReply(id: reply.id, audit: entry(principal, "quick_reply.delete", targetType: "quick_reply", targetId: reply.id))
        return .noContent(.init())
    }

    // MARK: Forbidden words

    func listForbiddenWords(_ input: Operations.ListForbiddenWords.Input) async throws -> Operations.ListForbiddenWords.Output {
        let principal = try requirePrincipal()
        guard principal.has(.chatHandle) || principal.has(.forbiddenWordsManage) || principal.has(.auditRead) else { throw KefuError.forbidden }
        return .ok(.init(body: .json(try await store.chatTools.forbiddenWords())))
    }

    func createForbiddenWord(_ input: Operations.CreateForbiddenWord.Input) async throws -> Operations.CreateForbiddenWord.Output {
        let principal = try require(.forbiddenWordsManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let word = body.word.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [String] = []
        if !Validation.isCleanText(word, max: 20) { problems.append("word: 禁用词为 1–20 字") }
        if !Validation.isCleanText(body.suggestion, max: 100) { problems.append("suggestion: 建议说法为 1–100 字") }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let entryWord = ForbiddenWord(id: Store.newID("fw"), word: word, suggestion: body.suggestion)
        try await store.chatTools.addForbiddenWord(
            entryWord, now: now(), audit: entry(principal, "forbidden_word.create", targetType: "forbidden_word", targetId: entryWord.id, detail: word)
        )
        return .created(.init(body: .json(entryWord)))
    }

    func deleteForbiddenWord(_ input: Operations.DeleteForbiddenWord.Input) async throws -> Operations.DeleteForbiddenWord.Output {
        let principal = try require(.forbiddenWordsManage)
        let audit = entry(principal, "forbidden_word.delete", targetType: "forbidden_word", targetId: input.path.wordId)
        guard try await store.chatTools.deleteForbiddenWord(id: input.path.wordId, audit: audit) else { throw KefuError.notFound("禁用词") }
        return .noContent(.init())
    }

    func listForbiddenWordHits(_ input: Operations.ListForbiddenWordHits.Input) async throws -> Operations.ListForbiddenWordHits.Output {
        let principal = try require(.auditRead)
        let hits = try await store.chatTools.hits(limit: input.query.limit ?? 100)
        return .ok(.init(body: .json(hits.map {
            .init(id: $0.id, conversationId: $0.conversationId, agentId: $0.agentId, word: $0.word, text: PersonalData.shown(text: $0.text, to: principal), at: $0.at)
        })))
    }

    // MARK: Attachments

    func uploadAttachment(_ input: Operations.UploadAttachment.Input) async throws -> Operations.UploadAttachment.Output {
        let principal = try requirePrincipal()
        guard let conversation = try await store.chat.conversation(id: input.path.conversationId) else { throw KefuError.notFound("会话") }
        try AttachmentPolicy.upload(principal, to: conversation).require("会话")
        guard case .binary(let body) = input.body else { throw KefuError.invalid("需要 application/octet-stream 请求体") }
        let bytes: [UInt8]
        do {
            bytes = try await [UInt8](collecting: body, upTo: AttachmentKind.maxBytes)
        } catch {
            throw KefuError(.tooLarge, "payload_too_large", "附件不能超过 10 MiB")
        }
        guard !bytes.isEmpty else { throw KefuError.invalid("附件为空") }
        guard let mime = AttachmentKind.sniff(bytes) else {
            throw KefuError(.unsupportedMediaType, "unsupported_type", "只支持图片（PNG、JPEG、GIF、WebP）和语音（AMR、MP3、OGG、WAV、M4A、WebM）")
        }
        let id = ChatToolsRepository.newAttachmentID()
        try await store.chatTools.putAttachment(
            .init(id: id, conversationId: conversation.id, uploaderId: principal.actorID, mime: mime, data: Data(bytes)), now: now()
        )
        return .created(.init(body: .json(.init(id: id, mime: mime, size: bytes.count, url: "/api/v1/attachments/\(id)"))))
    }

    // MARK: Transcripts

    func searchTranscripts(_ input: Operations.SearchTranscripts.Input) async throws -> Operations.SearchTranscripts.Output {
        let principal = try requirePrincipal()
        let scope = try TranscriptPolicy.searchScope(principal)
        var query = ChatToolsRepository.TranscriptQuery(
            agentId: input.query.agentId, since: input.query.since, until: input.query.until, keyword: input.query.q,
            limit: input.query.limit ?? 50
        )
        if case .heldBy(let agentId) = scope { query.agentId = agentId }
        if let phone = input.query.phone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty {
            query.customerIds = try await store.customers.find(phone: phone).map { [$0.id] } ?? []
        }
        let found = try await store.chatTools.transcripts(query)
        try await audit(principal, "transcript.search", targetType: "conversation", targetId: "*")
        return .ok(.init(body: .json(found)))
    }

    func getTranscript(_ input: Operations.GetTranscript.Input) async throws -> Operations.GetTranscript.Output {
        let principal = try requirePrincipal()
        guard let conversation = try await store.chat.conversation(id: input.path.conversationId) else { throw KefuError.notFound("会话") }
        try TranscriptPolicy.access(principal, conversation).require("会话")
        let stored = try await store.chat.messages(
            conversationId: conversation.id, after: 0, limit: 100_000, includingStaffOnly: ConversationPolicy.seesStaffOnly(principal)
        )
        let messages = PersonalData.shown(stored, to: principal)
        try await audit(principal, "transcript.read", targetType: "conversation", targetId: conversation.id)
        if input.query.format == .text {
            return .ok(.init(body: .plainText(HTTPBody(Self.plainText(conversation, messages)))))
        }
        return .ok(.init(body: .json(.init(conversation: conversation, messages: messages))))
    }

    /// The transcript as a person reads it: one line a message, in China Standard Time.
    static func plainText(_ conversation: Conversation, _ messages: [ChatMessage]) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        let who: [ChatMessage.Sender: String] = [.customer: "客户", .agent: "客服", .bot: "机器人", .system: "系统"]
        var lines = ["会话 \(conversation.id)  技能组 \(conversation.skill.displayName)  状态 \(conversation.state.rawValue)"]
        for message in messages {
            let attachment = message.attachmentId.map { " [附件 /api/v1/attachments/\($0)]" } ?? ""
            let note = message.visibility == .staff ? "（内部备注）" : ""
            lines.append("[\(formatter.string(from: message.createdAt))] #\(message.seq) \(who[message.sender] ?? "")\(note)：\(message.text)\(attachment)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension KefuAPI {
    func suggestChatAnswers(_ input: Operations.SuggestChatAnswers.Input) async throws -> Operations.SuggestChatAnswers.Output {
        let principal = try requirePrincipal()
        guard let conversation = try await store.chat.conversation(id: input.path.conversationId) else { throw KefuError.notFound("会话") }
        try ConversationPolicy.access(principal, .suggestAnswers, conversation).require("会话")
        let offer = try await DeskSuggestions(store: store, brain: brain).offer(for: conversation)
        let basedOn = offer.basedOn.map { PersonalData.shown(text: $0, to: principal) }
        return .ok(.init(body: .json(.init(basedOn: basedOn, intent: offer.intent?.rawValue, articles: offer.articles))))
    }
}
