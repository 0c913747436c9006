import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Synchronization

/// `KefuBench failover`: two `kefu serve` nodes on one PostgreSQL, customers and agents on both, an open
/// loop of customer messages, and node A killed with SIGKILL part-way. A's customers reconnect to B as the
/// widget does (resubscribe from the last seq they saw, send again whatever was not acknowledged); A's
/// agents are gone, so the chats they held must be offered again to B's agents. Prints how long the
/// customers were cut off, how long the orphaned chats waited, gaps and repeats on every connection, and
/// whether the database holds every acknowledged message exactly once.
struct FailoverBench {
    struct Options {
        var customers = 200
        var agents = 40
        var rate = 120.0
        var seconds = 150.0
        var killAfter = 20.0
        var binary = ".build/release/kefu"
        var database = ""

        static func parse(_ arguments: [String]) throws -> Options {
            var options = Options()
            try BenchFlags.each(arguments) { flag, value in
                switch flag {
                case "--customers": options.customers = try BenchFlags.int(value, flag, 2...5_000)
                case "--agents": options.agents = try BenchFlags.int(value, flag, 2...1_000)
                case "--rate": options.rate = Double(try BenchFlags.int(value, flag, 1...5_000))
                case "--seconds": options.seconds = Double(try BenchFlags.int(value, flag, 10...3_600))
                case "--kill-after": options.killAfter = Double(try BenchFlags.int(value, flag, 1...3_000))
                case "--binary": options.binary = value
                case "--database": options.database = value
                default: return false
                }
                return true
            }
            guard options.database.hasPrefix("postgres") else { throw BenchError("--database postgres://… is needed: the nodes share one PostgreSQL") }
            guard options.killAfter < options.seconds else { throw BenchError("--kill-after must come before the end of --seconds") }
            // After the kill, B's half of the agents holds every chat, at most 10 each.
            guard options.customers <= options.agents / 2 * 10 else { throw BenchError("B's \(options.agents / 2) agents can hold \(options.agents / 2 * 10) chats: use more agents") }
            guard options.rate / Double(options.customers) <= 0.7 else { throw BenchError("at most 0.7 msgs/s per customer: a customer may send 10 in 10 s, and resends after the kill come on top") }
            return options
        }
    }

    let options: Options
    let logger: Logger

    func run() async throws {
        try await ServerProcess.withBenchDatabase(options.database, logger: logger) { try await run(database: $0, dir: $1) }
    }

    private func run(database: String, dir: URL) async throws {
        try ServerProcess.prepare(database, binary: options.binary, customers: max(options.customers, 60))
        let (agentTokens, customerTokens) = try await ChatBench.sessions(database: database, agents: options.agents, customers: options.customers, logger: logger)
        let nodeA = try ServerProcess.start(binary: options.binary, database: database, agentChatLimit: 10, log: dir.appendingPathComponent("server-a.log"), nodeName: "bench-a")
        let nodeB = try ServerProcess.start(binary: options.binary, database: database, agentChatLimit: 10, log: dir.appendingPathComponent("server-b.log"), nodeName: "bench-b")
        defer { nodeA.stop(); nodeB.stop() }
        try await nodeA.waitUntilHealthy()
        try await nodeB.waitUntilHealthy()
        let tally = FailoverTally()
        // Even-numbered agents and customers on A, odd on B.
        let agents = agentTokens.enumerated().map { n, token in
            ResumingSocket(ports: [n % 2 == 0 ? nodeA.port : nodeB.port], token: token, agentId: "staff-bench\(n)", tally: tally)
        }
        for agent in agents { try await agent.waitFor { $0["type"] as? String == "welcome" } }
        let customers = customerTokens.enumerated().map { n, token in
            ResumingSocket(ports: n % 2 == 0 ? [nodeA.port, nodeB.port] : [nodeB.port], token: token, agentId: nil, tally: tally)
        }
        for (conversation, agent) in try await seat(customers) { tally.held(conversation, by: agent) }
        for socket in agents + customers { socket.setupDone() }
        let orphaned = Set((0..<options.agents).filter { $0 % 2 == 0 }.map { "staff-bench\($0)" })
        let orphanedChats = tally.chats(heldByAnyOf: orphaned)
        print("failover bench: \(options.customers) customers and \(options.agents) agents, half on each of two nodes on one PostgreSQL; "
            + "\(Int(options.rate)) msgs/s for \(Int(options.seconds)) s; node A killed (SIGKILL) at \(Int(options.killAfter)) s; "
            + "\(orphanedChats.count) chats held by A's agents")

        let count = Int(options.rate * options.seconds)
        let started = ContinuousClock.now
        let killAt = started + .milliseconds(Int64(options.killAfter * 1000))
        var killed = false
        for n in 0..<count {
            let due = started + .nanoseconds(Int64(Double(n) / options.rate * 1e9))
            if !killed, due >= killAt {
                killed = true
                tally.killed()
                nodeA.kill()
                print("node A killed at \(Int(options.killAfter)) s, after \(n) messages")
                fflush(nil)
            }
            if due > .now { try await Task.sleep(until: due) }
            let customer = customers[n % customers.count]
            tally.sent(n, conversation: customer.conversationId)
            customer.send(n, BenchSocket.messageFrame(n, conversationId: customer.conversationId))
        }
        // What is in flight, and chats waiting to be offered again, get a while to settle.
        let drainUntil = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < drainUntil, !tally.complete(count, orphaned: orphanedChats) { try await Task.sleep(for: .milliseconds(100)) }
        for socket in agents + customers { socket.close() }
        nodeB.stop()
        let stored = try await StoredMessages.read(database: database, logger: logger)
        let result = tally.summary(count: count, orphaned: orphanedChats)
        for line in result.lines { print(line) }
        try stored.verify(acked: result.acked)
        guard result.lost == 0, result.unacked == 0, result.gaps == 0, result.repeats == 0, result.reoffered == orphanedChats.count else {
            throw BenchError("failover lost, repeated or left something: see above")
        }
    }
}

/// What the failover bench saw: sends, acks, arrivals per agent connection, reconnects, re-offered chats.
final class FailoverTally: Sendable {
    private struct State {
        var sentAt: [Int: ContinuousClock.Instant] = [:]
        var conversationOf: [Int: String] = [:]
        var ackedAt: [Int: ContinuousClock.Instant] = [:]
        var firstArrival: [Int: ContinuousClock.Instant] = [:]
        var holder: [String: String] = [:]
        var killedAt: ContinuousClock.Instant?
        var reconnectedAt: [ContinuousClock.Instant] = []
        var reofferedAt: [String: ContinuousClock.Instant] = [:]
        var gaps = 0, repeats = 0
        var errors: [String: Int] = [:]
    }
    private let state = Mutex(State())

    func held(_ conversation: String, by agent: String) { state.withLock { $0.holder[conversation] = agent } }
    func chats(heldByAnyOf agents: Set<String>) -> Set<String> { state.withLock { Set($0.holder.filter { agents.contains($0.value) }.keys) } }
    func killed() { state.withLock { $0.killedAt = .now } }
    func sent(_ n: Int, conversation: String) {
        state.withLock { s in
            s.sentAt[n] = .now
            s.conversationOf[n] = conversation
        }
    }
    func acked(_ n: Int) {
        let now = ContinuousClock.now
        state.withLock { s in if s.ackedAt[n] == nil { s.ackedAt[n] = now } }
    }
    func arrived(_ n: Int) {
        let now = ContinuousClock.now
        state.withLock { s in if s.firstArrival[n] == nil { s.firstArrival[n] = now } }
    }
    func reconnected() { state.withLock { $0.reconnectedAt.append(.now) } }
    /// A chat newly held by an agent once node A is gone: offered again.
    func reoffered(_ conversation: String, to agent: String) {
        state.withLock { s in
            guard s.killedAt != nil, s.reofferedAt[conversation] == nil, s.holder[conversation] != agent else { return }
            s.reofferedAt[conversation] = .now
        }
    }
    func gap() { state.withLock { $0.gaps += 1 } }
    func repeated() { state.withLock { $0.repeats += 1 } }
    func error(_ code: String) { state.withLock { $0.errors[code, default: 0] += 1 } }

    func complete(_ count: Int, orphaned: Set<String>) -> Bool {
        state.withLock { s in
            s.ackedAt.count >= count && s.firstArrival.count >= count && orphaned.isSubset(of: s.reofferedAt.keys)
        }
    }

    struct Summary { var lines: [String], acked: Set<Int>, lost: Int, unacked: Int, gaps: Int, repeats: Int, reoffered: Int }

    func summary(count: Int, orphaned: Set<String>) -> Summary {
        state.withLock { s in
            func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
            func stats(_ values: [Double]) -> String {
                let sorted = values.sorted()
                guard !sorted.isEmpty else { return "none" }
                return String(format: "p50 %.1f, p99 %.1f, max %.1f ms", percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.last!)
            }
            let killedAt = s.killedAt ?? .now
            let acked = Set(s.ackedAt.keys)
            let lost = acked.filter { s.firstArrival[$0] == nil }.count
            let ackMs = s.ackedAt.compactMap { n, at in s.sentAt[n].map { ms(at - $0) } }
            // Sent from a second before the kill until the customers are back: what the kill held up.
            let around = s.ackedAt.compactMap { n, at -> Double? in
                guard let sent = s.sentAt[n], sent > killedAt - .seconds(1), sent < killedAt + .seconds(5) else { return nil }
                return ms(at - sent)
            }
            let survived = s.firstArrival.compactMap { n, at -> Double? in
                guard let conversation = s.conversationOf[n], !orphaned.contains(conversation), let sent = s.sentAt[n] else { return nil }
                return ms(at - sent)
            }
            var lines = [
                String(format: "acked %d of %d sent, %d not acknowledged; at an agent: %d lost; on agents' connections: %d gaps, %d repeated seqs",
                       acked.count, count, count - acked.count, lost, s.gaps, s.repeats),
                "customers back on node B: \(s.reconnectedAt.count), kill → welcome " + stats(s.reconnectedAt.map { ms($0 - killedAt) }),
                "ack, every message: " + stats(ackMs),
                "ack, sent from 1 s before the kill to 5 s after: " + stats(around),
                "end-to-end where the chat's agent lived: " + stats(survived),
                "chats of A's agents offered again and held on B: \(s.reofferedAt.count) of \(orphaned.count), kill → held " + stats(s.reofferedAt.values.map { ms($0 - killedAt) }),
            ]
            if !s.errors.isEmpty { lines.append("error frames: " + s.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) }
            return Summary(lines: lines, acked: acked, lost: lost, unacked: count - acked.count, gaps: s.gaps, repeats: s.repeats, reoffered: s.reofferedAt.count)
        }
    }
}

/// A chat connection that comes back as the widget does: through the next port when its node is gone,
/// resubscribing from the last seq it saw and sending again whatever was not acknowledged. An agent's
/// connection (with `agentId`) checks that every conversation's seqs arrive one after another, and takes
/// up chats it is newly given by subscribing from the start.
final class ResumingSocket: SeatedCustomer {
    private struct State {
        var writer: AsyncStream<String>.Continuation?
        var pending: [(n: Int, text: String)] = []
        var lastSeq: [String: Int] = [:]
        var seen: Set<Int> = []
        var held: Set<String> = []
        var conversationId = ""
        var keepsSetupFrames = true
        var setupFrames: [[String: Any]] = []
        var closed = false
        var connections = 0
    }
    private final class Box: @unchecked Sendable {
        // Guarded by `state`'s mutex: `[String: Any]` frames are not Sendable.
        var state = State()
    }
    private let box = Box()
    private let lock = Mutex(())
    private let agentId: String?
    private let tally: FailoverTally
    private let task = Mutex<Task<Void, Never>?>(nil)

    private func locked<T>(_ body: (inout State) -> T) -> T { lock.withLock { _ in body(&box.state) } }

    var conversationId: String {
        get { locked { $0.conversationId } }
        set { locked { $0.conversationId = newValue } }
    }

    init(ports: [Int], token: String, agentId: String?, tally: FailoverTally) {
        self.agentId = agentId
        self.tally = tally
        let connecting = Task { [self] in await connect(ports: ports, token: token) }
        task.withLock { $0 = connecting }
    }

    private func connect(ports: [Int], token: String) async {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders[.authorization] = "Bearer \(token)"
        var logger = Logger(label: "bench-socket")
        logger.logLevel = .critical
        var attempt = 0
        // The widget's schedule (chat-client.js): half a second, doubling to 8 s, from the start after a welcome.
        var delay = 500
        while !locked({ $0.closed }) {
            let port = ports[min(attempt, ports.count - 1)]
            attempt += 1
            let welcomed = locked { $0.connections }
            _ = try? await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws/chat", configuration: configuration, logger: logger) { inbound, outbound, _ in
                let (stream, writer) = AsyncStream.makeStream(of: String.self)
                self.locked { $0.writer = writer }
                defer { self.locked { $0.writer = nil } }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in stream { try await outbound.write(.text(text)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        self.handle(text)
                    }
                    group.cancelAll()
                }
            }
            // An agent's node gone is the agent gone; a customer tries the next node, as the widget would.
            guard agentId == nil else { return }
            delay = locked { $0.connections } > welcomed ? 500 : min(delay * 2, 8000)
            try? await Task.sleep(for: .milliseconds(delay))
        }
    }

    private func handle(_ text: String) {
        guard let frame = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let type = frame["type"] as? String else { return }
        let conversation = frame["conversationId"] as? String ?? ""
        switch type {
        case "welcome":
            let (again, writer) = locked { s -> (Bool, AsyncStream<String>.Continuation?) in
                s.connections += 1
                return (s.connections > 1, s.writer)
            }
            if agentId != nil {
                let ids = (frame["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                locked { $0.held.formUnion(ids) }
            } else if again, let writer {
                // Back after losing the node: catch up, then everything not acknowledged, in order.
                tally.reconnected()
                let (id, seq, pending) = locked { ($0.conversationId, $0.lastSeq[$0.conversationId] ?? 0, $0.pending) }
                writer.yield(Self.json(["type": "subscribe", "conversationId": id, "lastSeq": seq]))
                for (_, text) in pending { writer.yield(text) }
            }
        case "ack":
            if let n = Self.benchNumber(frame["clientId"]) {
                locked { s in s.pending.removeAll { $0.n == n } }
                tally.acked(n)
            }
            if let seq = frame["seq"] as? Int { locked { $0.lastSeq[conversation] = max($0.lastSeq[conversation] ?? 0, seq) } }
            return
        case "message":
            guard let seq = frame["seq"] as? Int else { return }
            let n = Self.benchNumber((frame["message"] as? [String: Any])?["clientId"])
            let (previous, again) = locked { s -> (Int?, Bool) in
                let previous = s.lastSeq[conversation]
                s.lastSeq[conversation] = max(previous ?? 0, seq)
                guard let n else { return (previous, false) }
                return (previous, !s.seen.insert(n).inserted)
            }
            if agentId != nil {
                if let previous, seq != previous + 1 { seq > previous ? tally.gap() : tally.repeated() }
                if again { tally.repeated() }
                if let n { tally.arrived(n) }
            }
            if n != nil { return }
        case "conversation":
            guard let agentId, let c = frame["conversation"] as? [String: Any], let id = c["id"] as? String,
                c["state"] as? String == "assigned", (c["agent"] as? [String: Any])?["id"] as? String == agentId
            else { break }
            let (new, writer, seq) = locked { s in (s.held.insert(id).inserted, s.writer, s.lastSeq[id] ?? 0) }
            if new {
                tally.reoffered(id, to: agentId)
                // As the desk does with a chat it is given: its history, then what follows.
                writer?.yield(Self.json(["type": "subscribe", "conversationId": id, "lastSeq": seq]))
            }
        case "error":
            tally.error(frame["code"] as? String ?? "?")
        default:
            break
        }
        locked { s in if s.keepsSetupFrames { s.setupFrames.append(frame) } }
    }

    private static func benchNumber(_ clientId: Any?) -> Int? {
        guard let id = clientId as? String, id.hasPrefix("b") else { return nil }
        return Int(id.dropFirst())
    }

    private static func json(_ frame: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: frame), as: UTF8.self)
    }

    /// A bench message: kept until acknowledged, sent now if connected, else when the socket is back.
    func send(_ n: Int, _ text: String) {
        let writer = locked { s in
            s.pending.append((n, text))
            return s.writer
        }
        writer?.yield(text)
    }

    /// A setup frame, sent only if connected.
    func sendSetup(_ frame: [String: Any]) {
        locked { $0.writer }?.yield(Self.json(frame))
    }

    /// Setup is over: frames other than messages are no longer kept for `waitFor`.
    func setupDone() { locked { s in s.keepsSetupFrames = false; s.setupFrames.removeAll() } }

    @discardableResult
    func waitFor(seconds: Double = 15, _ match: @Sendable ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            let found = locked { s -> [String: Any]? in
                guard let index = s.setupFrames.firstIndex(where: match) else { return nil }
                let frame = s.setupFrames[index]
                s.setupFrames.removeFirst(index + 1)
                return frame
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw BenchError("no expected frame within \(seconds) s")
    }

    func close() {
        let writer = locked { s in
            s.closed = true
            return s.writer
        }
        writer?.finish()
        task.withLock { $0?.cancel() }
    }
}
