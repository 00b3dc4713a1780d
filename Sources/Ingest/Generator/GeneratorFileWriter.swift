import Dispatch
import Foundation

/// One generated table: how to write its rows. Implementations are value types holding immutable
/// lookup tables, so one instance is shared by all worker threads.
protocol GeneratedTable {
    /// The file stem and table name, e.g. `watch_history`.
    var table: String { get }
    /// The header, in file order.
    var columns: [String] { get }
    /// The missing rate of each nullable column; bit `i` of `writeRow`'s `nulls` is column `i`'s.
    var nullRates: [Double] { get }
    /// An upper bound on the bytes of one row, newline included.
    var maxRowBytes: Int { get }
    /// Distinguishes this table's random streams from the other tables'.
    var tag: UInt64 { get }
    /// Writes data row `index` (0-based; its id is `index + 1`) with its newline.
    func writeRow(_ index: Int, into out: inout ByteWriter, rng: inout SplitMix64, nulls: UInt32)
}

/// Writes a table to a CSV file: header, the unique rows generated in parallel chunks, then the
/// exact duplicates appended at the end.
///
/// Determinism: chunk `c` (rows `c * chunkRows ..< (c + 1) * chunkRows`) draws from its own streams
/// derived from (seed, table tag, c), and chunks are written in order, so the bytes depend on the seed
/// only, not on the number of threads. Missing values are placed per block of 64 rows: a block gets
/// `rate * 64` nulls (randomly rounded) at random positions, so missing rates are exact up to
/// rounding even in small tables, while their positions look random. Duplicates are rows drawn
/// uniformly with replacement from the unique rows (as in the real files), copied byte for byte.
struct GeneratorFileWriter {
    static let defaultChunkRows = 65_536
    static let defaultChunksPerBatch = 8

    let seed: UInt64
    /// Rows per chunk: part of the output's identity (chunk boundaries decide the random streams).
    var chunkRows = GeneratorFileWriter.defaultChunkRows
    /// Chunks generated concurrently before being written: affects memory and speed, never the bytes.
    var chunksPerBatch = GeneratorFileWriter.defaultChunksPerBatch

    func write<G: GeneratedTable>(_ generator: G, size: GeneratorScale.TableSize, to path: String) throws -> GeneratedFile {
        guard let file = fopen(path, "wb") else {
            throw GeneratorError.cannotOpenFile(path: path, reason: GeneratorFileWriter.lastError())
        }
        var closed = false
        defer { if !closed { fclose(file) } }

        var header = ByteWriter(capacity: 1024)
        defer { header.deallocate() }
        header.append(generator.columns.joined(separator: ",") + "\n")
        try GeneratorFileWriter.put(header.bytes, file, path)

        // Duplicates: sampled up front, captured while their source rows are generated.
        var pickRng = SplitMix64(seed: seed, generator.tag, 0xD0_0B1E)
        let picks = size.unique > 0 ? (0..<size.duplicates).map { _ in pickRng.below(size.unique) } : []
        let order = picks.indices.sorted { (picks[$0], $0) < (picks[$1], $1) }
        let pickRows = order.map { picks[$0] }
        let pickSlots = order
        var duplicateBytes = ByteWriter(capacity: max(64, size.duplicates * generator.maxRowBytes / 2))
        defer { duplicateBytes.deallocate() }
        var duplicateStart = [Int](repeating: 0, count: size.duplicates)
        var duplicateLength = [Int](repeating: 0, count: size.duplicates)

        // Two sets of chunk buffers: one batch is written by a background queue while the next is generated.
        let chunks = (size.unique + chunkRows - 1) / chunkRows
        let batch = min(chunksPerBatch, max(chunks, 1))
        let slots = batch * 2
        let writers = UnsafeMutableBufferPointer<ByteWriter>.allocate(capacity: slots)
        let captures = UnsafeMutableBufferPointer<[Capture]>.allocate(capacity: slots)
        let initialCapacity = min(size.unique, chunkRows) * generator.maxRowBytes
        for i in 0..<slots {
            (writers.baseAddress! + i).initialize(to: ByteWriter(capacity: i < batch ? initialCapacity : 64))
            (captures.baseAddress! + i).initialize(to: [])
        }
        let output = DispatchQueue(label: "nq.gen.write")
        let written = DispatchGroup()
        let failure = WriteFailure()
        defer {
            written.wait()
            for i in 0..<slots { writers[i].deallocate() }
            writers.deallocate()
            captures.baseAddress!.deinitialize(count: slots)
            captures.deallocate()
        }

        var firstChunk = 0
        var batchNumber = 0
        while firstChunk < chunks {
            let count = min(batch, chunks - firstChunk)
            let base = firstChunk
            let slotBase = (batchNumber % 2) * batch
            DispatchQueue.concurrentPerform(iterations: count) { i in
                writers[slotBase + i].removeAll()
                captures[slotBase + i] = generateChunk(generator, chunk: base + i, size: size, pickRows: pickRows,
                                                       pickSlots: pickSlots, into: &writers[slotBase + i])
            }
            written.wait()
            if let error = failure.error { throw error }
            for i in slotBase..<(slotBase + count) {
                for capture in captures[i] {
                    duplicateStart[capture.slot] = duplicateBytes.count
                    duplicateLength[capture.slot] = capture.length
                    duplicateBytes.append(contentsOf: UnsafeBufferPointer(
                        start: writers[i].base + capture.offset, count: capture.length))
                }
            }
            let job = BatchWrite(writers: writers, range: slotBase..<(slotBase + count), file: file, path: path)
            output.async(group: written) { job.run(failure) }
            firstChunk += count
            batchNumber += 1
        }
        written.wait()
        if let error = failure.error { throw error }

        var tail = ByteWriter(capacity: 1 << 20)
        defer { tail.deallocate() }
        for slot in 0..<size.duplicates {
            tail.append(contentsOf: UnsafeBufferPointer(
                start: duplicateBytes.base + duplicateStart[slot], count: duplicateLength[slot]))
            if tail.count >= 1 << 20 {
                try GeneratorFileWriter.put(tail.bytes, file, path)
                tail.removeAll()
            }
        }
        try GeneratorFileWriter.put(tail.bytes, file, path)

        closed = true
        if fclose(file) != 0 {
            throw GeneratorError.writeFailed(path: path, reason: GeneratorFileWriter.lastError())
        }
        return GeneratedFile(table: generator.table, path: path, rows: size.total)
    }

    /// Writes one batch's chunk buffers in order, on the output queue. The buffers are not touched by
    /// the generating threads until `written` has been waited for, hence the unchecked `Sendable`.
    private struct BatchWrite: @unchecked Sendable {
        let writers: UnsafeMutableBufferPointer<ByteWriter>
        let range: Range<Int>
        let file: UnsafeMutablePointer<FILE>
        let path: String

        func run(_ failure: WriteFailure) {
            do {
                for i in range { try GeneratorFileWriter.put(writers[i].bytes, file, path) }
            } catch {
                failure.error = error
            }
        }
    }

    /// The first error of the background writes (read only after waiting for them).
    private final class WriteFailure: @unchecked Sendable {
        var error: Error?
    }

    /// A duplicate's source row inside a chunk's buffer.
    private struct Capture {
        var slot: Int
        var offset: Int
        var length: Int
    }

    private func generateChunk<G: GeneratedTable>(
        _ generator: G, chunk: Int, size: GeneratorScale.TableSize, pickRows: [Int], pickSlots: [Int],
        into out: inout ByteWriter
    ) -> [Capture] {
        let lower = chunk * chunkRows
        let upper = min(lower + chunkRows, size.unique)
        var rng = SplitMix64(seed: seed, generator.tag, UInt64(chunk) + 1)
        var maskRng = SplitMix64(seed: seed, generator.tag, UInt64(chunk) + 1, 0x4E55_4C4C)
        let rates = generator.nullRates
        var masks = [UInt64](repeating: 0, count: rates.count)
        let rowBound = generator.maxRowBytes

        var captures: [Capture] = []
        var nextPick = GeneratorFileWriter.firstIndex(in: pickRows, notBelow: lower)
        var blockStart = lower
        while blockStart < upper {
            let length = min(64, upper - blockStart)
            for column in 0..<rates.count {
                masks[column] = GeneratorFileWriter.nullMask(rate: rates[column], length: length, rng: &maskRng)
            }
            for offset in 0..<length {
                var nulls: UInt32 = 0
                for column in 0..<masks.count {
                    nulls |= UInt32(truncatingIfNeeded: (masks[column] >> UInt64(offset)) & 1) << UInt32(column)
                }
                let row = blockStart + offset
                out.reserve(rowBound)
                let start = out.count
                generator.writeRow(row, into: &out, rng: &rng, nulls: nulls)
                while nextPick < pickRows.count && pickRows[nextPick] == row {
                    captures.append(Capture(slot: pickSlots[nextPick], offset: start, length: out.count - start))
                    nextPick += 1
                }
            }
            blockStart += length
        }
        return captures
    }

    /// A mask of `length` bits with `rate * length` bits set (randomly rounded) at random positions.
    static func nullMask(rate: Double, length: Int, rng: inout SplitMix64) -> UInt64 {
        let wanted = min(length, Int(rate * Double(length) + rng.unit()))
        let invert = wanted * 2 > length
        let target = invert ? length - wanted : wanted
        var mask: UInt64 = 0
        var set = 0
        while set < target {
            let bit: UInt64 = 1 << UInt64(rng.below(length))
            if mask & bit == 0 {
                mask |= bit
                set += 1
            }
        }
        if invert {
            let all: UInt64 = length == 64 ? ~0 : (1 << UInt64(length)) - 1
            mask = ~mask & all
        }
        return mask
    }

    private static func firstIndex(in sorted: [Int], notBelow value: Int) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private static func put(_ bytes: UnsafeBufferPointer<UInt8>, _ file: UnsafeMutablePointer<FILE>, _ path: String) throws {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        if fwrite(start, 1, bytes.count, file) != bytes.count {
            throw GeneratorError.writeFailed(path: path, reason: GeneratorFileWriter.lastError())
        }
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
