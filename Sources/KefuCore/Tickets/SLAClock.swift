import Foundation

/// One SLA target on a clock that stops while the ticket waits for the customer.
///
/// The due time moves by the paused time: `start + target + paused`. While paused there is no due
/// time at all, so nothing can fire for a customer who has not answered yet.
public struct SLAClock: Codable, Hashable, Sendable {
    public var startedAt: Date
    public var target: TimeInterval
    /// Paused time already over.
    public var pausedSeconds: TimeInterval
    /// Set while the clock is paused.
    public var pausedSince: Date?
    /// When the target was met: first response, or resolution.
    public var metAt: Date?

    public init(startedAt: Date, target: TimeInterval, pausedSeconds: TimeInterval = 0, pausedSince: Date? = nil, metAt: Date? = nil) {
        self.startedAt = startedAt
        self.target = target
        self.pausedSeconds = pausedSeconds
        self.pausedSince = pausedSince
        self.metAt = metAt
    }

    /// The fractions at which events fire: a warning at 80%, the breach at 100%.
    public static let warningFraction = 0.8

    public enum State: String, Codable, Sendable {
        case running, paused, met, breached
    }

    /// Time counted against the target at `now`.
    public func elapsed(at now: Date) -> TimeInterval {
        let end = metAt ?? pausedSince ?? now
        return max(0, end.timeIntervalSince(startedAt) - pausedSeconds)
    }

    /// When `fraction` of the target is reached; nil while paused or once met.
    public func due(fraction: Double = 1, at now: Date? = nil) -> Date? {
        guard metAt == nil, pausedSince == nil else { return nil }
        return startedAt.addingTimeInterval(target * fraction + pausedSeconds)
    }

    public func remaining(at now: Date) -> TimeInterval { target - elapsed(at: now) }

    public func state(at now: Date) -> State {
        if let metAt { return metAt.timeIntervalSince(startedAt) - pausedSeconds <= target ? .met : .breached }
        if elapsed(at: now) >= target { return .breached }
        return pausedSince == nil ? .running : .paused
    }

    public mutating func pause(at now: Date) {
        guard pausedSince == nil, metAt == nil else { return }
        pausedSince = now
    }

    public mutating func resume(at now: Date) {
        guard let since = pausedSince else { return }
        pausedSeconds += max(0, now.timeIntervalSince(since))
        pausedSince = nil
    }

    public mutating func meet(at now: Date) {
        resume(at: now)
        if metAt == nil { metAt = now }
    }
}
