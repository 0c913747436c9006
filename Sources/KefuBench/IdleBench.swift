import Foundation
import Logging

/// `KefuBench idle`: what an open, silent socket costs a real `kefu serve`. Opens N visitors' sockets
/// (each its own principal, no chat), notes the server's RSS, closes them all, waits until the server has
/// let them go, notes the RSS again; then again, for several cycles, to see whether memory comes back.
struct IdleBench {
    struct Options {
        var sockets = 5_000
        var cycles = 3
        var binary = ".build/release/kefu"

        static func parse(_ arguments: [String]) throws -> Options {
            var options = Options()
            try BenchFlags.each(arguments) { flag, value in
                switch flag {
                case "--sockets": options.sockets = try BenchFlags.int(value, flag, 1...15_000)
                case "--cycles": options.cycles = try BenchFlags.int(value, flag, 1...20)
                case "--binary": options.binary = value
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
        let dir = try ServerProcess.workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = "sqlite://\(dir.path)/kefu.sqlite"
        try ServerProcess.prepare(database, binary: options.binary, customers: 60)
        let tokens = try await ChatBench.visitorSessions(database: database, count: options.sockets, logger: logger)
        let server = try ServerProcess.start(binary: options.binary, database: database, agentChatLimit: 5, log: dir.appendingPathComponent("server.log"))
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let baseline = server.rssMB()
        let descriptors = server.openDescriptors()
        print(String(format: "idle bench: %d visitors' sockets, %d cycles; server RSS at start %.0f MB", options.sockets, options.cycles, baseline))
        let record = Record()
        for cycle in 1...options.cycles {
            let started = ContinuousClock.now
            let sockets = try await BenchSocket.openAll(tokens, port: server.port, record: record)
            let openedIn = ContinuousClock.now - started
            try await Task.sleep(for: .seconds(1))
            let open = server.rssMB()
            let openDescriptors = server.openDescriptors()
            for socket in sockets { socket.close() }
            for socket in sockets { await socket.finished() }
            // The server lets a socket go once its close handshake and clean-up are done.
            let deadline = ContinuousClock.now + .seconds(30)
            while server.openDescriptors() > descriptors + 5, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            // The server returns freed memory in a job every 10 s.
            try await Task.sleep(for: .seconds(11))
            let closed = server.rssMB()
            print(String(
                format: "cycle %d: opened in %.1f s, RSS open %.0f MB (%.1f KB per socket over the start), after closing %.0f MB; descriptors %d open, %d closed",
                cycle, Double(openedIn.components.seconds) + Double(openedIn.components.attoseconds) / 1e18, open,
                (open - baseline) * 1024 / Double(options.sockets), closed, openDescriptors, server.openDescriptors()
            ))
        }
    }
}
