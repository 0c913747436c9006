import Foundation
import Logging
import SQLKit
import SQLiteNIO
import Synchronization

/// SQLite as the server uses it: one writer connection and, for a database file, a few reader
/// connections beside it (WAL lets them read while the writer writes, so a read never waits behind a
/// write). Transactions that arrive while the writer is busy are committed together: one `BEGIN`, each
/// body in its own savepoint (all of it stored, or none), one `COMMIT` and so one fsync, and each
/// caller answered only once the group is durable (`synchronous=FULL`). A transaction that arrives
/// alone commits at once, as before.
///
/// Each connection does its work on a thread of its own (`SQLiteHandle`, `ThreadExecutor`): a caller's
/// body runs there, and its statements as plain calls.
final class SQLiteStore: Sendable {
    let writer: SQLiteHandle
    /// Whoever uses the writer outside a group (reads of an in-memory database, the shutdown checkpoint).
    let writerLock = AsyncLock()
    let readers: ConnectionPool?
    let fileLock: FileLock?
    let logger: Logger
    private let queue = Mutex(Queue())
    /// Restarts of the log in a row that found a read in the way (`checkpoint()`).
    private let walRestartMisses = Mutex(0)

    /// Most transactions one group commits; the rest wait for the next.
    static let maxGroup = 256
    /// Reader connections of a database file.
    static let readerCount = 3

    private struct Queue: ~Copyable {
        var jobs: [Job] = []
        var draining = false
    }

    /// A caller's transaction: its body, and where its outcome goes once the group is committed.
    private struct Job: Sendable {
        let body: @Sendable (any SQLDatabase) async throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private init(writer: SQLiteHandle, readers: ConnectionPool?, fileLock: FileLock?, logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.fileLock = fileLock
        self.logger = logger
    }

    static func open(path: String?, logger: Logger) async throws -> SQLiteStore {
        guard let path else {
            let writer = try SQLiteHandle.open(path: nil, executor: .writer, logger: logger)
            try prepare(writer)
            return SQLiteStore(writer: writer, readers: nil, fileLock: nil, logger: logger)
        }
        // Taken before the file is opened, migrated or written: a second server refuses at once.
        let fileLock = try FileLock(database: path)
        var opened: [SQLiteHandle] = []
        do {
            let writer = try SQLiteHandle.open(path: path, executor: .writer, logger: logger)
            opened.append(writer)
            try prepare(writer)
            // Checkpoints run beside the writer (`checkpoint()`), never inside a commit that callers wait for.
            try writer.run("PRAGMA wal_autocheckpoint=0")
            // A log that a burst made long is cut back to 128 MiB when it starts again.
            try writer.run("PRAGMA journal_size_limit=134217728")
            var readers: [SQLiteHandle] = []
            for executor in ThreadExecutor.readers {
                let reader = try SQLiteHandle.open(path: path, executor: executor, logger: logger)
                opened.append(reader)
                try reader.run("PRAGMA busy_timeout=5000")
                try reader.run("PRAGMA query_only=ON")
                readers.append(reader)
            }
            return SQLiteStore(writer: writer, readers: ConnectionPool(readers), fileLock: fileLock, logger: logger)
        } catch {
            for connection in opened { connection.close() }
            fileLock.release()
            throw error
        }
    }

    private static func prepare(_ connection: SQLiteHandle) throws {
        // WAL lets readers proceed during a write; FULL syncs the log at every commit, so an acknowledged
        // write survives a power loss, not only a crash; busy_timeout rides out a checkpoint.
        try connection.run("PRAGMA journal_mode=WAL")
        try connection.run("PRAGMA synchronous=FULL")
        try connection.run("PRAGMA foreign_keys=ON")
        try connection.run("PRAGMA busy_timeout=5000")
        // Each transaction of a group is a savepoint, and a savepoint keeps the pages it changes in a
        // statement journal: by default a temporary file, opened, written and closed again for every
        // group. In memory it is a copy of the few pages each transaction touches.
        try connection.run("PRAGMA temp_store=MEMORY")
    }

    /// `body` on the connection's own thread, with SQLKit over it.
    private static func using<T: Sendable>(_ connection: SQLiteHandle, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(connection.executor) { try await body(SQLiteSession(handle: connection)) }
    }

    // MARK: Reading

    /// A read on a reader connection, in one read transaction so that all its statements see the same
    /// committed state; an in-memory database has only the writer, taken in turn.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard let readers else { return try await writerLock.withLock { try await Self.using(writer, body) } }
        return try await readers.with { connection in
            try await Self.using(connection) { db in
                try connection.run("BEGIN")
                do {
                    let result = try await body(db)
                    try connection.run("COMMIT")
                    return result
                } catch {
                    try? connection.run("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// One statement on a reader, outside any transaction: SQLite makes each statement atomic.
    func readOne<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard let readers else { return try await writerLock.withLock { try await Self.using(writer, body) } }
        return try await readers.with { try await Self.using($0, body) }
    }

    // MARK: Writing

    func transaction<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let job = Job(body: { db in outcome.value(try await body(db)) }, finish: { outcome.finish($0) })
        let startDraining = queue.withLock { queue -> Bool in
            queue.jobs.append(job)
            if queue.draining { return false }
            queue.draining = true
            return true
        }
        if startDraining {
            Task(executorPreference: writer.executor) { await self.drain() }
        }
        return try await outcome.wait()
    }

    /// Commits group after group until nobody waits.
    private func drain() async {
        while true {
            let group = queue.withLock { queue -> [Job] in
                let taken = Array(queue.jobs.prefix(Self.maxGroup))
                queue.jobs.removeFirst(taken.count)
                if taken.isEmpty { queue.draining = false }
                return taken
            }
            guard !group.isEmpty else { return }
            await writerLock.withLock { await commit(group) }
        }
    }

    /// On the writer's thread (`drain` runs there): the statements between the bodies are plain calls.
    private func commit(_ group: [Job]) async {
        let db = SQLiteSession(handle: writer)
        do {
            try writer.run("BEGIN IMMEDIATE")
        } catch {
            for job in group { job.finish(error) }
            return
        }
        var failures: [(any Error)?] = []
        if group.count == 1 {
            // Alone, the transaction is the group: no savepoint needed.
            do {
                try await group[0].body(db)
                failures.append(nil)
            } catch {
                try? writer.run("ROLLBACK")
                group[0].finish(error)
                return
            }
        } else {
            for job in group {
                do {
                    try writer.run("SAVEPOINT kefu_group")
                    try await job.body(db)
                    try writer.run("RELEASE kefu_group")
                    failures.append(nil)
                } catch {
                    try? writer.run("ROLLBACK TO kefu_group")
                    try? writer.run("RELEASE kefu_group")
                    failures.append(error)
                }
            }
        }
        do {
            try writer.run("COMMIT")
            for (job, failure) in zip(group, failures) { job.finish(failure) }
        } catch {
            try? writer.run("ROLLBACK")
            logger.error("group commit failed", metadata: ["transactions": "\(group.count)", "error": "\(String(reflecting: error))"])
            for (job, failure) in zip(group, failures) { job.finish(failure ?? error) }
        }
    }

    // MARK: Upkeep

    /// Frames in the write-ahead log (4 KiB pages: 64 MiB) past which the upkeep restarts it. A restart
    /// holds the writer 1–10 ms (at 1,000 msgs/s the log reaches this every 3 s or so), and a shorter
    /// log buys nothing.
    static let walRestartFrames = 16_384
    /// How long a restart waits for reads already under way once it has found one in the way this many
    /// times in a row (a restart that does not wait is tried again at the next upkeep, a second later).
    static let walRestartWaitMs = 50, walRestartTries = 5

    /// Folds the write-ahead log back into the database file without blocking the writer or the readers
    /// (a passive checkpoint, on a reader connection): what the writer's own automatic checkpoint did
    /// inside a commit, holding up everyone waiting for it.
    ///
    /// A passive checkpoint alone never lets the log start again under steady writes: SQLite rewinds it
    /// only once every frame is in the database file and no reader still reads from the log, and with
    /// writes every millisecond and three readers neither is ever true. At 1,000 msgs/s the log grew by
    /// 22 MB a second without end (870 MB after 40 s; the disk fills in hours), its index, mapped into
    /// the server's memory, with it, and every write extended the file, which the kernel zeroes first.
    /// So once the log is long, a restarting checkpoint runs on the writer between two groups: little is
    /// left to copy after the passive one, and the next commit writes the log from its start again. It
    /// does not wait for a read under way (SQLite's busy handler sleeps 1, 2, 5 ms… however soon the
    /// read ends, all of it holding the writer) but tries again a second later; only after several
    /// misses does it wait, and then at most 50 ms.
    func checkpoint() async {
        guard let readers else { return }
        do {
            let frames = try await readers.with { reader in
                try await Self.using(reader) { _ in try Self.walCheckpoint("PASSIVE", on: reader).frames }
            }
            guard frames >= Self.walRestartFrames else { return }
            let wait = walRestartMisses.withLock { $0 } >= Self.walRestartTries ? Self.walRestartWaitMs : 0
            let restarted = try await writerLock.withLock {
                try await Self.using(writer) { [writer] _ in
                    try writer.run("PRAGMA busy_timeout=\(wait)")
                    defer { try? writer.run("PRAGMA busy_timeout=5000") }
                    return try !Self.walCheckpoint("RESTART", on: writer).busy
                }
            }
            walRestartMisses.withLock { $0 = restarted ? 0 : $0 + 1 }
        } catch {
            logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    /// `checkpoint()` every second until cancelled (then it throws `CancellationError`).
    func checkpointEverySecond() async throws {
        while true {
            try await Task.sleep(for: .seconds(1))
            await checkpoint()
        }
    }

    /// Runs a checkpoint; returns whether a reader or writer stood in its way, and the frames in the log.
    private static func walCheckpoint(_ mode: String, on connection: SQLiteHandle) throws -> (busy: Bool, frames: Int) {
        var result = (busy: false, frames: 0)
        // The pragma answers one row: busy, frames in the log, frames checkpointed.
        try connection.run("PRAGMA wal_checkpoint(\(mode))", []) { row in
            guard row.values.count > 1, case .integer(let busy) = row.values[0], case .integer(let frames) = row.values[1] else { return }
            result = (busy != 0, frames)
        }
        return result
    }

    /// Waits for any transaction in flight, checkpoints the whole WAL and closes every connection.
    func checkpointAndClose() async {
        await readers?.closeAll()
        await writerLock.withLock {
            do {
                try await Self.using(writer) { [writer] _ in try writer.run("PRAGMA wal_checkpoint(TRUNCATE)") }
            } catch {
                logger.warning("WAL checkpoint at shutdown failed", metadata: ["error": "\(error)"])
            }
            writer.close()
        }
        fileLock?.release()
    }

    func close() async {
        await readers?.closeAll()
        writer.close()
        fileLock?.release()
    }
}

/// Where a transaction's result waits for its group's commit.
private final class Outcome<T: Sendable>: Sendable {
    private struct State {
        var value: T?
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<T, any Error>?
    }
    private let state = Mutex(State())

    func value(_ value: T) { state.withLock { $0.value = value } }

    /// The group committed (`nil`) or this transaction failed.
    func finish(_ failure: (any Error)?) {
        let (waiter, result) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Result<T, any Error>) in
            let result: Result<T, any Error> = if let failure { .failure(failure) } else { .success(state.value!) }
            state.result = result
            defer { state.waiter = nil }
            return (state.waiter, result)
        }
        waiter?.resume(with: result)
    }

    func wait() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<T, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// A fixed set of connections, each used by one caller at a time; callers wait in turn when all are busy.
final class ConnectionPool: Sendable {
    private struct State {
        var free: [SQLiteHandle]
        var waiters: [CheckedContinuation<SQLiteHandle, Never>] = []
        let all: [SQLiteHandle]
    }
    private let state: Mutex<State>

    init(_ connections: [SQLiteHandle]) {
        state = Mutex(State(free: connections, all: connections))
    }

    func with<T: Sendable>(_ body: (SQLiteHandle) async throws -> T) async throws -> T {
        let connection = await take()
        defer { give(connection) }
        return try await body(connection)
    }

    private func take() async -> SQLiteHandle {
        await withCheckedContinuation { continuation in
            let free = state.withLock { state -> SQLiteHandle? in
                if let connection = state.free.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let free { continuation.resume(returning: free) }
        }
    }

    private func give(_ connection: SQLiteHandle) {
        let waiter = state.withLock { state -> CheckedContinuation<SQLiteHandle, Never>? in
            if state.waiters.isEmpty {
                state.free.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }

    /// Closes every connection once its caller is done with it.
    func closeAll() async {
        let count = state.withLock { $0.all.count }
        for _ in 0..<count { await take().close() }
    }
}
