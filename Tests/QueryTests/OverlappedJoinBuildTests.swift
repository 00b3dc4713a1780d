import ColumnStore
import Foundation
import Testing
@testable import Query

/// A join of two inputs that both work before their first batch computes its build side on a thread of
/// its own while the left input's first batch is pulled (`HashJoinOperator.overlapsBuild`), and a CTE
/// named more than once is computed when first read (`SharedCTE`). Results are checked against values
/// worked out by hand or by plain Swift loops over the same numbers.
@Suite struct OverlappedJoinBuildTests {
    static let tables = [
        "create table d as select 0 as n union all select 1 union all select 2 union all select 3 union all select 4 union all select 5 union all select 6 union all select 7 union all select 8 union all select 9",
        // 10,000 rows, several batches: i = 0 ..< 10000.
        "create table big as select a.n * 1000 + b.n * 100 + c.n * 10 + e.n as i from d as a cross join d as b cross join d as c cross join d as e",
        "create table t as select 1 as k, 'x' as s, 10 as v union all select 2, cast(null as string), 20 union all select 2, 'x', 5 union all select cast(null as int64), 'y', 7",
        "create table empty as select k, v from t where false",
    ]

    static func rows(_ sql: String) throws -> [[Value]] {
        try TemporaryStore.lastRows(of: tables + [sql], label: "overlap")
    }

    @Test("a CTE named twice joined with itself one bucket apart gives each bucket and the one before it")
    func sharedCTEJoinedWithItself() throws {
        let got = try Self.rows("""
            with m as (select mod(i, 7) as b, count(*) as c, sum(i) as s from big group by b)
            select x.b, x.c, x.s, y.s as prev from m as x left join m as y on y.b = x.b - 1 order by x.b
            """)
        var count = [Int64](repeating: 0, count: 7), sum = [Int64](repeating: 0, count: 7)
        for i in 0..<10_000 { count[i % 7] += 1; sum[i % 7] += Int64(i) }
        let expected: [[Value]] = (0..<7).map { b in
            [.int64(Int64(b)), .int64(count[b]), .int64(sum[b]), b == 0 ? .null : .int64(sum[b - 1])]
        }
        #expect(got == expected)
    }

    @Test("two aggregations joined keep every left row of every batch, matched or not")
    func aggregationsJoinedAcrossBatches() throws {
        // Left: 10,000 groups (one per i, several batches); right: the 100 values of i / 100.
        let got = try Self.rows("""
            select count(*) as n, countif(r.c is null) as unmatched, sum(r.c) as total
            from (select i, count(*) as one from big group by i) as l
            left join (select div(i, 100) * 3 as j, count(*) as c from big group by j) as r on r.j = l.i
            """)
        // j = 3q for q in 0..<100, each with 100 rows; i matches when i is one of those 100 values.
        #expect(got == [[.int64(10_000), .int64(9_900), .int64(100 * 100)]])
    }

    @Test("NULL keys and strings: a NULL key matches nothing, IS NOT DISTINCT FROM matches NULL with NULL")
    func nullKeysAndStrings() throws {
        let got = try Self.rows("""
            with g as (select s, sum(v) as total from t group by s)
            select a.s, a.total, b.total as other from g as a left join g as b on a.s = b.s order by a.s nulls first
            """)
        #expect(got == [[.null, .int64(20), .null], [.string("x"), .int64(15), .int64(15)], [.string("y"), .int64(7), .int64(7)]])
        let same = try Self.rows("""
            with g as (select s, sum(v) as total from t group by s)
            select count(*) from g as a join g as b on a.s is not distinct from b.s
            """)
        #expect(same == [[.int64(3)]])
    }

    @Test("an empty side: inner join gives no row, a LEFT join keeps the left rows with NULLs")
    func emptySides() throws {
        let none = try Self.rows("""
            select count(*) from (select k, sum(v) as s from empty group by k) as a
            join (select k, sum(v) as s from t group by k) as b on a.k = b.k
            """)
        #expect(none == [[.int64(0)]])
        let kept = try Self.rows("""
            select a.k, a.s, b.s from (select k, sum(v) as s from t group by k) as a
            left join (select k, sum(v) as s from empty group by k) as b on a.k = b.k order by a.k nulls first
            """)
        #expect(kept == [[.null, .int64(7), .null], [.int64(1), .int64(10), .null], [.int64(2), .int64(25), .null]])
    }

    @Test("an error while computing a CTE named twice is reported")
    func anErrorOfTheSharedCTEIsThrown() throws {
        #expect(throws: QueryError.self) {
            try Self.rows("with m as (select k, sum(v) / 0 as r from t group by k) select count(*) from m as a join m as b on a.k = b.k")
        }
    }

    @Test("the build overlaps the first pull only when both inputs work before their first batch")
    func overlapIsChosenAtPlanTime() {
        let plain = BatchSource(types: [.int64], batches: [], label: "x")
        let shared = SharedCTESource(types: [.int64], shared: SharedCTE(plan: BatchSource(types: [.int64], batches: [], label: "y")), label: "m")
        let key = [BoundExpr.column(0, .int64)]
        #expect(!HashJoinOperator(left: plain, right: shared, kind: .inner, leftKeys: key, rightKeys: key, residual: nil).overlapsBuild)
        #expect(!HashJoinOperator(left: shared, right: plain, kind: .inner, leftKeys: key, rightKeys: key, residual: nil).overlapsBuild)
        let other = SharedCTESource(types: [.int64], shared: SharedCTE(plan: BatchSource(types: [.int64], batches: [], label: "z")), label: "n")
        #expect(HashJoinOperator(left: shared, right: other, kind: .inner, leftKeys: key, rightKeys: key, residual: nil).overlapsBuild)
    }
}
