/// Presence belongs to live connections: a row per node holding an agent's open desk, kept fresh by
/// the node's heartbeat, and the moment an agent was left with no desk at all. No desk survives the
/// upgrade, so every agent starts away.
enum Migration009_AgentDesks {
    static let migration = Migration(version: 9, name: "agent desks") { t in
        [
            """
            CREATE TABLE agent_desks (
                agent_id TEXT NOT NULL REFERENCES staff_users (id), node_id TEXT NOT NULL,
                opened_at \(t.timestamp) NOT NULL, heartbeat_at \(t.timestamp) NOT NULL, PRIMARY KEY (agent_id, node_id))
            """,
            "CREATE INDEX agent_desks_node ON agent_desks (node_id)",
            "ALTER TABLE agent_presence ADD COLUMN left_at \(t.timestamp)",
            "UPDATE agent_presence SET status = 'away', left_at = updated_at",
        ]
    }
}
