import Foundation

/// A task executor with one thread of its own. Every SQLite connection of the store runs its callers'
/// database work on such a thread (`withTaskExecutorPreference`), and its statements there, one after
/// another and synchronously: a statement costs no hop between threads, and a long read or a commit's
/// fsync blocks that thread only, never the cooperative pool the sockets run on.
///
/// The threads are made once per process and never stop (like NIO's singletons): a store's connections
/// take them in turn, so stores opened and closed by the hundred (tests) cost no thread each.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is touched only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    /// `name` shows in `top -H` and profiles; Linux keeps at most 15 bytes of it and drops a longer
    /// one entirely, and Foundation names a thread there only from inside it.
    private init(name: String) {
        precondition(name.utf8.count <= 15, "Linux thread names are at most 15 bytes")
        let thread = Thread { [self] in
            Thread.current.name = name
            run()
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// The writer's thread: every store's writer connection works here.
    static let writer = ThreadExecutor(name: "kefu-db-writer")

    /// The readers' threads: a store's n-th reader connection works on the n-th.
    static let readers = (0..<SQLiteStore.readerCount).map { ThreadExecutor(name: "kefu-db-read-\($0)") }
}
