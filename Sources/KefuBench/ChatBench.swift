import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import HummingbirdWSClient
import KefuCore
import KefuStore
import KefuTestSupport
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// `KefuBench chat`: a real `kefu serve` (its own process, so its CPU and memory are its own), N customers
/// each in a chat held by one of M agents, all over real WebSockets on 127.0.0.1, and an open loop of
/// customer messages at a set total rate. Prints acked/s, ack and end-to-end (the customer's send until
/// the holding agent's socket has it) p50/p99/p999, lost and duplicated, and the server's RSS and CPU.
struct ChatBench {
    struct Options {
        var customers = 200
        var agents = 40
        /// Visitors' sockets held open, saying nothing, beside the chats: what fan-out costs them.
        var idle = 0
        var rate = 160.0
        var seconds = 20.0
        var binary = ".build/release/kefu"
        /// Default: a fresh SQLite file in a temporary directory; for a PostgreSQL URL, a fresh database
        /// on that server, dropped afterwards.
        var database: String?
        /// Servers on the one PostgreSQL: customers talk to the first, agents to the last.
        var nodes = 1
        /// Team leads' wallboards open (on the agents' node): how soon each message shows there.
        var wallboards = 0

        static func parse(_ arguments: [String]) throws -> Options {
            var options = Options()
            try BenchFlags.each(arguments) { flag, value in
                switch flag {
                case "--customers": options.customers = try BenchFlags.int(value, flag, 1...20_000)
                case "--agents": options.agents = try BenchFlags.int(value, flag, 1...2_000)
                case "--idle": options.idle = try BenchFlags.int(value, flag, 0...15_000)
                case "--rate": options.rate = Double(try BenchFlags.int(value, flag, 1...50_000))
                case "--seconds": options.seconds = Double(try BenchFlags.int(value, flag, 1...3_600))
                case "--binary": options.binary = value
                case "--database": options.database = value
                case "--nodes": options.nodes = try BenchFlags.int(value, flag, 1...4)
                case "--wallboards": options.wallboards = try BenchFlags.int(value, flag, 0...50)
                default: return false
                }
                return true
            }
            guard options.nodes == 1 || options.database?.hasPrefix("postgres") == true else {
                throw BenchError("--nodes needs --database postgres://… (nodes share one PostgreSQL)")
            }
            guard (options.customers + options.agents - 1) / options.agents <= 10 else {
                throw BenchError("an agent holds at most 10 chats: use at least \((options.customers + 9) / 10) agents")
            }
            return options
        }
    }

    let options: Options
    let logger: Logger

    func run() async throws {
        try await ServerProcess.withBenchDatabase(options.database, logger: logger) { try await run(database: $0, dir: $1) }
    }

    private func run(database: String, dir: URL) async throws {
        let perAgent = (options.customers + options.agents - 1) / options.agents
        // The database is made ready before the server holds it: schema, demo customers, bench agents, sessions.
        try ServerProcess.prepare(database, binary: options.binary, customers: max(options.customers, 60))
        let (agentTokens, customerTokens) = try await Self.sessions(database: database, agents: options.agents, customers: options.customers, logger: logger)
        let visitorTokens = try await Self.visitorSessions(database: database, count: options.idle, logger: logger)
        let leadTokens = try await Self.leadSessions(database: database, count: options.wallboards, logger: logger)
        let servers = try (0..<options.nodes).map { node in
            try ServerProcess.start(
                binary: options.binary, database: database, agentChatLimit: perAgent, log: dir.appendingPathComponent("server-\(node).log")
            )
        }
        defer { for server in servers { server.stop() } }
        for server in servers { try await server.waitUntilHealthy() }
        // Customers (and idle visitors) on the first node, agents on the last: with two, every message crosses nodes.
        let server = servers[0], agentServer = servers[servers.count - 1]
        let record = Record()
        let idle = try await BenchSocket.openAll(visitorTokens, port: server.port, record: record)
        if !idle.isEmpty { print("chat bench: \(idle.count) idle visitors' sockets open, server RSS \(Int(server.rssMB())) MB") }
        let agents = agentTokens.map { BenchSocket(port: agentServer.port, token: $0, record: record, role: .agent) }
        for agent in agents { try await agent.waitFor { $0["type"] as? String == "welcome" } }
        let customers = customerTokens.map { BenchSocket(port: server.port, token: $0, record: record, role: .customer) }
        _ = try await seat(customers)
        // Opened once every chat is held, so what they measure is the messages, not the setup; on the
        // agents' node, so with two nodes every customer's message reaches them through NOTIFY.
        let walls = leadTokens.map { WallboardSocket(port: agentServer.port, token: $0, record: record) }
        for wall in walls { try await wall.waitForSnapshot() }
        print("chat bench: \(options.customers) customers in chats held by \(options.agents) agents, \(Int(options.rate)) msgs/s offered for \(Int(options.seconds)) s"
            + (idle.isEmpty ? "" : ", \(idle.count) idle sockets beside them")
            + (servers.count == 1 ? "" : ", customers on node 1 and agents on node \(servers.count) of \(servers.count) on one PostgreSQL"))

        let cpuBefore = servers.map { $0.cpuSeconds() }
        let count = Int(options.rate * options.seconds)
        let started = ContinuousClock.now
        // A long run (the soak) says every minute how it is going: what memory does over time is its point.
        let wal = database.hasPrefix("sqlite://") ? String(database.dropFirst("sqlite://".count)) + "-wal" : nil
        let sampler = options.seconds >= 120 ? Task { await Self.sample(servers, record: record, wal: wal, every: 60, from: started) } : nil
        for n in 0..<count {
            let due = started + .nanoseconds(Int64(Double(n) / options.rate * 1e9))
            if due > .now { try await Task.sleep(until: due) }
            let customer = customers[n % customers.count]
            record.sent(n)
            customer.sendMessage(n)
        }
        let offeredFor = ContinuousClock.now - started
        sampler?.cancel()
        // What is still in flight gets five seconds to arrive.
        let drainUntil = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < drainUntil, !record.complete(count) { try await Task.sleep(for: .milliseconds(50)) }
        let cpu = zip(servers, cpuBefore).map { $0.cpuSeconds() - $1 }
        let rss = servers.map { $0.rssMB() }
        for socket in agents + customers + idle { socket.close() }
        for wall in walls { wall.close() }
        for server in servers { server.stop() }
        let stored = try await StoredMessages.read(database: database, logger: logger)

        let result = record.summary(count: count)
        let seconds = Double(offeredFor.components.seconds) + Double(offeredFor.components.attoseconds) / 1e18
        print(String(format: "offered %.0f msgs/s: acked %d of %d (%.0f/s), lost %d, duplicated at the agent %d, refused %d",
                     Double(count) / seconds, result.acked, count, Double(result.acked) / seconds, result.lost, result.duplicates, result.refused))
        print(String(format: "ack  p50 %.2f ms  p99 %.2f ms  p999 %.2f ms", result.ack.p50, result.ack.p99, result.ack.p999))
        print(String(format: "e2e  p50 %.2f ms  p99 %.2f ms  p999 %.2f ms", result.e2e.p50, result.e2e.p99, result.e2e.p999))
        if !walls.isEmpty {
            let frames = walls.map(\.updates).reduce(0, +)
            print(String(format: "wallboard (%d open on node %d, the lead's /ws/floor): %d of %d messages seen in %d updates, send → on the wallboard p50 %.2f ms  p99 %.2f ms  p999 %.2f ms",
                         walls.count, servers.count, result.onWall, count, frames, result.wall.p50, result.wall.p99, result.wall.p999))
        }
        if servers.count == 1 {
            print(String(format: "server: %.2f cores over the run, RSS %.0f MB", cpu[0] / seconds, rss[0]))
        } else {
            print("servers: " + zip(cpu, rss).enumerated().map { String(format: "node %d %.2f cores, RSS %.0f MB", $0 + 1, $1.0 / seconds, $1.1) }.joined(separator: "; "))
        }
        try stored.verify(acked: record.ackedNumbers())
    }

    /// Every `interval` seconds: messages acknowledged in it, each server's cores and RSS against the first
    /// sample's (after a minute's warm-up), and the SQLite log's size on disk.
    static func sample(_ servers: [ServerProcess], record: Record, wal: String?, every interval: Int, from started: ContinuousClock.Instant) async {
        var cpu = servers.map { $0.cpuSeconds() }
        var acked = record.ackedCount()
        var warm: [Double]?
        var minute = 0
        while !Task.isCancelled {
            minute += 1
            do { try await Task.sleep(until: started + .seconds(interval * minute)) } catch { break }
            let nowCPU = servers.map { $0.cpuSeconds() }, nowAcked = record.ackedCount(), rss = servers.map { $0.rssMB() }
            let nodes = zip(zip(nowCPU, cpu), rss).map { String(format: "%.2f cores, RSS %.0f MB", ($0.0 - $0.1) / Double(interval), $1) }
            var line = String(format: "  at %4d s: acked %.0f/s; ", interval * minute, Double(nowAcked - acked) / Double(interval)) + nodes.joined(separator: "; ")
            if let warm { line += "; RSS " + zip(rss, warm).map { String(format: "%+.1f%%", ($0 / $1 - 1) * 100) }.joined(separator: ", ") + " over the first minute" }
            else { warm = rss }
            if let wal, let size = (try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? Int {
                line += String(format: "; WAL file %.0f MB", Double(size) / 1_048_576)
            }
            print(line)
            // Into a file or a pipe too, a long run is watched while it runs (flushes every stream: `stdout` itself is off limits to Swift 6).
            fflush(nil)
            (cpu, acked) = (nowCPU, nowAcked)
        }
    }

    /// A day's session for one principal, stored as the server stores a login's; returns its token.
    static func session(in store: Store, kind: String, id: String, now: Date) async throws -> String {
        let token = UUID().uuidString + UUID().uuidString
        let hash = SHA256.hash(data: Data(token.utf8)).lowercaseHex
        try await store.sessions.create(StoredSession(tokenHash: hash, principalKind: kind, principalID: id, createdAt: now, expiresAt: now.addingTimeInterval(86_400)))
        return token
    }

    /// Sessions for `count` visitors (each its own principal, with no chat), straight in the database.
    static func visitorSessions(database: String, count: Int, logger: Logger) async throws -> [String] {
        guard count > 0 else { return [] }
        return try await Database.withDatabase(try DatabaseURL(parsing: database), logger: logger) { db in
            let store = Store(database: db)
            let now = Date()
            var tokens: [String] = []
            for n in 0..<count { tokens.append(try await session(in: store, kind: "visitor", id: "vis-bench-\(n)", now: now)) }
            return tokens
        }
    }

    /// Sessions of the demo's team lead, one per wallboard.
    static func leadSessions(database: String, count: Int, logger: Logger) async throws -> [String] {
        guard count > 0 else { return [] }
        return try await Database.withDatabase(try DatabaseURL(parsing: database), logger: logger) { db in
            let store = Store(database: db)
            var tokens: [String] = []
            for _ in 0..<count { tokens.append(try await Self.session(in: store, kind: "staff", id: "staff-lead", now: Date())) }
            return tokens
        }
    }

    /// Bench agents (skill mobile, taking chats) and a session for each agent and customer, written
    /// straight to the server's database: logins are rate-limited, and what is measured is the chat.
    static func sessions(database: String, agents: Int, customers: Int, logger: Logger) async throws -> ([String], [String]) {
        try await Database.withDatabase(try DatabaseURL(parsing: database), logger: logger) { db in
            let store = Store(database: db)
            let now = Date()
            func session(kind: String, id: String) async throws -> String {
                try await Self.session(in: store, kind: kind, id: id, now: now)
            }
            var agentTokens: [String] = []
            for n in 0..<agents {
                let id = "staff-bench\(n)"
                let user = StaffUser(
                    id: id, username: "bench\(n)", displayName: "压测坐席\(n)", role: .agent, agentNo: String(format: "B%04d", n), skills: ["mobile"],
                    disabled: false, autoAssign: true, createdAt: now
                )
                let audit = AuditEntry(id: "aud-bench-staff-\(n)", at: now, actorKind: "system", actorId: "bench", action: "staff.create", targetType: "staff", targetId: id)
                // Not a bcrypt hash: a bench agent cannot log in with a password, only with the session made here.
                try await store.staff.create(user, passwordHash: "-", audit: audit)
                agentTokens.append(try await session(kind: "staff", id: id))
            }
            var customerTokens: [String] = []
            for n in 0..<customers { customerTokens.append(try await session(kind: "customer", id: "cus-\(100_000 + n)")) }
            return (agentTokens, customerTokens)
        }
    }
}

/// A customer's socket as the benches' setup uses it.
protocol SeatedCustomer: Sendable {
    var conversationId: String { get nonmutating set }
    func sendSetup(_ frame: [String: Any])
    @discardableResult func waitFor(seconds: Double, _ match: @Sendable ([String: Any]) -> Bool) async throws -> [String: Any]
}

/// Each customer: a chat, handed to a person, held by one of the agents. Returns who holds each chat.
func seat(_ customers: [some SeatedCustomer]) async throws -> [String: String] {
    try await withThrowingTaskGroup(of: (String, String).self) { group in
        for customer in customers {
            group.addTask {
                try await customer.waitFor(seconds: 15) { $0["type"] as? String == "welcome" }
                customer.sendSetup(["type": "start", "skill": "mobile"])
                let greeting = try await customer.waitFor(seconds: 15) { $0["type"] as? String == "message" }
                customer.conversationId = greeting["conversationId"] as? String ?? ""
                customer.sendSetup(["type": "human", "conversationId": customer.conversationId])
                let assigned = try await customer.waitFor(seconds: 30) {
                    ($0["conversation"] as? [String: Any])?["state"] as? String == "assigned"
                }
                let agent = ((assigned["conversation"] as? [String: Any])?["agent"] as? [String: Any])?["id"] as? String ?? ""
                return (customer.conversationId, agent)
            }
        }
        return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
    }
}

/// Send times, acks and arrivals at the agents, by message number.
final class Record: Sendable {
    private struct State {
        var sentAt: [Int: ContinuousClock.Instant] = [:]
        var ackMs: [Int: Double] = [:]
        var e2eMs: [Int: Double] = [:]
        /// The first time each message showed on any wallboard.
        var wallMs: [Int: Double] = [:]
        var duplicates = 0
        var refused = 0
    }
    private let state = Mutex(State())

    func sent(_ n: Int) { state.withLock { $0.sentAt[n] = .now } }

    func acked(_ n: Int) {
        let now = ContinuousClock.now
        state.withLock { s in
            guard let sent = s.sentAt[n], s.ackMs[n] == nil else { return }
            s.ackMs[n] = Self.ms(now - sent)
        }
    }

    func arrived(_ n: Int) {
        let now = ContinuousClock.now
        state.withLock { s in
            guard let sent = s.sentAt[n] else { return }
            if s.e2eMs[n] != nil { s.duplicates += 1 } else { s.e2eMs[n] = Self.ms(now - sent) }
        }
    }

    func onWall(_ n: Int) {
        let now = ContinuousClock.now
        state.withLock { s in
            guard let sent = s.sentAt[n], s.wallMs[n] == nil else { return }
            s.wallMs[n] = Self.ms(now - sent)
        }
    }

    func refused() { state.withLock { $0.refused += 1 } }

    func ackedCount() -> Int { state.withLock { $0.ackMs.count } }

    func ackedNumbers() -> Set<Int> { state.withLock { Set($0.ackMs.keys) } }

    func complete(_ count: Int) -> Bool { state.withLock { $0.ackMs.count + $0.refused >= count && $0.e2eMs.count + $0.refused >= count } }

    struct Percentiles { var p50 = 0.0, p99 = 0.0, p999 = 0.0 }
    struct Summary { var acked: Int, lost: Int, duplicates: Int, refused: Int, ack: Percentiles, e2e: Percentiles, onWall: Int, wall: Percentiles }

    func summary(count: Int) -> Summary {
        state.withLock { s in
            func percentiles(_ values: Dictionary<Int, Double>.Values) -> Percentiles {
                let sorted = values.sorted()
                guard !sorted.isEmpty else { return Percentiles() }
                return Percentiles(p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999))
            }
            let arrivedAtAgent = Set(s.e2eMs.keys)
            let lost = (0..<count).filter { s.ackMs[$0] != nil && !arrivedAtAgent.contains($0) }.count + (count - s.ackMs.count - s.refused)
            return Summary(
                acked: s.ackMs.count, lost: lost, duplicates: s.duplicates, refused: s.refused,
                ack: percentiles(s.ackMs.values), e2e: percentiles(s.e2eMs.values), onWall: s.wallMs.count, wall: percentiles(s.wallMs.values)
            )
        }
    }

    private static func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}

/// One chat connection of the bench: frames out through a stream, frames in read by one task.
final class BenchSocket: SeatedCustomer {
    enum Role: Sendable { case customer, agent }

    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, any Error>
    /// Frames other than bench messages, kept for `waitFor`.
    private final class Setup: Sendable { let frames = Mutex<[String]>([]) }
    private let setup = Setup()
    private let conversation = Mutex("")

    var conversationId: String {
        get { conversation.withLock { $0 } }
        set { conversation.withLock { $0 = newValue } }
    }

    init(port: Int, token: String, record: Record, role: Role) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        outgoing = continuation
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders[.authorization] = "Bearer \(token)"
        let config = configuration
        let setup = self.setup
        task = Task {
            var logger = Logger(label: "bench-socket")
            logger.logLevel = .error
            _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws/chat", configuration: config, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in stream { try await outbound.write(.text(text)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        Self.handle(text, role: role, record: record, setup: setup)
                    }
                    group.cancelAll()
                }
            }
        }
    }

    /// Message frames are told apart by a scan of their bytes; only setup frames are parsed whole. The
    /// generator shares the machine's two cores with the server, so what it spends per frame is taken
    /// from the server under test (Foundation's `String.range(of:)` here was a tenth of its time).
    private static func handle(_ text: String, role: Role, record: Record, setup: Setup) {
        var text = text
        let handled = text.withUTF8 { bytes -> Bool in
            guard let n = FrameScan.benchNumber(in: bytes) else { return false }
            switch role {
            case .customer where FrameScan.contains(FrameScan.ackType, in: bytes): record.acked(n)
            case .agent where FrameScan.contains(FrameScan.messageType, in: bytes): record.arrived(n)
            default: break
            }
            if FrameScan.contains(FrameScan.errorType, in: bytes) { record.refused() }
            return true
        }
        if !handled { setup.frames.withLock { $0.append(text) } }
    }

    func sendMessage(_ n: Int) {
        outgoing.yield(Self.messageFrame(n, conversationId: conversationId))
    }

    /// Bench message `n`, written out directly: ids and the text need no escaping.
    static func messageFrame(_ n: Int, conversationId: String) -> String {
        #"{"type":"send","conversationId":"\#(conversationId)","clientId":"b\#(n)","text":"压测消息 \#(n)"}"#
    }

    func send(_ frame: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: frame)
        outgoing.yield(String(decoding: data, as: UTF8.self))
    }

    func sendSetup(_ frame: [String: Any]) { send(frame) }

    /// Waits for a setup frame (not a bench message) matching `match`.
    @discardableResult
    func waitFor(seconds: Double = 15, _ match: @Sendable ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            let texts = setup.frames.withLock { frames in
                defer { frames.removeAll() }
                return frames
            }
            let parsed = texts.map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            if let index = parsed.firstIndex(where: { $0.map(match) ?? false }), let found = parsed[index] {
                // What came after the match is kept for the next wait.
                let later = texts.count > index + 1 ? Array(texts[(index + 1)...]) : []
                setup.frames.withLock { $0.insert(contentsOf: later, at: 0) }
                return found
            }
            setup.frames.withLock { $0.insert(contentsOf: texts, at: 0) }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw BenchError("no expected frame within \(seconds) s")
    }

    func close() { outgoing.finish() }

    /// Opens a socket for every token, a few hundred at a time, each once it has its welcome.
    static func openAll(_ tokens: [String], port: Int, record: Record) async throws -> [BenchSocket] {
        var opened: [BenchSocket] = []
        for batch in stride(from: 0, to: tokens.count, by: 250) {
            let sockets = tokens[batch..<min(batch + 250, tokens.count)].map { BenchSocket(port: port, token: $0, record: record, role: .customer) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for socket in sockets { group.addTask { try await socket.waitFor(seconds: 30) { $0["type"] as? String == "welcome" } } }
                try await group.waitForAll()
            }
            opened += sockets
        }
        return opened
    }

    /// Waits until the socket's task has ended (the server closed it, or it was closed here).
    func finished() async { _ = await task.result }
}

/// `kefu serve` as a child process on a free loopback port.
final class ServerProcess: Sendable {
    let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// A fresh temporary directory for a run's database and server log.
    static func workDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A run's working directory and its database: a fresh SQLite file in that directory, or, for a
    /// PostgreSQL URL, a fresh database on that server; both gone afterwards.
    static func withBenchDatabase(_ given: String?, logger: Logger, _ body: @Sendable (String, URL) async throws -> Void) async throws {
        let dir = try workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            guard let given, given.hasPrefix("postgres") else {
                try await body(given ?? "sqlite://\(dir.path)/kefu.sqlite", dir)
                return
            }
            try await ThrowawayPostgres.withDatabase(base: given, prefix: "kefu_bench_", logger: logger) { try await body($0, dir) }
        } catch {
            // What the servers said, before the directory goes: the likeliest account of what went wrong.
            for log in (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter({ $0.hasSuffix(".log") }).sorted() ?? [] {
                let lines = ((try? String(contentsOfFile: dir.appendingPathComponent(log).path, encoding: .utf8)) ?? "").split(separator: "\n")
                for line in lines.suffix(15) { print("\(log): \(line.prefix(400))") }
            }
            throw error
        }
    }

    /// The schema and the demo data, written before any server holds the database.
    static func prepare(_ database: String, binary: String, customers: Int) throws {
        try command(binary, ["migrate", "--database", database])
        try command(binary, ["demo", "load", "--database", database, "--customers", String(customers)])
    }

    /// Runs one `kefu` command to its end.
    static func command(_ binary: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["KEFU_LOG_LEVEL": "warning"]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("kefu \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)") }
    }

    static func start(binary: String, database: String, agentChatLimit: Int, log: URL, nodeName: String? = nil) throws -> ServerProcess {
        let port = Int.random(in: 20_000...40_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "serve", "--port", String(port), "--database", database, "--agent-chat-limit", String(agentChatLimit),
            "--demo-history-days", "0",
        ] + (nodeName.map { ["--node-name", $0] } ?? [])
        process.environment = ProcessInfo.processInfo.environment.merging(["KEFU_LOG_LEVEL": "warning"]) { _, new in new }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return ServerProcess(port: port, process: process)
    }

    func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let url = URL(string: "http://127.0.0.1:\(port)/health"), let (_, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            { return }
            guard process.isRunning else { throw BenchError("kefu serve exited with \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("kefu serve did not become healthy")
    }

    /// User plus system CPU seconds so far, from /proc.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Open file descriptors: its sockets, the database, the log.
    func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? 0
    }

    func rssMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }

    /// SIGTERM, and waits for the exit; a server already gone is left be.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// SIGKILL: the node dies mid-work, as in a crash, with nothing said to anyone.
    func kill() {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Byte scans of the server's frames for the generator's hot path.
enum FrameScan {
    static let ackType = Array(#""type":"ack""#.utf8)
    static let messageType = Array(#""type":"message""#.utf8)
    static let errorType = Array(#""type":"error""#.utf8)
    private static let clientIdPrefix = Array(#""clientId":"b"#.utf8)

    /// The bench's message number in a frame carrying `"clientId":"b<n>"`.
    static func benchNumber(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard var at = end(of: clientIdPrefix, in: bytes) else { return nil }
        var n = 0
        let start = at
        while at < bytes.count, (0x30...0x39).contains(bytes[at]) {
            n = n * 10 + Int(bytes[at] - 0x30)
            at += 1
        }
        return at > start ? n : nil
    }

    static func contains(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        end(of: needle, in: bytes) != nil
    }

    /// Where the first occurrence of `needle` ends.
    private static func end(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var i = 0
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i + needle.count }
            }
            i += 1
        }
        return nil
    }
}
