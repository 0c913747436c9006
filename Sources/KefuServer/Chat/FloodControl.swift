import Foundation
import KefuCore
import Synchronization

/// Flood control per person, across all their sockets on this node: reconnecting does not buy a fresh
/// allowance. Every frame counts (bad ones too: invalid JSON, unknown types, binary and oversize frames),
/// and messages count again: a customer sends at most 10 in any 10 seconds, an agent — who answers up
/// to ten chats from one desk — 60.
final class FloodControl: Sendable {
    static let window = 10.0
    static let framesPerWindow = 40
    static let customerMessagesPerWindow = 10
    static let agentMessagesPerWindow = 60

    private let state = Mutex(
        (
            frames: RateLimiter(limit: framesPerWindow, window: window),
            customerMessages: RateLimiter(limit: customerMessagesPerWindow, window: window),
            agentMessages: RateLimiter(limit: agentMessagesPerWindow, window: window)
        )
    )

    /// Seconds to wait before the next frame of `principal`, or nil when it may be handled.
    func frame(by principal: Principal, now: Date) -> Int? {
        state.withLock { Self.wait($0.frames.attempt(principal.actorID, now: now.timeIntervalSince1970)) }
    }

    /// Seconds to wait before the next message of `principal`, or nil when it may be sent.
    func message(by principal: Principal, now: Date) -> Int? {
        state.withLock { state in
            let time = now.timeIntervalSince1970
            if case .staff = principal { return Self.wait(state.agentMessages.attempt(principal.actorID, now: time)) }
            return Self.wait(state.customerMessages.attempt(principal.actorID, now: time))
        }
    }

    private static func wait(_ decision: RateLimiter.Decision) -> Int? {
        if case .refused(let seconds) = decision { return seconds }
        return nil
    }
}
