import Testing
@testable import ColumnStore

@Suite struct CivilTimeTests {
    @Test(arguments: [
        (1970, 1, 1, 0, 5),
        (1969, 12, 31, -1, 4),
        (2000, 3, 1, 11_017, 4),
        (2000, 2, 29, 11_016, 3),
        (2024, 2, 29, 19_782, 5),
        (1900, 1, 1, -25_567, 2),
        (1600, 2, 29, -135_081, 3),
        (1, 1, 1, -719_162, 2),
        (9999, 12, 31, 2_932_896, 6),
    ])
    func knownDatesHaveTheirDayNumberAndDayOfWeek(year: Int, month: Int, day: Int, days: Int32, dayOfWeek: Int) {
        #expect(CivilTime.days(year: year, month: month, day: day) == days)
        let c = CivilTime.civil(days: days)
        #expect(c.year == year && c.month == month && c.day == day)
        #expect(CivilTime.dayOfWeek(days: days) == dayOfWeek)
    }

    @Test func everyDayOfYears1600To2400RoundTripsAndFollowsThePreviousOne() {
        var expected = CivilTime.days(year: 1600, month: 1, day: 1)
        for year in 1600...2400 {
            for month in 1...12 {
                for day in 1...CivilTime.daysInMonth(year: year, month: month) {
                    let d = CivilTime.days(year: year, month: month, day: day)
                    if d != expected { Issue.record("\(year)-\(month)-\(day) is day \(d), expected \(expected)"); return }
                    let c = CivilTime.civil(days: d)
                    if c != (year, month, day) { Issue.record("day \(d) is \(c), expected \(year)-\(month)-\(day)"); return }
                    expected += 1
                }
            }
        }
        #expect(expected == CivilTime.days(year: 2401, month: 1, day: 1))
    }

    @Test func dayNumbersFarFromTheEpochRoundTrip() {
        // About ±270,000 years, 200,000 samples with an odd stride so every month and weekday is hit.
        for d in stride(from: Int32(-100_000_000), through: 100_000_000, by: 999) {
            let c = CivilTime.civil(days: d)
            #expect(CivilTime.days(year: c.year, month: c.month, day: c.day) == d)
            #expect((1...12).contains(c.month) && (1...CivilTime.daysInMonth(year: c.year, month: c.month)).contains(c.day))
        }
    }

    @Test func dayOfWeekCyclesThroughSundayToSaturdayOnBothSidesOfTheEpoch() {
        // 1970-01-04 was a Sunday.
        for d in Int32(-1000)...1000 {
            let expected = ((Int(d) - 3) % 7 + 7) % 7 + 1
            #expect(CivilTime.dayOfWeek(days: d) == expected, "day \(d)")
        }
    }

    @Test(arguments: [(2000, true), (1900, false), (2024, true), (2023, false), (1600, true), (0, true), (-4, true), (-100, false)])
    func leapYearsFollowTheGregorianRule(year: Int, leap: Bool) {
        #expect(CivilTime.isLeap(year) == leap)
        #expect(CivilTime.daysInMonth(year: year, month: 2) == (leap ? 29 : 28))
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01 00:00:00"),
        (1, "1970-01-01 00:00:00.000001"),
        (-1, "1969-12-31 23:59:59.999999"),
        (1_500_000, "1970-01-01 00:00:01.500000"),
        (-1_500_000, "1969-12-31 23:59:58.500000"),
        (-86_400_000_000, "1969-12-31 00:00:00"),
        (1_709_210_096_789_000, "2024-02-29 12:34:56.789000"),
        (-301_247_999_999_999, "1960-06-15 08:00:00.000001"),
        (-62_135_596_800_000_000, "0001-01-01 00:00:00"),
        (253_402_300_799_999_999, "9999-12-31 23:59:59.999999"),
    ])
    func timestampsFormatWithAFractionOnlyWhenNonZero(micros: Int64, text: String) {
        #expect(CivilTime.formatTimestamp(micros) == text)
    }

    @Test func extremeTimestampsFormatWithoutTrapping() {
        #expect(CivilTime.formatTimestamp(.min).hasSuffix(".224192"))
        #expect(CivilTime.formatTimestamp(.max).hasSuffix(".775807"))
    }

    @Test(arguments: [
        (Int32(0), "1970-01-01"), (-1, "1969-12-31"), (11_017, "2000-03-01"), (-719_162, "0001-01-01"), (-719_163, "0000-12-31"),
    ])
    func datesFormatAsYearMonthDay(days: Int32, text: String) {
        #expect(CivilTime.formatDate(days) == text)
    }

    @Test func negativeYearsFormatWithASign() {
        #expect(CivilTime.formatDate(CivilTime.days(year: -44, month: 3, day: 15)) == "-0044-03-15")
    }
}
