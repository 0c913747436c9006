/// An attachment belongs to the conversation it was uploaded to, under a random id. Until now one
/// row per content was shared by every chat that sent it, under the content's SHA-256, so anyone
/// holding a file could tell whether it had been uploaded and send it into their own chat.
/// Each (file, chat that sent it) pair becomes its own attachment; uploads never sent have no chat
/// to belong to and are dropped.
enum Migration007_AttachmentsPerConversation {
    static let migration = Migration(version: 7, name: "attachments per conversation") { t in
        [
            """
            CREATE TABLE chat_attachments (
                id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL REFERENCES conversations (id), uploader_id TEXT,
                mime TEXT NOT NULL, size \(t.int) NOT NULL, data \(t.blob) NOT NULL, created_at \(t.timestamp) NOT NULL,
                legacy_id TEXT)
            """,
            """
            INSERT INTO chat_attachments (id, conversation_id, mime, size, data, created_at, legacy_id)
            SELECT 'att-' || \(t.randomHex), used.conversation_id, a.mime, a.size, a.data, a.created_at, a.id
            FROM attachments a
            JOIN (SELECT DISTINCT attachment_id, conversation_id FROM chat_messages WHERE attachment_id IS NOT NULL) used
              ON used.attachment_id = a.id
            """,
            """
            UPDATE chat_messages SET attachment_id = (
                SELECT n.id FROM chat_attachments n
                WHERE n.legacy_id = chat_messages.attachment_id AND n.conversation_id = chat_messages.conversation_id)
            WHERE attachment_id IS NOT NULL
            """,
            "ALTER TABLE chat_attachments DROP COLUMN legacy_id",
            "DROP TABLE attachments",
            "CREATE INDEX chat_attachments_conversation ON chat_attachments (conversation_id)",
        ]
    }
}
