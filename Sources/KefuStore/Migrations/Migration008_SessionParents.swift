/// A socket pass remembers the session it was issued from, so a logout ends both.
enum Migration008_SessionParents {
    static let migration = Migration(version: 8, name: "session parents") { _ in
        [
            "ALTER TABLE sessions ADD COLUMN parent_token_hash TEXT",
            "CREATE INDEX sessions_parent ON sessions (parent_token_hash)",
            "CREATE INDEX sessions_principal ON sessions (principal_id)",
        ]
    }
}
