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
    func compare(_ i: Int, _ j: Int) -> Int {
        for (k, c) in columns.enumerated() {
            let vi = c.valid(i), vj = c.valid(j)
            if !vi || !vj {
                if vi == vj { continue }
                let nullFirst = keys[k].nullsFirst
                return !vi ? (nullFirst ? -1 : 1) : (nullFirst ? 1 : -1)
            }
            var r = 0
            switch c.values {
            case .int64(let v), .timestamp(let v): r = v[i] < v[j] ? -1 : (v[i] > v[j] ? 1 : 0)
            case .date(let v): r = v[i] < v[j] ? -1 : (v[i] > v[j] ? 1 : 0)
            case .bool(let v): r = Int(v[i]) - Int(v[j])
            case .float64(let v):
                // NaN sorts first (before -inf), as in BigQuery.
                let a = v[i], b = v[j]
                if a.isNaN || b.isNaN { r = a.isNaN && b.isNaN ? 0 : (a.isNaN ? -1 : 1) } else { r = a < b ? -1 : (a > b ? 1 : 0) }
            case .string(let s):
                let si = s.start(i), li = Int(s.ends[i]) - si, sj = s.start(j), lj = Int(s.ends[j]) - sj
                r = s.bytes.withUnsafeBytes { b in
                    let m = min(li, lj)
                    let c = m == 0 ? 0 : Int(memcmp(b.baseAddress! + si, b.baseAddress! + sj, m))
                    return c != 0 ? c : li - lj
                }
            }
            if r != 0 { return keys[k].descending ? -r : r }
        }
        return 0
    }
}

/// ORDER BY, optionally with a LIMIT (top-N: only `limit + offset` rows are kept while reading).
final class SortOperator: Operator {
    let child: Operator
    let keys: [SortKey]
    let keep: Int?
    var outputTypes: [ColumnType] { child.outputTypes }
    private var done = false

    init(child: Operator, keys: [SortKey], keep: Int?) {
        self.child = child
        self.keys = keys
        self.keep = keep
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        var acc = Batch(columns: outputTypes.map { Column(values: .empty($0)) }, count: 0)
        var pendingBuilders = outputTypes.map { ColumnBuilder(type: $0) }
        var pendingCount = 0
        func flush() throws {
            for i in pendingBuilders.indices { pendingBuilders[i].append(contentsOf: acc.columns[i]) }
            let merged = Batch(columns: pendingBuilders.indices.map { pendingBuilders[$0].finish() }, count: pendingCount + acc.count)
            acc = try sorted(merged, limit: keep)
            pendingCount = 0
        }
        while let b = try child.next() {
            guard b.count > 0 else { continue }
            for i in pendingBuilders.indices { pendingBuilders[i].append(contentsOf: b.columns[i]) }
            pendingCount += b.count
            if let keep, pendingCount > max(keep * 4, 65_536) { try flush() }
        }
        try flush()
        return acc
    }

    private func sorted(_ batch: Batch, limit: Int?) throws -> Batch {
        let keyColumns = try keys.map { try Evaluator.evaluate($0.expr, batch) }
        let cmp = RowComparator(columns: keyColumns, keys: keys)
        var order = (0..<batch.count).map { Int32($0) }
        // Stable: ties keep input order.
        order.sort { a, b in
            let r = cmp.compare(Int(a), Int(b))
            return r != 0 ? r < 0 : a < b
        }
        if let limit, order.count > limit { order.removeLast(order.count - limit) }
        return batch.gather(order)
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + (keep != nil ? "TopN \(keep!)" : "Sort") + " keys=\(keys.count)"] + child.explain(depth + 1)
    }
}
