import Foundation
import KefuCore
import Synchronization

/// Flood control fitted to the work, counted per person across all their sockets on this node (so
/// reconnecting does not buy a fresh allowance). Every frame counts (bad ones too: invalid JSON,
/// unknown types, binary and oversize frames), and messages count again, per conversation: a customer
/// sends at most 10 in any 10 seconds to a chat, an agent 20 to each chat they hold, so answering ten
/// chats at once from one desk never spends one chat's allowance on another. Staff get a larger frame
/// budget for the same reason: a desk reads, types and answers in many chats.
final class FloodControl: Sendable {
    static let window = 10.0
    static let framesPerWindow = 40
    static let staffFramesPerWindow = 400
    static let customerMessagesPerWindow = 10
    static let agentMessagesPerWindow = 20

    private let state = Mutex(
        (
            frames: RateLimiter(limit: framesPerWindow, window: window),
            staffFrames: RateLimiter(limit: staffFramesPerWindow, window: window),
            customerMessages: RateLimiter(limit: customerMessagesPerWindow, window: window),
            agentMessages: RateLimiter(limit: agentMessagesPerWindow, window: window)
        )
    )

    /// Seconds to wait before the next frame of `principal`, or nil when it may be handled.
    func frame(by principal: Principal, now: Date) -> Int? {
        state.withLock { state in
            let time = now.timeIntervalSince1970
            if case .staff = principal { return Self.wait(state.staffFrames.attempt(principal.actorID, now: time)) }
            return Self.wait(state.frames.attempt(principal.actorID, now: time))
        }
    }

    /// Seconds to wait before `principal`'s next message to `conversationId`, or nil when it may be sent.
    func message(by principal: Principal, to conversationId: String?, now: Date) -> Int? {
        let key = principal.actorID + "\u{1}" + (conversationId ?? "")
        return state.withLock { state in
            let time = now.timeIntervalSince1970
            if case .staff = principal { return Self.wait(state.agentMessages.attempt(key, now: time)) }
            return Self.wait(state.customerMessages.attempt(key, now: time))
        }
    }

    private static func wait(_ decision: RateLimiter.Decision) -> Int? {
        if case .refused(let seconds) = decision { return seconds }
        return nil
    }
}
