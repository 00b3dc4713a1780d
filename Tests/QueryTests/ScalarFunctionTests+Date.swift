import ColumnStore
import Foundation
import Testing
@testable import Query

// Weekdays used below: 2024-03-16 is a Saturday, 2024-03-17 a Sunday, 2024-03-05 a Tuesday,
// 2024-01-01 a Monday, 2023-01-01 a Sunday, 2022-01-01 a Saturday, 2021-01-01 a Friday.
extension ScalarFunctionTests {
    @Test("DATE_TRUNC and TIMESTAMP_TRUNC go to the start of the part (WEEK starts Sunday, ISOWEEK Monday)", arguments: [
        c("DATE_TRUNC", .date("2024-03-17"), .part(.week), is: .date("2024-03-17")),
        c("DATE_TRUNC", .date("2024-03-16"), .part(.week), is: .date("2024-03-10")),
        c("DATE_TRUNC", .date("2024-03-17"), .part(.isoWeek), is: .date("2024-03-11")),
        c("DATE_TRUNC", .date("2024-03-18"), .part(.isoWeek), is: .date("2024-03-18")),
        c("DATE_TRUNC", .date("1970-01-01"), .part(.week), is: .date("1969-12-28")),
        c("DATE_TRUNC", .date("2024-03-17"), .part(.day), is: .date("2024-03-17")),
        c("DATE_TRUNC", .date("2024-03-17"), .part(.month), is: .date("2024-03-01")),
        c("DATE_TRUNC", .date("2024-05-20"), .part(.quarter), is: .date("2024-04-01")),
        c("DATE_TRUNC", .date("2024-12-31"), .part(.quarter), is: .date("2024-10-01")),
        c("DATE_TRUNC", .date("2024-03-17"), .part(.year), is: .date("2024-01-01")),
        c("DATE_TRUNC", .date("2021-01-02"), .part(.isoYear), is: .date("2019-12-30")),
        c("DATE_TRUNC", nil, .part(.month), is: nil),
        c("DATE_TRUNC", .ts("2024-03-16 13:45:30"), .part(.month), is: .ts("2024-03-01")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.microsecond), is: .ts("2024-03-16 13:45:30.123456")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.millisecond), is: .ts("2024-03-16 13:45:30.123")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.second), is: .ts("2024-03-16 13:45:30")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.minute), is: .ts("2024-03-16 13:45")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.hour), is: .ts("2024-03-16 13:00")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.day), is: .ts("2024-03-16")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.week), is: .ts("2024-03-10")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.isoWeek), is: .ts("2024-03-11")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.month), is: .ts("2024-03-01")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.quarter), is: .ts("2024-01-01")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.year), is: .ts("2024-01-01")),
        c("TIMESTAMP_TRUNC", .ts("2024-03-16 13:45:30.123456"), .part(.isoYear), is: .ts("2024-01-01")),
        // Before the epoch truncation goes toward −∞, not toward zero.
        c("TIMESTAMP_TRUNC", .ts("1969-12-31 23:59:59.5"), .part(.millisecond), is: .ts("1969-12-31 23:59:59.5")),
        c("TIMESTAMP_TRUNC", .ts("1969-12-31 23:59:59.5"), .part(.second), is: .ts("1969-12-31 23:59:59")),
        c("TIMESTAMP_TRUNC", .ts("1969-12-31 23:59:59.5"), .part(.minute), is: .ts("1969-12-31 23:59")),
        c("TIMESTAMP_TRUNC", .ts("1969-12-31 23:59:59.5"), .part(.day), is: .ts("1969-12-31")),
        c("TIMESTAMP_TRUNC", nil, .part(.day), is: nil),
    ])
    func truncation(_ c: Case) throws { try Self.check(c) }

    @Test("EXTRACT returns INT64 parts; WEEK counts Sunday-started weeks from 0, ISOWEEK follows ISO 8601", arguments: [
        c("EXTRACT", .part(.year), .date("2024-03-16"), is: 2024),
        c("EXTRACT", .part(.quarter), .date("2024-03-16"), is: 1),
        c("EXTRACT", .part(.month), .date("2024-03-16"), is: 3),
        c("EXTRACT", .part(.day), .date("2024-03-16"), is: 16),
        c("EXTRACT", .part(.dayOfWeek), .date("2024-03-16"), is: 7),
        c("EXTRACT", .part(.dayOfWeek), .date("2023-01-01"), is: 1),
        c("EXTRACT", .part(.dayOfYear), .date("2024-03-16"), is: 76),
        c("EXTRACT", .part(.dayOfYear), .date("2024-12-31"), is: 366),
        c("EXTRACT", .part(.week), .date("2024-03-16"), is: 10),
        c("EXTRACT", .part(.week), .date("2024-03-17"), is: 11),
        c("EXTRACT", .part(.week), .date("2023-01-01"), is: 1),
        c("EXTRACT", .part(.week), .date("2022-01-01"), is: 0),
        c("EXTRACT", .part(.week), .date("2022-01-02"), is: 1),
        c("EXTRACT", .part(.week), .date("2024-01-01"), is: 0),
        c("EXTRACT", .part(.week), .date("2024-12-31"), is: 52),
        c("EXTRACT", .part(.isoWeek), .date("2024-03-16"), is: 11),
        c("EXTRACT", .part(.isoWeek), .date("2021-01-01"), is: 53),
        c("EXTRACT", .part(.isoYear), .date("2021-01-01"), is: 2020),
        c("EXTRACT", .part(.isoWeek), .date("2022-01-01"), is: 52),
        c("EXTRACT", .part(.isoWeek), .date("2024-12-30"), is: 1),
        c("EXTRACT", .part(.isoYear), .date("2024-12-30"), is: 2025),
        c("EXTRACT", .part(.year), nil, is: nil),
        c("EXTRACT", .part(.hour), .ts("2024-03-16 13:45:30.123456"), is: 13),
        c("EXTRACT", .part(.minute), .ts("2024-03-16 13:45:30.123456"), is: 45),
        c("EXTRACT", .part(.second), .ts("2024-03-16 13:45:30.123456"), is: 30),
        c("EXTRACT", .part(.millisecond), .ts("2024-03-16 13:45:30.123456"), is: 123),
        c("EXTRACT", .part(.microsecond), .ts("2024-03-16 13:45:30.123456"), is: 123456),
        c("EXTRACT", .part(.dayOfWeek), .ts("2024-03-16 13:45:30.123456"), is: 7),
        c("EXTRACT", .part(.year), .ts("2024-03-16 13:45:30.123456"), is: 2024),
        c("EXTRACT", .part(.date), .ts("2024-03-16 13:45:30.123456"), is: .date("2024-03-16")),
        c("EXTRACT", .part(.hour), .ts("1969-12-31 23:59:59.999999"), is: 23),
        c("EXTRACT", .part(.microsecond), .ts("1969-12-31 23:59:59.999999"), is: 999999),
        c("EXTRACT", .part(.day), .ts("1969-12-31 23:59:59.999999"), is: 31),
        c("EXTRACT", .part(.year), .ts("1969-12-31 23:59:59.999999"), is: 1969),
    ])
    func extract(_ c: Case) throws { try Self.check(c) }

    @Test("EXTRACT of a time part from a DATE, or DATE from a DATE, is a type error", arguments: [
        DatePart.hour, .minute, .second, .millisecond, .microsecond, .date,
    ])
    func extractTimeFromDate(_ p: DatePart) {
        let message = Self.typeError { try Self.resolve("EXTRACT", [.part(p), .date("2024-01-01")]) }
        #expect(message?.contains("EXTRACT for argument types: \(p.rawValue), DATE") == true)
    }

    @Test("DATE_DIFF counts part boundaries crossed; TIMESTAMP_DIFF counts whole parts, truncating toward zero", arguments: [
        c("DATE_DIFF", .date("2024-01-01"), .date("2023-12-31"), .part(.month), is: 1),
        c("DATE_DIFF", .date("2024-01-31"), .date("2024-01-01"), .part(.month), is: 0),
        c("DATE_DIFF", .date("2024-03-01"), .date("2024-01-31"), .part(.month), is: 2),
        c("DATE_DIFF", .date("2023-12-31"), .date("2024-03-01"), .part(.month), is: -3),
        c("DATE_DIFF", .date("2024-01-01"), .date("2023-12-31"), .part(.year), is: 1),
        c("DATE_DIFF", .date("2023-12-31"), .date("2024-01-01"), .part(.year), is: -1),
        c("DATE_DIFF", .date("2024-03-01"), .date("2024-02-01"), .part(.day), is: 29),
        c("DATE_DIFF", .date("2017-10-15"), .date("2017-10-14"), .part(.week), is: 1),
        c("DATE_DIFF", .date("2017-12-18"), .date("2017-12-17"), .part(.week), is: 0),
        c("DATE_DIFF", .date("2017-12-18"), .date("2017-12-17"), .part(.isoWeek), is: 1),
        c("DATE_DIFF", .date("2024-03-16"), .date("2024-03-10"), .part(.week), is: 0),
        c("DATE_DIFF", .date("2024-04-01"), .date("2023-12-31"), .part(.quarter), is: 2),
        c("DATE_DIFF", .date("2021-01-04"), .date("2021-01-03"), .part(.isoYear), is: 1),
        c("DATE_DIFF", .date("2024-01-01"), nil, .part(.day), is: nil),
        c("TIMESTAMP_DIFF", .ts("2010-07-07 10:20:00"), .ts("2008-12-25 15:30:00"), .part(.hour), is: 13410),
        c("TIMESTAMP_DIFF", .ts("2024-01-01 00:00:00"), .ts("2024-01-01 00:30:00"), .part(.hour), is: 0),
        c("TIMESTAMP_DIFF", .ts("2024-01-01 00:00:00"), .ts("2024-01-01 00:30:00"), .part(.minute), is: -30),
        c("TIMESTAMP_DIFF", .ts("2024-01-02 12:00:00"), .ts("2024-01-01 13:00:00"), .part(.day), is: 0),
        c("TIMESTAMP_DIFF", .ts("2024-01-01 00:00:01.5"), .ts("2024-01-01"), .part(.second), is: 1),
        c("TIMESTAMP_DIFF", .ts("2024-01-01 00:00:01.5"), .ts("2024-01-01"), .part(.millisecond), is: 1500),
        c("TIMESTAMP_DIFF", .ts("2024-01-01 00:00:01.5"), .ts("2024-01-01"), .part(.microsecond), is: 1_500_000),
        c("TIMESTAMP_DIFF", nil, .ts("2024-01-01"), .part(.second), is: nil),
    ])
    func differences(_ c: Case) throws { try Self.check(c) }

    @Test("DATE_ADD/DATE_SUB keep the day of month, clamped to the month's end; TIMESTAMP_ADD/SUB add exact durations", arguments: [
        c("DATE_ADD", .date("2024-01-31"), .interval(1, .month), is: .date("2024-02-29")),
        c("DATE_ADD", .date("2023-01-31"), .interval(1, .month), is: .date("2023-02-28")),
        c("DATE_ADD", .date("2024-02-29"), .interval(1, .year), is: .date("2025-02-28")),
        c("DATE_ADD", .date("2024-01-31"), .interval(-1, .month), is: .date("2023-12-31")),
        c("DATE_ADD", .date("2024-03-31"), .interval(1, .quarter), is: .date("2024-06-30")),
        c("DATE_ADD", .date("2024-11-30"), .interval(3, .month), is: .date("2025-02-28")),
        c("DATE_ADD", .date("2024-02-28"), .interval(2, .day), is: .date("2024-03-01")),
        c("DATE_ADD", .date("2024-03-16"), .interval(2, .week), is: .date("2024-03-30")),
        c("DATE_SUB", .date("2024-03-31"), .interval(1, .month), is: .date("2024-02-29")),
        c("DATE_SUB", .date("2024-01-01"), .interval(1, .day), is: .date("2023-12-31")),
        c("DATE_SUB", .date("2024-01-15"), .interval(13, .month), is: .date("2022-12-15")),
        c("DATE_ADD", .date("2024-01-01"), .intervalOf(.null, .day), is: nil),
        c("DATE_ADD", nil, .interval(1, .day), is: nil),
        c("TIMESTAMP_ADD", .ts("2024-01-01 00:00:00"), .interval(90, .minute), is: .ts("2024-01-01 01:30")),
        c("TIMESTAMP_ADD", .ts("2024-01-31 12:00:00"), .interval(1, .day), is: .ts("2024-02-01 12:00")),
        c("TIMESTAMP_ADD", .ts("2024-01-01"), .interval(1, .microsecond), is: .ts("2024-01-01 00:00:00.000001")),
        c("TIMESTAMP_ADD", .ts("2024-01-01"), .interval(1500, .millisecond), is: .ts("2024-01-01 00:00:01.5")),
        c("TIMESTAMP_SUB", .ts("2024-01-01 01:00:00"), .interval(2, .hour), is: .ts("2023-12-31 23:00")),
        c("TIMESTAMP_SUB", .ts("2024-01-01 00:00:10"), .interval(30, .second), is: .ts("2023-12-31 23:59:40")),
        c("TIMESTAMP_ADD", .ts("2024-01-01"), .intervalOf(.null, .hour), is: nil),
    ])
    func arithmetic(_ c: Case) throws { try Self.check(c) }

    @Test("Date and timestamp arithmetic beyond 0001-01-01 … 9999-12-31 is a runtime error", arguments: [
        c("DATE_ADD", .date("9999-12-31"), .interval(1, .day), is: nil),
        c("DATE_SUB", .date("0001-01-01"), .interval(1, .day), is: nil),
        c("DATE_ADD", .date("9999-12-01"), .interval(1, .month), is: nil),
        c("DATE_ADD", .date("2024-01-01"), .intervalOf(.int64(.max), .day), is: nil),
        c("DATE_SUB", .date("2024-01-01"), .intervalOf(.int64(.min), .month), is: nil),
        c("TIMESTAMP_ADD", .ts("9999-12-31 23:59:59"), .interval(1, .second), is: nil),
        c("TIMESTAMP_ADD", .ts("2024-01-01"), .intervalOf(.int64(.max), .hour), is: nil),
    ])
    func arithmeticOverflow(_ c: Case) {
        let message = Self.runtimeError { try Self.evaluate(c.name, c.args) }
        #expect(message?.contains("overflow") == true, "\(message ?? "")")
    }

    @Test("DATE_ADD accepts only DAY to YEAR intervals, TIMESTAMP_ADD only MICROSECOND to DAY")
    func intervalPartsAreChecked() {
        #expect(Self.typeError { try Self.resolve("DATE_ADD", [.date("2024-01-01"), .interval(1, .hour)]) } != nil)
        #expect(Self.typeError { try Self.resolve("TIMESTAMP_ADD", [.ts("2024-01-01"), .interval(1, .month)]) } != nil)
        #expect(Self.typeError { try Self.resolve("DATE_ADD", [.date("2024-01-01"), .intervalOf(.string("1"), .day)]) } != nil)
        #expect(Self.typeError { try Self.resolve("LAST_DAY", [.date("2024-01-01"), .part(.day)]) } != nil)
    }

    @Test("FORMAT_DATE and FORMAT_TIMESTAMP render the supported elements", arguments: [
        c("FORMAT_DATE", "%Y-%m-%d", .date("2024-03-05"), is: "2024-03-05"),
        c("FORMAT_DATE", "%F", .date("2024-03-05"), is: "2024-03-05"),
        c("FORMAT_DATE", "%d/%m/%y", .date("2024-03-05"), is: "05/03/24"),
        c("FORMAT_DATE", "%b %e, %Y", .date("2024-03-05"), is: "Mar  5, 2024"),
        c("FORMAT_DATE", "%B %d", .date("2024-03-05"), is: "March 05"),
        c("FORMAT_DATE", "%a %A", .date("2024-03-05"), is: "Tue Tuesday"),
        c("FORMAT_DATE", "%j", .date("2024-03-05"), is: "065"),
        c("FORMAT_DATE", "Q%Q %Y", .date("2024-11-05"), is: "Q4 2024"),
        c("FORMAT_DATE", "100%%", .date("2024-03-05"), is: "100%"),
        c("FORMAT_DATE", "%D", .date("2024-03-05"), is: "03/05/24"),
        c("FORMAT_DATE", "%u %w %U %V %G %C", .date("2024-03-05"), is: "2 2 09 10 2024 20"),
        c("FORMAT_DATE", "%H:%M:%S", .date("2024-03-05"), is: "00:00:00"),
        c("FORMAT_DATE", "%Y", .date("0005-01-01"), is: "0005"),
        c("FORMAT_DATE", "week %V of %G", .date("2021-01-01"), is: "week 53 of 2020"),
        c("FORMAT_DATE", "", .date("2024-03-05"), is: ""),
        c("FORMAT_DATE", "día %d", .date("2024-03-05"), is: "día 05"),
        c("FORMAT_DATE", nil, .date("2024-03-05"), is: nil),
        c("FORMAT_DATE", "%Y", nil, is: nil),
        c("FORMAT_TIMESTAMP", "%Y-%m-%d %H:%M:%S", .ts("2024-03-05 13:07:09.5"), is: "2024-03-05 13:07:09"),
        c("FORMAT_TIMESTAMP", "%F %T", .ts("2024-03-05 13:07:09.5"), is: "2024-03-05 13:07:09"),
        c("FORMAT_TIMESTAMP", "%E3S|%E*S|%E6S|%E0S", .ts("2024-03-05 13:07:09.5"), is: "09.500|09.5|09.500000|09"),
        c("FORMAT_TIMESTAMP", "%E*S", .ts("2024-03-05 13:07:09"), is: "09"),
        c("FORMAT_TIMESTAMP", "%I:%M %p", .ts("2024-03-05 13:07:09"), is: "01:07 PM"),
        c("FORMAT_TIMESTAMP", "%I %p|%l|%k", .ts("2024-03-05 00:30:00"), is: "12 AM|12| 0"),
        c("FORMAT_TIMESTAMP", "%Z %z %Ez", .ts("2024-03-05 13:07:09"), is: "UTC +0000 +00:00"),
        c("FORMAT_TIMESTAMP", "%c", .ts("2024-03-05 13:07:09"), is: "Tue Mar  5 13:07:09 2024"),
        c("FORMAT_TIMESTAMP", "%R", .ts("2024-03-05 13:07:09"), is: "13:07"),
        c("FORMAT_TIMESTAMP", "%s", .ts("1970-01-02 00:00:01"), is: "86401"),
        c("FORMAT_TIMESTAMP", "%s", .ts("1969-12-31 23:59:59.5"), is: "-1"),
        c("FORMAT_TIMESTAMP", "%Y-%m-%d %H:%M:%S", .ts("1969-12-31 23:59:59.5"), is: "1969-12-31 23:59:59"),
    ])
    func format(_ c: Case) throws { try Self.check(c) }

    @Test("An unsupported format element is a runtime error naming it", arguments: [
        ("%q", "%q"), ("%Y-%", "%"), ("%Ex", "%E"), ("abc %i", "%i"),
    ])
    func unsupportedFormatElement(_ format: String, _ element: String) {
        let message = Self.runtimeError { try Self.evaluate("FORMAT_DATE", [.value(.string(format)), .date("2024-01-01")]) }
        #expect(message?.contains("unsupported format element \(element)") == true, "\(message ?? "")")
    }

    @Test("FORMAT_TIMESTAMP formats may differ per row")
    func formatPerRow() throws {
        let f = try Self.resolve("FORMAT_TIMESTAMP", [.typedNull(.string), .typedNull(.timestamp)])
        let formats = Self.column(.string, [.string("%Y"), .string("%Y"), .string("%m"), .null])
        let values = Self.column(.timestamp, Array(repeating: Self.timestamp("2024-03-05 13:07:09"), count: 4))
        let out = try f.evaluate([.value(formats), .value(values)], 4)
        out.verify()
        #expect(Self.rows(out) == [.string("2024"), .string("2024"), .string("03"), .null])
    }

    @Test("DATE, TIMESTAMP and LAST_DAY construct and convert dates", arguments: [
        c("DATE", 2024, 2, 29, is: .date("2024-02-29")),
        c("DATE", 2024, nil, 29, is: nil),
        c("DATE", .ts("1969-12-31 23:59:59.5"), is: .date("1969-12-31")),
        c("DATE", .ts("2024-03-05 13:07:09"), is: .date("2024-03-05")),
        c("DATE", nil, is: nil),
        c("TIMESTAMP", .date("2024-03-05"), is: .ts("2024-03-05")),
        c("TIMESTAMP", "2024-03-05 13:07:09+02", is: .ts("2024-03-05 11:07:09")),
        c("TIMESTAMP", "2024-03-05", is: .ts("2024-03-05")),
        c("LAST_DAY", .date("2024-02-10"), is: .date("2024-02-29")),
        c("LAST_DAY", .date("2023-02-10"), is: .date("2023-02-28")),
        c("LAST_DAY", .date("2024-12-05"), .part(.month), is: .date("2024-12-31")),
        c("LAST_DAY", .date("2024-02-10"), .part(.year), is: .date("2024-12-31")),
        c("LAST_DAY", .date("2024-02-10"), .part(.quarter), is: .date("2024-03-31")),
        c("LAST_DAY", .date("2024-11-10"), .part(.quarter), is: .date("2024-12-31")),
        c("LAST_DAY", .date("2024-03-13"), .part(.week), is: .date("2024-03-16")),
        c("LAST_DAY", .date("2024-03-13"), .part(.isoWeek), is: .date("2024-03-17")),
        c("LAST_DAY", .date("2024-03-13"), .part(.isoYear), is: .date("2024-12-29")),
        c("LAST_DAY", nil, is: nil),
        c("UNIX_DATE", .date("2024-01-01"), is: 19723),
        c("DATE_FROM_UNIX_DATE", 19723, is: .date("2024-01-01")),
        c("UNIX_SECONDS", .ts("1969-12-31 23:59:59.5"), is: -1),
        c("UNIX_MILLIS", .ts("1970-01-01 00:00:01.0015"), is: 1001),
        c("UNIX_MICROS", .ts("1970-01-01 00:00:01.0015"), is: 1_001_500),
        c("TIMESTAMP_SECONDS", 1, is: .ts("1970-01-01 00:00:01")),
        c("TIMESTAMP_MILLIS", -1, is: .ts("1969-12-31 23:59:59.999")),
        c("TIMESTAMP_MICROS", 1_001_500, is: .ts("1970-01-01 00:00:01.0015")),
    ])
    func construction(_ c: Case) throws { try Self.check(c) }

    @Test("DATE of an impossible day and TIMESTAMP of an unparsable string are runtime errors")
    func constructionErrors() {
        #expect(Self.runtimeError { try Self.evaluate("DATE", [2023, 2, 29]) }?.contains("Invalid date") == true)
        #expect(Self.runtimeError { try Self.evaluate("DATE", [0, 1, 1]) }?.contains("Invalid date") == true)
        #expect(Self.runtimeError { try Self.evaluate("TIMESTAMP", ["yesterday"]) }?.contains("Invalid timestamp: 'yesterday'") == true)
    }

    @Test("CURRENT_DATE and CURRENT_TIMESTAMP read the clock once: every row gets the same value")
    func currentDateAndTimestamp() throws {
        let before = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
        let ts = try Self.resolve("CURRENT_TIMESTAMP", [])
        let d = try Self.resolve("CURRENT_DATE", [])
        let after = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.up))
        let tsColumn = try ts.evaluate([], 3), dateColumn = try d.evaluate([], 3)
        #expect(tsColumn.type == .timestamp && dateColumn.type == .date)
        guard case .timestamp(let t) = tsColumn.values, case .date(let days) = dateColumn.values else { return }
        #expect(t.count == 3 && Set(t).count == 1)
        #expect(t[0] >= before && t[0] <= after)
        #expect(days.count == 3 && Set(days).count == 1)
        #expect(Int64(days[0]) >= before / CivilTime.microsPerDay && Int64(days[0]) <= after / CivilTime.microsPerDay)
        #expect(Self.typeError { try Self.resolve("CURRENT_DATE", [1]) } != nil)
    }
}
