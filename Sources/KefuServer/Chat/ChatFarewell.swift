import Foundation
public import ServiceLifecycle
import Synchronization

/// Closes every chat socket with 1001 (going away) when the process is asked to stop, before the HTTP
/// server stops: the WebSocket layer would otherwise close them as a normal closure (1000), which tells
/// a client nothing. Run it after the application in one service group (`kefu serve` does), so that it
/// is shut down first.
public final class ChatFarewell: Service, Sendable {
    private let hub = Mutex<(any ChatHub)?>(nil)
    /// How long the sockets get to finish their close handshake before the server stops anyway.
    let grace: Duration

    public init(grace: Duration = .seconds(2)) {
        self.grace = grace
    }

    func attach(_ hub: any ChatHub) {
        self.hub.withLock { $0 = hub }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        guard let hub = hub.withLock({ $0 }) else { return }
        hub.closeAll(.shuttingDown)
        let deadline = ContinuousClock.now + grace
        while hub.connectionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
