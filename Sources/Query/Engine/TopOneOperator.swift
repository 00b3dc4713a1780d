import ColumnStore
import Dispatch

/// The rows whose `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)` is 1, without sorting: the first
/// row of each partition in window order, with the ROW_NUMBER column (all 1) appended. Reads its
/// input whole and returns the kept rows in input order, in batches of at most `outputBatchRows`
/// rows — the rows, order and columns `WindowOperator` followed by a `rn = 1` filter returns.
///
/// One pass over the rows in input order keeps, per partition key, the best row so far: a row
/// replaces it only when it sorts strictly before it on the ORDER BY keys, so among ties the earliest
/// input row wins, as the window's sort (ORDER BY keys, then input position) ranks it. The partition
/// keys are found by hashing (`KeyEncoder`, as the window does) into a table of row numbers, split in
/// two by a hash bit so both cores fill one each (a key lives in one half: no merge).
///
/// When no operator above reads an input column (`outputRead`: `SELECT COUNT(*)` over the kept rows),
/// which row each partition keeps does not matter, only how many partitions there are: the input is
/// not held, no ORDER BY value is evaluated, the distinct partition keys are counted as they stream
/// by (`DistinctRowCounter.count(pulling:)`), and that many rows come out with every input column
/// NULL (as a join's unread columns do) and the ROW_NUMBER column 1.
final class TopOneOperator: Operator {
    /// Rows per output batch. Default: one block (`SegmentFormat.defaultBlockRows`).
    static let outputBatchRows = SegmentFormat.defaultBlockRows

    let child: Operator
    let call: WindowCall
    let outputTypes: [ColumnType]
    /// Per input column, whether an operator above reads it (set by `Planner.markJoinOutputs`); nil
    /// means every column.
    var outputRead: [Bool]? = nil
    private var output: SlicedResult?
    /// Rows still to return when no input column is read.
    private var unreadRows: Int?

    /// - Parameter call: a ROW_NUMBER with at least one PARTITION BY key.
    init(child: Operator, call: WindowCall) {
        precondition(call.kind == .rowNumber && !call.partitionBy.isEmpty)
        self.child = child
        self.call = call
        outputTypes = child.outputTypes + [.int64]
    }

    func next() throws -> Batch? {
        if let read = outputRead, !read.contains(true) { return try nextUnread() }
        if output == nil {
            let input = try child.drain()
            let rows = try TopOneOperator.firstRows(call, input)
            var columns = rows.count == input.count ? input.columns : input.gather(rows).columns
            columns.append(Column(values: .int64([Int64](repeating: 1, count: rows.count))))
            output = SlicedResult(Batch(columns: columns, count: rows.count))
        }
        return output!.next(rows: TopOneOperator.outputBatchRows)
    }

    /// The next batch of rows of which no input column is read: one per distinct partition key.
    private func nextUnread() throws -> Batch? {
        if unreadRows == nil {
            unreadRows = try DistinctRowCounter.count {
                while let b = try child.next() {
                    if b.count > 0 { return try call.partitionBy.map { try Evaluator.evaluate($0, b) } }
                }
                return nil
            }
        }
        let n = min(unreadRows!, TopOneOperator.outputBatchRows)
        guard n > 0 else { return nil }
        unreadRows! -= n
        var columns = child.outputTypes.map { Column.constant(.null, type: $0, count: n) }
        columns.append(Column(values: .int64([Int64](repeating: 1, count: n))))
        return Batch(columns: columns, count: n)
    }

    /// The rows (ascending) that come first in their partition under `call`'s window order.
    static func firstRows(_ call: WindowCall, _ input: Batch) throws -> [Int32] {
        let n = input.count
        guard n > 0 else { return [] }
        let partKeys = try call.partitionBy.map { try Evaluator.evaluate($0, input) }
        let partCmp = RowComparator(columns: partKeys, keys: partKeys.map { _ in SortKey(expr: .literal(.null, nil), descending: false, nullsFirst: true) })
        let orderKeys = try call.orderBy.map { try Evaluator.evaluate($0.expr, input) }
        let orderCmp = RowComparator(columns: orderKeys, keys: call.orderBy)
        let codes = call.orderBy.first.map { SortPrefix.codes(orderKeys[0], $0) } ?? []

        // Each row's partition-key hash (equal keys ⇒ equal hashes).
        var hashes = [UInt64](repeating: 0, count: n)
        hashes.withUnsafeMutableBufferPointer { out in
            WindowOperator.hashPartitionKeys(partKeys, rows: n) { row, hash in out[row] = hash }
        }
        var upper = 0
        for h in hashes where h & TopOneOperator.halfBit != 0 { upper += 1 }
        let halfRows = [n - upper, upper]

        var first = [Bool](repeating: false, count: n)
        hashes.withUnsafeBufferPointer { hashes in
            codes.withUnsafeBufferPointer { codes in
                first.withUnsafeMutableBufferPointer { first in
                    // Each half writes only its own rows' flags.
                    DispatchQueue.concurrentPerform(iterations: 2) { half in
                        let bit: UInt64 = half == 0 ? 0 : TopOneOperator.halfBit
                        var table = RowTable(rows: halfRows[half])
                        let precedes: (Int, Int) -> Bool = { a, b in
                            if !codes.isEmpty, codes[a] != codes[b] { return codes[a] < codes[b] }
                            return orderCmp.compare(a, b) < 0
                        }
                        for r in 0..<n where hashes[r] & TopOneOperator.halfBit == bit {
                            table.offer(r, hash: hashes[r], sameKey: { partCmp.compare(r, $0) == 0 }, precedes: precedes)
                        }
                        table.forEachRow { first[$0] = true }
                    }
                }
            }
        }
        var rows: [Int32] = []
        rows.reserveCapacity(halfRows.max()! * 2)
        for r in 0..<n where first[r] { rows.append(Int32(r)) }
        return rows
    }

    /// The hash bit that picks a row's half of the table.
    private static let halfBit: UInt64 = 1 << 63

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + "TopOnePerPartition [ROW_NUMBER = 1] keys=\(call.partitionBy.count) order=\(call.orderBy.count)"] + child.explain(depth + 1)
    }
}

/// An open-addressed table (linear probing) of row numbers, one per distinct key: the input rows
/// hold the keys, so a slot holds the upper 32 bits of the key's hash and the row, and a probe
/// compares keys only when those bits agree. Sized once for every row being a new key (load ≤ 2/3),
/// so it never grows.
private struct RowTable {
    /// 0 = empty; else the hash's upper 32 bits | (row + 1).
    private var slots: [UInt64]
    private let mask: Int
    private static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000

    init(rows: Int) {
        var size = 16
        while size < rows + rows / 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Keeps `row` for its key when the key is new or `precedes(row, held)`; `sameKey(held)` tells
    /// whether a held row (with the same upper hash bits) has `row`'s key.
    @inline(__always)
    mutating func offer(_ row: Int, hash h: UInt64, sameKey: (Int) -> Bool, precedes: (Int, Int) -> Bool) {
        let tag = h & RowTable.tagMask
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = slots[s]
            if e == 0 { slots[s] = tag | UInt64(row + 1); return }
            if e & RowTable.tagMask == tag {
                let held = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                if sameKey(held) {
                    if precedes(row, held) { slots[s] = tag | UInt64(row + 1) }
                    return
                }
            }
            s = (s + 1) & mask
        }
    }

    /// Calls `body` with each held row.
    func forEachRow(_ body: (Int) -> Void) {
        for e in slots where e != 0 { body(Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1) }
    }
}
