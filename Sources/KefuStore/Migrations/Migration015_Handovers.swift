/// What the bot read a chat as and why it handed it to a person, kept on the chat from the hand-over:
/// the report counts hand-overs by reason, and first-contact resolution compares later contacts by
/// intent. Earlier chats have neither (their summary line is text for people).
enum Migration015_Handovers {
    static let migration = Migration(version: 15, name: "hand-overs") { _ in
        [
            "ALTER TABLE conversations ADD COLUMN intent TEXT",
            "ALTER TABLE conversations ADD COLUMN handover_reason TEXT",
        ]
    }
}
