import ColumnStore
import Foundation
import Testing
@testable import Query

/// Uncorrelated scalar subqueries of a SELECT list (and of its UNION ALL operands) are run side by side
/// before binding (`Planner.prefetchScalarSubqueries`). Results are checked against values worked out
/// by hand over small tables; errors and correlated subqueries are reported as when run one by one.
@Suite struct SubqueryPrefetchTests {
    static let tables = [
        "create table a as select 1 as k, 'x' as s union all select 2, cast(null as string) union all select 2, 'x' union all select cast(null as int64), 'y'",
        "create table b as select 10 as v union all select 20 union all select cast(null as int64)",
        "create table empty as select 1 as k from a where false",
    ]

    static func rows(_ sql: [String]) throws -> [[Value]] {
        try TemporaryStore.lastRows(of: tables + sql, label: "prefetch")
    }

    @Test("several scalar subqueries in SELECT lists joined by UNION ALL give their own values, in place")
    func subqueriesAcrossUnionAllKeepTheirValues() throws {
        let got = try Self.rows(["""
            select 'a' as t, (select count(*) from (select distinct * from a)) as d, (select sum(v) from b) as s, (select max(k) from empty) as m
            union all
            select 'b', (select count(*) from (select distinct * from b)), (select countif(s = 'x') from a), (select min(v) from b where v > 10)
            """])
        #expect(got == [
            [.string("a"), .int64(4), .int64(30), .null],
            [.string("b"), .int64(3), .int64(2), .int64(20)],
        ])
    }

    @Test("a subquery names a CTE of the statement that hides a table of the same name")
    func subqueriesSeeTheStatementsCTEs() throws {
        let got = try Self.rows(["""
            with b as (select 1 as v)
            select (select sum(v) from b) as s, (select count(*) from a) as n, (select count(*) from b) as c
            """])
        #expect(got == [[.int64(1), .int64(4), .int64(1)]])
    }

    @Test("an error of one subquery is reported when the others succeed")
    func anErrorOfOneSubqueryIsThrown() throws {
        #expect(throws: QueryError.self) {
            try Self.rows(["select (select count(*) from a) as n, (select 1 / 0 from b limit 1) as x, (select count(*) from b) as m"])
        }
    }

    @Test("a subquery more than one row long is still an error")
    func aSubqueryOfSeveralRowsIsAnError() throws {
        #expect(throws: QueryError.self) {
            try Self.rows(["select (select v from b) as x, (select count(*) from a) as n"])
        }
    }

    @Test("a correlated subquery beside an uncorrelated one is still reported as not supported")
    func aCorrelatedSubqueryIsNotSupported() throws {
        do {
            _ = try Self.rows(["select k, (select count(*) from b where v = a.k) as c, (select count(*) from b) as n from a"])
            Issue.record("expected an error")
        } catch QueryError.notSupported(let construct, _, _) {
            #expect(construct.contains("correlated subquery"))
        }
    }
}
