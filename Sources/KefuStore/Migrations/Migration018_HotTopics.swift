/// 数据反馈: every keyword of a customer's chat message or of a ticket's problem, as a mention (what the
/// samples and their links come from), and the mentions counted per China day, keyword, intent,
/// district and source in the same transaction (what a month's report adds up). An indexer takes the
/// messages and tickets in the order they were written, from a cursor per source locked while it
/// works, so two nodes never count one twice; the partial index lets it find customer messages alone.
enum Migration018_HotTopics {
    static let migration = Migration(version: 18, name: "hot topics") { t in
        [
            """
            CREATE TABLE topic_mentions (
                source TEXT NOT NULL, contact_id TEXT NOT NULL, seq \(t.int) NOT NULL, keyword TEXT NOT NULL, day TEXT NOT NULL,
                at \(t.timestamp) NOT NULL, intent TEXT NOT NULL, district TEXT NOT NULL,
                PRIMARY KEY (source, contact_id, seq, keyword))
            """,
            // A word's latest samples: its mentions newest first, read backwards from the period's end.
            "CREATE INDEX topic_mentions_keyword ON topic_mentions (keyword, at)",
            """
            CREATE TABLE topic_counts (
                day TEXT NOT NULL, keyword TEXT NOT NULL, intent TEXT NOT NULL, district TEXT NOT NULL, source TEXT NOT NULL,
                n \(t.int) NOT NULL, PRIMARY KEY (day, keyword, intent, district, source))
            """,
            """
            CREATE TABLE topic_cursors (
                source TEXT PRIMARY KEY, at \(t.timestamp), contact_id TEXT, seq \(t.int))
            """,
            "INSERT INTO topic_cursors (source) VALUES ('chat')",
            "INSERT INTO topic_cursors (source) VALUES ('ticket')",
            "CREATE INDEX chat_messages_customer_at ON chat_messages (created_at, conversation_id, seq) WHERE sender = 'customer'",
            "CREATE INDEX tickets_created ON tickets (created_at, id)",
        ]
    }
}
