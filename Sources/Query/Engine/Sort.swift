import ColumnStore
#if canImport(Glibc)
import Glibc
#endif

/// One ORDER BY key over the operator's input.
struct SortKey {
    var expr: BoundExpr
    var descending: Bool
    /// GoogleSQL default: NULLs first ascending, last descending.
    var nullsFirst: Bool
}

/// Compares rows of key columns under ORDER BY semantics.
struct RowComparator {
    let columns: [Column]
    let keys: [SortKey]

    /// Negative, zero or positive as row `i` sorts before, with or after row `j`.
    func compare(_ i: Int, _ j: Int) -> Int { compare(i, self, j) }

    /// Negative, zero or positive as row `i` of these columns sorts before, with or after row `j` of
    /// `other`'s (the same keys over other rows, e.g. another batch).
    func compare(_ i: Int, _ other: RowComparator, _ j: Int) -> Int {
        for k in columns.indices {
            let a = columns[k], b = other.columns[k]
            let vi = a.valid(i), vj = b.valid(j)
            if !vi || !vj {
                // NULLs go first or last whatever the direction.
                if vi == vj { continue }
                return !vi ? (keys[k].nullsFirst ? -1 : 1) : (keys[k].nullsFirst ? 1 : -1)
            }
            let r = RowComparator.compare(a, i, b, j)
            if r != 0 { return keys[k].descending ? -r : r }
        }
        return 0
    }

    /// One key's non-NULL values, ascending: NaN before every other FLOAT64.
    @inline(__always)
    static func compare(_ a: Column, _ i: Int, _ b: Column, _ j: Int) -> Int {
        switch (a.values, b.values) {
        case let (.int64(x), .int64(y)), let (.timestamp(x), .timestamp(y)): return x[i] < y[j] ? -1 : (x[i] > y[j] ? 1 : 0)
        case let (.date(x), .date(y)): return x[i] < y[j] ? -1 : (x[i] > y[j] ? 1 : 0)
        case let (.bool(x), .bool(y)): return Int(x[i]) - Int(y[j])
        case let (.string(x), .string(y)):
            let si = x.start(i), li = Int(x.ends[i]) - si, sj = y.start(j), lj = Int(y.ends[j]) - sj
            return x.bytes.withUnsafeBytes { xb in
                y.bytes.withUnsafeBytes { yb in
                    let m = min(li, lj)
                    let c = m == 0 ? 0 : Int(memcmp(xb.baseAddress! + si, yb.baseAddress! + sj, m))
                    return c != 0 ? c : li - lj
                }
            }
        default:
            // FLOAT64 (or INT64 against FLOAT64). NaN sorts first (before -inf), as in BigQuery.
            let x = a.double(i), y = b.double(j)
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN ? 0 : (x.isNaN ? -1 : 1) }
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }
}

extension Column {
    /// Row `i` as a Double (INT64 and FLOAT64 columns; 0 otherwise).
    @inline(__always) func double(_ i: Int) -> Double {
        switch values {
        case .float64(let v): return v[i]
        case .int64(let v): return Double(v[i])
        default: return 0
        }
    }
}

/// Order-preserving 64-bit codes of a sort key's first column: code(a) < code(b) implies that row a
/// sorts before row b on that key, so a sort compares codes and calls the full comparator only on
/// equal codes (equal values, strings that share their first 8 bytes, NULLs next to extreme values).
enum SortPrefix {
    /// The rows (ascending) that can be among the first `limit` in key order: those whose code is at
    /// most the `limit`-th smallest code (a row with a larger code has at least `limit` rows before it).
    static func candidates(_ codes: [UInt64], limit: Int) -> [Int32] {
        var sorted = codes
        sorted.sort()
        let cutoff = sorted[limit - 1]
        var out: [Int32] = []
        out.reserveCapacity(limit)
        for (i, c) in codes.enumerated() where c <= cutoff { out.append(Int32(i)) }
        return out
    }

    static func codes(_ c: Column, _ key: SortKey) -> [UInt64] {
        let n = c.count
        var out = [UInt64](repeating: 0, count: n)
        let flip: UInt64 = 1 << 63
        switch c.values {
        case .int64(let v), .timestamp(let v): for i in 0..<n { out[i] = UInt64(bitPattern: v[i]) ^ flip }
        case .date(let v): for i in 0..<n { out[i] = UInt64(bitPattern: Int64(v[i])) ^ flip }
        case .bool(let v): for i in 0..<n { out[i] = UInt64(v[i]) }
        case .float64(let v):
            for i in 0..<n {
                let d = v[i] == 0 ? 0 : v[i]   // -0.0 sorts with 0.0
                if d.isNaN { out[i] = 0; continue }  // NaN first
                let bits = d.bitPattern
                out[i] = bits & flip != 0 ? ~bits : bits | flip
            }
        case .string(let s):
            s.bytes.withUnsafeBytes { b in
                for i in 0..<n {
                    let start = s.start(i), len = min(8, Int(s.ends[i]) - start)
                    var code: UInt64 = 0
                    for k in 0..<len { code |= UInt64(b[start + k]) << (56 - 8 * UInt64(k)) }
                    out[i] = code
                }
            }
        }
        if key.descending { for i in 0..<n { out[i] = ~out[i] } }
        if let validity = c.validity {
            // NULLs first: code 0, last: code max, whatever the direction (as the comparator does).
            let nullCode: UInt64 = key.nullsFirst ? 0 : .max
            for i in 0..<n where !validity[i] { out[i] = nullCode }
        }
        return out
    }

    /// Sorts `order` (row numbers) by the keys, ties by row number (a stable sort of the input order).
    /// `codes` are the first key's (`codes(columns[0], keys[0])`) when the caller has them already.
    static func sort(_ order: inout [Int32], keys: [SortKey], columns: [Column], codes: [UInt64]? = nil) {
        guard let first = columns.first else { order.sort(); return }
        let cmp = RowComparator(columns: columns, keys: keys)
        let codes = codes ?? SortPrefix.codes(first, keys[0])
        codes.withUnsafeBufferPointer { code in
            order.sort { a, b in
                let ca = code[Int(a)], cb = code[Int(b)]
                if ca != cb { return ca < cb }
                let r = cmp.compare(Int(a), Int(b))
                return r != 0 ? r < 0 : a < b
            }
        }
    }
}

/// ORDER BY, optionally with a LIMIT (top-N: only the best `limit + offset` rows are kept while
/// reading; once that many are held, a row that does not sort before the last of them is dropped on
/// arrival). The sorted rows come out in batches of at most `outputBatchRows` rows.
final class SortOperator: Operator {
    /// Rows per output batch. Default: one block (`SegmentFormat.defaultBlockRows`).
    static let outputBatchRows = SegmentFormat.defaultBlockRows

    let child: Operator
    let keys: [SortKey]
    let keep: Int?
    var outputTypes: [ColumnType] { child.outputTypes }
    /// The first key's bound, published to a scan below once `keep` rows are held (see `TopNBound`).
    var bound: TopNBound?
    private var result: Batch?
    private var computed = false
    private var emitted = 0

    init(child: Operator, keys: [SortKey], keep: Int?) {
        self.child = child
        self.keys = keys
        self.keep = keep
    }

    func next() throws -> Batch? {
        if !computed {
            computed = true
            result = try sortAll()
        }
        guard let all = result, emitted < all.count || (emitted == 0 && all.count == 0) else {
            result = nil
            return nil
        }
        let end = min(all.count, emitted + SortOperator.outputBatchRows)
        if emitted == 0 && end == all.count {
            result = nil
            return all
        }
        defer { emitted = end }
        return all.slice(emitted..<end)
    }

    private func sortAll() throws -> Batch {
        // Sorted held rows (top-N: at most `keep`), and the rows read since, after them (earlier
        // input first, so ties keep input order).
        var acc = Batch(columns: outputTypes.map { Column(values: .empty($0)) }, count: 0)
        var pendingBuilders = outputTypes.map { ColumnBuilder(type: $0) }
        var pendingCount = 0
        // Top-N once `keep` rows are held: the keys of the held rows, the last one's index and the code
        // of its first key (computed once per flush, not per arriving batch).
        var threshold: (keys: RowComparator, row: Int, code: UInt64)?
        func flush() throws {
            let merged = Batch(columns: pendingBuilders.indices.map { pendingBuilders[$0].finish() }, count: pendingCount)
            pendingCount = 0
            let (rows, rowKeys) = try sorted(merged, limit: keep)
            acc = rows
            if let keep, keep > 0, rows.count == keep {
                threshold = (rowKeys, keep - 1, SortPrefix.codes(rowKeys.columns[0], keys[0])[keep - 1])
                bound?.tighten(to: rowKeys.columns[0].value(at: keep - 1))
            }
        }
        while var b = try child.next() {
            guard b.count > 0 else { continue }
            if keep == 0 { continue }
            if let (held, last, lastCode) = threshold {
                // A row that does not sort before the last held row cannot be kept (a tie comes later).
                // Codes of the first key decide most rows; equal codes go to the comparator.
                let cmp = RowComparator(columns: try keys.map { try Evaluator.evaluate($0.expr, b) }, keys: keys)
                let codes = SortPrefix.codes(cmp.columns[0], keys[0])
                var sel: [Int32] = []
                for (i, c) in codes.enumerated() where c < lastCode || (c == lastCode && cmp.compare(i, held, last) < 0) {
                    sel.append(Int32(i))
                }
                if sel.isEmpty { continue }
                if sel.count < b.count { b = b.gather(sel) }
            }
            if pendingCount == 0 && acc.count > 0 {
                for i in pendingBuilders.indices { pendingBuilders[i].append(contentsOf: acc.columns[i]) }
                pendingCount = acc.count
                acc = Batch(columns: outputTypes.map { Column(values: .empty($0)) }, count: 0)
            }
            for i in pendingBuilders.indices { pendingBuilders[i].append(contentsOf: b.columns[i]) }
            pendingCount += b.count
            if let keep, pendingCount > max(keep * 4, 65_536) { try flush() }
        }
        if pendingCount > 0 { try flush() }
        return acc
    }

    /// The rows of `batch` in key order (the first `limit`), with their key columns.
    private func sorted(_ batch: Batch, limit: Int?) throws -> (Batch, RowComparator) {
        let keyColumns = try keys.map { try Evaluator.evaluate($0.expr, batch) }
        var order: [Int32]
        var codes: [UInt64]? = nil
        if let limit, limit > 0, limit * 8 < batch.count, let first = keyColumns.first {
            // Top-N: only the rows whose first-key code can place them in the first `limit` are sorted.
            codes = SortPrefix.codes(first, keys[0])
            order = SortPrefix.candidates(codes!, limit: limit)
        } else {
            order = (0..<batch.count).map { Int32($0) }
        }
        SortPrefix.sort(&order, keys: keys, columns: keyColumns, codes: codes)
        if let limit, order.count > limit { order.removeLast(order.count - limit) }
        if order.count == batch.count && order.elementsEqual(0..<Int32(batch.count)) {
            return (batch, RowComparator(columns: keyColumns, keys: keys))
        }
        return (batch.gather(order), RowComparator(columns: keyColumns.map { $0.gather(order) }, keys: keys))
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + (keep != nil ? "TopN \(keep!)" : "Sort") + " keys=\(keys.count)"] + child.explain(depth + 1)
    }
}
