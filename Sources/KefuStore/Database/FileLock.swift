import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file beside the SQLite database, held for as long as the database is open: a
/// second process on the same file would otherwise write past the first one's single-writer lock. The
/// kernel drops it when the process dies, so a crash leaves nothing to clean up.
final class FileLock: Sendable {
    /// Another process holds the database.
    public struct InUse: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "the database \(path) is in use by another kefu process; stop it first, or give this one another --database"
        }
    }

    private let descriptor: Mutex<Int32?>

    /// Takes the lock on `path + ".lock"`, or throws `InUse` at once when another process has it.
    init(database path: String) throws {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InUse(path: path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw InUse(path: path)
        }
        descriptor = Mutex(fd)
    }

    func release() {
        descriptor.withLock { fd in
            guard let open = fd else { return }
            flock(open, LOCK_UN)
            close(open)
            fd = nil
        }
    }

    deinit { release() }
}
