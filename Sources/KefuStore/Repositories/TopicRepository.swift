import Foundation
import KefuCore
import SQLKit

/// 数据反馈's storage: the indexer that reads customers' chat messages and new tickets in the order they
/// were written and records their keywords (the words themselves come from the caller, which holds
/// the language model), the counts a period's report adds up, and the mentions its samples come from.
public struct TopicRepository: Sendable {
    let database: Database

    /// What the caller reads in a text: its keywords, and the problem it is about when it can tell.
    public typealias Reader = @Sendable (String) -> (keywords: [String], intent: Intent?)

    /// The filter of a report; nil is every value. An empty string for intent or district is "none".
    public struct Filter: Sendable, Equatable {
        public var intent: String?
        public var district: String?
        public var source: HotTopics.Source?

        public init(intent: String? = nil, district: String? = nil, source: HotTopics.Source? = nil) {
            self.intent = intent
            self.district = district
            self.source = source
        }
    }

    /// One mention as a sample shows it: where, when, and the words it was in.
    public struct Sample: Sendable, Equatable {
        public var source: HotTopics.Source
        public var contactId: String
        public var at: Date
        public var text: String
    }

    // MARK: Indexing

    /// Indexes up to `batch` customer messages and up to `batch` tickets written before `settledBefore`
    /// (later ones may still be committing behind an earlier time), each source in one transaction that
    /// holds its cursor; the number of messages and tickets read.
    public func index(batch: Int, settledBefore: Date, read: @escaping Reader) async throws -> Int {
        try await indexChats(batch: batch, settledBefore: settledBefore, read: read)
            + (try await indexTickets(batch: batch, settledBefore: settledBefore, read: read))
    }

    private struct Mention {
        var source: HotTopics.Source
        var contactId: String
        var seq: Int
        var at: Date
        var intent: String
        var district: String
    }

    private func indexChats(batch: Int, settledBefore: Date, read: @escaping Reader) async throws -> Int {
        try await database.transaction { db in
            let cursor = try await Self.cursor(.chat, db)
            // The cursor's time is compared as stored, read from its own row: an instant read back from
            // SQLite comes rounded to the microsecond, and the last message read would be read again.
            let after: SQLQueryString = cursor.map { c in
                let last: SQLQueryString = "COALESCE((SELECT l.created_at FROM chat_messages l WHERE l.conversation_id = \(bind: c.id) AND l.seq = \(bind: c.seq)), \(bind: c.at))"
                return " AND (m.created_at > " + last + " OR (m.created_at = " + last
                    + " AND (m.conversation_id > \(bind: c.id) OR (m.conversation_id = \(bind: c.id) AND m.seq > \(bind: c.seq)))))"
            } ?? ""
            let rows = try await db.raw("""
                SELECT m.conversation_id, m.seq, m.text, m.created_at, c.intent, c.district
                FROM chat_messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.sender = 'customer' AND m.created_at < \(bind: settledBefore)
                """ + after + " ORDER BY m.created_at, m.conversation_id, m.seq LIMIT \(bind: batch)").all()
            var mentions: [(Mention, [String])] = []
            for row in rows {
                let reading = read(try row.text("text"))
                let chatIntent = try row.optionalText("intent")
                let intent = reading.intent?.rawValue ?? chatIntent ?? ""
                mentions.append((Mention(
                    source: .chat, contactId: try row.text("conversation_id"), seq: try row.int("seq"), at: try row.date("created_at"),
                    intent: intent, district: try row.optionalText("district") ?? ""
                ), reading.keywords))
            }
            try await Self.record(mentions, db)
            if let last = mentions.last?.0 { try await Self.move(.chat, to: (last.at, last.contactId, last.seq), db) }
            return rows.count
        }
    }

    private func indexTickets(batch: Int, settledBefore: Date, read: @escaping Reader) async throws -> Int {
        try await database.transaction { db in
            let cursor = try await Self.cursor(.ticket, db)
            let after: SQLQueryString = cursor.map { c in
                let last: SQLQueryString = "COALESCE((SELECT l.created_at FROM tickets l WHERE l.id = \(bind: c.id)), \(bind: c.at))"
                return " AND (created_at > " + last + " OR (created_at = " + last + " AND id > \(bind: c.id)))"
            } ?? ""
            let rows = try await db.raw("""
                SELECT id, type, title, fields, intent, district, created_at FROM tickets WHERE created_at < \(bind: settledBefore)
                """ + after + " ORDER BY created_at, id LIMIT \(bind: batch)").all()
            var mentions: [(Mention, [String])] = []
            for row in rows {
                let type = try decodeEnum(TicketType.self, try row.text("type"), column: "type")
                let fields = try Rows.decoded([String: String].self, from: try row.text("fields"), column: "fields")
                let reading = read(HotTopics.problemFields(type).compactMap { fields[$0] }.joined(separator: "\n"))
                let ticketIntent = try row.optionalText("intent")
                mentions.append((Mention(
                    source: .ticket, contactId: try row.text("id"), seq: 0, at: try row.date("created_at"),
                    intent: ticketIntent ?? reading.intent?.rawValue ?? "", district: try row.text("district")
                ), reading.keywords))
            }
            try await Self.record(mentions, db)
            if let last = mentions.last?.0 { try await Self.move(.ticket, to: (last.at, last.contactId, 0), db) }
            return rows.count
        }
    }

    /// The mentions, and each (day, keyword, intent, district, source) counted up by as many.
    private static func record(_ mentions: [(Mention, [String])], _ db: any SQLDatabase) async throws {
        var rows: [[any Encodable & Sendable]] = []
        var counts: [[String]: Int] = [:]
        for (mention, keywords) in mentions {
            let day = CalendarDate(chinaTime: mention.at).description
            for keyword in Set(keywords) {
                rows.append([mention.source.rawValue, mention.contactId, mention.seq, keyword, day, mention.at, mention.intent, mention.district])
                counts[[day, keyword, mention.intent, mention.district, mention.source.rawValue], default: 0] += 1
            }
        }
        guard !rows.isEmpty else { return }
        try await Rows.insert(
            db, into: "topic_mentions", columns: ["source", "contact_id", "seq", "keyword", "day", "at", "intent", "district"], rows: rows
        )
        for (key, n) in counts {
            try await db.raw("""
                INSERT INTO topic_counts (day, keyword, intent, district, source, n)
                VALUES (\(bind: key[0]), \(bind: key[1]), \(bind: key[2]), \(bind: key[3]), \(bind: key[4]), \(bind: n))
                ON CONFLICT (day, keyword, intent, district, source) DO UPDATE SET n = topic_counts.n + excluded.n
                """).run()
        }
    }

    /// The source's cursor, locked for the transaction (other nodes wait, then go on from where it moved).
    private static func cursor(_ source: HotTopics.Source, _ db: any SQLDatabase) async throws -> (at: Date, id: String, seq: Int)? {
        let row = try await db.select().columns("at", "contact_id", "seq").from("topic_cursors").where("source", .equal, source.rawValue)
            .lockingClause(SQLLockingClause.update).first()
        guard let row, let at = try row.decode(column: "at", as: Date?.self), let id = try row.optionalText("contact_id") else { return nil }
        return (at, id, try row.decode(column: "seq", as: Int?.self) ?? 0)
    }

    private static func move(_ source: HotTopics.Source, to position: (Date, String, Int), _ db: any SQLDatabase) async throws {
        try await db.update("topic_cursors").set("at", to: position.0).set("contact_id", to: position.1).set("seq", to: position.2)
            .where("source", .equal, source.rawValue).run()
    }

    /// Up to when the chats have been read: the report counts what was written before it.
    public func indexedUntil() async throws -> Date? {
        try await database.read { db in
            try await db.select().column("at").from("topic_cursors").where("source", .equal, HotTopics.Source.chat.rawValue)
                .first()?.decode(column: "at", as: Date?.self)
        }
    }

    // MARK: Reading

    /// A word of the report: its counts, how it splits by intent and district (largest three), samples.
    public struct Topic: Sendable {
        public var count: HotTopics.Count
        public var intents: [(value: String, count: Int)]
        public var districts: [(value: String, count: Int)]
        public var samples: [Sample]
    }

    public struct Report: Sendable {
        public var period: HotTopics.Period
        public var indexedUntil: Date?
        public var frequent: [Topic]
        public var rising: [Topic]
    }

    /// The period's report against the days before: both periods' counts, ranked by `HotTopics`, with the
    /// split and the latest three different samples of each word listed.
    public func report(_ period: HotTopics.Period, _ filter: Filter, limit: Int) async throws -> Report {
        let previous = period.previous
        async let current = counts(from: period.from, to: period.to, filter)
        async let before = counts(from: previous.from, to: previous.to, filter)
        let (now, then) = (try await current, try await before)
        let counts = Set(now.keys).union(then.keys).map { HotTopics.Count(keyword: $0, count: now[$0] ?? 0, previous: then[$0] ?? 0) }
        let frequent = HotTopics.frequent(counts, limit: limit), rising = HotTopics.rising(counts, limit: limit)
        let keywords = Array(Set(frequent.map(\.keyword) + rising.map(\.keyword)))
        async let intents = breakdown(of: keywords, by: "intent", from: period.from, to: period.to, filter)
        async let districts = breakdown(of: keywords, by: "district", from: period.from, to: period.to, filter)
        let (byIntent, byDistrict) = (try await intents, try await districts)
        var samples: [String: [Sample]] = [:]
        for keyword in keywords {
            // Customers often repeat the same words: the latest three that say different things.
            var seen = Set<String>()
            samples[keyword] = Array(try await self.samples(of: keyword, from: period.from, to: period.to, filter, limit: 12)
                .filter { seen.insert($0.text).inserted }.prefix(3))
        }
        func topic(_ c: HotTopics.Count) -> Topic {
            Topic(
                count: c, intents: Array((byIntent[c.keyword] ?? []).prefix(3)), districts: Array((byDistrict[c.keyword] ?? []).prefix(3)),
                samples: samples[c.keyword] ?? []
            )
        }
        return Report(period: period, indexedUntil: try await indexedUntil(), frequent: frequent.map(topic), rising: rising.map(topic))
    }

    /// Each keyword's mentions over the days `from`...`to`.
    public func counts(from: CalendarDate, to: CalendarDate, _ filter: Filter) async throws -> [String: Int] {
        try await database.read { db in
            let select = Self.filtered(
                db.select().column("keyword").column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "n").from("topic_counts"), from: from, to: to, filter
            )
            var counts: [String: Int] = [:]
            for row in try await select.groupBy("keyword").all() { counts[try row.text("keyword")] = try row.int("n") }
            return counts
        }
    }

    /// How `keywords`' mentions over the days split by `column` ("intent" or "district"), largest first.
    public func breakdown(
        of keywords: [String], by column: String, from: CalendarDate, to: CalendarDate, _ filter: Filter
    ) async throws -> [String: [(value: String, count: Int)]] {
        precondition(column == "intent" || column == "district")
        guard !keywords.isEmpty else { return [:] }
        return try await database.read { db in
            let select = Self.filtered(
                db.select().column("keyword").column(column).column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "n").from("topic_counts"),
                from: from, to: to, filter
            ).where("keyword", .in, keywords)
            var split: [String: [(value: String, count: Int)]] = [:]
            for row in try await select.groupBy("keyword").groupBy(column).all() {
                split[try row.text("keyword"), default: []].append((try row.text(column), try row.int("n")))
            }
            return split.mapValues { $0.sorted { ($0.count, $1.value) > ($1.count, $0.value) } }
        }
    }

    /// The latest `limit` mentions of `keyword` over the days, with the words they were in.
    public func samples(of keyword: String, from: CalendarDate, to: CalendarDate, _ filter: Filter, limit: Int) async throws -> [Sample] {
        try await database.read { db in
            let select = db.select().columns(
                SQLColumn("source", table: "x"), SQLColumn("contact_id", table: "x"), SQLColumn("at", table: "x"),
                SQLColumn("text", table: "m"), SQLColumn("type", table: "t"), SQLColumn("fields", table: "t")
            )
            .from(SQLAlias(SQLIdentifier("topic_mentions"), as: SQLIdentifier("x")))
            .join(SQLAlias(SQLIdentifier("chat_messages"), as: SQLIdentifier("m")), method: SQLJoinMethod.left,
                  on: SQLRaw("x.source = 'chat' AND m.conversation_id = x.contact_id AND m.seq = x.seq"))
            .join(SQLAlias(SQLIdentifier("tickets"), as: SQLIdentifier("t")), method: SQLJoinMethod.left,
                  on: SQLRaw("x.source = 'ticket' AND t.id = x.contact_id"))
            .where(SQLColumn("keyword", table: "x"), .equal, SQLBind(keyword))
            // The days as instants, so the (keyword, at) index gives the newest first without a sort.
            .where(SQLColumn("at", table: "x"), .greaterThanOrEqual, SQLBind(from.date))
            .where(SQLColumn("at", table: "x"), .lessThan, SQLBind(to.addingDays(1).date))
            if let intent = filter.intent { select.where(SQLColumn("intent", table: "x"), .equal, SQLBind(intent)) }
            if let district = filter.district { select.where(SQLColumn("district", table: "x"), .equal, SQLBind(district)) }
            if let source = filter.source { select.where(SQLColumn("source", table: "x"), .equal, SQLBind(source.rawValue)) }
            return try await select.orderBy(SQLOrderBy(expression: SQLColumn("at", table: "x"), direction: SQLDirection.descending)).limit(limit).all().map { row in
                let source = try decodeEnum(HotTopics.Source.self, try row.text("source"), column: "source")
                var text = try row.optionalText("text") ?? ""
                if source == .ticket, let type = try row.optionalText("type").flatMap(TicketType.init(rawValue:)),
                    let fields = try row.optionalText("fields")
                {
                    let values = try Rows.decoded([String: String].self, from: fields, column: "fields")
                    text = HotTopics.problemFields(type).compactMap { values[$0] }.joined(separator: "；")
                }
                return Sample(source: source, contactId: try row.text("contact_id"), at: try row.date("at"), text: text)
            }
        }
    }

    private static func filtered(_ select: SQLSelectBuilder, from: CalendarDate, to: CalendarDate, _ filter: Filter) -> SQLSelectBuilder {
        select.where("day", .greaterThanOrEqual, from.description).where("day", .lessThanOrEqual, to.description)
        if let intent = filter.intent { select.where("intent", .equal, intent) }
        if let district = filter.district { select.where("district", .equal, district) }
        if let source = filter.source { select.where("source", .equal, source.rawValue) }
        return select
    }
}
