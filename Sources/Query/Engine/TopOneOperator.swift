import ColumnStore
import Dispatch

/// The rows whose `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)` is 1, without sorting and without
/// holding the input: per partition key, the row that sorts first, with the ROW_NUMBER column (all 1)
/// appended. Returns the kept rows in input order, in batches of at most one input batch — the rows,
/// order and columns `WindowOperator` followed by a `rn = 1` filter returns.
///
/// The input is read `groupRows` rows at a time. Each group's batches are prepared on both cores
/// (partition keys encoded by `KeyEncoder` and hashed, the first ORDER BY key's `SortPrefix` codes,
/// each row's partition by its hash's top bits), then its rows are offered to `partitions` tables
/// (`TopOnePartition`), which the cores take as they become free (a key lives in one partition: no
/// merge). Rows are offered in input order and replace a held row only when they sort strictly before
/// it, so among ties the earliest input row wins, as the window's sort (ORDER BY keys, then input
/// position) ranks it.
///
/// Of each input batch the operator keeps only the columns read above it (`outputRead`) and the
/// ORDER BY values, and only while one of its rows is held. When nothing above reads any input column
/// (`SELECT COUNT(*)` over the rows), which row a key keeps does not matter: no ORDER BY value is
/// compared, no batch is kept, and the rows come out as NULLs (the ROW_NUMBER column still 1).
final class TopOneOperator: Operator {
    /// Hash partitions of the keys.
    static let partitions = 8

    let child: Operator
    let call: WindowCall
    let outputTypes: [ColumnType]
    /// Input rows prepared and offered together. Default: 2^18 (tests use less).
    let groupRows: Int
    /// Per input column, whether an operator above reads it (set by `Planner.markJoinOutputs`); nil
    /// means every column. An unread column comes out as NULLs.
    var outputRead: [Bool]? = nil
    private var result: TopOneResult?

    /// - Parameter call: a ROW_NUMBER with at least one PARTITION BY key.
    init(child: Operator, call: WindowCall, groupRows: Int = 1 << 18) {
        precondition(call.kind == .rowNumber && !call.partitionBy.isEmpty && groupRows > 0)
        self.child = child
        self.call = call
        self.groupRows = groupRows
        outputTypes = child.outputTypes + [.int64]
    }

    func next() throws -> Batch? {
        if result == nil { result = try consume() }
        return result!.next(types: child.outputTypes)
    }

    /// An input batch as prepared for the tables.
    private struct Prepared {
        var keys: EncodedKeys
        var hashes: [UInt64]
        /// The first ORDER BY key's codes (empty when no row is compared).
        var codes: [UInt64]
        /// Per partition, its rows, ascending.
        var rows: [[Int32]]
        /// What is kept of the batch while one of its rows is held (nil when no row is compared).
        var kept: KeptBatch?
    }

    /// Reads the whole input into the partitions' tables and returns the kept rows.
    private func consume() throws -> TopOneResult {
        let read = outputRead ?? Array(repeating: true, count: child.outputTypes.count)
        let compares = read.contains(true)
        let orderBy = call.orderBy
        // Equal codes of a single non-STRING key are equal values, but for NULLs' codes (0, max).
        let exactCodes = orderBy.count == 1 && orderBy[0].expr.type != .string
        var tables = (0..<TopOneOperator.partitions).map { _ in TopOnePartition() }
        var kept: [KeptBatch?] = []
        var rowCounts: [Int] = []
        var group: [Batch] = []
        var groupCount = 0

        func prepare(_ b: Batch) throws -> Prepared {
            let n = b.count
            let keys = KeyEncoder.encode(try call.partitionBy.map { try Evaluator.evaluate($0, b) }, rows: n)
            var hashes = [UInt64](repeating: 0, count: n)
            var rows = [[Int32]](repeating: [], count: TopOneOperator.partitions)
            keys.bytes.withUnsafeBytes { buf in
                for i in 0..<n {
                    let h = KeyEncoder.hash(keys.key(i, in: buf))
                    hashes[i] = h
                    rows[Int(h >> 61)].append(Int32(i))
                }
            }
            guard compares, !orderBy.isEmpty else { return Prepared(keys: keys, hashes: hashes, codes: [], rows: rows, kept: nil) }
            let order = try orderBy.map { try Evaluator.evaluate($0.expr, b) }
            let columns = b.columns.indices.map { read[$0] ? b.columns[$0] : nil }
            return Prepared(keys: keys, hashes: hashes, codes: SortPrefix.codes(order[0], orderBy[0]), rows: rows,
                            kept: KeptBatch(columns: columns, order: RowComparator(columns: order, keys: orderBy)))
        }

        func offerGroup() throws {
            guard !group.isEmpty else { return }
            var results = [Result<Prepared, Error>?](repeating: nil, count: group.count)
            results.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: group.count) { j in out[j] = Result { try prepare(group[j]) } }
            }
            let prepared = try results.map { try $0!.get() }
            let base = kept.count
            for (j, p) in prepared.enumerated() {
                // Without ORDER BY the first row is kept, but its batch is still needed for its columns.
                kept.append(p.kept ?? (compares ? KeptBatch(columns: group[j].columns.indices.map { read[$0] ? group[j].columns[$0] : nil }, order: nil) : nil))
                rowCounts.append(group[j].count)
            }
            for t in tables.indices { tables[t].addBatches(prepared.count) }
            let batches = kept
            let replaces = compares && !orderBy.isEmpty
            tables.withUnsafeMutableBufferPointer { tables in
                DispatchQueue.concurrentPerform(iterations: TopOneOperator.partitions) { t in
                    for (j, p) in prepared.enumerated() {
                        let batch = base + j
                        p.keys.bytes.withUnsafeBytes { buf in
                            p.codes.withUnsafeBufferPointer { codes in
                                for r in p.rows[t] {
                                    let row = Int(r)
                                    let code = replaces ? codes[row] : 0
                                    tables[t].offer(p.keys.key(row, in: buf), hash: p.hashes[row], batch: batch, row: row, code: code,
                                                    replaces: replaces) { heldRow, heldCode in
                                        if code != heldCode { return code < heldCode }
                                        if exactCodes && code != 0 && code != .max { return false }
                                        let hb = Int(heldRow >> 32), hr = Int(truncatingIfNeeded: heldRow & 0xFFFF_FFFF)
                                        return batches[batch]!.order!.compare(row, batches[hb]!.order!, hr) < 0
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Batches none of whose rows is held any more are dropped.
            for b in kept.indices where kept[b] != nil && !tables.contains(where: { $0.heldPerBatch[b] > 0 }) { kept[b] = nil }
            group.removeAll(keepingCapacity: true)
            groupCount = 0
        }

        while let b = try child.next() {
            guard b.count > 0 else { continue }
            group.append(b)
            groupCount += b.count
            if groupCount >= groupRows { try offerGroup() }
        }
        try offerGroup()

        guard compares else { return .unread(remaining: tables.reduce(0) { $0 + $1.count }) }
        // The held rows of each batch, ascending.
        var bits = rowCounts.map { [UInt64](repeating: 0, count: ($0 + 63) / 64) }
        for t in tables {
            for at in t.held {
                let b = Int(at >> 32), r = Int(truncatingIfNeeded: at & 0xFFFF_FFFF)
                bits[b][r >> 6] |= 1 << UInt64(r & 63)
            }
        }
        var out: [(KeptBatch, [Int32], Int)] = []
        for b in kept.indices {
            guard let k = kept[b] else { continue }
            kept[b] = nil
            var rows: [Int32] = []
            for (w, word) in bits[b].enumerated() {
                var m = word
                while m != 0 {
                    rows.append(Int32(w * 64 + m.trailingZeroBitCount))
                    m &= m - 1
                }
            }
            if !rows.isEmpty { out.append((KeptBatch(columns: k.columns, order: nil), rows, rowCounts[b])) }
        }
        return .kept(out.reversed())
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + "TopOnePerPartition [ROW_NUMBER = 1] keys=\(call.partitionBy.count) order=\(call.orderBy.count)"] + child.explain(depth + 1)
    }
}

/// What `TopOneOperator` keeps of an input batch while one of its rows is held: the columns read
/// above (nil for the others) and the ORDER BY values (nil when none is compared).
private struct KeptBatch {
    var columns: [Column?]
    var order: RowComparator?
}

/// `TopOneOperator`'s output, handed out a batch at a time.
private enum TopOneResult {
    /// Each input batch with held rows (last first): its kept columns, the held rows (ascending) and
    /// the batch's row count.
    case kept([(KeptBatch, [Int32], Int)])
    /// This many rows, of which no input column is read.
    case unread(remaining: Int)

    /// The next output batch of input columns `types` and the ROW_NUMBER column, or nil at the end.
    mutating func next(types: [ColumnType]) -> Batch? {
        switch self {
        case .kept(var batches):
            guard let (k, rows, count) = batches.popLast() else { return nil }
            self = .kept(batches)
            var columns = types.indices.map { c in
                k.columns[c].map { rows.count == count ? $0 : $0.gather(rows) } ?? Column.constant(.null, type: types[c], count: rows.count)
            }
            columns.append(Column(values: .int64([Int64](repeating: 1, count: rows.count))))
            return Batch(columns: columns, count: rows.count)
        case .unread(let remaining):
            guard remaining > 0 else { return nil }
            let n = min(remaining, SegmentFormat.defaultBlockRows)
            self = .unread(remaining: remaining - n)
            var columns = types.map { Column.constant(.null, type: $0, count: n) }
            columns.append(Column(values: .int64([Int64](repeating: 1, count: n))))
            return Batch(columns: columns, count: n)
        }
    }
}
