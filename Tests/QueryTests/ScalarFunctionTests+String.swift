import ColumnStore
import Testing
@testable import Query

extension ScalarFunctionTests {
    @Test("String functions count characters (code points) and compare bytes, as BigQuery", arguments: [
        c("LOWER", "ABC def", is: "abc def"),
        c("LOWER", "ÀÉÎ", is: "àéî"),
        c("UPPER", "héllo", is: "HÉLLO"),
        c("UPPER", nil, is: nil),
        c("LENGTH", "héllo", is: 5),
        c("LENGTH", "", is: 0),
        c("LENGTH", "👍🏽", is: 2),
        c("LENGTH", nil, is: nil),
        c("CHAR_LENGTH", "abc", is: 3),
        c("BYTE_LENGTH", "héllo", is: 6),
        c("CONCAT", "a", "b", "c", is: "abc"),
        c("CONCAT", "a", nil, is: nil),
        c("CONCAT", "é", is: "é"),
        c("CONCAT", "", "", is: ""),
        c("SUBSTR", "abcdef", 2, is: "bcdef"),
        c("SUBSTR", "abcdef", 2, 3, is: "bcd"),
        c("SUBSTR", "abcdef", 0, 2, is: "ab"),
        c("SUBSTR", "abcdef", -2, is: "ef"),
        c("SUBSTR", "abcdef", -2, 1, is: "e"),
        c("SUBSTR", "abcdef", -10, 3, is: "abc"),
        c("SUBSTR", "abcdef", 6, is: "f"),
        c("SUBSTR", "abcdef", 7, is: ""),
        c("SUBSTR", "abcdef", 3, 0, is: ""),
        c("SUBSTR", "abcdef", 3, 100, is: "cdef"),
        c("SUBSTR", "héllo", 2, 2, is: "él"),
        c("SUBSTR", "héllo", -4, 2, is: "él"),
        c("SUBSTR", "abcdef", .value(.int64(.max)), 2, is: ""),
        c("SUBSTR", "abcdef", 2, .value(.int64(.max)), is: "bcdef"),
        c("SUBSTR", "abcdef", .value(.int64(.min)), is: "abcdef"),
        c("SUBSTR", "abc", nil, is: nil),
        c("SUBSTR", "abc", 1, nil, is: nil),
        c("SUBSTRING", "abc", 2, is: "bc"),
        c("LEFT", "héllo", 2, is: "hé"),
        c("LEFT", "abc", 10, is: "abc"),
        c("RIGHT", "héllo", 3, is: "llo"),
        c("RIGHT", "abc", 0, is: ""),
        c("RIGHT", "abc", 5, is: "abc"),
        c("STARTS_WITH", "hello", "he", is: true),
        c("STARTS_WITH", "hello", "", is: true),
        c("STARTS_WITH", "he", "hello", is: false),
        c("STARTS_WITH", "Hello", "he", is: false),
        c("ENDS_WITH", "hello", "lo", is: true),
        c("ENDS_WITH", "hello", "he", is: false),
        c("ENDS_WITH", "é", "é", is: true),
        c("ENDS_WITH", nil, "a", is: nil),
        c("STRPOS", "hello", "l", is: 3),
        c("STRPOS", "hello", "z", is: 0),
        c("STRPOS", "héllo", "l", is: 3),
        c("STRPOS", "abc", "", is: 1),
        c("STRPOS", "", "a", is: 0),
        c("STRPOS", "abc", nil, is: nil),
        c("TRIM", "  a b  ", is: "a b"),
        c("LTRIM", "  a  ", is: "a  "),
        c("RTRIM", "  a  ", is: "  a"),
        c("TRIM", "\t\n a \r", is: "a"),
        c("TRIM", "\u{3000}a\u{00A0}", is: "a"),
        c("TRIM", "   ", is: ""),
        c("TRIM", "xxaxx", "x", is: "a"),
        c("LTRIM", "abcab", "ab", is: "cab"),
        c("RTRIM", "abcab", "ab", is: "abc"),
        c("TRIM", "ééaé", "é", is: "a"),
        c("TRIM", nil, is: nil),
        c("REPLACE", "aaa", "a", "bb", is: "bbbbbb"),
        c("REPLACE", "abcabc", "bc", "", is: "aa"),
        c("REPLACE", "abc", "", "x", is: "abc"),
        c("REPLACE", "aaaa", "aa", "b", is: "bb"),
        c("REPLACE", "héllo", "é", "e", is: "hello"),
        c("REPLACE", "abc", "b", nil, is: nil),
        c("REVERSE", "héllo", is: "olléh"),
    ])
    func stringFunctions(_ c: Case) throws { try Self.check(c) }

    @Test("A negative length is a runtime error", arguments: [
        c("SUBSTR", "abc", 1, -1, is: nil),
        c("LEFT", "abc", -1, is: nil),
        c("RIGHT", "abc", -1, is: nil),
    ])
    func negativeLengths(_ c: Case) {
        let message = Self.runtimeError { try Self.evaluate(c.name, c.args) }
        #expect(message?.contains("cannot be negative") == true, "\(message ?? "")")
    }

    @Test("String functions keep NULL rows NULL and offsets consistent over a column")
    func stringColumns() throws {
        let s = Self.column(.string, [.string("héllo"), .null, .string("abc"), .string("")])
        let pos = Self.column(.int64, [.int64(2), .int64(2), .int64(-1), .int64(1)])
        let substr = try Self.resolve("SUBSTR", [.typedNull(.string), .typedNull(.int64)])
        let out = try substr.evaluate([.value(s), .value(pos)], 4)
        out.verify()
        #expect(Self.rows(out) == [.string("éllo"), .null, .string("c"), .string("")])

        let upper = try Self.resolve("UPPER", [.typedNull(.string)])
        let up = try upper.evaluate([.value(s)], 4)
        up.verify()
        #expect(Self.rows(up) == [.string("HÉLLO"), .null, .string("ABC"), .string("")])
    }

    // MARK: - LIKE

    static func like(_ value: Value, _ pattern: Value) throws -> Value {
        let f = ScalarFunctions.like(location: nil, sql: "")
        #expect(f.resultType == .bool)
        #expect(f.argumentTypes == [.string, .string])
        let out = try f.evaluate([.value(column(.string, [value])), .value(column(.string, [pattern]))], 1)
        return out.value(at: 0)
    }

    @Test("LIKE matches % and _ wildcards with backslash escapes, case-sensitively", arguments: [
        ("abc", "abc", true), ("abcd", "abc", false), ("abc", "a%", true), ("abc", "%c", true), ("abc", "%b%", true),
        ("abc", "a_c", true), ("abc", "A%", false), ("abc", "_", false), ("", "%", true), ("", "_", false), ("", "", true),
        ("a%c", "a\\%c", true), ("abc", "a\\%c", false), ("a_c", "a\\_c", true), ("abc", "a\\_c", false),
        ("a\\c", "a\\\\c", true), ("héllo", "h_llo", true), ("héllo", "h__llo", false), ("abcbc", "%bc", true),
        ("abcbd", "a%b_", true), ("mississippi", "%iss%ipp%", true), ("mississippi", "m%iss%s", false),
        ("aaa", "%a%a%a%", true), ("aa", "%a%a%a%", false), ("xyz", "%%", true), ("ab", "a%%b", true),
    ] as [(String, String, Bool)])
    func like(_ value: String, _ pattern: String, _ expected: Bool) throws {
        #expect(try Self.like(.string(value), .string(pattern)) == .bool(expected))
    }

    @Test("LIKE is NULL when either side is NULL")
    func likeNull() throws {
        #expect(try Self.like(.null, .string("%")) == .null)
        #expect(try Self.like(.string("a"), .null) == .null)
    }

    @Test("A LIKE pattern ending in a lone backslash is a runtime error")
    func likeTrailingBackslash() {
        let message = Self.runtimeError { try Self.like(.string("a"), .string("a\\")) }
        #expect(message?.contains("backslash") == true)
    }

    @Test("LIKE patterns may differ from row to row")
    func likePerRowPatterns() throws {
        let f = ScalarFunctions.like(location: nil, sql: "")
        let values = Self.column(.string, ["apple", "banana", "cherry", "date"].map { .string($0) })
        let patterns = Self.column(.string, [.string("a%"), .string("a%"), .string("%rr%"), .null])
        let out = try f.evaluate([.value(values), .value(patterns)], 4)
        #expect(Self.rows(out) == [.bool(true), .bool(false), .bool(true), .null])
    }
}
