/// A sliding-log rate limit: at most `limit` events per `window` seconds for each key.
/// Pure state: the caller passes the time, which keeps it testable and lets the server
/// guard it with whatever lock suits.
public struct RateLimiter: Sendable {
    public let limit: Int
    public let window: Double
    private var events: [String: [Double]] = [:]

    public init(limit: Int, window: Double) {
        self.limit = limit
        self.window = window
    }

    /// Records an event for `key` at `now` if allowed; otherwise returns the seconds to wait.
    public mutating func attempt(_ key: String, now: Double) -> Decision {
        var log = events[key, default: []].filter { $0 > now - window }
        guard log.count < limit else {
            events[key] = log
            return .refused(retryAfter: max(1, Int((log[0] + window - now).rounded(.up))))
        }
        log.append(now)
        events[key] = log
        if events.count > 50_000 { prune(now: now) }
        return .allowed
    }

    /// The seconds `key` must wait at `now`, without counting anything; nil when it may go ahead.
    public func retryAfter(_ key: String, now: Double) -> Int? {
        let log = events[key, default: []].filter { $0 > now - window }
        guard log.count >= limit, let first = log.first else { return nil }
        return max(1, Int((first + window - now).rounded(.up)))
    }

    /// Forgets keys whose events all fell out of the window, so memory stays bounded.
    public mutating func prune(now: Double) {
        events = events.filter { $0.value.contains { $0 > now - window } }
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        case refused(retryAfter: Int)
    }
}
