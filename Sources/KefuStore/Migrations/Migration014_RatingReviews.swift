/// 差评复盘: a task per service rating of 2 or less, with QA's finding, the agent's one appeal and the
/// lead's decision in the same row, since each happens at most once. Notifications may point at one.
/// Low ratings already stored open their tasks, due 48 hours after they were given.
enum Migration014_RatingReviews {
    static let migration = Migration(version: 14, name: "rating reviews") { t in
        [
            """
            CREATE TABLE rating_reviews (
                id TEXT PRIMARY KEY, survey_id TEXT NOT NULL UNIQUE, contact_kind TEXT NOT NULL, contact_id TEXT NOT NULL,
                owner_id TEXT NOT NULL, agent_id TEXT, skill TEXT NOT NULL, csat \(t.int) NOT NULL, reason TEXT, comment TEXT,
                opened_at \(t.timestamp) NOT NULL, due_at \(t.timestamp) NOT NULL, status TEXT NOT NULL, overdue_at \(t.timestamp),
                cause TEXT, action TEXT, called_back \(t.bool), concluded_by TEXT, concluded_at \(t.timestamp),
                appeal_text TEXT, appealed_at \(t.timestamp),
                upheld \(t.bool), decision_note TEXT, decided_by TEXT, decided_at \(t.timestamp))
            """,
            "CREATE INDEX rating_reviews_due ON rating_reviews (status, due_at)",
            "CREATE INDEX rating_reviews_agent ON rating_reviews (agent_id, opened_at)",
            "CREATE INDEX rating_reviews_opened ON rating_reviews (opened_at)",
            "ALTER TABLE notifications ADD COLUMN review_id TEXT",
            """
            INSERT INTO rating_reviews (id, survey_id, contact_kind, contact_id, owner_id, agent_id, skill, csat, reason, comment,
                opened_at, due_at, status)
            SELECT 'rvw-' || \(t.randomHex), id, contact_kind, contact_id, owner_id, agent_id, skill, csat, reason, comment,
                answered_at, \(t.plusSeconds("answered_at", 48 * 3600)), 'open'
            FROM survey_responses WHERE kind = 'service' AND csat <= 2
            """,
        ]
    }
}
