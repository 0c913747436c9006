/// A message is for everyone in the chat or for staff only (hand-over summaries, agents' notes).
enum Migration010_MessageVisibility {
    static let migration = Migration(version: 10, name: "message visibility") { _ in
        ["ALTER TABLE chat_messages ADD COLUMN visibility TEXT NOT NULL DEFAULT 'everyone'"]
    }
}
