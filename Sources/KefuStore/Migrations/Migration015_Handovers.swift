/// What first-contact resolution needs to know of a chat: what the bot read it as and why it handed it
/// to a person (kept from the hand-over; the report also counts hand-overs by reason), and whether an
/// agent sent it on to another group; of a chat and a ticket, whether the customer came back on the
/// same problem within 7 days. Earlier contacts have none of it (a chat's summary line is text for
/// people, and transfers and repeats were not recorded apart).
enum Migration015_Handovers {
    static let migration = Migration(version: 15, name: "hand-overs and group transfers") { t in
        [
            "ALTER TABLE conversations ADD COLUMN intent TEXT",
            "ALTER TABLE conversations ADD COLUMN handover_reason TEXT",
            "ALTER TABLE conversations ADD COLUMN group_transferred \(t.bool) NOT NULL DEFAULT FALSE",
            "CREATE INDEX tickets_conversation ON tickets (conversation_id)",
            // A later chat or ticket of the customer on the same problem came within 7 days of the end.
            "ALTER TABLE conversations ADD COLUMN repeated \(t.bool) NOT NULL DEFAULT FALSE",
            "ALTER TABLE tickets ADD COLUMN repeated \(t.bool) NOT NULL DEFAULT FALSE",
        ]
    }
}
