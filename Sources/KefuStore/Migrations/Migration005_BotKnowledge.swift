/// The bot's knowledge in the database, so admins edit it and every node retrains from the same rows.
enum Migration005_BotKnowledge {
    static let migration = Migration(version: 5, name: "bot knowledge") { t in
        [
            """
            CREATE TABLE training_phrases (
                id TEXT PRIMARY KEY, text TEXT NOT NULL, intent TEXT NOT NULL, source TEXT NOT NULL,
                created_by TEXT NOT NULL, created_at \(t.timestamp) NOT NULL, UNIQUE (text, intent))
            """,
            "CREATE INDEX training_phrases_intent ON training_phrases (intent)",
            """
            CREATE TABLE solution_articles (
                id TEXT PRIMARY KEY, intent TEXT NOT NULL, title TEXT NOT NULL, answer TEXT NOT NULL, steps TEXT NOT NULL,
                keywords TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX solution_articles_intent ON solution_articles (intent)",
        ]
    }
}
