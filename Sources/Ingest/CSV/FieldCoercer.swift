import ColumnStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts CSV field bytes to typed column values on ingest, BigQuery-like.
///
/// Rules common to every type:
/// - An **unquoted empty field** (zero bytes) is NULL for every type, STRING included (like
///   BigQuery's default `null_marker` and DuckDB CSV loads).
/// - A **quoted empty field** `""` is the empty string for STRING and is rejected for every other
///   type (as "not a number", "not a valid date", ...).
/// - For non-STRING types, ASCII spaces and tabs around the value are **trimmed** (`" 42 "` is 42,
///   as DuckDB casts do; hand-written CSVs often have a space after each comma). A field of only
///   spaces is rejected, not NULL. STRING values are kept byte for byte.
/// - Quoting does not matter otherwise: `"42"` in an INT64 column is 42.
///
/// Per type:
/// - **INT64**: `[+-]digits`, leading zeros allowed. Integers written as floats are accepted when
///   integral: `43.0`, `43.`, `-0.00`, and exponent forms `1e3`, `1.5e3`, `150e-1` (all exact,
///   no floating point involved). A non-zero fraction (`43.5`, `1e-3`) is "not an integer";
///   anything else (`4x.5`, `0x10`, `NaN`, `inf`, `1,000`, `''`) is "not a number"; a value outside
///   Int64 (`9223372036854775808`) is "out of range".
/// - **FLOAT64**: decimal and scientific notation (`1.5`, `.5`, `5.`, `-1.5E-3`) and,
///   case-insensitively with optional sign, `nan`, `inf`, `infinity` (BigQuery accepts these too).
///   Hex floats and other strtod extensions are rejected. The value equals C `strtod` bit for bit:
///   a Clinger fast path (≤ 19 significant digits, mantissa ≤ 2^53, |exponent| ≤ 22) and `strtod`
///   otherwise. A finite literal that overflows (`1e999`) is "out of range"; underflow gives the
///   subnormal or zero that strtod gives.
/// - **BOOL**: case-insensitive `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n`, `1`/`0` (BigQuery's
///   CSV rules; the sample data writes `True`/`False`).
/// - **DATE**: exactly `YYYY-MM-DD` (4-2-2 digits), year 0001–9999, a real calendar day
///   (`2024-02-29` yes, `2023-02-29` and `2024-02-30` no).
/// - **TIMESTAMP**: `YYYY-MM-DD`, optionally followed by `T`, `t` or one space and
///   `HH:MM[:SS[.f{1,6}]]`, optionally followed (after at most one space) by a zone: `Z`, `UTC`
///   (case-insensitive), or `±HH`, `±HHMM`, `±HH:MM` (offset up to 18:00). No zone means UTC; a
///   date alone is midnight UTC (as BigQuery loads it). Hours 00–23, minutes and seconds 00–59 (no
///   leap second), more than 6 fraction digits rejected (no silent truncation). The result, in
///   microseconds since the epoch UTC, must lie in 0001-01-01 … 9999-12-31 23:59:59.999999.
/// - **STRING**: any valid UTF-8 (checked with `validateUTF8`), otherwise "invalid UTF-8 at byte N".
public enum FieldCoercer {
    /// Appends `field` to `builder` as a value of `builder.type`, or returns why it cannot (the
    /// builder is then unchanged). See the type's documentation for the accepted forms.
    ///
    /// - Parameters:
    ///   - field: the field's bytes after unquoting (`CSVRecord.field(_:)`).
    ///   - quoted: whether the field was quoted (`CSVRecord.fieldIsQuoted(_:)`); only matters for
    ///     an empty field (unquoted empty = NULL, quoted empty = empty string).
    public static func append(_ field: UnsafeRawBufferPointer, quoted: Bool, to builder: inout ColumnBuilder) -> RejectReason? {
        let type = builder.type
        if field.count == 0 && !quoted {
            builder.appendNull()
            return nil
        }
        switch type {
        case .string:
            if let bad = validateUTF8(field) { return .invalidUTF8(offset: bad) }
            builder.appendString(field)
            return nil
        case .int64:
            switch parseInt64(field) {
            case .value(let v):
                builder.appendInt64(v)
                return nil
            case .notANumber: return .notANumber(.int64, RejectReason.quote(field))
            case .notAnInteger: return .notAnInteger(RejectReason.quote(field))
            case .outOfRange: return .outOfRange(.int64, RejectReason.quote(field))
            }
        case .float64:
            switch parseFloat64(field) {
            case .value(let v):
                builder.appendDouble(v)
                return nil
            case .notANumber, .notAnInteger: return .notANumber(.float64, RejectReason.quote(field))
            case .outOfRange: return .outOfRange(.float64, RejectReason.quote(field))
            }
        case .bool:
            guard let v = parseBool(field) else { return .notABool(RejectReason.quote(field)) }
            builder.appendBool(v)
            return nil
        case .date:
            guard let v = parseDate(field) else { return .invalidDate(RejectReason.quote(field)) }
            builder.appendDate(v)
            return nil
        case .timestamp:
            guard let v = parseTimestamp(field) else { return .invalidTimestamp(RejectReason.quote(field)) }
            builder.appendInt64(v)
            return nil
        }
    }

    // MARK: - UTF-8

    /// Returns nil if `bytes` is valid UTF-8, else the 0-based offset of the first byte of the
    /// first invalid (or truncated) sequence. Rejects overlong forms, surrogates (U+D800–DFFF) and
    /// code points above U+10FFFF, exactly as the Unicode standard (and Swift's `String(validating:)`)
    /// do. ASCII runs are skipped 8 bytes at a time.
    public static func validateUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let p = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        @inline(__always) func cont(_ k: Int) -> Bool { k < n && p.load(fromByteOffset: k, as: UInt8.self) & 0xC0 == 0x80 }
        while i < n {
            while i + 8 <= n && p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i &+= 8 }
            if i >= n { break }
            let b0 = p.load(fromByteOffset: i, as: UInt8.self)
            if b0 < 0x80 {
                i &+= 1
                continue
            }
            if b0 < 0xC2 { return i }  // stray continuation byte, or overlong 2-byte lead C0/C1
            if b0 < 0xE0 {
                guard cont(i + 1) else { return i }
                i &+= 2
                continue
            }
            if b0 < 0xF0 {
                guard i + 1 < n else { return i }
                let b1 = p.load(fromByteOffset: i + 1, as: UInt8.self)
                let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
                let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
                guard b1 >= lo && b1 <= hi && cont(i + 2) else { return i }
                i &+= 3
                continue
            }
            if b0 < 0xF5 {
                guard i + 1 < n else { return i }
                let b1 = p.load(fromByteOffset: i + 1, as: UInt8.self)
                let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
                let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
                guard b1 >= lo && b1 <= hi && cont(i + 2) && cont(i + 3) else { return i }
                i &+= 4
                continue
            }
            return i
        }
        return nil
    }

    // MARK: - Numbers

    enum NumberParse<T: Equatable>: Equatable {
        case value(T)
        case notANumber
        case notAnInteger
        case outOfRange
    }

    @inline(__always)
    static func byte(_ p: UnsafeRawPointer, _ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }

    /// The bounds of `f` without surrounding ASCII spaces and tabs.
    @inline(__always)
    static func trimmed(_ f: UnsafeRawBufferPointer) -> (p: UnsafeRawPointer, start: Int, end: Int)? {
        guard let p = f.baseAddress else { return nil }
        var s = 0
        var e = f.count
        while s < e && (byte(p, s) == 0x20 || byte(p, s) == 0x09) { s += 1 }
        while e > s && (byte(p, e - 1) == 0x20 || byte(p, e - 1) == 0x09) { e -= 1 }
        return s < e ? (p, s, e) : nil
    }

    /// Parses an exponent's digits after `e`/`E` (sign allowed); saturates at ±1,000,000.
    @inline(__always)
    static func parseExponent(_ p: UnsafeRawPointer, _ i: inout Int, _ e: Int) -> Int? {
        var neg = false
        if i < e && (byte(p, i) == 0x2B || byte(p, i) == 0x2D) {
            neg = byte(p, i) == 0x2D
            i += 1
        }
        let start = i
        var v = 0
        while i < e {
            let d = byte(p, i) &- 0x30
            if d > 9 { break }
            if v < 1_000_000 { v = v * 10 + Int(d) }
            i += 1
        }
        if i == start { return nil }
        return neg ? -v : v
    }

    /// The INT64 value of the text (see the type's documentation for the accepted forms).
    static func parseInt64(_ f: UnsafeRawBufferPointer) -> NumberParse<Int64> {
        guard let (p, s, e) = trimmed(f) else { return .notANumber }
        var i = s
        var neg = false
        if byte(p, i) == 0x2D {
            neg = true
            i += 1
        } else if byte(p, i) == 0x2B {
            i += 1
        }
        var mag: UInt64 = 0
        var overflow = false
        let intStart = i
        while i < e {
            let d = byte(p, i) &- 0x30
            if d > 9 { break }
            let (m, o1) = mag.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            mag = a
            overflow = overflow || o1 || o2
            i += 1
        }
        let intEnd = i
        var fracStart = i
        var fracEnd = i
        var fracNonZero = false
        if i < e && byte(p, i) == 0x2E {
            i += 1
            fracStart = i
            while i < e {
                let d = byte(p, i) &- 0x30
                if d > 9 { break }
                if d != 0 { fracNonZero = true }
                i += 1
            }
            fracEnd = i
        }
        if intEnd == intStart && fracEnd == fracStart { return .notANumber }
        var exponent: Int? = nil
        if i < e && byte(p, i) | 0x20 == 0x65 {  // 'e' or 'E'
            i += 1
            guard let x = parseExponent(p, &i, e) else { return .notANumber }
            exponent = x
        }
        if i != e { return .notANumber }

        guard let exp = exponent else {
            if fracNonZero { return .notAnInteger }
            return finishInt(mag, overflow: overflow, negative: neg)
        }
        // value = digits(int ++ frac) × 10^(exp - fracLen), computed exactly.
        let intLen = intEnd - intStart
        let fracLen = fracEnd - fracStart
        let total = intLen + fracLen
        @inline(__always) func digit(_ k: Int) -> UInt8 {
            byte(p, k < intLen ? intStart + k : fracStart + (k - intLen)) &- 0x30
        }
        var lead = 0
        while lead < total && digit(lead) == 0 { lead += 1 }
        if lead == total { return .value(0) }
        var trail = total - 1
        while digit(trail) == 0 { trail -= 1 }
        let scale = exp - fracLen + (total - 1 - trail)
        if scale < 0 { return .notAnInteger }
        let significant = trail - lead + 1
        if significant + scale > 19 { return .outOfRange }
        var v: UInt64 = 0
        for k in lead...trail { v = v * 10 + UInt64(digit(k)) }
        var o = false
        for _ in 0..<scale {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            v = m
            o = o || o1
        }
        return finishInt(v, overflow: o, negative: neg)
    }

    @inline(__always)
    static func finishInt(_ mag: UInt64, overflow: Bool, negative: Bool) -> NumberParse<Int64> {
        if overflow { return .outOfRange }
        if negative {
            if mag > UInt64(Int64.max) + 1 { return .outOfRange }
            return .value(Int64(bitPattern: 0 &- mag))
        }
        if mag > UInt64(Int64.max) { return .outOfRange }
        return .value(Int64(mag))
    }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Whether `p[i..<e]` equals the lowercase ASCII `word`, ignoring case.
    @inline(__always)
    static func equalsIgnoringCase(_ p: UnsafeRawPointer, _ i: Int, _ e: Int, _ word: StaticString) -> Bool {
        guard e - i == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(e - i) {
            var b = byte(p, i + k)
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            if b != w[k] { return false }
        }
        return true
    }

    /// The FLOAT64 value of the text (see the type's documentation); equals `strtod` exactly.
    static func parseFloat64(_ f: UnsafeRawBufferPointer) -> NumberParse<Double> {
        guard let (p, s, e) = trimmed(f) else { return .notANumber }
        var i = s
        var neg = false
        if byte(p, i) == 0x2D {
            neg = true
            i += 1
        } else if byte(p, i) == 0x2B {
            i += 1
        }
        if i < e && byte(p, i) | 0x20 >= 0x61 && byte(p, i) | 0x20 <= 0x7A {
            if equalsIgnoringCase(p, i, e, "nan") { return .value(neg ? -Double.nan : Double.nan) }
            if equalsIgnoringCase(p, i, e, "inf") || equalsIgnoringCase(p, i, e, "infinity") {
                return .value(neg ? -Double.infinity : Double.infinity)
            }
            return .notANumber
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var dropped = false
        var exp10 = 0
        var digits = 0
        while i < e {
            let d = byte(p, i) &- 0x30
            if d > 9 { break }
            digits += 1
            if mantissa == 0 && d == 0 {
                // leading zero
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                significant += 1
            } else {
                exp10 += 1
                if d != 0 { dropped = true }
            }
            i += 1
        }
        if i < e && byte(p, i) == 0x2E {
            i += 1
            while i < e {
                let d = byte(p, i) &- 0x30
                if d > 9 { break }
                digits += 1
                if mantissa == 0 && d == 0 {
                    exp10 -= 1
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significant += 1
                    exp10 -= 1
                } else if d != 0 {
                    dropped = true
                }
                i += 1
            }
        }
        if digits == 0 { return .notANumber }
        if i < e && byte(p, i) | 0x20 == 0x65 {
            i += 1
            guard let x = parseExponent(p, &i, e) else { return .notANumber }
            exp10 += x
        }
        if i != e { return .notANumber }

        if !dropped {
            if mantissa == 0 { return .value(neg ? -0.0 : 0.0) }
            if mantissa <= (1 << 53) && exp10 >= -22 && exp10 <= 22 {
                var v = Double(mantissa)
                v = exp10 >= 0 ? v * powersOfTen[exp10] : v / powersOfTen[-exp10]
                return .value(neg ? -v : v)
            }
        }
        let v = strtodExact(p, s, e)
        if v.isInfinite { return .outOfRange }
        return .value(v)
    }

    /// `strtod` of the (already validated) text `p[s..<e]`, via a NUL-terminated copy. Falls back
    /// to Swift's locale-independent parser if a non-C locale made strtod stop early.
    static func strtodExact(_ p: UnsafeRawPointer, _ s: Int, _ e: Int) -> Double {
        let n = e - s
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf in
            let b = buf.baseAddress!
            UnsafeMutableRawPointer(b).copyMemory(from: p + s, byteCount: n)
            b[n] = 0
            var endPtr: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(b, &endPtr)
            if endPtr == b + n { return v }
            let text = String(decoding: UnsafeRawBufferPointer(start: p + s, count: n), as: UTF8.self)
            return Double(text) ?? .nan
        }
    }

    // MARK: - BOOL

    /// true/t/yes/y/1 or false/f/no/n/0, case-insensitive, trimmed.
    static func parseBool(_ f: UnsafeRawBufferPointer) -> Bool? {
        guard let (p, s, e) = trimmed(f), e - s <= 5 else { return nil }
        var key: UInt64 = 0
        for k in s..<e {
            var b = byte(p, k)
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            key = key << 8 | UInt64(b)
        }
        switch key {
        case 0x74, 0x79, 0x31, 0x79_6573, 0x7472_7565: return true  // t y 1 yes true
        case 0x66, 0x6E, 0x30, 0x6E6F, 0x66_616C_7365: return false  // f n 0 no false
        default: return nil
        }
    }

    // MARK: - DATE and TIMESTAMP

    @inline(__always)
    static func twoDigits(_ p: UnsafeRawPointer, _ i: Int) -> Int? {
        let a = byte(p, i) &- 0x30, b = byte(p, i + 1) &- 0x30
        guard a <= 9 && b <= 9 else { return nil }
        return Int(a) * 10 + Int(b)
    }

    /// Days since the epoch of a strict `YYYY-MM-DD` at `p[i..<i+10]` (caller checks the length).
    @inline(__always)
    static func dateAt(_ p: UnsafeRawPointer, _ i: Int) -> Int32? {
        guard let y1 = twoDigits(p, i), let y2 = twoDigits(p, i + 2), byte(p, i + 4) == 0x2D,
              let m = twoDigits(p, i + 5), byte(p, i + 7) == 0x2D, let d = twoDigits(p, i + 8)
        else { return nil }
        let y = y1 * 100 + y2
        guard y >= 1, m >= 1, m <= 12, d >= 1, d <= CivilTime.daysInMonth(year: y, month: m) else { return nil }
        return CivilTime.days(year: y, month: m, day: d)
    }

    static func parseDate(_ f: UnsafeRawBufferPointer) -> Int32? {
        guard let (p, s, e) = trimmed(f), e - s == 10 else { return nil }
        return dateAt(p, s)
    }

    static let minTimestamp = Int64(CivilTime.days(year: 1, month: 1, day: 1)) * CivilTime.microsPerDay
    static let maxTimestamp = Int64(CivilTime.days(year: 9999, month: 12, day: 31)) * CivilTime.microsPerDay
        + CivilTime.microsPerDay - 1

    /// Microseconds since the epoch UTC (see the type's documentation for the grammar).
    static func parseTimestamp(_ f: UnsafeRawBufferPointer) -> Int64? {
        guard let (p, s, e) = trimmed(f), e - s >= 10, let days = dateAt(p, s) else { return nil }
        var i = s + 10
        var seconds = 0
        var micros = 0
        if i < e {
            let sep = byte(p, i)
            guard sep == 0x20 || sep == 0x54 || sep == 0x74 else { return nil }  // ' ', 'T', 't'
            i += 1
            guard i + 5 <= e, let hh = twoDigits(p, i), byte(p, i + 2) == 0x3A, let mm = twoDigits(p, i + 3),
                  hh <= 23, mm <= 59 else { return nil }
            i += 5
            var ss = 0
            if i < e && byte(p, i) == 0x3A {
                guard i + 3 <= e, let v = twoDigits(p, i + 1), v <= 59 else { return nil }
                ss = v
                i += 3
                if i < e && byte(p, i) == 0x2E {
                    i += 1
                    var nd = 0
                    while i < e, byte(p, i) &- 0x30 <= 9 {
                        guard nd < 6 else { return nil }
                        micros = micros * 10 + Int(byte(p, i) &- 0x30)
                        nd += 1
                        i += 1
                    }
                    guard nd > 0 else { return nil }
                    for _ in nd..<6 { micros *= 10 }
                }
            }
            seconds = (hh * 60 + mm) * 60 + ss
            // Zone.
            if i < e && byte(p, i) == 0x20 { i += 1 }
            if i < e {
                let z = byte(p, i)
                if (z == 0x5A || z == 0x7A) && i + 1 == e {  // Z
                    i += 1
                } else if equalsIgnoringCase(p, i, e, "utc") {
                    i = e
                } else if z == 0x2B || z == 0x2D {
                    guard i + 3 <= e, let oh = twoDigits(p, i + 1) else { return nil }
                    var om = 0
                    var k = i + 3
                    if k < e {
                        if byte(p, k) == 0x3A { k += 1 }
                        guard k + 2 == e, let v = twoDigits(p, k), v <= 59 else { return nil }
                        om = v
                        k += 2
                    }
                    let offset = oh * 3600 + om * 60
                    guard offset <= 18 * 3600 else { return nil }
                    seconds -= z == 0x2B ? offset : -offset
                    i = k
                } else {
                    return nil
                }
            }
            guard i == e else { return nil }
        }
        let v = Int64(days) * CivilTime.microsPerDay + Int64(seconds) * CivilTime.microsPerSecond + Int64(micros)
        guard v >= minTimestamp && v <= maxTimestamp else { return nil }
        return v
    }
}
