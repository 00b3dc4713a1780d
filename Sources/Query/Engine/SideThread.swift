import Foundation

/// Runs one piece of work on a thread of its own, started at once, and hands back its outcome.
///
/// A thread rather than `DispatchQueue.concurrentPerform`: work running inside a `concurrentPerform`
/// iteration finds its own `concurrentPerform` calls run on one thread (nested), so the parallel
/// parts of an operator (COUNT(DISTINCT) partitions, two-batch join probes) would lose the second
/// core for the whole of the work, not only while the other side runs.
final class SideThread: @unchecked Sendable {
    // @unchecked: `work` is only called by the started thread, and `outcome` is written by it before
    // `finished` is signalled and read only after `wait()` has seen that signal.
    private let work: () throws -> Void
    private var outcome: Result<Void, Error> = .success(())
    private let finished = DispatchSemaphore(value: 0)

    init(_ work: @escaping () throws -> Void) {
        self.work = work
        let thread = Thread { [self] in
            outcome = Result { try self.work() }
            finished.signal()
        }
        // As a main thread's: operator trees are pulled recursively.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the work to end.
    /// - Throws: the work's error.
    func wait() throws {
        finished.wait()
        try outcome.get()
    }
}
