import ColumnStore
import Foundation

/// A byte range inside `EventParser.scratch`.
struct ByteRange {
    var start: Int32
    var count: Int32
}

/// One validated watch event. String fields are ranges into the parser's scratch buffer, valid
/// until the next `parse` call.
struct ParsedEvent {
    var session = ByteRange(start: 0, count: 0)
    var user = ByteRange(start: 0, count: 0)
    var movie = ByteRange(start: 0, count: 0)
    var action = ByteRange(start: 0, count: 0)
    var device: ByteRange?
    var quality: ByteRange?
    var country: ByteRange?
    var watchDate: Int32?
    var duration: Double?
    var progress: Double?
    var isDownload: Bool?
    var userRating: Int64?
    /// Microseconds since the epoch, UTC.
    var eventTime: Int64 = 0
}

/// Why a message went to `_dead_letters`.
struct DeadLetterReason: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

/// Parses and validates one JSON message of the watch-event stream.
///
/// The message must be one flat JSON object. Bare `NaN` (what Python writes for a missing number)
/// and `null` mean a missing value. Rules (docs/streaming.md, "Dead letters"):
/// - key fields `session_id`, `user_id`, `movie_id`, `action` (non-empty strings) and the event time
///   (`event_time`, else `timestamp`, `YYYY-MM-DD HH:MM:SS[.ffffff]`, `T` and a trailing `Z` accepted)
///   must be present;
/// - every known field must have its type (strings, numbers, booleans);
/// - impossible values: progress outside 0–100, negative duration, a rating that is not a whole
///   number from 1 to 5, an unparseable date or time.
/// Unknown fields are ignored.
struct EventParser {
    /// Decoded string bytes of the current message.
    private(set) var scratch: [UInt8] = []

    /// The value of each known field of the current message (reused: no allocation per message).
    private var values = [JSONValue?](repeating: nil, count: 14)

    init() { scratch.reserveCapacity(4096) }

    private enum JSONValue {
        case string(ByteRange)
        case number(Double)
        case missing          // null or NaN
        case bool(Bool)
        case other            // nested object or array
    }

    private enum Field: Int {
        case session, user, movie, watchDate, device, duration, progress, action, quality, country, download, rating, eventTime, timestamp
    }

    private static func field(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int) -> Field? {
        func eq(_ name: StaticString) -> Bool {
            guard name.utf8CodeUnitCount == n else { return false }
            return memcmp(p.baseAddress! + s, name.utf8Start, n) == 0
        }
        switch n {
        case 6: return eq("action") ? .action : nil
        case 7: return eq("user_id") ? .user : eq("quality") ? .quality : nil
        case 8: return eq("movie_id") ? .movie : nil
        case 9: return eq("timestamp") ? .timestamp : nil
        case 10: return eq("session_id") ? .session : eq("watch_date") ? .watchDate : eq("event_time") ? .eventTime : nil
        case 11: return eq("device_type") ? .device : eq("is_download") ? .download : eq("user_rating") ? .rating : nil
        case 16: return eq("location_country") ? .country : nil
        case 19: return eq("progress_percentage") ? .progress : nil
        case 22: return eq("watch_duration_minutes") ? .duration : nil
        default: return nil
        }
    }

    /// Parses `payload` into `event`, or throws the dead-letter reason.
    mutating func parse(_ payload: UnsafeRawBufferPointer, into event: inout ParsedEvent) throws {
        scratch.removeAll(keepingCapacity: true)
        event = ParsedEvent()
        guard let base = payload.baseAddress, payload.count > 0 else { throw DeadLetterReason("empty message") }
        let n = payload.count
        var i = 0
        @inline(__always) func skipSpace() { while i < n, base.load(fromByteOffset: i, as: UInt8.self) <= 0x20 { i += 1 } }
        @inline(__always) func byte() -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

        skipSpace()
        guard i < n, byte() == UInt8(ascii: "{") else { throw DeadLetterReason("not JSON: expected an object") }
        i += 1
        for k in values.indices { values[k] = nil }
        skipSpace()
        if i < n, byte() == UInt8(ascii: "}") { i += 1 } else {
            while true {
                skipSpace()
                guard i < n, byte() == UInt8(ascii: "\"") else { throw DeadLetterReason("not JSON: expected a field name at byte \(i)") }
                // Field names are compared undecoded; none of ours needs escapes.
                let keyStart = i + 1
                var j = keyStart
                while j < n, base.load(fromByteOffset: j, as: UInt8.self) != UInt8(ascii: "\"") {
                    if base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                guard j < n else { throw DeadLetterReason("not JSON: unterminated field name") }
                let f = Self.field(payload, keyStart, j - keyStart)
                i = j + 1
                skipSpace()
                guard i < n, byte() == UInt8(ascii: ":") else { throw DeadLetterReason("not JSON: expected ':' at byte \(i)") }
                i += 1
                skipSpace()
                let v = try parseValue(base, n, &i)
                if let f { values[f.rawValue] = v }
                skipSpace()
                guard i < n else { throw DeadLetterReason("not JSON: unterminated object") }
                if byte() == UInt8(ascii: ",") { i += 1; continue }
                if byte() == UInt8(ascii: "}") { i += 1; break }
                throw DeadLetterReason("not JSON: expected ',' or '}' at byte \(i)")
            }
        }
        skipSpace()
        guard i == n else { throw DeadLetterReason("not JSON: text after the object at byte \(i)") }

        func requiredString(_ f: Field, _ name: String) throws -> ByteRange {
            switch values[f.rawValue] {
            case .string(let r)?:
                guard r.count > 0 else { throw DeadLetterReason("key field \(name) is empty") }
                return r
            case nil, .missing?: throw DeadLetterReason("missing key field \(name)")
            default: throw DeadLetterReason("wrong type: \(name) must be a string")
            }
        }
        func optionalString(_ f: Field, _ name: String) throws -> ByteRange? {
            switch values[f.rawValue] {
            case .string(let r)?: return r
            case nil, .missing?: return nil
            default: throw DeadLetterReason("wrong type: \(name) must be a string")
            }
        }
        func optionalNumber(_ f: Field, _ name: String) throws -> Double? {
            switch values[f.rawValue] {
            case .number(let d)?: return d
            case nil, .missing?: return nil
            default: throw DeadLetterReason("wrong type: \(name) must be a number")
            }
        }
        event.session = try requiredString(.session, "session_id")
        event.user = try requiredString(.user, "user_id")
        event.movie = try requiredString(.movie, "movie_id")
        event.action = try requiredString(.action, "action")
        event.device = try optionalString(.device, "device_type")
        event.quality = try optionalString(.quality, "quality")
        event.country = try optionalString(.country, "location_country")

        let timeField: (Field, String) = values[Field.eventTime.rawValue] != nil ? (.eventTime, "event_time") : (.timestamp, "timestamp")
        let timeRange = try requiredString(timeField.0, timeField.1)
        guard let t = scratch.withUnsafeBytes({ EventTime.parseTimestamp(UnsafeRawBufferPointer(rebasing: $0[Int(timeRange.start)..<Int(timeRange.start + timeRange.count)])) }) else {
            throw DeadLetterReason("impossible value: \(timeField.1) \"\(string(timeRange))\" is not a time (YYYY-MM-DD HH:MM:SS)")
        }
        event.eventTime = t

        if let r = try optionalString(.watchDate, "watch_date") {
            guard let d = scratch.withUnsafeBytes({ EventTime.parseDate(UnsafeRawBufferPointer(rebasing: $0[Int(r.start)..<Int(r.start + r.count)])) }) else {
                throw DeadLetterReason("impossible value: watch_date \"\(string(r))\" is not a date (YYYY-MM-DD)")
            }
            event.watchDate = d
        }
        if let d = try optionalNumber(.duration, "watch_duration_minutes") {
            guard d >= 0, d.isFinite else { throw DeadLetterReason("impossible value: watch_duration_minutes \(d) is negative") }
            event.duration = d
        }
        if let p = try optionalNumber(.progress, "progress_percentage") {
            guard p >= 0, p <= 100 else { throw DeadLetterReason("impossible value: progress_percentage \(p) is outside 0-100") }
            event.progress = p
        }
        if let r = try optionalNumber(.rating, "user_rating") {
            guard r >= 1, r <= 5, r.rounded() == r else { throw DeadLetterReason("impossible value: user_rating \(r) is not a whole number from 1 to 5") }
            event.userRating = Int64(r)
        }
        switch values[Field.download.rawValue] {
        case .bool(let b)?: event.isDownload = b
        case nil, .missing?: event.isDownload = nil
        default: throw DeadLetterReason("wrong type: is_download must be true or false")
        }
    }

    /// The decoded text of a scratch range.
    func string(_ r: ByteRange) -> String {
        String(decoding: scratch[Int(r.start)..<Int(r.start + r.count)], as: UTF8.self)
    }

    private mutating func parseValue(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int) throws -> JSONValue {
        let c = base.load(fromByteOffset: i, as: UInt8.self)
        switch c {
        case UInt8(ascii: "\""):
            return .string(try parseString(base, n, &i))
        case UInt8(ascii: "n"):
            try expectWord("null", base, n, &i); return .missing
        case UInt8(ascii: "N"):
            try expectWord("NaN", base, n, &i); return .missing
        case UInt8(ascii: "t"):
            try expectWord("true", base, n, &i); return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false", base, n, &i); return .bool(false)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested(base, n, &i); return .other
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber(base, n, &i))
        default:
            throw DeadLetterReason("not JSON: unexpected character at byte \(i)")
        }
    }

    private func expectWord(_ word: StaticString, _ base: UnsafeRawPointer, _ n: Int, _ i: inout Int) throws {
        let w = word.utf8CodeUnitCount
        guard i + w <= n, memcmp(base + i, word.utf8Start, w) == 0 else { throw DeadLetterReason("not JSON: bad literal at byte \(i)") }
        i += w
    }

    private func parseNumber(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int) throws -> Double {
        let start = i
        while i < n {
            let c = base.load(fromByteOffset: i, as: UInt8.self)
            if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { i += 1 } else { break }
        }
        let len = i - start
        guard len > 0, len < 64 else { throw DeadLetterReason("not JSON: bad number at byte \(start)") }
        if let d = Self.shortDecimal(base + start, len) { return d }
        return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf -> Double in
            memcpy(buf.baseAddress!, base + start, len)
            buf[len] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let d = strtod(buf.baseAddress!, &end)
            guard let end, end - buf.baseAddress! == len else { throw DeadLetterReason("not JSON: bad number at byte \(start)") }
            return d
        }
    }

    /// Powers of ten that are exact doubles (10^0 ... 10^15).
    private static let exactPowersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { p, _ in p * 10 } }

    /// The value of `-?digits[.digits]` with at most 15 digits in all, without `strtod`; nil for any other
    /// text (exponents, a sign '+', a lone '.', more digits), which `strtod` then parses. Exact: the digits
    /// form an integer below 2^53 and 10^k (k <= 15) is exact, so the one IEEE division rounds correctly,
    /// the same double `strtod` returns (Clinger's fast path).
    @inline(__always)
    private static func shortDecimal(_ p: UnsafeRawPointer, _ len: Int) -> Double? {
        var k = 0
        let negative = p.load(as: UInt8.self) == UInt8(ascii: "-")
        if negative { k = 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fraction = 0
        var seenPoint = false
        while k < len {
            let c = p.load(fromByteOffset: k, as: UInt8.self)
            if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                guard digits < 15 else { return nil }
                mantissa = mantissa * 10 + UInt64(c - UInt8(ascii: "0"))
                digits += 1
                if seenPoint { fraction += 1 }
            } else if c == UInt8(ascii: "."), !seenPoint, digits > 0 {
                seenPoint = true
            } else {
                return nil
            }
            k += 1
        }
        guard digits > 0, digits <= 15, !seenPoint || fraction > 0 else { return nil }
        let d = Double(mantissa) / exactPowersOfTen[fraction]
        return negative ? -d : d
    }

    private mutating func parseString(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int) throws -> ByteRange {
        let start = Int32(scratch.count)
        i += 1
        var runStart = i
        while i < n {
            let c = base.load(fromByteOffset: i, as: UInt8.self)
            if c == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
                i += 1
                return ByteRange(start: start, count: Int32(scratch.count) - start)
            }
            if c == UInt8(ascii: "\\") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
                guard i + 1 < n else { break }
                let e = base.load(fromByteOffset: i + 1, as: UInt8.self)
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 <= n, let u = UInt32(String(decoding: UnsafeRawBufferPointer(start: base + i, count: 4), as: UTF8.self), radix: 16) else {
                        throw DeadLetterReason("not JSON: bad \\u escape")
                    }
                    i += 4
                    var code = u
                    if (0xD800...0xDBFF).contains(u), i + 6 <= n, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "\\"),
                       let lo = UInt32(String(decoding: UnsafeRawBufferPointer(start: base + i + 2, count: 4), as: UTF8.self), radix: 16),
                       (0xDC00...0xDFFF).contains(lo) {
                        code = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                        i += 6
                    }
                    scratch.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8))
                default: throw DeadLetterReason("not JSON: bad escape at byte \(i - 1)")
                }
                runStart = i
                continue
            }
            if c < 0x20 { throw DeadLetterReason("not JSON: control character in a string at byte \(i)") }
            i += 1
        }
        throw DeadLetterReason("not JSON: unterminated string")
    }

    private func skipNested(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int) throws {
        var depth = 0
        var inString = false
        while i < n {
            let c = base.load(fromByteOffset: i, as: UInt8.self)
            i += 1
            if inString {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return }
            default: break
            }
        }
        throw DeadLetterReason("not JSON: unterminated nested value")
    }
}

/// Date and time text of the stream, parsed without Foundation.
public enum EventTime {
    /// `YYYY-MM-DD` → days since 1970-01-01, or nil.
    public static func parseDate(_ b: UnsafeRawBufferPointer) -> Int32? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2),
              m >= 1, m <= 12, d >= 1, d <= CivilTime.daysInMonth(year: y, month: m) else { return nil }
        return CivilTime.days(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD HH:MM:SS[.f{1,6}]` (also `T` as separator) with an optional zone `Z`, `±HH`, `±HHMM`
    /// or `±HH:MM` (no zone: UTC) → microseconds since the epoch (UTC), or nil.
    public static func parseTimestamp(_ b: UnsafeRawBufferPointer) -> Int64? {
        var n = b.count
        var offsetMinutes = 0
        if n > 0, b[n - 1] == UInt8(ascii: "Z") {
            n -= 1
        } else if n > 19 {
            // A zone starts at the last '+' or '-' after the seconds.
            var z = n - 1
            while z > 19, b[z] != UInt8(ascii: "+"), b[z] != UInt8(ascii: "-") { z -= 1 }
            if z >= 19, b[z] == UInt8(ascii: "+") || b[z] == UInt8(ascii: "-") {
                let sign = b[z] == UInt8(ascii: "-") ? -1 : 1
                let zone = n - z - 1
                var hh: Int?, mm: Int? = 0
                switch zone {
                case 2: hh = digits(b, z + 1, 2)
                case 4: hh = digits(b, z + 1, 2); mm = digits(b, z + 3, 2)
                case 5 where b[z + 3] == UInt8(ascii: ":"): hh = digits(b, z + 1, 2); mm = digits(b, z + 4, 2)
                default: return nil
                }
                guard let hh, let mm, hh <= 18, mm < 60 else { return nil }
                offsetMinutes = sign * (hh * 60 + mm)
                n = z
            }
        }
        guard n >= 19, let days = parseDate(UnsafeRawBufferPointer(rebasing: b[0..<10])),
              b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let hh = digits(b, 11, 2), let mm = digits(b, 14, 2), let ss = digits(b, 17, 2),
              hh < 24, mm < 60, ss < 60 else { return nil }
        var micros: Int64 = 0
        if n > 19 {
            guard b[19] == UInt8(ascii: "."), n > 20, n <= 26, let f = digits(b, 20, n - 20) else { return nil }
            micros = Int64(f)
            for _ in 0..<(6 - (n - 20)) { micros *= 10 }
        }
        return Int64(days) * CivilTime.microsPerDay + Int64(hh * 3600 + mm * 60 + ss - offsetMinutes * 60) * CivilTime.microsPerSecond + micros
    }

    public static func parseTimestamp(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseTimestamp(UnsafeRawBufferPointer($0)) }
    }

    private static func digits(_ b: UnsafeRawBufferPointer, _ at: Int, _ count: Int) -> Int? {
        var v = 0
        for k in at..<(at + count) {
            let c = b[k]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(c - UInt8(ascii: "0"))
        }
        return v
    }
}
