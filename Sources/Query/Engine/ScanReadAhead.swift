import ColumnStore
import Foundation

/// Reads a scan's blocks on worker threads, across segment boundaries, and hands the batches to the
/// consumer in block order, at most `window` blocks ahead of it.
///
/// The scan used to read one segment at a time with `DispatchQueue.concurrentPerform`: each segment
/// waited for its slowest block (11 blocks on two cores leave one core idle for the last), then the
/// consumer took the batches while no block was being read, and the next segment's footer was read
/// by the consumer alone. Here a worker takes the next block, of whichever segment, as soon as it is
/// free, and opens the next segment itself when the current one has no block left.
///
/// The consumer reads blocks too while the one it needs next is being read by a worker.
///
/// At most `window` batches are read and not yet taken (the old way held a whole segment's), so
/// memory stays bounded however slow the consumer is. Errors reach the consumer in block order,
/// after every batch before them; no block after a failed segment open is read.
///
/// `@unchecked Sendable`: every mutable field is read and written with `condition` locked; the
/// closures are called by the workers without it but only read immutable state of their own.
final class ScanReadAhead: @unchecked Sendable {
    /// Opens one segment: its reader and the blocks to read, or nil when the segment is pruned.
    typealias Open = (SegmentInfo) throws -> (reader: SegmentReader, blocks: [Int])?
    /// Reads one block: its batch, or nil when no row of it is kept.
    typealias Read = (SegmentReader, Int) throws -> Batch?

    private let segments: [SegmentInfo]
    private let open: Open
    private let read: Read
    private let window: Int
    private let condition = NSCondition()

    // All below: only with `condition` locked.
    private var started = false
    private var segmentCursor = 0
    private var reader: SegmentReader?
    private var blocks: [Int] = []
    private var blockCursor = 0
    /// Blocks handed to workers so far; the next block's ticket.
    private var claimed = 0
    /// Ticket of the next batch the consumer takes.
    private var taken = 0
    /// No block is left to hand out (every segment opened, or an open failed).
    private var exhausted = false
    private var cancelled = false
    private var done: [Int: Result<Batch?, Error>] = [:]
    private(set) var segmentsSkipped = 0
    private(set) var blocksRead = 0
    private(set) var blocksSkipped = 0

    /// - Parameters:
    ///   - segments: the table's segments in scan order.
    ///   - workers: threads reading blocks besides the consumer, which reads blocks too while it waits.
    ///     Default: one less than the active processor count (as `concurrentPerform`, whose caller is
    ///     one of its threads; two sleeping consumers' workers were seen sharing one core under load).
    ///   - window: blocks read and not yet taken at most. Default: four per processor.
    init(segments: [SegmentInfo], workers: Int = ProcessInfo.processInfo.activeProcessorCount - 1, window: Int? = nil,
         open: @escaping Open, read: @escaping Read) {
        self.segments = segments
        self.open = open
        self.read = read
        self.workerCount = Swift.max(0, workers)
        self.window = Swift.max(1, window ?? 4 * (Swift.max(0, workers) + 1))
    }

    private let workerCount: Int

    /// The next batch in block order; nil at the end.
    /// - Throws: the first error of a segment open or a block read, in block order.
    func next() throws -> Batch? {
        condition.lock()
        if !started {
            started = true
            for _ in 0..<workerCount {
                let thread = Thread { [self] in work() }
                // As SideThread's: a pushed-down filter's evaluation may recurse through its expression.
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
        while true {
            if let outcome = done.removeValue(forKey: taken) {
                taken += 1
                condition.broadcast()
                switch outcome {
                case .success(let batch?):
                    condition.unlock()
                    return batch
                case .success(nil):
                    continue
                case .failure(let error):
                    cancelled = true
                    condition.unlock()
                    throw error
                }
            }
            if exhausted && taken == claimed {
                condition.unlock()
                return nil
            }
            if !exhausted && claimed - taken < window {
                // Waiting for a block a worker reads: read the next one meanwhile.
                if let (segmentReader, block, ticket) = claim() {
                    condition.unlock()
                    let outcome = Result { try read(segmentReader, block) }
                    condition.lock()
                    done[ticket] = outcome
                    condition.broadcast()
                }
                continue
            }
            condition.wait()
        }
    }

    /// Stops the workers after the blocks they are reading (the consumer no longer pulls).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while !cancelled {
            if claimed - taken >= window {
                condition.wait()
                continue
            }
            guard let (segmentReader, block, ticket) = claim() else { break }
            condition.unlock()
            let outcome = Result { try read(segmentReader, block) }
            condition.lock()
            done[ticket] = outcome
            condition.broadcast()
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The next block to read and its ticket, opening segments as needed; nil when none is left.
    /// An open that fails is recorded as the outcome of the next ticket and ends the hand-out.
    private func claim() -> (SegmentReader, Int, Int)? {
        while !exhausted {
            if let reader, blockCursor < blocks.count {
                let block = blocks[blockCursor]
                blockCursor += 1
                claimed += 1
                return (reader, block, claimed - 1)
            }
            reader = nil
            guard segmentCursor < segments.count else {
                exhausted = true
                break
            }
            let segment = segments[segmentCursor]
            segmentCursor += 1
            do {
                if let opened = try open(segment) {
                    reader = opened.reader
                    blocks = opened.blocks
                    blockCursor = 0
                    blocksRead += opened.blocks.count
                    blocksSkipped += opened.reader.blockCount - opened.blocks.count
                } else {
                    segmentsSkipped += 1
                }
            } catch {
                done[claimed] = .failure(error)
                claimed += 1
                exhausted = true
                condition.broadcast()
            }
        }
        return nil
    }
}
