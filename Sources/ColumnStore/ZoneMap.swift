/// Min/max/null-count statistics of a block or a segment, for pruning.
///
/// `min`/`max` are `nil` when no bound is known: every row is NULL, a FLOAT64 block holds NaN, or a
/// STRING maximum was longer than `ZoneMap.maxStringBound` bytes (a longer minimum is stored as its
/// prefix, which is still a valid lower bound). For such a maximum `maxPrefix` keeps its first bytes,
/// so that merging with a zone whose maximum is known and larger still yields that maximum.
public struct ZoneMap: Sendable, Equatable {
    public static let maxStringBound = 64

    public var rowCount: Int
    public var nullCount: Int
    public var min: Value?
    public var max: Value?
    /// When `max` is nil because the largest string is longer than `maxStringBound` bytes: the bytes it
    /// starts with (cut at a character boundary). Every value of the zone is ≤ some string starting
    /// with this prefix. Nil otherwise, and for zones read from stores written before it existed.
    public var maxPrefix: String?

    public init(rowCount: Int, nullCount: Int, min: Value?, max: Value?, maxPrefix: String? = nil) {
        self.rowCount = rowCount
        self.nullCount = nullCount
        self.min = min
        self.max = max
        self.maxPrefix = max == nil ? maxPrefix : nil
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
                // Cut at a character boundary: a split character would decode as U+FFFD, which sorts
                // above the original bytes and would no longer be a prefix of the value.
                func prefix(_ r: Range<Int>) -> String {
                    var end = r.lowerBound + maxStringBound
                    while end > r.lowerBound && b[end] & 0xC0 == 0x80 { end -= 1 }
                    return String(decoding: b[r.lowerBound..<end], as: UTF8.self)
                }
                if let lo { zone.min = .string(lo.count > maxStringBound ? prefix(lo) : String(decoding: b[lo], as: UTF8.self)) }
                if let hi {
                    if hi.count <= maxStringBound { zone.max = .string(String(decoding: b[hi], as: UTF8.self)) } else { zone.maxPrefix = prefix(hi) }
                }
            }
        }
        return zone
    }

    /// The zone map covering both inputs.
    public func merged(with other: ZoneMap) -> ZoneMap {
        var z = ZoneMap(rowCount: rowCount + other.rowCount, nullCount: nullCount + other.nullCount, min: nil, max: nil)
        let selfAllNull = nullCount == rowCount, otherAllNull = other.nullCount == other.rowCount
        if selfAllNull { z.min = other.min; z.max = other.max; z.maxPrefix = other.maxPrefix; return z }
        if otherAllNull { z.min = min; z.max = max; z.maxPrefix = maxPrefix; return z }
        if let a = min, let b = other.min { z.min = Value.less(b, a) ? b : a }
        switch (max, maxPrefix, other.max, other.maxPrefix) {
        case let (a?, _, b?, _):
            z.max = Value.less(a, b) ? b : a
        case let (.string(m)?, _, nil, p?), let (nil, p?, .string(m)?, _):
            // The long maximum starts with p. A known maximum above p that does not extend p is above
            // every string starting with p, so it is the maximum of both; otherwise the long one may be.
            if p.utf8.lexicographicallyPrecedes(m.utf8) && !m.utf8.starts(with: p.utf8) { z.max = .string(m) } else { z.maxPrefix = p }
        case let (nil, p?, nil, q?):
            // Both maxima are long. When neither prefix extends the other, the larger prefix's zone holds
            // the maximum; otherwise both maxima start with the shorter prefix.
            if p.utf8.starts(with: q.utf8) { z.maxPrefix = q } else if q.utf8.starts(with: p.utf8) { z.maxPrefix = p }
            else { z.maxPrefix = p.utf8.lexicographicallyPrecedes(q.utf8) ? q : p }
        default:
            break
        }
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
