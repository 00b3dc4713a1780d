import ColumnStore
import Foundation
import Testing
@testable import Query

/// An INNER join under a GROUP BY leaves the output columns nothing reads without rows
/// (`HashJoinOperator.unreadOutputsEmpty`) only when no operator between evaluates anything over
/// them: right below the GROUP BY, or below a projection that passes them on as bare columns. The
/// groups are checked against counts worked out by hand.
@Suite struct JoinUnreadOutputsTests {
    /// Probe (k, v): k 1, 2, 9 (no match), 1, NULL, 2; build (k, g): 1 "x", 2 "y", 2 "x" (k 2 twice).
    static func join() -> HashJoinOperator {
        let left = BatchSource(types: [.int64, .int64], batches: [Batch(columns: [
            Column(values: .int64([1, 2, 9, 1, 0, 2]), validity: [true, true, true, true, false, true]),
            Column(values: .int64([10, 20, 30, 40, 50, 60]))], count: 6)], label: "l")
        let right = BatchSource(types: [.int64, .string], batches: [Batch(columns: [
            Column(values: .int64([1, 2, 2])), Column(values: .string(StringArray(["x", "y", "x"])))], count: 3)], label: "r")
        return HashJoinOperator(left: left, right: right, kind: .inner, leftKeys: [.column(0, .int64)], rightKeys: [.column(0, .int64)], residual: nil)
    }

    /// Pairs: (1,10,x) (2,20,y) (2,20,x) (1,40,x) (2,60,y) (2,60,x): x 4 rows, v 130; y 2 rows, v 80.
    static let expected: [Value: [Value]] = [.string("x"): [.int64(4), .int64(130)], .string("y"): [.int64(2), .int64(80)]]

    static let aggregates = [AggregateSpec(kind: .countStar, argument: nil, resultType: .int64),
                             AggregateSpec(kind: .sum, argument: .column(1, .int64), resultType: .int64)]

    static func plan(_ aggregate: HashAggregateOperator) {
        Planner.markJoinKeyOnlyOutputs(aggregate)
        Planner.markJoinOutputs(aggregate, read: nil)
    }

    static func groups(_ aggregate: HashAggregateOperator) throws -> [Value: [Value]] {
        var got: [Value: [Value]] = [:]
        while let b = try aggregate.next() {
            for i in 0..<b.count { got[b.columns[0].value(at: i)] = [b.columns[1].value(at: i), b.columns[2].value(at: i)] }
        }
        return got
    }

    @Test("a GROUP BY right above an inner join gets the unread columns without rows and the right groups")
    func unreadColumnsRightBelowAGroupByHaveNoRows() throws {
        let probe = Self.join()
        Self.plan(HashAggregateOperator(child: probe, keys: [.column(3, .string)], aggregates: Self.aggregates))
        #expect(probe.unreadOutputsEmpty)
        #expect(probe.outputRead == [false, true, false, true])
        let b = try #require(try probe.next())
        #expect(b.count == 6)
        #expect(b.columns[0].count == 0 && b.columns[2].count == 0)
        #expect((0..<6).map { b.columns[1].value(at: $0) } == [10, 20, 20, 40, 60, 60].map { Value.int64($0) })

        let aggregate = HashAggregateOperator(child: Self.join(), keys: [.column(3, .string)], aggregates: Self.aggregates)
        Self.plan(aggregate)
        #expect(try Self.groups(aggregate) == Self.expected)
    }

    @Test("a projection of bare columns between keeps the unread columns without rows")
    func aProjectionOfBareColumnsKeepsThemWithoutRows() throws {
        let probe = Self.join()
        // Projected: g, v, and the unread probe key k as itself.
        let project = ProjectOperator(child: probe, exprs: [.column(3, .string), .column(1, .int64), .column(0, .int64)])
        let aggregate = HashAggregateOperator(child: project, keys: [.column(0, .string)], aggregates: Self.aggregates)
        Self.plan(aggregate)
        #expect(probe.unreadOutputsEmpty)
        #expect(try Self.groups(aggregate) == Self.expected)
    }

    @Test("a projection computing over an unread column gets that column's NULL rows")
    func aProjectionComputingOverAnUnreadColumnGetsItsRows() throws {
        let probe = Self.join()
        // The third expression, -k, is read by nothing above, yet the projection evaluates it.
        let project = ProjectOperator(child: probe, exprs: [.column(3, .string), .column(1, .int64), .negate(.column(0, .int64))])
        let aggregate = HashAggregateOperator(child: project, keys: [.column(0, .string)], aggregates: Self.aggregates)
        Self.plan(aggregate)
        #expect(!probe.unreadOutputsEmpty)
        #expect(try Self.groups(aggregate) == Self.expected)
    }

    @Test("SQL grouping a join whose subquery projects an expression nothing reads counts every pair",
          arguments: ["select g, count(*), sum(v) from (select b.g, a.v, -a.k as nk from a join b using (k)) group by g",
                      "select g, count(*), sum(v) from (select b.g, a.v, a.k from a join b using (k)) group by g",
                      "select b.g, count(*), sum(a.v) from a join b using (k) group by 1"])
    func sqlOverAJoinCountsEveryPair(sql: String) throws {
        let rows = try TemporaryStore.lastRows(of: [
            "create table a as select 1 as k, 10 as v union all select 2, 20 union all select 9, 30 union all select 1, 40 union all select cast(null as int64), 50 union all select 2, 60",
            "create table b as select 1 as k, 'x' as g union all select 2, 'y' union all select 2, 'x'",
            sql], label: "joinunread")
        var got: [Value: [Value]] = [:]
        for r in rows { got[r[0]] = [r[1], r[2]] }
        #expect(got == Self.expected)
    }
}
