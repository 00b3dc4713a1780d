#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ColumnStore

/// CAST and SAFE_CAST between STRING, INT64, FLOAT64, BOOL, DATE and TIMESTAMP, following
/// BigQuery's conversion rules. A value that does not convert is a runtime error naming the value
/// and the target type (CAST) or NULL (SAFE_CAST).
///
/// Allowed: STRING ↔ every type; INT64 → FLOAT64, BOOL; FLOAT64 → INT64; BOOL → INT64;
/// DATE ↔ TIMESTAMP. Anything else (DATE → INT64, FLOAT64 → BOOL, …) is a type error.
extension ScalarFunctions {
    /// CAST / SAFE_CAST `x AS to`; `from` is nil for an untyped NULL.
    public static func cast(from: ColumnType?, to: ColumnType, safe: Bool, location: SourceLocation?, sql: String) throws -> ResolvedFunction {
        let name = safe ? "SAFE_CAST" : "CAST"
        guard let from else {
            return ResolvedFunction(name: name, resultType: to, argumentTypes: [to]) { _, rows in nulls(to, rows) }
        }
        if from == to {
            return ResolvedFunction(name: name, resultType: to, argumentTypes: [to]) { args, _ in column(args, 0) }
        }
        guard let kernel = castKernel(from, to) else {
            throw QueryError.type(message: "Invalid cast from \(from.rawValue) to \(to.rawValue)", location: location, sql: sql)
        }
        return ResolvedFunction(name: name, resultType: to, argumentTypes: [from]) { args, _ in try kernel(column(args, 0), safe) }
    }

    static func castKernel(_ from: ColumnType, _ to: ColumnType) -> ((Column, Bool) throws -> Column)? {
        switch (from, to) {
        case (.int64, .float64):
            return { c, _ in Column(values: .float64(map(int64s(c), nil, 0) { Double($0) }), validity: c.validity) }
        case (.int64, .bool):
            return { c, _ in Column(values: .bool(map(int64s(c), nil, 0) { $0 != 0 ? 1 : 0 }), validity: c.validity) }
        case (.bool, .int64):
            return { c, _ in Column(values: .int64(map(bools(c), nil, 0) { $0 != 0 ? 1 : 0 }), validity: c.validity) }
        case (.float64, .int64):
            return { c, safe in
                let r = try convert(float64s(c), c.validity, Int64(0), safe: safe, doubleToInt64) { v in
                    v.isFinite ? "int64 out of range: \(formatFloat(v))"
                        : "Illegal conversion of non-finite floating point number to an integer: \(formatFloat(v))"
                }
                return Column(values: .int64(r.values), validity: r.validity)
            }
        case (.date, .timestamp): return { c, _ in castDateToTimestamp(c) }
        case (.timestamp, .date):
            return { c, _ in Column(values: .date(map(int64s(c), nil, 0) { Cal.split($0).days }), validity: c.validity) }
        case (_, .string):
            return { c, _ in toStrings(c) }
        case (.string, .int64):
            return { c, safe in
                let r = try parseStrings(c, Int64(0), safe: safe, parseInt64) { "Bad int64 value: \($0)" }
                return Column(values: .int64(r.values), validity: r.validity)
            }
        case (.string, .float64):
            return { c, safe in
                let r = try parseStrings(c, 0.0, safe: safe, parseDouble) { "Bad double value: \($0)" }
                return Column(values: .float64(r.values), validity: r.validity)
            }
        case (.string, .bool):
            return { c, safe in
                let r = try parseStrings(c, UInt8(0), safe: safe, { parseBool($0).map { $0 ? 1 : 0 } }) { "Bad bool value: \($0)" }
                return Column(values: .bool(r.values), validity: r.validity)
            }
        case (.string, .date):
            return { c, safe in
                let r = try parseStrings(c, Int32(0), safe: safe, parseDate) { "Invalid date: '\($0)'" }
                return Column(values: .date(r.values), validity: r.validity)
            }
        case (.string, .timestamp):
            return { c, safe in try castStringToTimestamp(c, safe: safe) }
        default:
            return nil
        }
    }

    static func castDateToTimestamp(_ c: Column) -> Column {
        Column(values: .timestamp(map(dates(c), nil, 0) { Int64($0) * CivilTime.microsPerDay }), validity: c.validity)
    }

    static func castStringToTimestamp(_ c: Column, safe: Bool) throws -> Column {
        let r = try parseStrings(c, Int64(0), safe: safe, parseTimestamp) { "Invalid timestamp: '\($0)'" }
        return Column(values: .timestamp(r.values), validity: r.validity)
    }

    /// Parses every valid row of a STRING column.
    static func parseStrings<R>(_ c: Column, _ zero: R, safe: Bool, _ parse: (UnsafeBufferPointer<UInt8>) -> R?,
                                _ message: (String) -> String) throws -> (values: [R], validity: [Bool]?) {
        let s = strings(c)
        var out = [R]()
        out.reserveCapacity(s.count)
        var mask = c.validity
        try withView(s) { v in
            for i in 0..<v.count {
                if let validity = c.validity, !validity[i] {
                    out.append(zero)
                } else if let r = parse(v[i]) {
                    out.append(r)
                } else if safe {
                    out.append(zero)
                    if mask == nil { mask = [Bool](repeating: true, count: v.count) }
                    mask![i] = false
                } else {
                    throw QueryError.runtime(message: message(text(v[i])))
                }
            }
        }
        return (out, mask)
    }

    /// Any column as STRING, in BigQuery's canonical forms.
    static func toStrings(_ c: Column) -> Column {
        var out = StringWriter(rows: c.count, bytes: c.count * 8)
        func each<T>(_ values: [T], _ write: (T, inout [UInt8]) -> Void) {
            for i in values.indices {
                if !c.isNull(i) { write(values[i], &out.bytes) }
                out.endRow()
            }
        }
        switch c.values {
        case .string: return c
        case .int64(let v): each(v, appendDecimal)
        case .float64(let v): each(v, appendFloat)
        case .bool(let v): each(v) { b, o in o.append(contentsOf: b != 0 ? "true".utf8 : "false".utf8) }
        case .date(let v): each(v, appendDate)
        case .timestamp(let v): each(v, appendTimestamp)
        }
        return out.finish(c.validity)
    }

    // MARK: - To STRING

    /// FLOAT64 → STRING as BigQuery prints it: `%.15g` when that round-trips, else `%.17g`
    /// (1 → "1", 0.1 → "0.1", 1e20 → "1e+20", 1/3 → "0.33333333333333331"); "inf", "-inf",
    /// "nan"; zero unsigned.
    static func formatFloat(_ v: Double) -> String {
        var bytes: [UInt8] = []
        appendFloat(v, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendFloat(_ v: Double, to out: inout [UInt8]) {
        if v.isNaN { return out.append(contentsOf: "nan".utf8) }
        if v.isInfinite { return out.append(contentsOf: (v < 0 ? "-inf" : "inf").utf8) }
        if v == 0 { return out.append(UInt8(ascii: "0")) }
        if v == v.rounded(.towardZero) && Swift.abs(v) < 1e15 { return appendDecimal(Int64(v), to: &out) }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buf in
            let base = buf.baseAddress!
            var n = Int(withVaList([v]) { vsnprintf(base, 40, "%.15g", $0) })
            if strtod(base, nil) != v { n = Int(withVaList([v]) { vsnprintf(base, 40, "%.17g", $0) }) }
            for k in 0..<n { out.append(UInt8(bitPattern: base[k])) }
        }
    }

    /// DATE → `YYYY-MM-DD`.
    static func appendDate(_ d: Int32, to out: inout [UInt8]) {
        let c = CivilTime.civil(days: d)
        appendPadded(c.year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(c.month, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(c.day, 2, to: &out)
    }

    /// TIMESTAMP → `YYYY-MM-DD HH:MM:SS[.fff|.ffffff]+00`: the fraction in groups of three digits,
    /// only as many as the value needs (ZetaSQL's canonical form), zone `+00`.
    static func appendTimestamp(_ ts: Int64, to out: inout [UInt8]) {
        let (days, micros) = Cal.split(ts)
        appendDate(days, to: &out)
        let seconds = Int(micros / 1_000_000), fraction = Int(micros % 1_000_000)
        out.append(UInt8(ascii: " "))
        appendPadded(seconds / 3600, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(seconds / 60 % 60, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(seconds % 60, 2, to: &out)
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            if fraction % 1000 == 0 { appendPadded(fraction / 1000, 3, to: &out) } else { appendPadded(fraction, 6, to: &out) }
        }
        out.append(contentsOf: "+00".utf8)
    }

    // MARK: - From FLOAT64

    /// Rounds half away from zero; nil for NaN, ±inf and values outside INT64.
    @inline(__always)
    static func doubleToInt64(_ v: Double) -> Int64? {
        let r = v.rounded(.toNearestOrAwayFromZero)
        guard r >= -9_223_372_036_854_775_808.0 && r < 9_223_372_036_854_775_808.0 else { return nil }  // also rejects NaN
        return Int64(r)
    }

    // MARK: - From STRING

    @inline(__always)
    static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// The bounds of `p` without leading and trailing ASCII whitespace.
    @inline(__always)
    static func trimmedBounds(_ p: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var i = 0, e = p.count
        while i < e && isASCIISpace(p[i]) { i += 1 }
        while e > i && isASCIISpace(p[e - 1]) { e -= 1 }
        return (i, e)
    }

    @inline(__always)
    static func digit(_ b: UInt8) -> Int? {
        let d = b &- UInt8(ascii: "0")
        return d <= 9 ? Int(d) : nil
    }

    /// Optional whitespace, optional sign, then decimal digits or `0x` and hex digits.
    static func parseInt64(_ p: UnsafeBufferPointer<UInt8>) -> Int64? {
        var (i, e) = trimmedBounds(p)
        var negative = false
        if i < e && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var magnitude: UInt64 = 0
        var base: UInt64 = 10
        if e - i > 2 && p[i] == UInt8(ascii: "0") && (p[i + 1] | 0x20) == UInt8(ascii: "x") {
            base = 16
            i += 2
        }
        guard i < e else { return nil }
        while i < e {
            let b = p[i]
            let d: UInt64
            if let dec = digit(b) {
                d = UInt64(dec)
            } else if base == 16, (b | 0x20) >= UInt8(ascii: "a"), (b | 0x20) <= UInt8(ascii: "f") {
                d = UInt64((b | 0x20) - UInt8(ascii: "a") + 10)
            } else {
                return nil
            }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: base)
            let (s, o2) = m.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            magnitude = s
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Optional whitespace, then a decimal number with optional exponent, or inf / infinity / nan
    /// (any case, optionally signed). Values beyond FLOAT64's range do not convert.
    static func parseDouble(_ p: UnsafeBufferPointer<UInt8>) -> Double? {
        let (start, e) = trimmedBounds(p)
        var i = start
        var negative = false
        if i < e && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        let word = UnsafeBufferPointer(rebasing: p[i..<e])
        if equalsIgnoringCase(word, "inf") || equalsIgnoringCase(word, "infinity") { return negative ? -.infinity : .infinity }
        if equalsIgnoringCase(word, "nan") { return .nan }
        var digits = 0
        while i < e, digit(p[i]) != nil { i += 1; digits += 1 }
        if i < e && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < e, digit(p[i]) != nil { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < e && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < e && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            var exponentDigits = 0
            while i < e, digit(p[i]) != nil { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == e else { return nil }
        let value: Double = withUnsafeTemporaryAllocation(of: CChar.self, capacity: e - start + 1) { buf in
            for k in start..<e { buf[k - start] = CChar(bitPattern: p[k]) }
            buf[e - start] = 0
            return strtod(buf.baseAddress!, nil)
        }
        return value.isFinite ? value : nil
    }

    static func equalsIgnoringCase(_ p: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard p.count == lower.utf8CodeUnitCount else { return false }
        let l = lower.utf8Start
        for k in 0..<p.count where (p[k] >= 0x41 && p[k] <= 0x5A ? p[k] | 0x20 : p[k]) != l[k] { return false }
        return true
    }

    /// "true" / "false", any case, nothing else (as BigQuery).
    static func parseBool(_ p: UnsafeBufferPointer<UInt8>) -> Bool? {
        if equalsIgnoringCase(p, "true") { return true }
        if equalsIgnoringCase(p, "false") { return false }
        return nil
    }

    /// Up to `maxDigits` (at least one) decimal digits at `i`.
    @inline(__always)
    static func number(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ e: Int, maxDigits: Int, minDigits: Int = 1) -> Int? {
        var v = 0, n = 0
        while i < e, n < maxDigits, let d = digit(p[i]) {
            v = v * 10 + d
            n += 1
            i += 1
        }
        return n >= minDigits ? v : nil
    }

    /// `YYYY-[M]M-[D]D` at `i`.
    static func datePrefix(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ e: Int) -> Int32? {
        guard let y = number(p, &i, e, maxDigits: 4, minDigits: 4), i < e, p[i] == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let m = number(p, &i, e, maxDigits: 2), i < e, p[i] == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let d = number(p, &i, e, maxDigits: 2) else { return nil }
        return Cal.date(Int64(y), Int64(m), Int64(d))
    }

    /// The canonical DATE form `YYYY-[M]M-[D]D`, with optional surrounding whitespace.
    static func parseDate(_ p: UnsafeBufferPointer<UInt8>) -> Int32? {
        var (i, e) = trimmedBounds(p)
        guard let d = datePrefix(p, &i, e), i == e else { return nil }
        return d
    }

    /// The canonical TIMESTAMP form: `YYYY-[M]M-[D]D[( |T)[H]H:[M]M[:[S]S[.F{1,6}]]][ ][zone]` with
    /// zone `Z`, `UTC` or `±H[H][[:]MM]`; no zone means UTC.
    static func parseTimestamp(_ p: UnsafeBufferPointer<UInt8>) -> Int64? {
        var (i, e) = trimmedBounds(p)
        guard let days = datePrefix(p, &i, e) else { return nil }
        var micros: Int64 = 0
        if i + 1 < e, p[i] == UInt8(ascii: " ") || (p[i] | 0x20) == UInt8(ascii: "t"), digit(p[i + 1]) != nil {
            i += 1
            guard let h = number(p, &i, e, maxDigits: 2), h <= 23, i < e, p[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let m = number(p, &i, e, maxDigits: 2), m <= 59 else { return nil }
            var s = 0, fraction = 0
            if i < e && p[i] == UInt8(ascii: ":") {
                i += 1
                guard let v = number(p, &i, e, maxDigits: 2), v <= 59 else { return nil }
                s = v
                if i < e && p[i] == UInt8(ascii: ".") {
                    i += 1
                    let from = i
                    guard let f = number(p, &i, e, maxDigits: 6) else { return nil }
                    if i < e, digit(p[i]) != nil { return nil }  // finer than microseconds
                    fraction = f
                    for _ in (i - from)..<6 { fraction *= 10 }
                }
            }
            micros = Int64((h * 60 + m) * 60 + s) * 1_000_000 + Int64(fraction)
        }
        var offset: Int64 = 0
        if i < e && p[i] == UInt8(ascii: " ") { i += 1 }
        if i < e {
            let rest = UnsafeBufferPointer(rebasing: p[i..<e])
            if equalsIgnoringCase(rest, "z") || equalsIgnoringCase(rest, "utc") {
                i = e
            } else if p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                let sign: Int64 = p[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(p, &i, e, maxDigits: 2), oh <= 14 else { return nil }
                var om = 0
                if i < e {
                    if p[i] == UInt8(ascii: ":") { i += 1 }
                    guard let v = number(p, &i, e, maxDigits: 2, minDigits: 2), v <= 59 else { return nil }
                    om = v
                }
                offset = sign * Int64(oh * 60 + om) * 60_000_000
            } else {
                return nil
            }
        }
        guard i == e else { return nil }
        let ts = Int64(days) * CivilTime.microsPerDay + micros - offset
        guard ts >= Cal.minTimestamp && ts <= Cal.maxTimestamp else { return nil }
        return ts
    }
}
