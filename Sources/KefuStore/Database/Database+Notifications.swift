import Logging
import PostgresNIO

/// PostgreSQL's LISTEN/NOTIFY, through which several nodes pass live events. SQLite runs one node and
/// has nothing to pass: both calls do nothing there.
extension Database {
    public var passesNotifications: Bool { dialect == .postgres }

    /// Sends each payload (under 8,000 bytes) to every listener of `channel`, on every node, in order:
    /// all of them in one statement, so one round trip and one commit.
    public func notify(channel: String, payloads: [String]) async throws {
        guard case .postgres(let client) = backend, !payloads.isEmpty else { return }
        try await client.query("SELECT pg_notify(\(channel), p) FROM unnest(\(payloads)::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n", logger: logger)
    }

    /// Holds one connection listening on `channel` and hands each payload to `handle`, until cancelled or
    /// the connection fails.
    public func listen(on channel: String, _ handle: @Sendable (String) async -> Void) async throws {
        guard case .postgres(let client) = backend else { return }
        try await client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                for try await notification in notifications {
                    await handle(notification.payload)
                }
            }
        }
    }
}
