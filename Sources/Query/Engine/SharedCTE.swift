import ColumnStore
import Foundation

/// The rows of a CTE that the statement names more than once: computed once and streamed to every
/// reference (`SharedCTESource`), each reading every batch in the CTE's order.
///
/// The CTE's plan is pulled one batch at a time by whichever reference first needs a batch that no
/// reference has pulled yet. Once the statement is planned (`seal()`, after which no reference is
/// added), a batch is kept only until every reference has read it; until then every batch is kept, so a
/// subquery run while planning can read the CTE and a reference planned after it still reads it whole.
///
/// References read side by side on two threads (the two sides of an overlapped join build,
/// `HashJoinOperator.overlapsBuild`) hold only the batches between the slower and the faster reader: a
/// reader `lead` batches ahead of another reader last read on another thread waits for it, for at most
/// `patience`. A reader that does not read within that time (its thread waits for something else, maybe
/// for this very reader's thread) is not waited for again until it reads, so no wait can deadlock. A
/// reader never waits for one read on its own thread or not read yet: references read one after the
/// other, or never, keep the batches they have not read, at worst the whole CTE, as when it was
/// materialized.
final class SharedCTE: @unchecked Sendable {
    // @unchecked: every stored property but `plan` is read and written only while `lock` is held; `plan`
    // is pulled only by the one reader that set `pulling`, outside the lock, and the lock orders one
    // puller's work before the next one's.
    private struct Reader {
        /// The number of the next batch it reads.
        var cursor = 0
        /// The thread of its last read; nil before the first.
        var thread: pthread_t?
        /// Did not read while another reader waited `patience` for it; cleared when it reads.
        var stalled = false
        var gone = false
    }

    /// How many batches a reader may run ahead of a reader read on another thread before it waits.
    static let lead = 4
    /// The longest wait for a reader on another thread.
    static let patience: TimeInterval = 0.02

    private let plan: Operator
    private let lock = NSCondition()
    /// Batches not yet read by every reader; `kept[0]` is batch number `firstKept` of the CTE.
    private var kept: [Batch] = []
    private var firstKept = 0
    private var readers: [Reader] = []
    private var pulling = false
    private var sealed = false
    private var end: Result<Void, Error>?

    init(plan: Operator) { self.plan = plan }

    /// Adds a reader that starts at the CTE's first batch.
    /// - Returns: the reader's number for `next(reader:)` and `removeReader(_:)`.
    func addReader() -> Int {
        lock.lock()
        defer { lock.unlock() }
        precondition(!sealed, "a reader added after batches may have been dropped would miss them")
        readers.append(Reader())
        return readers.count - 1
    }

    /// Marks the statement as planned: no reader is added from now on, so batches every reader has read
    /// can be dropped.
    func seal() {
        lock.lock()
        defer { lock.unlock() }
        sealed = true
        dropRead()
    }

    /// Forgets a reader, so the batches only it had still to read are dropped.
    func removeReader(_ reader: Int) {
        lock.lock()
        defer { lock.unlock() }
        readers[reader].gone = true
        dropRead()
        lock.broadcast()
    }

    /// The reader's next non-empty batch, or `nil` after the last one.
    /// - Throws: the error of computing the CTE, on this and every later call once the reader has read
    ///   the batches before it.
    func next(reader: Int) throws -> Batch? {
        lock.lock()
        defer { lock.unlock() }
        let me = pthread_self()
        while true {
            let position = readers[reader].cursor
            if position - firstKept < kept.count {
                let batch = kept[position - firstKept]
                readers[reader].cursor = position + 1
                readers[reader].thread = me
                readers[reader].stalled = false
                dropRead()
                lock.broadcast()
                return batch
            }
            if let end {
                try end.get()
                return nil
            }
            if pulling {
                lock.wait()
                continue
            }
            if let behind = readerToWaitFor(ahead: position, on: me) {
                let cursor = readers[behind].cursor
                if !lock.wait(until: Date(timeIntervalSinceNow: Self.patience)), readers[behind].cursor == cursor {
                    readers[behind].stalled = true
                }
                continue
            }
            pulling = true
            lock.unlock()
            let pulled = Result { () throws -> Batch? in
                while let b = try plan.next() {
                    if b.count > 0 { return b }
                }
                return nil
            }
            lock.lock()
            pulling = false
            switch pulled {
            case .success(let b?): kept.append(b)
            case .success(nil): end = .success(())
            case .failure(let error): end = .failure(error)
            }
            lock.broadcast()
        }
    }

    /// A reader `lead` or more batches behind `position`, last read on a thread other than `thread` and
    /// not stalled, if there is one. Called with `lock` held.
    private func readerToWaitFor(ahead position: Int, on thread: pthread_t) -> Int? {
        guard sealed else { return nil }
        return readers.indices.first { i in
            let r = readers[i]
            guard !r.gone, !r.stalled, position - r.cursor >= Self.lead, let t = r.thread else { return false }
            return pthread_equal(t, thread) == 0
        }
    }

    /// Drops the kept batches that every reader has read. Called with `lock` held.
    private func dropRead() {
        guard sealed else { return }
        let slowest = readers.lazy.filter { !$0.gone }.map(\.cursor).min() ?? firstKept + kept.count
        let read = slowest - firstKept
        guard read > 0 else { return }
        kept.removeFirst(read)
        firstKept = slowest
    }

    /// The number of batches held for readers that have not read them yet (for tests).
    var keptCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return kept.count
    }
}

/// One reference to a `SharedCTE`: emits all of its batches, in order.
final class SharedCTESource: Operator {
    let outputTypes: [ColumnType]
    let shared: SharedCTE
    let label: String
    private let reader: Int

    init(types: [ColumnType], shared: SharedCTE, label: String) {
        outputTypes = types
        self.shared = shared
        self.label = label
        reader = shared.addReader()
    }

    deinit { shared.removeReader(reader) }

    func next() throws -> Batch? { try shared.next(reader: reader) }

    func explain(_ depth: Int) -> [String] { [pad(depth) + label] }
}
