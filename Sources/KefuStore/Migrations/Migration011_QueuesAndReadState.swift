/// Routing as people expect it: who receives chats automatically is a per-person setting (agents yes,
/// team leads and others no, as before the upgrade only by their skills); whether the customer chose
/// the chat's group (their choice beats the bot's guess); and when an agent resolved a chat, for the
/// handling times the queue estimate is computed from. And how far each agent has read each chat, so a
/// reload or a second desk does not show every past message as unread again.
enum Migration011_QueuesAndReadState {
    static let migration = Migration(version: 11, name: "queues and read state") { t in
        [
            "ALTER TABLE staff_users ADD COLUMN auto_assign \(t.bool) NOT NULL DEFAULT TRUE",
            "UPDATE staff_users SET auto_assign = FALSE WHERE role <> 'agent'",
            "ALTER TABLE conversations ADD COLUMN skill_chosen \(t.bool) NOT NULL DEFAULT TRUE",
            "ALTER TABLE conversations ADD COLUMN resolved_at \(t.timestamp)",
            """
            CREATE TABLE chat_reads (
                conversation_id TEXT NOT NULL REFERENCES conversations (id), reader_id TEXT NOT NULL,
                seq \(t.int) NOT NULL, read_at \(t.timestamp) NOT NULL, PRIMARY KEY (conversation_id, reader_id))
            """,
        ]
    }
}
