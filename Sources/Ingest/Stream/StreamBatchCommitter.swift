import ColumnStore
import Foundation

/// Stores `StreamBatch`es one at a time on its own serial queue (never the Swift concurrency pool), so
/// that the consumer parses the next batch while the previous one is compressed, fsynced and committed.
///
/// At most one batch is in flight, and batches commit in the order they were cut, so the store always
/// holds a prefix of the stream: the crash-safety argument of a synchronous commit holds unchanged.
/// While a batch is in flight the caller must not use the store writer itself.
final class StreamBatchCommitter {
    private let queue = DispatchQueue(label: "nq.consume.commit")
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var submitted = false
    private var outcome: Result<(StreamBatch, Double, Double), Error>?

    /// True while a submitted batch has not been taken back with `finished`.
    var isBusy: Bool { submitted }

    /// Starts storing `batch`. At most one batch at a time: take the previous one back with `finished` first.
    func submit(_ batch: StreamBatch, writer: StoreWriter) {
        precondition(!submitted, "one batch in flight at a time")
        submitted = true
        queue.async(group: group) { [self] in
            let result = Result { () throws -> (StreamBatch, Double, Double) in
                let started = Date().timeIntervalSince1970
                try batch.store(with: writer)
                let committed = Date().timeIntervalSince1970
                return (batch, committed, committed - started)
            }
            lock.withLock { outcome = result }
        }
    }

    /// The batch in flight with the wall time its commit returned and the seconds its `store` took
    /// (segment files and transaction), once it is committed; nil when no batch is in flight or
    /// (without `wait`) it is still running.
    /// - Throws: the error that stopped the batch from being stored.
    func finished(wait: Bool) throws -> (batch: StreamBatch, committedAt: Double, seconds: Double)? {
        guard submitted else { return nil }
        if wait { group.wait() } else if group.wait(timeout: .now()) == .timedOut { return nil }
        submitted = false
        let result = lock.withLock { () -> Result<(StreamBatch, Double, Double), Error>? in
            defer { outcome = nil }
            return outcome
        }
        guard let result else { return nil }
        let (batch, at, seconds) = try result.get()
        return (batch, at, seconds)
    }
}
