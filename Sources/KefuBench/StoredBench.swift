import Foundation
import KefuCore
import KefuStore
import Logging
import SQLKit
import Synchronization

/// `KefuBench stored`: how many chat messages a second the store makes durable when many send at once,
/// with no sockets in the way: S senders, each in a conversation of its own, each appending the next
/// message as soon as the last returned (durable: group commit on SQLite, `synchronous=FULL`), for the
/// given time, through the same `ChatRepository.append` a socket's message takes. Prints stored msgs/s,
/// append latency p50/p99/p999, and then counts the rows: every append that returned must be there.
struct StoredBench {
    struct Options {
        var senders = 1_000
        var seconds = 10.0
        var database: String?

        static func parse(_ arguments: [String]) throws -> Options {
            var options = Options()
            try BenchFlags.each(arguments) { flag, value in
                switch flag {
                case "--senders": options.senders = try BenchFlags.int(value, flag, 1...20_000)
                case "--seconds": options.seconds = Double(try BenchFlags.int(value, flag, 1...600))
                case "--database": options.database = value
                default: return false
                }
                return true
            }
            return options
        }
    }

    let options: Options
    let logger: Logger

    func run() async throws {
        try await ServerProcess.withBenchDatabase(options.database, logger: logger) { url, _ in
            try await Database.withDatabase(try DatabaseURL(parsing: url), logger: logger) { db in
                try await db.migrate()
                try await measure(Store(database: db))
            }
        }
    }

    private func measure(_ store: Store) async throws {
        let now = Date()
        let ids = (0..<options.senders).map { "conv-stored-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask {
                    let c = Conversation(id: id, customerId: nil, visitorName: "访客", state: .assigned, skill: .mobile, vip: false, createdAt: now, visitorId: "vis-\(id)")
                    _ = try await store.chat.create(c, greeting: "您好")
                }
            }
            try await group.waitForAll()
        }
        let started = ContinuousClock.now
        let until = started + .milliseconds(Int64(options.seconds * 1000))
        let latencies = Mutex<[Double]>([])
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for (s, id) in ids.enumerated() {
                group.addTask {
                    var mine: [Double] = []
                    var k = 0
                    while ContinuousClock.now < until {
                        let start = ContinuousClock.now
                        _ = try await store.chat.append(
                            conversationId: id, sender: .customer, senderId: "vis-\(id)", clientId: "s\(s)-\(k)", text: "压测消息 \(s) \(k)", now: Date()
                        )
                        mine.append(milliseconds(ContinuousClock.now - start))
                        k += 1
                    }
                    return mine
                }
            }
            for try await mine in group { latencies.withLock { $0 += mine } }
        }
        let elapsed = milliseconds(ContinuousClock.now - started) / 1000
        let sorted = latencies.withLock { $0 }.sorted()
        let stored = try await store.database.read { sql in
            struct Row: Decodable { let n: Int }
            return try await sql.raw("SELECT COUNT(*) AS n FROM chat_messages WHERE client_id LIKE 's%'").first(decoding: Row.self)?.n ?? 0
        }
        print(String(
            format: "stored (%@): %d senders, %d messages in %.1f s: %.0f msgs/s durable; append p50 %.2f ms, p99 %.2f ms, p999 %.2f ms",
            store.database.dialect.rawValue, options.senders, sorted.count, elapsed, Double(sorted.count) / elapsed,
            percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 0.999)
        ))
        print("rows: \(stored) of the \(sorted.count) appends that returned" + (stored == sorted.count ? " (each once)" : " — MISMATCH"))
        guard stored == sorted.count else { throw BenchError("the database holds \(stored) of \(sorted.count) appended messages") }
    }
}
