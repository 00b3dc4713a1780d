import ColumnStore
import Foundation
import Testing
@testable import Query

/// Comparisons with a constant are evaluated against the one value (`Evaluator.compare(_:_:_:)`), and
/// DATE_TRUNC reads a table of the truncated days when a batch's dates span few days
/// (`ScalarFunctions.truncDates`). Both are checked against results worked out here with Swift's
/// own comparisons and Foundation's Gregorian calendar, over columns with NULLs, NaN, empty and
/// prefix strings, and dates both close together and far apart.
@Suite struct ConstantComparisonTests {
    static let ops: [(BinaryOperator, (Int) -> Bool)] = [
        (.equal, { $0 == 0 }), (.notEqual, { $0 != 0 }), (.less, { $0 < 0 }),
        (.lessEqual, { $0 <= 0 }), (.greater, { $0 > 0 }), (.greaterEqual, { $0 >= 0 }),
    ]

    /// The rows of a BOOL column (nil for NULL).
    static func bools(_ c: Column) -> [Bool?] {
        guard case .bool(let v) = c.values else { return [] }
        return v.indices.map { c.valid($0) ? v[$0] == 1 : nil }
    }

    static func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }

    /// -1, 0 or 1 as `a`'s UTF-8 bytes sort before, equal or after `b`'s.
    static func byteOrder(_ a: String, _ b: String) -> Int {
        if Array(a.utf8) == Array(b.utf8) { return 0 }
        return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) ? -1 : 1
    }

    @Test("a STRING column compared with a constant, either side, gives each row's byte-order answer")
    func stringsAgainstAConstant() throws {
        let values: [String?] = ["", "a", "ab", "abc", "b", nil, "é", "ab\u{0}", "completed", "complete"]
        let column = Column(values: .string(StringArray(values.map { $0 ?? "" })), validity: values.map { $0 != nil })
        for literal in ["", "ab", "completed", "é", "zz"] {
            for (op, holds) in Self.ops {
                let got = Self.bools(try Evaluator.evaluate(.comparison(op, .column(0, .string), .literal(.string(literal), .string)),
                                                            Batch(columns: [column], count: values.count)))
                let want = values.map { v in v.map { holds(Self.byteOrder($0, literal)) } }
                #expect(got == want, "s \(op.rawValue) '\(literal)'")
                let flipped = Self.bools(try Evaluator.evaluate(.comparison(Planner.flip(op), .literal(.string(literal), .string), .column(0, .string)),
                                                                Batch(columns: [column], count: values.count)))
                #expect(flipped == want, "'\(literal)' \(Planner.flip(op).rawValue) s")
            }
        }
    }

    @Test("numeric columns compared with INT64 and FLOAT64 constants: NULL stays NULL, NaN as Swift's Double compares")
    func numbersAgainstAConstant() throws {
        let ints: [Int64?] = [-3, 0, 2, nil, Int64.max, 7]
        let intColumn = Column(values: .int64(ints.map { $0 ?? 0 }), validity: ints.map { $0 != nil })
        let doubles: [Double?] = [-0.0, 0.5, .nan, nil, 2, -.infinity]
        let doubleColumn = Column(values: .float64(doubles.map { $0 ?? 0 }), validity: doubles.map { $0 != nil })
        func swiftCompare(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Bool {
            switch op {
            case .equal: return x == y
            case .notEqual: return !(x == y)
            case .less: return x < y
            case .lessEqual: return !(y < x)
            case .greater: return y < x
            default: return !(x < y)
            }
        }
        for (op, holds) in Self.ops {
            for k: Int64 in [-3, 2, 8] {
                let got = Self.bools(try Evaluator.evaluate(.comparison(op, .column(0, .int64), .literal(.int64(k), .int64)), Batch(columns: [intColumn], count: ints.count)))
                #expect(got == ints.map { v in v.map { holds(Self.order($0, k)) } }, "i \(op.rawValue) \(k)")
            }
            for y in [0.0, 2.0, -1.5] {
                let got = Self.bools(try Evaluator.evaluate(.comparison(op, .column(0, .float64), .literal(.float64(y), .float64)), Batch(columns: [doubleColumn], count: doubles.count)))
                #expect(got == doubles.map { v in v.map { swiftCompare(op, $0, y) } }, "d \(op.rawValue) \(y)")
                let mixed = Self.bools(try Evaluator.evaluate(.comparison(op, .column(0, .int64), .literal(.float64(y), .float64)), Batch(columns: [intColumn], count: ints.count)))
                #expect(mixed == ints.map { v in v.map { swiftCompare(op, Double($0), y) } }, "i \(op.rawValue) \(y)")
            }
        }
    }

    /// Foundation's Gregorian calendar in UTC: the first day of the unit holding `day` (days since
    /// 1970-01-01), for MONTH, QUARTER, YEAR and (Sunday-start) WEEK.
    static func expectedTrunc(_ day: Int32, _ p: DatePart) -> Int32 {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(day) * 86_400)
        var c = cal.dateComponents([.year, .month, .weekday], from: date)
        let start: Date
        switch p {
        case .month: start = cal.date(from: DateComponents(year: c.year, month: c.month, day: 1))!
        case .quarter:
            c.month = (c.month! - 1) / 3 * 3 + 1
            start = cal.date(from: DateComponents(year: c.year, month: c.month, day: 1))!
        case .year: start = cal.date(from: DateComponents(year: c.year, month: 1, day: 1))!
        default: return day - Int32(c.weekday! - 1)
        }
        return Int32((start.timeIntervalSince1970 / 86_400).rounded())
    }

    @Test("DATE_TRUNC of dates a few days apart and of dates decades apart matches the calendar", arguments: [DatePart.month, .quarter, .year, .week])
    func dateTruncMatchesTheCalendar(part: DatePart) throws {
        // 2024-01-01 is day 19723. Close: 40 rows over 30 days (the table path); far: 1950 to 2090.
        var close: [Int32?] = [], far: [Int32?] = []
        for i in 0..<40 {
            let near: Int32 = 19_713 + Int32(i * 3 % 31)
            let wide: Int32 = -7_305 + Int32(i) * 1_283
            close.append(i % 9 == 4 ? nil : near)
            far.append(i % 7 == 3 ? nil : wide)
        }
        let f = try ScalarFunctions.resolve("DATE_TRUNC", [.value(.date), .part(part)], location: nil, sql: "")
        for input in [close, far] {
            let column = Column(values: .date(input.map { $0 ?? 0 }), validity: input.map { $0 != nil })
            let out = try f.evaluate([.value(column), .part(part)], input.count)
            let got = (0..<out.count).map { out.valid($0) ? out.value(at: $0) : .null }
            #expect(got == input.map { d in d.map { .date(Self.expectedTrunc($0, part)) } ?? .null })
        }
    }
}
