import ColumnStore
import Testing
@testable import Query

extension ScalarFunctionTests {
    struct CastCase: Sendable, CustomTestStringConvertible {
        var value: Arg
        var to: ColumnType
        var expected: Arg
        var testDescription: String { "CAST(\(value) AS \(to.rawValue)) = \(expected)" }
    }

    static func cast(_ v: Arg, _ to: ColumnType, is expected: Arg) -> CastCase { CastCase(value: v, to: to, expected: expected) }

    @Test("CAST converts values by BigQuery's rules", arguments: [
        cast("4", .int64, is: 4),
        cast(" 12 ", .int64, is: 12),
        cast("+7", .int64, is: 7),
        cast("-0x1A", .int64, is: -26),
        cast("0x7FFFFFFFFFFFFFFF", .int64, is: .value(.int64(.max))),
        cast("-9223372036854775808", .int64, is: .value(.int64(.min))),
        cast(2.5, .int64, is: 3),
        cast(-2.5, .int64, is: -3),
        cast(1.4999, .int64, is: 1),
        cast(-0.4, .int64, is: 0),
        cast(true, .int64, is: 1),
        cast(false, .int64, is: 0),
        cast(3, .float64, is: 3.0),
        cast("1.5e3", .float64, is: 1500.0),
        cast("  -.5 ", .float64, is: -0.5),
        cast("7", .float64, is: 7.0),
        cast("1E-2", .float64, is: 0.01),
        cast("inf", .float64, is: .value(.float64(.infinity))),
        cast("-INF", .float64, is: .value(.float64(-.infinity))),
        cast("+Infinity", .float64, is: .value(.float64(.infinity))),
        cast("NaN", .float64, is: .value(.float64(.nan))),
        cast("TRUE", .bool, is: true),
        cast("false", .bool, is: false),
        cast(0, .bool, is: false),
        cast(-3, .bool, is: true),
        cast("2024-01-05", .date, is: .date("2024-01-05")),
        cast("2024-1-5", .date, is: .date("2024-01-05")),
        cast(" 2024-02-29 ", .date, is: .date("2024-02-29")),
        cast(.ts("1969-12-31 23:59:59.5"), .date, is: .date("1969-12-31")),
        cast("2024-03-05 13:07:09", .timestamp, is: .ts("2024-03-05 13:07:09")),
        cast("2024-03-05T13:07:09.5Z", .timestamp, is: .ts("2024-03-05 13:07:09.5")),
        cast("2024-03-05 13:07:09.123456 UTC", .timestamp, is: .ts("2024-03-05 13:07:09.123456")),
        cast("2024-03-05 13:07:09+05:30", .timestamp, is: .ts("2024-03-05 07:37:09")),
        cast("2024-03-05 13:07:09-08", .timestamp, is: .ts("2024-03-05 21:07:09")),
        cast("2024-3-5 1:2:3", .timestamp, is: .ts("2024-03-05 01:02:03")),
        cast("2024-03-05", .timestamp, is: .ts("2024-03-05")),
        cast(.date("2024-03-05"), .timestamp, is: .ts("2024-03-05")),
        cast(42, .string, is: "42"),
        cast(.value(.int64(.min)), .string, is: "-9223372036854775808"),
        cast(true, .string, is: "true"),
        cast(false, .string, is: "false"),
        cast(1.0, .string, is: "1"),
        cast(0.1, .string, is: "0.1"),
        cast(1e20, .string, is: "1e+20"),
        cast(-2.5, .string, is: "-2.5"),
        cast(.value(.float64(1.0 / 3)), .string, is: "0.33333333333333331"),
        cast(.value(.float64(0.1 + 0.2)), .string, is: "0.30000000000000004"),
        cast(123456789.125, .string, is: "123456789.125"),
        cast(1e14, .string, is: "100000000000000"),
        cast(1e15, .string, is: "1e+15"),
        cast(9007199254740992.0, .string, is: "9007199254740992"),
        cast(1e-5, .string, is: "1e-05"),
        cast(0.0001, .string, is: "0.0001"),
        cast(.value(.float64(.infinity)), .string, is: "inf"),
        cast(.value(.float64(-.infinity)), .string, is: "-inf"),
        cast(.value(.float64(.nan)), .string, is: "nan"),
        cast(-0.0, .string, is: "0"),
        cast(.date("2024-03-05"), .string, is: "2024-03-05"),
        cast(.date("0005-01-01"), .string, is: "0005-01-01"),
        cast(.ts("2024-03-05 13:07:09"), .string, is: "2024-03-05 13:07:09+00"),
        cast(.ts("2024-03-05 13:07:09.5"), .string, is: "2024-03-05 13:07:09.500+00"),
        cast(.ts("2024-03-05 13:07:09.123456"), .string, is: "2024-03-05 13:07:09.123456+00"),
        cast(.ts("2024-03-05 13:07:09.000001"), .string, is: "2024-03-05 13:07:09.000001+00"),
        cast(.ts("1969-12-31 23:59:59.999999"), .string, is: "1969-12-31 23:59:59.999999+00"),
        cast("héllo", .string, is: "héllo"),
        cast(.typedNull(.string), .int64, is: nil),
        cast(.typedNull(.float64), .int64, is: nil),
        cast(nil, .date, is: nil),
    ])
    func castValues(_ c: CastCase) throws {
        let got = try Self.cast(c.value, c.to)
        #expect(Self.same(got, c.expected.expected), "\(c.testDescription), got \(Self.show(got))")
        let safe = try Self.cast(c.value, c.to, safe: true)
        #expect(Self.same(safe, c.expected.expected), "SAFE_\(c.testDescription), got \(Self.show(safe))")
    }

    @Test("A value that does not convert is a runtime error naming it and the type; SAFE_CAST gives NULL", arguments: [
        cast("4x", .int64, is: "Bad int64 value: 4x"),
        cast("", .int64, is: "Bad int64 value: "),
        cast("1.5", .int64, is: "Bad int64 value: 1.5"),
        cast("9223372036854775808", .int64, is: "Bad int64 value: 9223372036854775808"),
        cast("0x", .int64, is: "Bad int64 value: 0x"),
        cast("- 1", .int64, is: "Bad int64 value: - 1"),
        cast("abc", .float64, is: "Bad double value: abc"),
        cast("1e400", .float64, is: "Bad double value: 1e400"),
        cast("1e", .float64, is: "Bad double value: 1e"),
        cast(".", .float64, is: "Bad double value: ."),
        cast("0x10", .float64, is: "Bad double value: 0x10"),
        cast("yes", .bool, is: "Bad bool value: yes"),
        cast(" true", .bool, is: "Bad bool value:  true"),
        cast("1", .bool, is: "Bad bool value: 1"),
        cast("2024-02-30", .date, is: "Invalid date: '2024-02-30'"),
        cast("24-01-01", .date, is: "Invalid date: '24-01-01'"),
        cast("2024-01-01 10:00", .date, is: "Invalid date: '2024-01-01 10:00'"),
        cast("2024-01-01 25:00:00", .timestamp, is: "Invalid timestamp: '2024-01-01 25:00:00'"),
        cast("2024-01-01 10:00:00.1234567", .timestamp, is: "Invalid timestamp: '2024-01-01 10:00:00.1234567'"),
        cast("2024-01-01 10:00:00 America/Nowhere", .timestamp, is: "Invalid timestamp: '2024-01-01 10:00:00 America/Nowhere'"),
        cast(.value(.float64(.nan)), .int64, is: "Illegal conversion of non-finite floating point number to an integer: nan"),
        cast(.value(.float64(.infinity)), .int64, is: "Illegal conversion of non-finite floating point number to an integer: inf"),
        cast(1e19, .int64, is: "int64 out of range: 1e+19"),
        cast(9223372036854775807.0, .int64, is: "int64 out of range: 9.2233720368547758e+18"),
    ])
    func castFailures(_ c: CastCase) throws {
        let message = Self.runtimeError { try Self.cast(c.value, c.to) }
        #expect(message == c.expected.expected.stringValue)
        #expect(try Self.cast(c.value, c.to, safe: true) == .null)
    }

    @Test("CAST between types BigQuery cannot convert is a type error naming both types", arguments: [
        (ColumnType.date, ColumnType.int64), (.timestamp, .int64), (.float64, .bool), (.bool, .float64), (.int64, .date),
        (.int64, .timestamp), (.date, .float64), (.bool, .date), (.float64, .timestamp),
    ])
    func invalidCasts(_ from: ColumnType, _ to: ColumnType) {
        for safe in [false, true] {
            let message = Self.typeError { try ScalarFunctions.cast(from: from, to: to, safe: safe, location: nil, sql: "") }
            #expect(message == "Invalid cast from \(from.rawValue) to \(to.rawValue)")
        }
    }

    @Test("SAFE_CAST over a column turns only the failing rows into NULL")
    func safeCastColumn() throws {
        let f = try ScalarFunctions.cast(from: .string, to: .int64, safe: true, location: nil, sql: "")
        let input = Self.column(.string, [.string("1"), .string("x"), .null, .string("0x10")])
        let out = try f.evaluate([.value(input)], 4)
        #expect(Self.rows(out) == [.int64(1), .null, .null, .int64(16)])
        let strict = try ScalarFunctions.cast(from: .string, to: .int64, safe: false, location: nil, sql: "")
        let valid = Self.column(.string, [.string("1"), .null, .string("-3")])
        #expect(Self.rows(try strict.evaluate([.value(valid)], 3)) == [.int64(1), .null, .int64(-3)], "a NULL row is not parsed")
    }

    @Test("A cast to the same type or of an untyped NULL resolves without conversion")
    func trivialCasts() throws {
        let same = try ScalarFunctions.cast(from: .int64, to: .int64, safe: false, location: nil, sql: "")
        #expect(same.resultType == .int64)
        let untyped = try ScalarFunctions.cast(from: nil, to: .string, safe: false, location: nil, sql: "")
        #expect(untyped.resultType == .string && untyped.argumentTypes == [.string])
        let out = try untyped.evaluate([.value(Self.column(.string, [.null, .null]))], 2)
        #expect(out.type == .string && Self.rows(out) == [.null, .null])
    }

    @Test("CAST to STRING and back round-trips every FLOAT64 it prints", arguments: [
        0.1, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, 1.7976931348623157e308, 123.456, -98765.4321, 4.35, 0.3,
    ])
    func floatStringRoundTrip(_ v: Double) throws {
        guard case .string(let s) = try Self.cast(.value(.float64(v)), .string) else { Issue.record("not a string"); return }
        #expect(try Self.cast(.value(.string(s)), .float64) == .float64(v), "\(s)")
    }
}

extension Value {
    /// The string of a `.string` value (test convenience).
    fileprivate var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
