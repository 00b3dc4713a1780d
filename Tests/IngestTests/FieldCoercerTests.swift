import ColumnStore
import Foundation
import Testing
@testable import Ingest

/// Coerces one field into a fresh builder of `type`; returns the stored value or the reject reason.
func coerce(_ bytes: [UInt8], as type: ColumnType, quoted: Bool = false) -> (value: Value?, reason: RejectReason?) {
    var builder = ColumnBuilder(type: type)
    let reason = bytes.withUnsafeBytes { FieldCoercer.append($0, quoted: quoted, to: &builder) }
    if reason != nil {
        #expect(builder.count == 0, "a rejected field must leave the builder unchanged")
        return (nil, reason)
    }
    #expect(builder.count == 1)
    let column = builder.finish()
    column.verify()
    return (column.value(at: 0), nil)
}

func coerce(_ text: String, as type: ColumnType, quoted: Bool = false) -> (value: Value?, reason: RejectReason?) {
    coerce(Array(text.utf8), as: type, quoted: quoted)
}

func micros(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, _ us: Int64 = 0) -> Int64 {
    Int64(CivilTime.days(year: y, month: mo, day: d)) * CivilTime.microsPerDay
        + Int64((h * 60 + mi) * 60 + s) * CivilTime.microsPerSecond + us
}

/// C strtod of a Swift string, the reference for FLOAT64.
func strtodOf(_ text: String) -> Double {
    text.withCString { strtod($0, nil) }
}

@Suite struct FieldCoercerTests {
    // MARK: NULL and empty

    @Test("an unquoted empty field is NULL for every type", arguments: ColumnType.allCases)
    func unquotedEmptyIsNull(type: ColumnType) {
        let (value, reason) = coerce("", as: type)
        #expect(reason == nil)
        #expect(value == .null)
    }

    @Test("a quoted empty field is the empty string for STRING")
    func quotedEmptyIsEmptyString() {
        #expect(coerce("", as: .string, quoted: true).value == .string(""))
    }

    @Test("a quoted empty field is rejected for every non-STRING type", arguments: [
        (ColumnType.int64, RejectReason.notANumber(.int64, "")),
        (.float64, .notANumber(.float64, "")),
        (.bool, .notABool("")),
        (.date, .invalidDate("")),
        (.timestamp, .invalidTimestamp("")),
    ])
    func quotedEmptyRejectedForNonString(type: ColumnType, reason: RejectReason) {
        #expect(coerce("", as: type, quoted: true).reason == reason)
    }

    @Test("quoting does not change a non-empty value")
    func quotingIsIrrelevant() {
        #expect(coerce("42", as: .int64, quoted: true).value == .int64(42))
        #expect(coerce("x", as: .string, quoted: true).value == .string("x"))
    }

    // MARK: INT64

    static let acceptedInts: [(String, Int64)] = [
        ("42", 42), ("-7", -7), ("+5", 5), ("007", 7), ("0", 0), ("-0", 0),
        ("43.0", 43), ("43.00", 43), ("43.", 43), ("-0.0", 0), (".0", 0), ("-12.000", -12),
        (" 42 ", 42), ("\t42\t", 42),
        ("1e3", 1000), ("1E3", 1000), ("1.5e3", 1500), ("150e-1", 15), ("0e999", 0), ("2.50e+1", 25),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ("9.223372036854775807e18", .max), ("-9223372036854775808.000", .min),
    ]

    @Test("INT64 accepts integers, integral floats and integral exponent forms", arguments: acceptedInts)
    func int64Accepted(text: String, expected: Int64) {
        let (value, reason) = coerce(text, as: .int64)
        #expect(reason == nil)
        #expect(value == .int64(expected))
    }

    static let rejectedInts: [(String, RejectReason)] = [
        ("43.5", .notAnInteger("43.5")),
        ("-0.01", .notAnInteger("-0.01")),
        ("1e-3", .notAnInteger("1e-3")),
        ("1.25e1", .notAnInteger("1.25e1")),
        ("4x.5", .notANumber(.int64, "4x.5")),
        ("abc", .notANumber(.int64, "abc")),
        ("NaN", .notANumber(.int64, "NaN")),
        ("inf", .notANumber(.int64, "inf")),
        ("0x10", .notANumber(.int64, "0x10")),
        ("1,000", .notANumber(.int64, "1,000")),
        ("1 000", .notANumber(.int64, "1 000")),
        ("-", .notANumber(.int64, "-")),
        (".", .notANumber(.int64, ".")),
        ("1e", .notANumber(.int64, "1e")),
        ("1e+", .notANumber(.int64, "1e+")),
        ("--1", .notANumber(.int64, "--1")),
        ("e5", .notANumber(.int64, "e5")),
        (" ", .notANumber(.int64, " ")),
        ("99999999999999999999x", .notANumber(.int64, "99999999999999999999x")),
        ("9223372036854775808", .outOfRange(.int64, "9223372036854775808")),
        ("-9223372036854775809", .outOfRange(.int64, "-9223372036854775809")),
        ("99999999999999999999", .outOfRange(.int64, "99999999999999999999")),
        ("1e19", .outOfRange(.int64, "1e19")),
        ("9.3e18", .outOfRange(.int64, "9.3e18")),
        ("1e999999999999", .outOfRange(.int64, "1e999999999999")),
    ]

    @Test("INT64 rejects non-integral numbers, non-numbers and overflow with the right reason", arguments: rejectedInts)
    func int64Rejected(text: String, reason: RejectReason) {
        #expect(coerce(text, as: .int64).reason == reason)
    }

    // MARK: FLOAT64

    static let acceptedFloats: [String] = [
        "1.5", "-0.25", "1e10", "1.5E-3", ".5", "5.", "+2", "0.1", "3.141592653589793", "  3.25 ",
        "123456789012345678901234567890", "4.9e-324", "1e-400", "2.2250738585072011e-308",
        "1.7976931348623157e308", "9007199254740993", "0.000001234", "1e22", "1e23", "-0",
        "43.0", "12345678901234567890.5e-3",
    ]

    @Test("FLOAT64 accepts decimal and scientific notation with exactly strtod's value", arguments: acceptedFloats)
    func float64Accepted(text: String) {
        let (value, reason) = coerce(text, as: .float64)
        #expect(reason == nil)
        guard case .float64(let v)? = value else {
            Issue.record("not a FLOAT64: \(String(describing: value))")
            return
        }
        #expect(v.bitPattern == strtodOf(text).bitPattern)
    }

    static let floatKeywords: [(String, Double)] = [
        ("NaN", .nan), ("nan", .nan), ("Inf", .infinity), ("inf", .infinity), ("-inf", -.infinity),
        ("+Infinity", .infinity), ("INFINITY", .infinity), ("-Infinity", -.infinity),
    ]

    @Test("FLOAT64 accepts NaN, Inf and Infinity in any case", arguments: floatKeywords)
    func float64Keywords(text: String, expected: Double) {
        guard case .float64(let v)? = coerce(text, as: .float64).value else {
            Issue.record("\(text) rejected")
            return
        }
        if expected.isNaN { #expect(v.isNaN) } else { #expect(v == expected) }
    }

    @Test("FLOAT64 keeps the sign of negative zero")
    func float64NegativeZero() {
        guard case .float64(let v)? = coerce("-0.0", as: .float64).value else { return }
        #expect(v == 0 && v.sign == .minus)
    }

    static let rejectedFloats: [(String, RejectReason)] = [
        ("abc", .notANumber(.float64, "abc")),
        ("1.2.3", .notANumber(.float64, "1.2.3")),
        ("0x1p3", .notANumber(.float64, "0x1p3")),
        ("1e", .notANumber(.float64, "1e")),
        ("e5", .notANumber(.float64, "e5")),
        (".", .notANumber(.float64, ".")),
        ("--1", .notANumber(.float64, "--1")),
        ("1,5", .notANumber(.float64, "1,5")),
        ("nan(1)", .notANumber(.float64, "nan(1)")),
        ("infinit", .notANumber(.float64, "infinit")),
        ("1e999", .outOfRange(.float64, "1e999")),
        ("-1.8e308", .outOfRange(.float64, "-1.8e308")),
    ]

    @Test("FLOAT64 rejects non-numbers and overflowing literals", arguments: rejectedFloats)
    func float64Rejected(text: String, reason: RejectReason) {
        #expect(coerce(text, as: .float64).reason == reason)
    }

    @Test("FLOAT64 equals strtod bit for bit on random decimal strings", arguments: [21, 22])
    func float64MatchesStrtod(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<20_000 {
            var s = Bool.random(using: &g) ? "-" : ""
            let intDigits = Int.random(in: 0...20, using: &g)
            for _ in 0..<intDigits { s += String(Int.random(in: 0...9, using: &g)) }
            let fracDigits = Int.random(in: intDigits == 0 ? 1...20 : 0...20, using: &g)
            if fracDigits > 0 || Bool.random(using: &g) { s += "." }
            for _ in 0..<fracDigits { s += String(Int.random(in: 0...9, using: &g)) }
            if Int.random(in: 0..<3, using: &g) == 0 { s += "e" + String(Int.random(in: -330...310, using: &g)) }
            let reference = strtodOf(s)
            let (value, reason) = coerce(s, as: .float64)
            if reference.isInfinite {
                #expect(reason == .outOfRange(.float64, s))
            } else if case .float64(let v)? = value {
                #expect(v.bitPattern == reference.bitPattern, "\(s)")
            } else {
                Issue.record("\(s) rejected: \(String(describing: reason))")
            }
        }
    }

    // MARK: BOOL

    @Test("BOOL accepts true/false, t/f, yes/no, y/n and 1/0 in any case", arguments: [
        ("true", true), ("True", true), ("TRUE", true), ("t", true), ("T", true), ("yes", true), ("Y", true),
        ("y", true), ("1", true), (" true ", true),
        ("false", false), ("False", false), ("FALSE", false), ("f", false), ("no", false), ("N", false),
        ("0", false), ("\tFalse", false),
    ])
    func boolAccepted(text: String, expected: Bool) {
        #expect(coerce(text, as: .bool).value == .bool(expected))
    }

    @Test("BOOL rejects anything else", arguments: ["2", "yes!", "tru", "maybe", "10", "on", "\u{11}", "truee", "-1"])
    func boolRejected(text: String) {
        let shown = Array(text.utf8).withUnsafeBytes { RejectReason.quote($0) }  // "\u{11}" shows as "\\x11"
        #expect(coerce(text, as: .bool).reason == .notABool(shown))
    }

    // MARK: DATE

    @Test("DATE accepts strict YYYY-MM-DD calendar dates", arguments: [
        ("2024-02-29", 2024, 2, 29), ("1970-01-01", 1970, 1, 1), ("0001-01-01", 1, 1, 1),
        ("9999-12-31", 9999, 12, 31), ("2025-12-31", 2025, 12, 31), ("2000-02-29", 2000, 2, 29),
    ])
    func dateAccepted(text: String, y: Int, m: Int, d: Int) {
        #expect(coerce(text, as: .date).value == .date(CivilTime.days(year: y, month: m, day: d)))
    }

    @Test("DATE rejects impossible days and other layouts", arguments: [
        "2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
        "0000-01-01", "2024-1-01", "2024/01/01", "20240101", "2024-01-01x", "2024-01-01 00:00:00", "24-01-01",
        "2024-01-0a", "+024-01-01",
    ])
    func dateRejected(text: String) {
        #expect(coerce(text, as: .date).reason == .invalidDate(text))
    }

    // MARK: TIMESTAMP

    static let acceptedTimestamps: [(String, Int64)] = [
        ("2023-04-01 14:40:50.540242", micros(2023, 4, 1, 14, 40, 50, 540_242)),
        ("1970-01-01 00:00:00", 0),
        ("2024-01-01T00:00:00Z", micros(2024, 1, 1)),
        ("2024-01-01t10:00z", micros(2024, 1, 1, 10)),
        ("2024-01-01 10:00", micros(2024, 1, 1, 10)),
        ("2024-01-01 10:00:00.5", micros(2024, 1, 1, 10, 0, 0, 500_000)),
        ("2024-01-01 10:00:00.000001", micros(2024, 1, 1, 10, 0, 0, 1)),
        ("2024-01-01 10:00:00+05:30", micros(2024, 1, 1, 4, 30)),
        ("2024-01-01 10:00:00-0800", micros(2024, 1, 1, 18)),
        ("2024-01-01 10:00:00+01", micros(2024, 1, 1, 9)),
        ("2024-01-01 10:00:00 UTC", micros(2024, 1, 1, 10)),
        ("2024-01-01 10:00:00 +00:00", micros(2024, 1, 1, 10)),
        ("2024-01-01 00:30-01:00", micros(2024, 1, 1, 1, 30)),
        ("2024-12-31 23:30:00-01:00", micros(2025, 1, 1, 0, 30)),
        ("2024-01-01", micros(2024, 1, 1)),
        ("1969-12-31 23:59:59.999999", -1),
        ("9999-12-31 23:59:59.999999", micros(9999, 12, 31, 23, 59, 59, 999_999)),
        (" 2024-01-01 10:00 ", micros(2024, 1, 1, 10)),
    ]

    @Test("TIMESTAMP converts date, time, fraction and zone offset to UTC microseconds", arguments: acceptedTimestamps)
    func timestampAccepted(text: String, expected: Int64) {
        let (value, reason) = coerce(text, as: .timestamp)
        #expect(reason == nil)
        #expect(value == .timestamp(expected))
    }

    @Test("TIMESTAMP rejects out-of-range fields, unknown zones and extra precision", arguments: [
        "2024-01-01 24:00", "2024-01-01 10:60", "2024-01-01 10:00:60", "2024-01-01 10:00:00.1234567",
        "2024-01-01 10", "2024-02-30 10:00", "2024-01-01 10:00:00+19:00", "2024-01-01  10:00",
        "2024-01-01 10:00:00 PST", "0001-01-01 00:00:00+01:00", "2024-01-01 10:00:00.", "x",
        "2024-01-01 10:00:00+05:3", "2024-01-01 10:00:00+05:60", "2024-01-01T", "2024-01-01 1:00",
        "2024-01-01 10:00:00ZZ", "2024-01-01 10:00:00 Z+01",
    ])
    func timestampRejected(text: String) {
        #expect(coerce(text, as: .timestamp).reason == .invalidTimestamp(text))
    }

    // MARK: STRING and UTF-8

    @Test("STRING keeps valid UTF-8 byte for byte", arguments: ["héllo", "日本語", "🎬 emoji", " spaced ", "a\"b,c\nd"])
    func stringAccepted(text: String) {
        #expect(coerce(text, as: .string).value == .string(text))
    }

    static let invalidUTF8: [([UInt8], Int)] = [
        ([0xFF], 0),
        (Array("abcdefg".utf8) + [0xC3], 7),  // truncated 2-byte sequence
        ([0xC0, 0x80], 0),  // overlong
        ([0xC1, 0xBF], 0),  // overlong
        ([0xE0, 0x80, 0x80], 0),  // overlong 3-byte
        ([0xF0, 0x80, 0x80, 0x80], 0),  // overlong 4-byte
        ([0xED, 0xA0, 0x80], 0),  // surrogate
        ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
        ([0xF5, 0x80, 0x80, 0x80], 0),
        (Array("ab".utf8) + [0x80], 2),  // stray continuation
        (Array("é".utf8) + [0xE2, 0x82], 2),  // truncated 3-byte
        (Array(repeating: 0x61, count: 20) + [0xE2, 0x28, 0xA1], 20),  // after the 8-byte ASCII fast path
        (Array("😀".utf8) + [0xF0, 0x9F, 0x98], 4),
    ]

    @Test("STRING rejects invalid UTF-8 naming the offset of the first bad byte", arguments: invalidUTF8)
    func stringRejectsInvalidUTF8(bytes: [UInt8], offset: Int) {
        #expect(coerce(bytes, as: .string).reason == .invalidUTF8(offset: offset))
        #expect(bytes.withUnsafeBytes { FieldCoercer.validateUTF8($0) } == offset)
    }

    @Test("validateUTF8 agrees with the standard library on random byte strings", arguments: [31, 32])
    func validateUTF8MatchesStdlib(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x90, 0x8F, 0x9F]
        for _ in 0..<20_000 {
            let bytes: [UInt8] = (0..<Int.random(in: 0...24, using: &g)).map { _ in
                Bool.random(using: &g) ? interesting.randomElement(using: &g)! : UInt8.random(in: 0...255, using: &g)
            }
            let result = bytes.withUnsafeBytes { FieldCoercer.validateUTF8($0) }
            let valid = String(validating: bytes, as: UTF8.self) != nil
            #expect((result == nil) == valid, "\(bytes)")
            if let offset = result {
                #expect(String(validating: bytes[..<offset], as: UTF8.self) != nil, "\(bytes) at \(offset)")
            }
        }
    }

    // MARK: Reject reasons

    @Test("reject reasons read as the _rejects table text", arguments: [
        (RejectReason.notAnInteger("43.5"), "INT64: '43.5' is not an integer"),
        (.notANumber(.int64, "4x.5"), "INT64: '4x.5' is not a number"),
        (.outOfRange(.int64, "9223372036854775808"), "INT64: '9223372036854775808' is out of range"),
        (.notANumber(.float64, "abc"), "FLOAT64: 'abc' is not a number"),
        (.outOfRange(.float64, "1e999"), "FLOAT64: '1e999' is out of range"),
        (.notABool("maybe"), "BOOL: 'maybe' is not a boolean (true/false, t/f, yes/no, y/n, 1/0)"),
        (.invalidDate("2024-02-30"), "DATE: '2024-02-30' is not a valid date (YYYY-MM-DD)"),
        (.invalidTimestamp("x"), "TIMESTAMP: 'x' is not a valid timestamp (YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|UTC|±HH:MM])"),
        (.invalidUTF8(offset: 7), "invalid UTF-8 at byte 7"),
        (.wrongFieldCount(expected: 12, found: 11), "expected 12 fields, found 11"),
        (.wrongFieldCount(expected: 1, found: 2), "expected 1 field, found 2"),
    ])
    func rejectDescriptions(reason: RejectReason, text: String) {
        #expect(reason.description == text)
    }

    @Test("quoted values in reasons are shortened and have control characters escaped")
    func rejectQuoting() {
        let long = String(repeating: "x", count: 100)
        #expect(coerce(long, as: .int64).reason == .notANumber(.int64, String(repeating: "x", count: 64) + "…"))
        #expect(coerce("4\n2\t\u{1}", as: .int64).reason == .notANumber(.int64, "4\\n2\\t\\x01"))
        let accents = String(repeating: "é", count: 40)  // 80 bytes: the cut must not split a character
        #expect(coerce(accents, as: .int64).reason == .notANumber(.int64, String(repeating: "é", count: 32) + "…"))
        #expect(coerce([0x31, 0xFF], as: .int64).reason == .notANumber(.int64, "1\u{FFFD}"))
    }

    @Test("a rejected field leaves earlier rows of the builder intact")
    func rejectLeavesBuilderIntact() {
        var builder = ColumnBuilder(type: .int64)
        for text in ["1", "", "4x.5", "43.5", "3"] {
            _ = Array(text.utf8).withUnsafeBytes { FieldCoercer.append($0, quoted: false, to: &builder) }
        }
        let column = builder.finish()
        #expect(column.count == 3)
        #expect((0..<3).map { column.value(at: $0) } == [.int64(1), .null, .int64(3)])
    }

    @Test("the kaggle sample's typed columns coerce without rejects", .enabled(if: RealSample.isPresent, RealSample.absenceNote))
    func kaggleSampleCoerces() throws {
        // users.csv: age is INT64 written as 43.0, created_at has microseconds, is_active is True/False.
        let url = RealSample.directory.appendingPathComponent("users.csv")
        let data = try #require(FileManager.default.contents(atPath: url.path))
        let types: [ColumnType] = [.string, .string, .string, .string, .int64, .string, .string, .string, .string,
                                   .string, .date, .bool, .float64, .string, .int64, .timestamp]
        var builders = types.map { ColumnBuilder(type: $0) }
        var rejects: [String] = []
        try [UInt8](data).withUnsafeBytes { buffer in
            try CSVParser.forEachRecord(in: buffer, firstLine: 1) { r in
                guard r.lineNumber > 1 else { return }
                #expect(r.fieldCount == types.count)
                for i in 0..<min(r.fieldCount, types.count) {
                    if let reason = FieldCoercer.append(r.field(i), quoted: r.fieldIsQuoted(i), to: &builders[i]) {
                        rejects.append("line \(r.lineNumber): \(reason)")
                    }
                }
            }
        }
        #expect(rejects.isEmpty, "\(rejects.prefix(5))")
        let age = builders[4].finish()
        #expect(age.count == 10_300)
        #expect(age.value(at: 0) == .int64(43))
        let createdAt = builders[15].finish()
        #expect(createdAt.value(at: 0) == .timestamp(micros(2023, 4, 1, 14, 40, 50, 540_242)))
        #expect(builders[11].finish().value(at: 0) == .bool(true))
    }
}
