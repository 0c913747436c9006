import Foundation
import KefuCore
import SQLKit

/// The bot's training phrases and solution articles. Every change raises the knowledge version, which
/// each node watches to retrain without a restart.
public struct KnowledgeRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        /// The phrase is already a training phrase of this intent.
        case duplicate(intent: Intent)
    }

    static let versionKey = "knowledge.version"
    static let seededKey = "knowledge.seeded"
    static let wordingKey = "knowledge.articles.wording"

    /// Stores the project's phrases and articles once, on the first start; later deletions stay deleted.
    @discardableResult
    public func seedIfNeeded(phrases: [(text: String, intent: Intent)], articles: [SolutionArticle], now: Date) async throws -> Bool {
        try await database.transaction { db in
            if try await db.select().column("value").from("settings").where("key", .equal, Self.seededKey)
                .lockingClause(SQLLockingClause.update).first() != nil
            { return false }
            try await db.insert(into: "settings").columns("key", "value").values(SQLBind(Self.seededKey), SQLBind("1")).run()
            var seen = Set<String>()
            let rows: [[any Encodable & Sendable]] = phrases.compactMap { phrase in
                guard seen.insert(phrase.intent.rawValue + "\u{1}" + phrase.text).inserted else { return nil }
                return [Rows.newID("tp"), phrase.text, phrase.intent.rawValue, "project", "system", now]
            }
            try await Rows.insert(db, into: "training_phrases", columns: ["id", "text", "intent", "source", "created_by", "created_at"], rows: rows)
            try await Self.insert(articles, by: "system", at: now, db)
            try await Self.bump(db)
            return true
        }
    }

    /// Changes with every edit; nodes compare it to what they trained on.
    public func version() async throws -> Int {
        try await database.read { db in
            Int(try await db.select().column("value").from("settings").where("key", .equal, Self.versionKey).first()?.text("value") ?? "0") ?? 0
        }
    }

    static func bump(_ db: any SQLDatabase) async throws {
        let row = try await db.select().column("value").from("settings").where("key", .equal, versionKey).lockingClause(SQLLockingClause.update).first()
        if let row {
            let next = (Int(try row.text("value")) ?? 0) + 1
            try await db.update("settings").set("value", to: String(next)).where("key", .equal, versionKey).run()
        } else {
            try await db.insert(into: "settings").columns("key", "value").values(SQLBind(versionKey), SQLBind("1")).run()
        }
    }

    // MARK: Training phrases

    /// Every phrase, for training.
    public func allPhrases() async throws -> [(text: String, intent: Intent)] {
        try await database.read { db in
            try await db.select().columns("text", "intent").from("training_phrases").orderBy("intent").orderBy("id").all()
                .map { (try $0.text("text"), try decodeEnum(Intent.self, try $0.text("intent"), column: "intent")) }
        }
    }

    public func phrases(intent: Intent?, containing query: String?, limit: Int) async throws -> [TrainingPhrase] {
        try await database.read { db in
            let select = db.select().columns("*").from("training_phrases")
            if let intent { select.where("intent", .equal, intent.rawValue) }
            if let query, !query.isEmpty {
                select.where(SQLQueryString("text LIKE \(bind: "%" + CustomerRepository.likePrefix(query)) ESCAPE '\\'"))
            }
            return try await select.orderBy("created_at", .descending).orderBy("id").limit(limit).all().map(Self.phrase)
        }
    }

    public func phraseCounts() async throws -> [Intent: Int] {
        try await database.read { db in
            try await db.select().column("intent").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("training_phrases")
                .groupBy("intent").all().reduce(into: [:]) { $0[try decodeEnum(Intent.self, try $1.text("intent"), column: "intent")] = try $1.int("n") }
        }
    }

    public func addPhrase(_ phrase: TrainingPhrase, createdBy: String, audit: AuditEntry) async throws {
        try await database.transaction { db in
            if try await db.select().column("id").from("training_phrases").where("text", .equal, phrase.text)
                .where("intent", .equal, phrase.intent.rawValue).first() != nil
            { throw Failure.duplicate(intent: phrase.intent) }
            try await Rows.insert(
                db, into: "training_phrases", columns: ["id", "text", "intent", "source", "created_by", "created_at"],
                rows: [[phrase.id, phrase.text, phrase.intent.rawValue, phrase.source, createdBy, phrase.createdAt]]
            )
            try await Self.bump(db)
            try await AuditRepository.append(audit, in: db)
        }
    }

    public func deletePhrase(id: String, audit: AuditEntry) async throws -> Bool {
        try await delete(id, from: "training_phrases", audit: audit)
    }

    /// Removes one row, raising the version with its audit entry; false when there was none.
    private func delete(_ id: String, from table: String, audit: AuditEntry) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.select().column("id").from(table).where("id", .equal, id).first() != nil else { return false }
            try await db.delete(from: table).where("id", .equal, id).run()
            try await Self.bump(db)
            try await AuditRepository.append(audit, in: db)
            return true
        }
    }

    static func phrase(_ row: any SQLRow) throws -> TrainingPhrase {
        TrainingPhrase(
            id: try row.text("id"), text: try row.text("text"), intent: try decodeEnum(Intent.self, try row.text("intent"), column: "intent"), source: try row.text("source"),
            createdAt: try row.date("created_at")
        )
    }

    /// Brings an installation's shipped articles to the wording `wording`, once: an article still worded
    /// as an earlier release shipped it is replaced, an article `added` by this wording is stored unless
    /// its intent has one already; an article an admin edited or deleted stays as it is. Returns how many
    /// articles changed.
    @discardableResult
    public func upgradeShippedArticles(
        _ shipped: [SolutionArticle], retired: [String: [(answer: String, steps: [String])]], added: Set<String>, wording: Int, now: Date
    ) async throws -> Int {
        try await database.transaction { db in
            let done = try await db.select().column("value").from("settings").where("key", .equal, Self.wordingKey)
                .lockingClause(SQLLockingClause.update).first()
            if let done, Int(try done.text("value")) ?? 0 >= wording { return 0 }
            let stored = try await db.select().columns("*").from("solution_articles").all().map(Self.article)
            let byId = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let covered = Set(stored.map(\.intent))
            var changed = 0
            for article in shipped {
                if let old = byId[article.id] {
                    guard retired[article.id]?.contains(where: { $0.answer == old.answer && $0.steps == old.steps }) == true else { continue }
                    try await db.update("solution_articles").set("answer", to: article.answer).set("steps", to: Rows.json(article.steps))
                        .set("keywords", to: Rows.json(article.keywords)).set("updated_at", to: now).where("id", .equal, article.id).run()
                } else if added.contains(article.id), !covered.contains(article.intent) {
                    try await Self.insert([article], by: "system", at: now, db)
                } else {
                    continue
                }
                changed += 1
            }
            if done == nil {
                try await db.insert(into: "settings").columns("key", "value").values(SQLBind(Self.wordingKey), SQLBind(String(wording))).run()
            } else {
                try await db.update("settings").set("value", to: String(wording)).where("key", .equal, Self.wordingKey).run()
            }
            if changed > 0 { try await Self.bump(db) }
            return changed
        }
    }

    // MARK: Articles

    public func articles(intent: Intent? = nil) async throws -> [SolutionArticle] {
        try await database.read { db in
            let select = db.select().columns("*").from("solution_articles")
            if let intent { select.where("intent", .equal, intent.rawValue) }
            return try await select.orderBy("intent").orderBy("title").all().map(Self.article)
        }
    }

    /// Creates or replaces the article with this id.
    public func save(_ article: SolutionArticle, by actor: String, audit: AuditEntry) async throws {
        try await database.transaction { db in
            try await db.delete(from: "solution_articles").where("id", .equal, article.id).run()
            try await Self.insert([article], by: actor, at: article.updatedAt, db)
            try await Self.bump(db)
            try await AuditRepository.append(audit, in: db)
        }
    }

    public func article(id: String) async throws -> SolutionArticle? {
        try await database.read { db in try await db.select().columns("*").from("solution_articles").where("id", .equal, id).first().map(Self.article) }
    }

    public func deleteArticle(id: String, audit: AuditEntry) async throws -> Bool {
        try await delete(id, from: "solution_articles", audit: audit)
    }

    /// Stores `articles` as changed by `actor` at `at`: the one row shape the seed, the upgrade and an edit share.
    static func insert(_ articles: [SolutionArticle], by actor: String, at: Date, _ db: any SQLDatabase) async throws {
        try await Rows.insert(
            db, into: "solution_articles", columns: ["id", "intent", "title", "answer", "steps", "keywords", "updated_by", "updated_at"],
            rows: articles.map { [$0.id, $0.intent.rawValue, $0.title, $0.answer, Rows.json($0.steps), Rows.json($0.keywords), actor, at] }
        )
    }

    static func article(_ row: any SQLRow) throws -> SolutionArticle {
        SolutionArticle(
            id: try row.text("id"), intent: try decodeEnum(Intent.self, try row.text("intent"), column: "intent"), title: try row.text("title"), answer: try row.text("answer"),
            steps: Rows.strings(try row.text("steps")), keywords: Rows.strings(try row.text("keywords")), updatedAt: try row.date("updated_at")
        )
    }
}

extension KnowledgeRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .duplicate(let intent): .conflict("该语料已在“\(intent.displayName)”中")
        }
    }
}
