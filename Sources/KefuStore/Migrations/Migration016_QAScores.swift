/// Automatic QA scores: the rules by version (a version's body is the domain's `QARules` as JSON, kept
/// whole, since a chat is judged by exactly the version in force when it closed), and one score per
/// closed chat an agent handled, each check's points and reason as JSON beside the total, the checks
/// that applied and passed as bit masks (so a month's pass rates are sums, not a JSON walk), QA's
/// adjustment in the same row. Chats closed before this version have no score until `kefu qa score`.
enum Migration016_QAScores {
    static let migration = Migration(version: 16, name: "qa scores") { t in
        [
            """
            CREATE TABLE qa_rules (
                version \(t.int) PRIMARY KEY, body TEXT NOT NULL, created_by TEXT NOT NULL, created_at \(t.timestamp) NOT NULL)
            """,
            """
            CREATE TABLE qa_scores (
                conversation_id TEXT PRIMARY KEY REFERENCES conversations (id), agent_id TEXT NOT NULL, skill TEXT NOT NULL,
                closed_at \(t.timestamp) NOT NULL, rules_version \(t.int) NOT NULL REFERENCES qa_rules (version),
                automatic \(t.int) NOT NULL, items TEXT NOT NULL, applied_mask \(t.int) NOT NULL, passed_mask \(t.int) NOT NULL,
                scored_at \(t.timestamp) NOT NULL,
                adjusted_score \(t.int), adjust_note TEXT, adjusted_by TEXT, adjusted_at \(t.timestamp))
            """,
            "CREATE INDEX qa_scores_closed ON qa_scores (closed_at)",
            "CREATE INDEX qa_scores_agent ON qa_scores (agent_id, closed_at)",
            "CREATE INDEX forbidden_hits_conversation ON forbidden_hits (conversation_id)",
        ]
    }
}
