/// A team lead's take-over: the chat is the lead's while `taken_from` keeps the agent it was taken from,
/// who reads it on their desk until it is handed back (or moves on), and finds it again after a reload.
enum Migration020_TakeOver {
    static let migration = Migration(version: 20, name: "take-over") { _ in
        [
            "ALTER TABLE conversations ADD COLUMN taken_from TEXT",
            "CREATE INDEX conversations_taken_from ON conversations (taken_from)",
        ]
    }
}
