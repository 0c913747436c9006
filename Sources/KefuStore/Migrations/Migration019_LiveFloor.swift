/// The live floor, read when a node starts and every minute after: chats closed in the last half hour
/// (the wallboard's abandonments) found by when they closed, not by scanning every chat ever held.
enum Migration019_LiveFloor {
    static let migration = Migration(version: 19, name: "live floor") { _ in
        ["CREATE INDEX conversations_closed ON conversations (closed_at)"]
    }
}
