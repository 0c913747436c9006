import Foundation
import KefuCore
import Synchronization

/// The server's rate limits, one window per purpose, each keyed by phone, username or address.
final class RateLimits: Sendable {
    private let limiters: Mutex<[Purpose: RateLimiter]>
    private let now: @Sendable () -> Date

    enum Purpose: Hashable {
        /// Wrong passwords for one account from one address: this pair is refused, nobody else.
        case loginFailuresPerUserAddress
        /// Wrong passwords for one account from anywhere, higher: the account is locked and its owner told.
        case loginFailuresPerUser
        /// Every login attempt from one address.
        case loginPerAddress
        case smsPerPhone, smsPerPhoneDaily, smsPerAddress
        case smsVerifyPerPhone
        case reservePerAddress, openPerAddress
        case visitorPerAddress
    }

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
        self.limiters = Mutex([
            .loginFailuresPerUserAddress: RateLimiter(limit: LoginLockout.failuresPerAccountAndAddress, window: LoginLockout.windowSeconds),
            .loginFailuresPerUser: RateLimiter(limit: LoginLockout.failuresPerAccount, window: LoginLockout.windowSeconds),
            .loginPerAddress: RateLimiter(limit: 30, window: 300),
            .smsPerPhone: RateLimiter(limit: 1, window: 60),
            .smsPerPhoneDaily: RateLimiter(limit: 10, window: 86_400),
            .smsPerAddress: RateLimiter(limit: 20, window: 3_600),
            .smsVerifyPerPhone: RateLimiter(limit: 10, window: 600),
            .reservePerAddress: RateLimiter(limit: 30, window: 600),
            .openPerAddress: RateLimiter(limit: 10, window: 3_600),
            .visitorPerAddress: RateLimiter(limit: 20, window: 3_600),
        ])
    }

    /// Refuses with the longest wait if any (purpose, key) is exhausted, counting nothing: for limits
    /// that count only failures.
    func require(_ checks: [(Purpose, String)]) throws {
        let time = now().timeIntervalSince1970
        let wait = limiters.withLock { limiters in
            checks.compactMap { limiters[$0.0]!.retryAfter($0.1, now: time) }.max()
        }
        if let wait { throw KefuError.rateLimited(wait) }
    }

    /// Counts a failure against every (purpose, key) given; returns the purposes it exhausted.
    func recordFailure(_ checks: [(Purpose, String)]) -> [Purpose] {
        let time = now().timeIntervalSince1970
        return limiters.withLock { limiters in
            checks.compactMap { purpose, key in
                _ = limiters[purpose]!.attempt(key, now: time)
                return limiters[purpose]!.retryAfter(key, now: time) != nil ? purpose : nil
            }
        }
    }

    /// Counts one attempt against every (purpose, key) given; refuses with the longest wait if any is exhausted.
    /// Nothing is counted when refused, so a refused request does not extend the wait.
    func check(_ checks: [(Purpose, String)]) throws {
        let time = now().timeIntervalSince1970
        let wait = limiters.withLock { limiters -> Int? in
            var trial = limiters
            var longest: Int?
            for (purpose, key) in checks {
                if case .refused(let retry) = trial[purpose]!.attempt(key, now: time) {
                    longest = max(longest ?? 0, retry)
                }
            }
            if longest == nil { limiters = trial }
            return longest
        }
        if let wait { throw KefuError.rateLimited(wait) }
    }
}
