#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// Gives memory freed by closed sockets back to the system. glibc's malloc keeps what a burst of
/// connections used after they close (5,000 idle sockets: 240 MB held after all closed, 165 MB of it
/// returned by a trim), so a node's RSS would only ever grow with its busiest hour. After every
/// `threshold` closed connections the free pages are handed back (`malloc_trim`); between bursts
/// nothing is done, since a trim briefly holds the allocator's locks.
final class MemoryReturn: Sendable {
    let threshold: Int
    private let trimmedAt = Mutex(0)
    private let logger: Logger

    init(threshold: Int = 1_000, logger: Logger) {
        self.threshold = threshold
        self.logger = logger
    }

    /// Trims when `threshold` more connections have closed since the last trim; true when it did.
    @discardableResult
    func tend(closedConnections closed: Int) -> Bool {
        let due = trimmedAt.withLock { last -> Bool in
            guard closed - last >= threshold else { return false }
            last = closed
            return true
        }
        guard due else { return false }
        guard let trim = Self.mallocTrim else { return false }
        let started = ContinuousClock.now
        _ = trim(0)
        logger.info("returned freed memory to the system", metadata: ["closed": "\(closed)", "took": "\(ContinuousClock.now - started)"])
        return true
    }

    /// glibc's `malloc_trim`, looked up at run time: it is not in the Glibc module, and another C library
    /// (musl) has none, where nothing is trimmed.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}
