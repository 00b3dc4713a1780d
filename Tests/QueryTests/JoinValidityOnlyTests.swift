import ColumnStore
import Foundation
import Testing
@testable import Query

/// Join output columns read only by `IS [NOT] NULL` come out as their validity alone
/// (`HashJoinOperator.validityOnlyOutputs`), through projections, filters and a join above. Results
/// are checked against counts worked out by hand, row by row, over LEFT JOINs whose matched build rows
/// hold NULLs too, with NULL and unmatched probe keys.
@Suite struct JoinValidityOnlyTests {
    static let tables = [
        // w: (k, m, v); u: (k, name); mv: (m, g).
        "create table w as select 1 as k, 'a' as m, 10 as v union all select 2, 'b', 20 union all select 3, 'zz', 30 union all select cast(null as int64), 'a', 40 union all select 1, cast(null as string), 50 union all select 4, 'b', 60",
        "create table u as select 1 as k, 'x' as name union all select 2, cast(null as string) union all select 5, 'y'",
        "create table mv as select 'a' as m, 1 as g union all select 'b', cast(null as int64)",
    ]

    static func rows(_ sql: String) throws -> [[Value]] {
        try TemporaryStore.lastRows(of: tables + [sql], label: "validity")
    }

    // Row by row (w.v): 10 matches u 'x' and mv g 1; 20 u NULL name, mv NULL g; 30 neither; 40 (NULL k)
    // no u, mv g 1; 50 u 'x', NULL m so no mv; 60 no u, mv NULL g.

    @Test("IS NULL counts over two LEFT JOINs see NULLs of unmatched rows and of matched build rows")
    func countsOverTwoLeftJoins() throws {
        let got = try Self.rows("""
            select countif(u.name is null), countif(u.k is not null), countif(mv.m is null), countif(mv.g is null), count(*)
            from w left join u on u.k = w.k left join mv on mv.m = w.m
            """)
        #expect(got == [[4, 3, 2, 4, 6].map { Value.int64($0) }])
    }

    @Test("flags projected in a subquery, as the batch's data-quality counts do, count the same rows")
    func projectedFlagsCount() throws {
        let got = try Self.rows("""
            select countif(not ku), countif(ku and not km), countif(ku and km and v > 10)
            from (select w.v, u.k is not null as ku, mv.m is not null as km
                  from w left join u on u.k = w.k left join mv on mv.m = w.m)
            """)
        #expect(got == [[3, 1, 1].map { Value.int64($0) }])
    }

    @Test("a column both tested for NULL and read keeps its values")
    func testedAndReadColumnKeepsValues() throws {
        let got = try Self.rows("select w.v, u.name, u.name is null from w left join u on u.k = w.k order by w.v")
        #expect(got == [
            [.int64(10), .string("x"), .bool(false)], [.int64(20), .null, .bool(true)], [.int64(30), .null, .bool(true)],
            [.int64(40), .null, .bool(true)], [.int64(50), .string("x"), .bool(false)], [.int64(60), .null, .bool(true)],
        ])
    }

    @Test("a WHERE that tests a joined column for NULL keeps the rows it should")
    func whereIsNullOverAJoin() throws {
        let got = try Self.rows("select w.v from w left join u on u.k = w.k where u.name is not null or w.v = 30 order by 1")
        #expect(got == [[.int64(10)], [.int64(30)], [.int64(50)]])
        let inner = try Self.rows("select count(*), countif(u.name is null) from w join u on u.k = w.k where u.k is not null")
        #expect(inner == [[.int64(3), .int64(1)]])
    }
}
