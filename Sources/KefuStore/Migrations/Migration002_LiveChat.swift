/// Live chat: conversations, numbered messages, agent presence, quick replies, forbidden words, attachments.
enum Migration002_LiveChat {
    static let migration = Migration(version: 2, name: "live chat") { t in
        [
            """
            CREATE TABLE conversations (
                id TEXT PRIMARY KEY, customer_id TEXT REFERENCES customers (id), visitor_name TEXT NOT NULL,
                state TEXT NOT NULL, skill TEXT NOT NULL, vip \(t.bool) NOT NULL, agent_id TEXT,
                last_seq \(t.int) NOT NULL, created_at \(t.timestamp) NOT NULL, queued_at \(t.timestamp),
                assigned_at \(t.timestamp), first_response_at \(t.timestamp), closed_at \(t.timestamp),
                last_customer_message_at \(t.timestamp), idle_reminder_sent_at \(t.timestamp),
                rating \(t.int), rating_comment TEXT)
            """,
            "CREATE INDEX conversations_state ON conversations (state, queued_at)",
            "CREATE INDEX conversations_agent ON conversations (agent_id, state)",
            "CREATE INDEX conversations_customer ON conversations (customer_id, created_at)",
            """
            CREATE TABLE chat_messages (
                conversation_id TEXT NOT NULL REFERENCES conversations (id), seq \(t.int) NOT NULL,
                client_id TEXT, sender TEXT NOT NULL, sender_id TEXT, text TEXT NOT NULL, attachment_id TEXT, attachment_mime TEXT,
                created_at \(t.timestamp) NOT NULL, PRIMARY KEY (conversation_id, seq))
            """,
            "CREATE UNIQUE INDEX chat_messages_client ON chat_messages (conversation_id, client_id)",
            "CREATE INDEX chat_messages_attachment ON chat_messages (attachment_id)",
            """
            CREATE TABLE agent_presence (
                agent_id TEXT PRIMARY KEY REFERENCES staff_users (id), status TEXT NOT NULL,
                chat_limit \(t.int) NOT NULL, last_assigned_at \(t.timestamp), updated_at \(t.timestamp) NOT NULL)
            """,
            """
            CREATE TABLE quick_replies (
                id TEXT PRIMARY KEY, owner_id TEXT, shortcode TEXT NOT NULL, text TEXT NOT NULL,
                created_at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX quick_replies_owner ON quick_replies (owner_id)",
            """
            CREATE TABLE forbidden_words (
                id TEXT PRIMARY KEY, word TEXT NOT NULL UNIQUE, suggestion TEXT NOT NULL, created_at \(t.timestamp) NOT NULL)
            """,
            """
            CREATE TABLE forbidden_hits (
                id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, agent_id TEXT NOT NULL, word TEXT NOT NULL,
                text TEXT NOT NULL, at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX forbidden_hits_at ON forbidden_hits (at)",
            """
            CREATE TABLE attachments (
                id TEXT PRIMARY KEY, mime TEXT NOT NULL, size \(t.int) NOT NULL, data \(t.blob) NOT NULL,
                created_at \(t.timestamp) NOT NULL)
            """,
        ]
    }
}
