/// Surveys as answers of their own: a chat or a ticket takes one service answer (CSAT, NPS, a reason
/// for a low score, a comment) and a chat the bot handled one bot answer, each credited to the agent
/// who handled the contact last, so a rating survives the chat's closing and a ticket can be rated too.
/// The ratings conversations held are carried over, then their columns dropped.
enum Migration012_Surveys {
    static let migration = Migration(version: 12, name: "surveys") { t in
        [
            """
            CREATE TABLE survey_responses (
                id TEXT PRIMARY KEY, contact_kind TEXT NOT NULL, contact_id TEXT NOT NULL, kind TEXT NOT NULL,
                owner_id TEXT NOT NULL, agent_id TEXT, skill TEXT NOT NULL, ended_at \(t.timestamp),
                answered_at \(t.timestamp) NOT NULL, csat \(t.int), nps \(t.int), reason TEXT, comment TEXT, helpful \(t.bool),
                UNIQUE (contact_kind, contact_id, kind))
            """,
            "CREATE INDEX survey_responses_answered ON survey_responses (answered_at)",
            "CREATE INDEX survey_responses_agent ON survey_responses (agent_id, answered_at)",
            "CREATE INDEX survey_responses_owner ON survey_responses (owner_id)",
            """
            INSERT INTO survey_responses (id, contact_kind, contact_id, kind, owner_id, agent_id, skill, ended_at, answered_at, csat, comment)
            SELECT 'svy-' || \(t.randomHex), 'chat', id, 'service', COALESCE(customer_id, visitor_id), agent_id, skill,
                COALESCE(resolved_at, closed_at), COALESCE(closed_at, resolved_at, created_at), rating, rating_comment
            FROM conversations WHERE rating IS NOT NULL AND COALESCE(customer_id, visitor_id) IS NOT NULL
            """,
            "ALTER TABLE conversations DROP COLUMN rating",
            "ALTER TABLE conversations DROP COLUMN rating_comment",
        ]
    }
}
