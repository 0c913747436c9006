/// The times quality reports measure from: when a chat was first queued for a person and first taken
/// by one. `queued_at` and `assigned_at` move on every transfer, so a transferred chat's first response
/// would otherwise be measured from its last queue. Indexes for reports by period.
enum Migration013_ReportTimes {
    static let migration = Migration(version: 13, name: "report times") { t in
        [
            "ALTER TABLE conversations ADD COLUMN first_queued_at \(t.timestamp)",
            "ALTER TABLE conversations ADD COLUMN first_assigned_at \(t.timestamp)",
            "UPDATE conversations SET first_queued_at = queued_at, first_assigned_at = assigned_at",
            "CREATE INDEX conversations_created ON conversations (created_at)",
            "CREATE INDEX survey_responses_ended ON survey_responses (ended_at)",
            "CREATE INDEX tickets_resolved ON tickets (resolved_at)",
        ]
    }
}
