#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ColumnStore

/// Numeric functions. INT64 arguments of FLOAT64-only functions are coerced to FLOAT64 by the binder
/// (the resolved `argumentTypes` say so), as BigQuery coerces them.
extension ScalarFunctions {
    static var mathEntries: [String: Entry] {
        [
            "ABS": Entry(["ABS(INT64)", "ABS(FLOAT64)"]) { call in
                switch call.match([[.int64], [.float64]]) {
                case 0:
                    return call.resolved(.int64, [.int64]) { args, _ in
                        try unaryInt(args) { x in
                            guard x != .min else { throw QueryError.runtime(message: "int64 overflow: ABS(\(x))") }
                            return Swift.abs(x)
                        }
                    }
                case 1: return call.resolved(.float64, [.float64]) { args, _ in unaryDouble(args) { Swift.abs($0) } }
                default: throw call.mismatch()
                }
            },
            "SIGN": Entry(["SIGN(INT64)", "SIGN(FLOAT64)"]) { call in
                switch call.match([[.int64], [.float64]]) {
                case 0: return call.resolved(.int64, [.int64]) { args, _ in unaryInt(args) { $0.signum() } }
                case 1:
                    return call.resolved(.float64, [.float64]) { args, _ in
                        unaryDouble(args) { $0.isNaN ? $0 : ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) }
                    }
                default: throw call.mismatch()
                }
            },
            "ROUND": roundingEntry("ROUND", .toNearestOrAwayFromZero),
            "TRUNC": roundingEntry("TRUNC", .towardZero),
            "FLOOR": unaryDoubleEntry("FLOOR") { $0.rounded(.down) },
            "CEIL": unaryDoubleEntry("CEIL") { $0.rounded(.up) },
            "CEILING": unaryDoubleEntry("CEILING") { $0.rounded(.up) },
            "SQRT": unaryDoubleEntry("SQRT") { x in
                guard !(x < 0) else { throw QueryError.runtime(message: "Argument to SQRT cannot be negative: \(formatFloat(x))") }
                return x.squareRoot()
            },
            "EXP": unaryDoubleEntry("EXP") { x in
                let r = exp(x)
                guard r.isFinite || !x.isFinite else { throw QueryError.runtime(message: "Floating point overflow in function: EXP(\(formatFloat(x)))") }
                return r
            },
            "LN": unaryDoubleEntry("LN") { try logarithm("LN", $0, log) },
            "LOG10": unaryDoubleEntry("LOG10") { try logarithm("LOG10", $0, log10) },
            "LOG": Entry(["LOG(FLOAT64)", "LOG(FLOAT64, FLOAT64)"]) { call in
                switch call.match([[.float64], [.float64, .float64]]) {
                case 0: return call.resolved(.float64, [.float64]) { args, _ in try unaryDouble(args) { try logarithm("LOG", $0, log) } }
                case 1:
                    return call.resolved(.float64, [.float64, .float64]) { args, _ in
                        try binaryDouble(args) { x, base in
                            guard base > 0, base != 1 || x.isNaN else {
                                throw QueryError.runtime(message: "Invalid base for LOG: LOG(\(formatFloat(x)), \(formatFloat(base)))")
                            }
                            return try logarithm("LOG", x, log) / log(base)
                        }
                    }
                default: throw call.mismatch()
                }
            },
            "POW": powEntry("POW"),
            "POWER": powEntry("POWER"),
            "MOD": Entry(["MOD(INT64, INT64)"]) { call in
                guard call.match([[.int64, .int64]]) == 0 else { throw call.mismatch() }
                return call.resolved(.int64, [.int64, .int64]) { args, _ in
                    try binaryInt(args) { x, y in
                        guard y != 0 else { throw QueryError.runtime(message: "division by zero: MOD(\(x), \(y))") }
                        return y == -1 ? 0 : x % y  // Int64.min % -1 traps in Swift; the answer is 0
                    }
                }
            },
            "DIV": Entry(["DIV(INT64, INT64)"]) { call in
                guard call.match([[.int64, .int64]]) == 0 else { throw call.mismatch() }
                return call.resolved(.int64, [.int64, .int64]) { args, _ in
                    try binaryInt(args) { x, y in
                        guard y != 0 else { throw QueryError.runtime(message: "division by zero: DIV(\(x), \(y))") }
                        let (q, overflow) = x.dividedReportingOverflow(by: y)
                        guard !overflow else { throw QueryError.runtime(message: "int64 overflow: DIV(\(x), \(y))") }
                        return q
                    }
                }
            },
            "SAFE_DIVIDE": Entry(["SAFE_DIVIDE(FLOAT64, FLOAT64)"]) { call in
                guard call.match([[.float64, .float64]]) == 0 else { throw call.mismatch() }
                return call.resolved(.float64, [.float64, .float64]) { args, _ in
                    let a = column(args, 0), b = column(args, 1)
                    let r = mapOptional(float64s(a), float64s(b), both(a.validity, b.validity), 0.0) { x, y -> Double? in
                        guard y != 0 else { return nil }
                        let q = x / y
                        return q.isFinite || !x.isFinite || !y.isFinite ? q : nil  // overflow is an error of `/`
                    }
                    return Column(values: .float64(r.values), validity: r.validity)
                }
            },
            "IEEE_DIVIDE": Entry(["IEEE_DIVIDE(FLOAT64, FLOAT64)"]) { call in
                guard call.match([[.float64, .float64]]) == 0 else { throw call.mismatch() }
                return call.resolved(.float64, [.float64, .float64]) { args, _ in binaryDouble(args) { $0 / $1 } }
            },
            "GREATEST": extremumEntry("GREATEST", greatest: true),
            "LEAST": extremumEntry("LEAST", greatest: false),
        ]
    }

    // MARK: - Entry shapes

    static func unaryDoubleEntry(_ name: String, _ f: @escaping @Sendable (Double) throws -> Double) -> Entry {
        Entry(["\(name)(FLOAT64)"]) { call in
            guard call.match([[.float64]]) == 0 else { throw call.mismatch() }
            return call.resolved(.float64, [.float64]) { args, _ in try unaryDouble(args, f) }
        }
    }

    /// ROUND / TRUNC: `(x)` and `(x, digits)`; FLOAT64 result (INT64 input is coerced, as BigQuery
    /// returns FLOAT64 for ROUND of an INT64).
    static func roundingEntry(_ name: String, _ rule: FloatingPointRoundingRule) -> Entry {
        Entry(["\(name)(FLOAT64)", "\(name)(FLOAT64, INT64)"]) { call in
            switch call.match([[.float64], [.float64, .int64]]) {
            case 0: return call.resolved(.float64, [.float64]) { args, _ in unaryDouble(args) { $0.rounded(rule) } }
            case 1:
                return call.resolved(.float64, [.float64, .int64]) { args, _ in
                    let a = column(args, 0), d = column(args, 1)
                    let out = try map(float64s(a), int64s(d), both(a.validity, d.validity), 0.0) { x, n in
                        try roundToDigits(x, n, rule, name)
                    }
                    return Column(values: .float64(out), validity: both(a.validity, d.validity))
                }
            default: throw call.mismatch()
            }
        }
    }

    static func powEntry(_ name: String) -> Entry {
        Entry(["\(name)(FLOAT64, FLOAT64)"]) { call in
            guard call.match([[.float64, .float64]]) == 0 else { throw call.mismatch() }
            return call.resolved(.float64, [.float64, .float64]) { args, _ in
                try binaryDouble(args) { x, y in
                    let r = pow(x, y)
                    if x.isFinite && y.isFinite {
                        if r.isNaN {
                            throw QueryError.runtime(message: "Floating point error in function: \(name)(\(formatFloat(x)), \(formatFloat(y)))")
                        }
                        if r.isInfinite {
                            throw QueryError.runtime(message: "Floating point overflow in function: \(name)(\(formatFloat(x)), \(formatFloat(y)))")
                        }
                    }
                    return r
                }
            }
        }
    }

    /// GREATEST / LEAST over a common supertype: NULL if any argument is NULL (BigQuery's rule);
    /// for FLOAT64 a NaN argument gives NaN.
    static func extremumEntry(_ name: String, greatest: Bool) -> Entry {
        Entry(["\(name)(T, …)"]) { call in
            guard let types = call.valueTypes, !types.isEmpty, let t = supertype(types) else { throw call.mismatch() }
            return call.resolved(t, types.map { _ in t }) { args, rows in
                let columns = (0..<args.count).map { column(args, $0) }
                let validity = allValid(columns)
                func fold<T>(_ arrays: [[T]], _ better: (T, T) -> Bool) -> [T] {
                    var out = arrays[0]
                    for a in arrays.dropFirst() {
                        for i in 0..<rows where better(a[i], out[i]) { out[i] = a[i] }
                    }
                    return out
                }
                switch t {
                case .int64: return Column(values: .int64(fold(columns.map(int64s)) { greatest ? $0 > $1 : $0 < $1 }), validity: validity)
                case .timestamp: return Column(values: .timestamp(fold(columns.map(int64s)) { greatest ? $0 > $1 : $0 < $1 }), validity: validity)
                case .date: return Column(values: .date(fold(columns.map(dates)) { greatest ? $0 > $1 : $0 < $1 }), validity: validity)
                case .bool: return Column(values: .bool(fold(columns.map(bools)) { greatest ? $0 > $1 : $0 < $1 }), validity: validity)
                case .float64:
                    let out = fold(columns.map(float64s)) { x, best in
                        best.isNaN ? false : (x.isNaN || (greatest ? x > best : x < best))
                    }
                    return Column(values: .float64(out), validity: validity)
                case .string:
                    let arrays = columns.map(strings)
                    var winner = [Int](repeating: 0, count: rows)
                    for k in 1..<arrays.count {
                        for i in 0..<rows {
                            let x = arrays[k].bytes[arrays[k].start(i)..<Int(arrays[k].ends[i])]
                            let best = arrays[winner[i]]
                            let y = best.bytes[best.start(i)..<Int(best.ends[i])]
                            if greatest ? y.lexicographicallyPrecedes(x) : x.lexicographicallyPrecedes(y) { winner[i] = k }
                        }
                    }
                    var out = StringWriter(rows: rows)
                    for i in 0..<rows {
                        if validity?[i] ?? true {
                            let a = arrays[winner[i]]
                            out.bytes.append(contentsOf: a.bytes[a.start(i)..<Int(a.ends[i])])
                        }
                        out.endRow()
                    }
                    return out.finish(validity)
                }
            }
        }
    }

    // MARK: - Loops

    static func unaryInt(_ args: [FunctionArgument], _ f: (Int64) throws -> Int64) rethrows -> Column {
        let a = column(args, 0)
        return Column(values: .int64(try map(int64s(a), a.validity, 0, f)), validity: a.validity)
    }

    static func unaryDouble(_ args: [FunctionArgument], _ f: (Double) throws -> Double) rethrows -> Column {
        let a = column(args, 0)
        return Column(values: .float64(try map(float64s(a), a.validity, 0, f)), validity: a.validity)
    }

    static func binaryInt(_ args: [FunctionArgument], _ f: (Int64, Int64) throws -> Int64) rethrows -> Column {
        let a = column(args, 0), b = column(args, 1)
        let validity = both(a.validity, b.validity)
        return Column(values: .int64(try map(int64s(a), int64s(b), validity, 0, f)), validity: validity)
    }

    static func binaryDouble(_ args: [FunctionArgument], _ f: (Double, Double) throws -> Double) rethrows -> Column {
        let a = column(args, 0), b = column(args, 1)
        let validity = both(a.validity, b.validity)
        return Column(values: .float64(try map(float64s(a), float64s(b), validity, 0, f)), validity: validity)
    }

    // MARK: - Scalar helpers

    /// LN / LOG10: NaN → NaN, +inf → +inf, −inf → NaN, finite x ≤ 0 → error (BigQuery's tables).
    @inline(__always)
    static func logarithm(_ name: String, _ x: Double, _ f: (Double) -> Double) throws -> Double {
        if x.isNaN || x == .infinity { return x }
        if x == -.infinity { return .nan }
        guard x > 0 else { throw QueryError.runtime(message: "Argument to \(name) must be positive: \(formatFloat(x))") }
        return f(x)
    }

    /// `v.rounded(rule)` for a value whose exact (unrounded) value is v + error (error tiny): differs
    /// from `v.rounded(rule)` only when v is itself a boundary of the rule (ROUND(6.05, 1): 6.05 is
    /// 6.04999…, so 60.5 after scaling is really below the half and rounds to 60, as in BigQuery).
    static func roundExactly(_ v: Double, _ error: Double, _ rule: FloatingPointRoundingRule) -> Double {
        guard error != 0 else { return v.rounded(rule) }
        let whole = v.rounded(.towardZero)
        switch rule {
        case .toNearestOrAwayFromZero, .toNearestOrEven:
            if Swift.abs(v - whole) == 0.5 { return error > 0 ? v.rounded(.up) : v.rounded(.down) }
        case .towardZero:
            if v == whole && v != 0 && (error < 0) == (v > 0) { return v > 0 ? v - 1 : v + 1 }
        case .down:
            if v == whole && error < 0 { return v - 1 }
        case .up:
            if v == whole && error > 0 { return v + 1 }
        default: break
        }
        return v.rounded(rule)
    }

    /// ROUND(x, n) / TRUNC(x, n): rounds to `n` decimal places (negative `n`: to tens, hundreds, …).
    static func roundToDigits(_ x: Double, _ n: Int64, _ rule: FloatingPointRoundingRule, _ name: String) throws -> Double {
        if !x.isFinite { return x }
        if n >= 0 {
            if n > 330 { return x }
            let p = pow(10.0, Double(n))
            let scaled = x * p
            // At 2^52 and beyond a double has no fractional digits left to round.
            if !scaled.isFinite || Swift.abs(scaled) >= 4_503_599_627_370_496 { return x }
            // x * p is rounded; when it lands exactly on a rounding boundary, the sign of the exact
            // error (FMA; exact while p = 10^n is) says on which side the true product x·10^n lies.
            let error = n <= 22 ? (-scaled).addingProduct(x, p) : 0
            return roundExactly(scaled, error, rule) / p
        }
        if n < -330 { return 0 * x }
        let p = pow(10.0, Double(-n))
        if !p.isFinite { return 0 * x }
        let q = x / p
        let r = roundExactly(q, -n <= 22 ? x.addingProduct(-q, p) : 0, rule) * p
        guard r.isFinite else {
            throw QueryError.runtime(message: "Floating point overflow in function: \(name)(\(formatFloat(x)), \(n))")
        }
        return r
    }
}
