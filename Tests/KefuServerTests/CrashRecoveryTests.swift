import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Kills a real `kefu serve` with SIGKILL in the middle of a busy conversation and starts it again:
/// every acknowledged message must be there, and both clients resume without gap or repeat.
@Suite(.serialized) struct CrashRecoveryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/kefu").path

    final class Server {
        let process = Process()
        let log: URL
        var port = 0

        init(database: String, log: URL, port: Int = 0) throws {
            self.log = log
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            process.executableURL = URL(fileURLWithPath: CrashRecoveryTests.binary)
            process.arguments = ["serve", "--port", String(port), "--database", "sqlite://\(database)", "--demo-customers", "20", "--demo-history-days", "0", "--public-dir", CrashRecoveryTests.root.appendingPathComponent("Public").path]
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        func waitUntilListening() async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").last(where: { $0.contains("listening on 127.0.0.1:") }),
                    let port = Int(line.split(separator: ":").last ?? "")
                {
                    self.port = port
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw CancellationError()
        }

        func smsCode(_ phone: String) throws -> String {
            let text = try String(contentsOf: log, encoding: .utf8)
            let line = try #require(text.split(separator: "\n").last { $0.contains("to=\(phone)") && $0.contains("验证码为") })
            let range = try #require(line.range(of: "验证码为 "))
            return String(line[range.upperBound...].prefix(6))
        }

        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    /// A fresh folder for one test's database and logs, removed afterwards.
    static func inScratch(_ name: String, _ body: (URL) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(dir)
    }

    static func staffToken(_ server: Server, _ username: String = "agent1") async throws -> String {
        try #require(
            try await post(server.port, "/api/v1/auth/login", #"{"username":"\#(username)","password":"kefu-demo-2026"}"#)["token"] as? String
        )
    }

    static func customerToken(_ server: Server, _ phone: String = "13800138000") async throws -> String {
        _ = try await post(server.port, "/api/v1/auth/sms/request", #"{"phone":"\#(phone)"}"#)
        return try #require(
            try await post(server.port, "/api/v1/auth/sms/verify", #"{"phone":"\#(phone)","code":"\#(try server.smsCode(phone))"}"#)["token"] as? String
        )
    }

    static func get(_ port: Int, _ path: String, token: String) async throws -> Any? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return try? JSONSerialization.jsonObject(with: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    static func post(_ port: Int, _ path: String, _ body: String) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any]) ?? [:]
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "build the kefu binary first (swift build)"))
    func acknowledgedMessagesSurviveSIGKILL() async throws {
        try await Self.inScratch("crash") { dir in try await Self.acknowledgedMessagesSurvive(in: dir) }
    }

    static func acknowledgedMessagesSurvive(in dir: URL) async throws {
        let database = dir.appendingPathComponent("kefu.sqlite").path
        let log = dir.appendingPathComponent("server.log")

        let first = try Server(database: database, log: log)
        defer { first.stop() }
        try await first.waitUntilListening()
        let customerToken = try await Self.customerToken(first)
        let agentToken = try await Self.staffToken(first)

        let customer = ChatTestClient(port: first.port, token: customerToken)
        try await customer.next("welcome")
        customer.send(["type": "start", "skill": "mobile"])
        let conversationId = try #require(try await customer.next("message")["conversationId"] as? String)
        customer.send(["type": "human", "conversationId": conversationId])
        let agent = ChatTestClient(port: first.port, token: agentToken)
        try await agent.next("welcome")
        try await customer.next("conversation") { $0.conversation?["state"] as? String == "assigned" }

        // Both sides talk at once; the server dies while frames are in flight.
        for index in 0..<8 {
            customer.send(["type": "send", "conversationId": conversationId, "clientId": "c\(index)", "text": "客户\(index)"])
            agent.send(["type": "send", "conversationId": conversationId, "clientId": "a\(index)", "text": "客服\(index)"])
            if index < 4 {
                try await customer.next("ack") { $0["clientId"] as? String == "c\(index)" }
                try await agent.next("ack") { $0["clientId"] as? String == "a\(index)" }
            }
            if index == 5 {
                try await Task.sleep(for: .milliseconds(3))
                first.kill()
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let acked = (customer.frames + agent.frames).filter { $0["type"] as? String == "ack" }
            .reduce(into: [String: Int]()) { $0[$1["clientId"] as! String] = $1["seq"] as? Int }
        #expect(acked.count >= 4, "some messages were acknowledged before the kill")
        let customerSeen = customer.seqs(conversationId)
        let agentSeen = agent.seqs(conversationId)
        await customer.close()
        await agent.close()

        let second = try Server(database: database, log: log)
        defer { second.stop() }
        try await second.waitUntilListening()
        let customerAgain = ChatTestClient(port: second.port, token: customerToken)
        let agentAgain = ChatTestClient(port: second.port, token: agentToken)
        try await customerAgain.next("welcome")
        try await agentAgain.next("welcome")
        customerAgain.send(["type": "subscribe", "conversationId": conversationId, "lastSeq": customerSeen.max() ?? 0])
        agentAgain.send(["type": "subscribe", "conversationId": conversationId, "lastSeq": agentSeen.max() ?? 0])
        try await customerAgain.next("synced")
        try await agentAgain.next("synced")
        // Resend everything: what was stored is acknowledged again under the same number, the rest is stored now.
        for index in 0..<8 {
            customerAgain.send(["type": "send", "conversationId": conversationId, "clientId": "c\(index)", "text": "客户\(index)"])
            let ack = try await customerAgain.next("ack") { $0["clientId"] as? String == "c\(index)" }
            if let seq = acked["c\(index)"] { #expect(ack["seq"] as? Int == seq && ack["duplicate"] as? Bool == true) }
        }
        for index in 0..<8 {
            agentAgain.send(["type": "send", "conversationId": conversationId, "clientId": "a\(index)", "text": "客服\(index)"])
            let ack = try await agentAgain.next("ack") { $0["clientId"] as? String == "a\(index)" }
            if let seq = acked["a\(index)"] { #expect(ack["seq"] as? Int == seq && ack["duplicate"] as? Bool == true) }
        }
        try await Task.sleep(for: .milliseconds(300))
        // The agent has every number; the customer every one but the staff-only hand-over summary.
        let agentAll = agentSeen + agentAgain.seqs(conversationId)
        #expect(agentAll == Array(1...(agentAll.max() ?? 0)), "no gap and no repeat across the crash: \(agentAll)")
        let staffOnly = Set((agent.frames + agentAgain.frames).compactMap { $0.message }.filter { $0["visibility"] as? String == "staff" }.compactMap { $0["seq"] as? Int })
        let customerAll = customerSeen + customerAgain.seqs(conversationId)
        #expect(customerAll == agentAll.filter { !staffOnly.contains($0) }, "the customer's side, without the staff-only ones: \(customerAll)")
        #expect(customerAgain.seqs(conversationId).max() == agentAgain.seqs(conversationId).max())
        await customerAgain.close()
        await agentAgain.close()
    }

    /// Ctrl-C or SIGTERM, with an agent's desk and a customer's chat open: the server stops its jobs and
    /// its sockets, folds the write-ahead log into the database and closes it, and exits 0 — no crash
    /// report, one database file left behind.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "build the kefu binary first (swift build)"), arguments: [SIGINT, SIGTERM])
    func stoppingExitsCleanlyAndLeavesOneFile(_ signal: Int32) async throws {
        try await Self.inScratch("stop") { dir in try await Self.stopsCleanly(on: signal, in: dir) }
    }

    static func stopsCleanly(on signal: Int32, in dir: URL) async throws {
        let database = dir.appendingPathComponent("kefu.sqlite").path
        let log = dir.appendingPathComponent("server.log")
        let server = try Server(database: database, log: log)
        defer { server.stop() }
        try await server.waitUntilListening()
        let agentToken = try await Self.staffToken(server)
        let customerToken = try await Self.customerToken(server)
        let agent = ChatTestClient(port: server.port, token: agentToken)
        try await agent.next("welcome")
        let customer = ChatTestClient(port: server.port, token: customerToken)
        try await customer.next("welcome")
        customer.send(["type": "start", "skill": "mobile"])
        try await customer.next("message")

        Glibc.kill(server.process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .seconds(30)
        while server.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        await agent.close()
        await customer.close()
        #expect(!server.process.isRunning, "the server stopped within 30 s")
        // The sockets were told the server is going away, so they reconnect rather than give up.
        #expect(agent.closeCode == 1001 && customer.closeCode == 1001, "closed with \(String(describing: agent.closeCode)), \(String(describing: customer.closeCode))")
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        for crash in ["not closed", "Fatal error", "Program crashed", "Assertion failed"] {
            #expect(!text.contains(crash), "the log says \(crash)")
        }
        #expect(text.contains("closed the database"))
        let wal = (try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the write-ahead log was folded into the database")
    }

    /// A second server on the same SQLite file refuses at once, before it migrates, loads or trains
    /// anything; one on a port already taken refuses before it even opens its database.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "build the kefu binary first (swift build)"))
    func aSecondServerRefusesTheSameFileAndTheSamePort() async throws {
        try await Self.inScratch("twice") { dir in try await Self.secondServerRefuses(in: dir) }
    }

    static func secondServerRefuses(in dir: URL) async throws {
        let database = dir.appendingPathComponent("kefu.sqlite").path
        let first = try Server(database: database, log: dir.appendingPathComponent("first.log"))
        defer { first.stop() }
        try await first.waitUntilListening()

        func refused(_ server: Server, saying words: String, log: URL) async throws -> String {
            let deadline = ContinuousClock.now + .seconds(20)
            while server.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!server.process.isRunning && server.process.terminationStatus != 0)
            let text = try String(contentsOf: log, encoding: .utf8)
            #expect(text.contains(words), "\(text)")
            return text
        }
        let sameFileLog = dir.appendingPathComponent("same-file.log")
        let sameFile = try Server(database: database, log: sameFileLog)
        defer { sameFile.stop() }
        let said = try await refused(sameFile, saying: "in use by another kefu process", log: sameFileLog)
        #expect(!said.contains("applied migration") && !said.contains("loaded demo data") && !said.contains("trained the bot"))

        let otherDatabase = dir.appendingPathComponent("other.sqlite").path
        let samePortLog = dir.appendingPathComponent("same-port.log")
        let samePort = try Server(database: otherDatabase, log: samePortLog, port: first.port)
        defer { samePort.stop() }
        _ = try await refused(samePort, saying: "is already in use", log: samePortLog)
        #expect(!FileManager.default.fileExists(atPath: otherDatabase))
        // The first server is untouched.
        #expect(first.process.isRunning)
        #expect(try await Self.post(first.port, "/api/v1/auth/login", #"{"username":"agent1","password":"kefu-demo-2026"}"#)["token"] is String)
    }

    /// SIGKILL with an agent's desk open, then a restart: nobody is online until a desk opens again, so a
    /// customer asking for a person waits in the queue instead of going to an agent who is not there.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "build the kefu binary first (swift build)"))
    func noGhostAgentsAfterSIGKILL() async throws {
        try await Self.inScratch("ghost") { dir in
            let database = dir.appendingPathComponent("kefu.sqlite").path
            let log = dir.appendingPathComponent("server.log")
            let first = try Server(database: database, log: log)
            defer { first.stop() }
            try await first.waitUntilListening()
            let agentToken = try await Self.staffToken(first)
            let agent = ChatTestClient(port: first.port, token: agentToken)
            try await agent.next("welcome")
            func statuses(_ server: Server) async throws -> [String: String] {
                let board = try await Self.get(server.port, "/api/v1/chat/agents", token: agentToken) as? [[String: Any]] ?? []
                return board.reduce(into: [:]) { $0[$1["id"] as? String ?? ""] = $1["status"] as? String }
            }
            #expect(try await statuses(first)["staff-agent1"] == "online")
            first.kill()
            await agent.close()

            let second = try Server(database: database, log: log)
            defer { second.stop() }
            try await second.waitUntilListening()
            #expect(try await statuses(second)["staff-agent1"] == "away")
            let customer = ChatTestClient(port: second.port, token: try await Self.customerToken(second))
            try await customer.next("welcome")
            customer.send(["type": "start", "skill": "mobile"])
            let id = try #require(try await customer.next("message")["conversationId"] as? String)
            customer.send(["type": "human", "conversationId": id])
            try await customer.next("conversation") { $0.conversation?["state"] as? String == "queued" }
            try await Task.sleep(for: .milliseconds(500))
            #expect(!customer.frames.contains { $0.conversation?["state"] as? String == "assigned" })
            await customer.close()
        }
    }
}
