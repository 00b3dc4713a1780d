import ColumnStore
import Testing
@testable import Query

/// DATE_ADD over whole batches whose (date, amount) pairs repeat, as after a CROSS JOIN with a few
/// shifts: results computed once per pair are reused (`RecentDateAdds`) and must equal a computation
/// per row. Expected values are worked out by hand.
@Suite struct DateAddBatchTests {
    @Test("repeated and differing (date, amount) pairs in one batch each get their own result, NULLs stay NULL")
    func repeatedPairs() throws {
        let got = try OverlappedJoinBuildTests.rows("""
            select date_add(d, interval n month) as r from (
              select date '2024-01-31' as d, 1 as n union all select date '2024-01-31', 1
              union all select date '2024-01-31', 2 union all select date '2023-01-31', 1
              union all select date '2024-01-31', 1 union all select cast(null as date), 1
              union all select date '2024-01-31', cast(null as int64) union all select date '2024-01-31', 0)
            """)
        func day(_ y: Int, _ m: Int, _ d: Int) -> Value { .date(CivilTime.days(year: y, month: m, day: d)) }
        let expected: [Value] = [
            day(2024, 2, 29), day(2024, 2, 29), day(2024, 3, 31), day(2023, 2, 28), day(2024, 2, 29), .null, .null, day(2024, 1, 31),
        ]
        #expect(got.map { $0[0] } == expected)
    }

    @Test("over 10,000 rows with three pairs and with 10,000 different amounts every result is right")
    func manyRows() throws {
        let got = try OverlappedJoinBuildTests.rows("""
            select
              countif(date_add(date '2024-01-31', interval mod(i, 3) month)
                = case mod(i, 3) when 0 then date '2024-01-31' when 1 then date '2024-02-29' else date '2024-03-31' end),
              countif(extract(year from date_add(date '2000-01-15', interval i month)) * 12
                + extract(month from date_add(date '2000-01-15', interval i month)) - 1 = 2000 * 12 + i
                and extract(day from date_sub(date '3000-01-15', interval i month)) = 15)
            from big
            """)
        #expect(got == [[.int64(10_000), .int64(10_000)]])
    }

    @Test("an overflow is reported even after the same date added without overflow in the batch")
    func overflowAfterASuccess() {
        #expect(throws: QueryError.self) {
            try OverlappedJoinBuildTests.rows("""
                select date_add(d, interval n month) from (
                  select date '9999-11-01' as d, 1 as n union all select date '9999-11-01', 1 union all select date '9999-11-01', 2)
                """)
        }
    }
}
