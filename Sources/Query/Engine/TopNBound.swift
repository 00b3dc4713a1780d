import ColumnStore
import Foundation

/// The first ORDER BY key of the last row a top-N holds, shared by the `SortOperator` that tightens
/// it and the `TableScan` below that skips what cannot beat it (DuckDB's top-N dynamic filter): once
/// `keep` rows are held, a row whose first key sorts strictly after the bound can never be kept, so
/// the scan drops whole blocks by their zone maps and other rows before decoding the other columns.
///
/// Only INT64, FLOAT64, DATE and TIMESTAMP keys are bounded; ties with the bound are kept (a later
/// key may still put them first).
///
/// The scan may also seed the bound from its zone maps before reading (`TableScan.topNSeedsFromZones`):
/// each block's maximum (descending; minimum ascending) is the key of one of its rows, so `keep`
/// blocks whose extreme sorts before or with a value prove `keep` rows that sort before or with it.
///
/// `@unchecked Sendable`: the only mutable state, `held`, is read and written under `lock`.
final class TopNBound: @unchecked Sendable {
    let descending: Bool
    let nullsFirst: Bool
    /// Rows the top-N holds (LIMIT + OFFSET).
    let keep: Int
    private let lock = NSLock()
    private var held: Value?

    init(descending: Bool, nullsFirst: Bool, keep: Int) {
        self.descending = descending
        self.nullsFirst = nullsFirst
        self.keep = keep
    }

    /// Whether a key of `type` can be bounded.
    static func supports(_ type: ColumnType) -> Bool {
        switch type {
        case .int64, .float64, .date, .timestamp: return true
        case .string, .bool: return false
        }
    }

    /// The current bound; nil until the top-N holds `keep` rows, or when the held key is NULL or NaN.
    var current: Value? { lock.withLock { held } }

    /// Publishes a key that `keep` rows sort before or with (the first key of the last held row, or a
    /// seed from zone maps). Every such key stays a valid bound, so the tighter one is kept; NULL and
    /// NaN say nothing and are ignored.
    func tighten(to value: Value) {
        if value.isNull { return }
        if case .float64(let d) = value, d.isNaN { return }
        lock.withLock {
            if let h = held, descending ? Value.less(value, h) : Value.less(h, value) { return }
            held = value
        }
    }

    /// The bound proved by block zone maps alone: the `keep`-th best of the blocks' extremes (maximum
    /// descending, minimum ascending; blocks of only NULLs or with NaN have none); nil when fewer than
    /// `keep` blocks have one. Valid only when every row of those blocks reaches the top-N.
    func seed(from zones: [ZoneMap]) -> Value? {
        guard keep > 0 else { return nil }
        var extremes: [Value] = []
        for z in zones where z.nullCount < z.rowCount {
            if let v = descending ? z.max : z.min { extremes.append(v) }
        }
        guard extremes.count >= keep else { return nil }
        extremes.sort { a, b in descending ? Value.less(b, a) : Value.less(a, b) }
        return extremes[keep - 1]
    }

    /// False when no row of a block with this zone map can sort before or with `value`.
    func mayMatch(_ zone: ZoneMap, below value: Value) -> Bool {
        if zone.nullCount > 0 && nullsFirst { return true }
        if zone.nullCount == zone.rowCount { return false }   // only NULLs, and they sort last
        // No bound known (a FLOAT64 block with NaN): read it.
        guard let lo = zone.min, let hi = zone.max else { return true }
        return descending ? !Value.less(hi, value) : !Value.less(value, lo)
    }

    /// The rows of `column` whose key sorts before or with `value`; nil when every row does.
    func select(_ column: Column, below value: Value) -> [Int32]? {
        let n = column.count
        var out: [Int32] = []
        let validity = column.validity
        let desc = descending, nullsFirst = self.nullsFirst
        /// Each row is written at the next free slot, which advances only when the row is kept (no
        /// branch on the outcome).
        func scan<T>(_ v: [T], _ keep: (T) -> Bool) {
            out = [Int32](unsafeUninitializedCapacity: n) { o, initialized in
                var k = 0
                v.withUnsafeBufferPointer { p in
                    if let validity {
                        validity.withUnsafeBufferPointer { valid in
                            for i in 0..<n {
                                o[k] = Int32(truncatingIfNeeded: i)
                                k &+= (valid[i] ? keep(p[i]) : nullsFirst) ? 1 : 0
                            }
                        }
                    } else {
                        for i in 0..<n {
                            o[k] = Int32(truncatingIfNeeded: i)
                            k &+= keep(p[i]) ? 1 : 0
                        }
                    }
                }
                initialized = k
            }
        }
        switch (column.values, value) {
        case let (.int64(v), .int64(t)), let (.timestamp(v), .timestamp(t)):
            scan(v) { desc ? $0 >= t : $0 <= t }
        case let (.date(v), .date(t)):
            scan(v) { desc ? $0 >= t : $0 <= t }
        case let (.float64(v), .float64(t)):
            // NaN sorts first ascending (kept), last descending (dropped).
            scan(v) { desc ? $0 >= t : ($0 <= t || $0.isNaN) }
        default:
            return nil
        }
        return out.count == n ? nil : out
    }
}
