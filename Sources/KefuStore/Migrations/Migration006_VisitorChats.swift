/// People may chat without logging in: their conversations belong to a visitor id instead of a customer.
enum Migration006_VisitorChats {
    static let migration = Migration(version: 6, name: "visitor chats") { _ in
        [
            "ALTER TABLE conversations ADD COLUMN visitor_id TEXT",
            "CREATE INDEX conversations_visitor ON conversations (visitor_id)",
        ]
    }
}
