import ArgumentParser
import NIOCore
import NIOPosix

/// Whether the address is free, asked before any start-up work: a port already in use should fail at
/// once, not after the migrations, the demo data and the bot's training.
enum PortCheck {
    static func requireFree(host: String, port: Int) async throws {
        guard port != 0 else { return }
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch {
            throw ValidationError("\(host):\(port) is already in use (another kefu, or another program); stop it or pass another --port")
        }
    }
}
