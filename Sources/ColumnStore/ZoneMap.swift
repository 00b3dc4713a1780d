/// Min/max/null-count statistics of a block or a segment, for pruning.
///
/// `min`/`max` are `nil` when no bound is known: every row is NULL, a FLOAT64 block holds NaN, or a
/// STRING maximum was longer than `ZoneMap.maxStringBound` bytes (a longer minimum is stored as its
/// prefix, which is still a valid lower bound).
public struct ZoneMap: Sendable, Equatable {
    public static let maxStringBound = 64

    public var rowCount: Int
    public var nullCount: Int
    public var min: Value?
    public var max: Value?

    public init(rowCount: Int, nullCount: Int, min: Value?, max: Value?) {
        self.rowCount = rowCount
        self.nullCount = nullCount
        self.min = min
        self.max = max
    }

    /// Computes the zone map of `column[range]`.
    public static func compute(_ column: Column, range: Range<Int>) -> ZoneMap {
        var nulls = 0
        if let v = column.validity { for i in range where !v[i] { nulls += 1 } }
        let valid: (Int) -> Bool = { i in column.validity?[i] ?? true }
        var zone = ZoneMap(rowCount: range.count, nullCount: nulls, min: nil, max: nil)
        guard nulls < range.count else { return zone }
        func fold<T: Comparable>(_ a: [T], _ wrap: (T) -> Value) {
            var lo: T? = nil, hi: T? = nil
            for i in range where valid(i) {
                let x = a[i]
                if lo == nil || x < lo! { lo = x }
                if hi == nil || x > hi! { hi = x }
            }
            zone.min = lo.map(wrap)
            zone.max = hi.map(wrap)
        }
        switch column.values {
        case .int64(let a): fold(a, Value.int64)
        case .timestamp(let a): fold(a, Value.timestamp)
        case .date(let a): fold(a, Value.date)
        case .bool(let a): fold(a) { Value.bool($0 != 0) }
        case .float64(let a):
            for i in range where valid(i) && a[i].isNaN { return zone }
            fold(a, Value.float64)
        case .string(let s):
            var lo: Range<Int>? = nil, hi: Range<Int>? = nil
            s.bytes.withUnsafeBufferPointer { b in
                func less(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
                    b[x].lexicographicallyPrecedes(b[y])
                }
                for i in range where valid(i) {
                    let r = s.start(i)..<Int(s.ends[i])
                    if lo == nil || less(r, lo!) { lo = r }
                    if hi == nil || less(hi!, r) { hi = r }
                }
                if var lo {
                    if lo.count > maxStringBound {
                        // Cut at a character boundary: a split character would decode as U+FFFD, which
                        // sorts above the original bytes and would no longer be a lower bound.
                        var end = lo.lowerBound + maxStringBound
                        while end > lo.lowerBound && b[end] & 0xC0 == 0x80 { end -= 1 }
                        lo = lo.lowerBound..<end
                    }
                    zone.min = .string(String(decoding: b[lo], as: UTF8.self))
                }
                if let hi, hi.count <= maxStringBound { zone.max = .string(String(decoding: b[hi], as: UTF8.self)) }
            }
        }
        return zone
    }

    /// The zone map covering both inputs.
    public func merged(with other: ZoneMap) -> ZoneMap {
        var z = ZoneMap(rowCount: rowCount + other.rowCount, nullCount: nullCount + other.nullCount, min: nil, max: nil)
        let selfAllNull = nullCount == rowCount, otherAllNull = other.nullCount == other.rowCount
        if selfAllNull { z.min = other.min; z.max = other.max; return z }
        if otherAllNull { z.min = min; z.max = max; return z }
        if let a = min, let b = other.min { z.min = Value.less(b, a) ? b : a }
        if let a = max, let b = other.max { z.max = Value.less(a, b) ? b : a }
        return z
    }
}

extension Value {
    /// Orders two non-NULL values of the same type (strings by UTF-8 bytes, as GoogleSQL does).
    public static func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.int64(x), .int64(y)): return x < y
        case let (.float64(x), .float64(y)): return x < y
        case let (.bool(x), .bool(y)): return !x && y
        case let (.date(x), .date(y)): return x < y
        case let (.timestamp(x), .timestamp(y)): return x < y
        case let (.string(x), .string(y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        default: return false
        }
    }

    /// The value as text, as `nq describe` and the catalog show it.
    public var displayText: String {
        switch self {
        case .null: return "NULL"
        case .int64(let v): return String(v)
        case .float64(let v): return formatDouble(v)
        case .bool(let v): return v ? "true" : "false"
        case .date(let v): return CivilTime.formatDate(v)
        case .timestamp(let v): return CivilTime.formatTimestamp(v)
        case .string(let v): return v
        }
    }
}

/// Shortest round-tripping decimal form of a double, without a trailing ".0" for integral values
/// below 2^53 (as BigQuery prints FLOAT64).
public func formatDouble(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return "\(v)"
}
