import AsyncHTTPClient
import Foundation
import KefuStore
import Logging
import NIOCore
import NIOHTTP1
import SQLKit
import Synchronization

/// `KefuBench tickets-http`: a real `kefu serve` and C agents, each creating tickets over HTTP one after
/// another (a closed loop: the next request once the last is answered) for S seconds, through
/// `POST /api/v1/tickets` as the desk's ticket form does. Prints creates/s, latency p50/p99/p999, the
/// errors by status, the server's CPU and RSS, and, once the server has stopped, how many of the created
/// tickets the database holds: every `201` exactly once.
struct TicketsHTTPBench {
    struct Options {
        var clients = 16
        var seconds = 20.0
        var binary = ".build/release/kefu"
        var database: String?

        static func parse(_ arguments: [String]) throws -> Options {
            var options = Options()
            try BenchFlags.each(arguments) { flag, value in
                switch flag {
                case "--clients": options.clients = try BenchFlags.int(value, flag, 1...256)
                case "--seconds": options.seconds = Double(try BenchFlags.int(value, flag, 1...3_600))
                case "--binary": options.binary = value
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

    /// The demo customers the tickets are for; spread so that no district's outage check piles up.
    static let customerCount = 500

    func run() async throws {
        try await ServerProcess.withBenchDatabase(options.database, logger: logger) { try await run(database: $0, dir: $1) }
    }

    private func run(database: String, dir: URL) async throws {
        try ServerProcess.prepare(database, binary: options.binary, customers: Self.customerCount)
        let (agentTokens, _) = try await ChatBench.sessions(database: database, agents: options.clients, customers: 0, logger: logger)
        let runTag = String(UUID().uuidString.prefix(8))
        let server = try ServerProcess.start(binary: options.binary, database: database, agentChatLimit: 10, log: dir.appendingPathComponent("server.log"))
        var stopped = false
        defer { if !stopped { server.stop() } }
        try await server.waitUntilHealthy()

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: options.clients)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let url = "http://127.0.0.1:\(server.port)/api/v1/tickets"
        let tally = Tally()

        // One request per client first: connections open and the server warms up outside the measurement.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (c, token) in agentTokens.enumerated() {
                group.addTask { _ = try await Self.create(client, url: url, token: token, n: c, tag: "\(runTag)-warm") }
            }
            try await group.waitForAll()
        }
        print("tickets-http bench: \(options.clients) agents creating tickets over HTTP, each after the last was answered, for \(Int(options.seconds)) s")

        let cpuBefore = server.cpuSeconds()
        let started = ContinuousClock.now
        let until = started + .milliseconds(Int64(options.seconds * 1000))
        let clients = options.clients
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (c, token) in agentTokens.enumerated() {
                group.addTask {
                    var n = c
                    while ContinuousClock.now < until {
                        defer { n += clients }
                        let start = ContinuousClock.now
                        let status = try await Self.create(client, url: url, token: token, n: n, tag: runTag)
                        tally.add(status: status, ms: milliseconds(ContinuousClock.now - start))
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = milliseconds(ContinuousClock.now - started) / 1000
        let cpu = server.cpuSeconds() - cpuBefore
        let rss = server.rssMB()
        try await client.shutdown()
        server.stop()
        stopped = true

        let result = tally.summary()
        let stored = try await Self.storedCount(database: database, tag: runTag, logger: logger)
        print(String(format: "created %d tickets in %.1f s: %.0f/s; errors %@", result.created, elapsed, Double(result.created) / elapsed,
                     result.errors.isEmpty ? "none" : result.errors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", ")))
        print(String(format: "latency  p50 %.2f ms  p99 %.2f ms  p999 %.2f ms", result.p50, result.p99, result.p999))
        print(String(format: "server: %.2f cores over the run, RSS %.0f MB", cpu / elapsed, rss))
        print("stored: \(stored) of the \(result.created) tickets answered 201" + (stored == result.created ? " (each once)" : " — MISMATCH"))
        if result.errors.keys.contains(where: { $0 >= 500 }) {
            // The server's own account of its failures, before the directory goes.
            let log = (try? String(contentsOf: dir.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            for line in log.split(separator: "\n").filter({ $0.contains("error") }).prefix(5) { print("server log: \(line.prefix(600))") }
        }
        guard stored == result.created else { throw BenchError("the database holds \(stored) of the \(result.created) tickets answered 201") }
    }

    /// One create, its HTTP status; a fault or a complaint for one of the demo customers.
    static func create(_ client: HTTPClient, url: String, token: String, n: Int, tag: String) async throws -> Int {
        let complaint = n % 4 == 0
        let fields = complaint
            ? #""subject":"服务态度","details":"压测投诉 \#(n)","expectedOutcome":"回电""#
            : #""symptom":"无法上网","stepsTaken":"已重启光猫","resolutionStatus":"未解决""#
        let body = #"{"type":"\#(complaint ? "complaint" : "fault")","title":"压测工单 \#(tag) \#(n)","customerId":"cus-\#(100_000 + n % customerCount)","fields":{\#(fields)}}"#
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Tickets of this run in the database, warm-up excluded, counted once the server has let it go.
    static func storedCount(database: String, tag: String, logger: Logger) async throws -> Int {
        try await Database.withDatabase(try DatabaseURL(parsing: database), logger: logger) { db in
            try await db.read { sql in
                struct Row: Decodable { let n: Int }
                return try await sql.raw("SELECT COUNT(*) AS n FROM tickets WHERE title LIKE \(bind: "压测工单 \(tag) %")").first(decoding: Row.self)?.n ?? 0
            }
        }
    }

    /// Latencies of the `201`s and the other statuses, counted.
    final class Tally: Sendable {
        private struct State {
            var latencies: [Double] = []
            var errors: [Int: Int] = [:]
        }
        private let state = Mutex(State())

        func add(status: Int, ms: Double) {
            state.withLock { s in
                if status == 201 { s.latencies.append(ms) } else { s.errors[status, default: 0] += 1 }
            }
        }

        func summary() -> (created: Int, errors: [Int: Int], p50: Double, p99: Double, p999: Double) {
            state.withLock { s in
                let sorted = s.latencies.sorted()
                guard !sorted.isEmpty else { return (0, s.errors, 0, 0, 0) }
                return (sorted.count, s.errors, percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 0.999))
            }
        }
    }
}
