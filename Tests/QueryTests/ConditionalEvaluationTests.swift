import ColumnStore
import Testing
@testable import Query

/// CASE, IF, COALESCE and IFNULL evaluate a branch only on the rows that take it, as BigQuery documents
/// ("else_result is not evaluated if expr is TRUE"; COALESCE's "remaining expressions aren't
/// evaluated"), so a branch that would fail on rows it does not serve raises no error. Expected values
/// are worked out by hand over t(x, y): (0, 5), (2, 0), (4, 2), (NULL, 3).
@Suite struct ConditionalEvaluationTests {
    static let table = "create table t as select 0 as x, 5 as y union all select 2, 0 union all select 4, 2 union all select cast(null as int64), 3"

    static func column(_ select: String) throws -> [Value] {
        try TemporaryStore.lastRows(of: [table, "select \(select) as v from t order by y"], label: "conditional").map { $0[0] }
    }

    @Test("IF does not evaluate the branch a row does not take")
    func ifSkipsTheOtherBranch() throws {
        // Rows by y: (2,0) (4,2) (NULL,3) (0,5); x = 0 only where 1 / x would fail.
        #expect(try Self.column("if(x = 0, null, 1 / x)") == [.float64(0.5), .float64(0.25), .null, .null])
        #expect(try Self.column("if(y <> 0, x / y, -1)") == [.float64(-1), .float64(2), .null, .float64(0)])
    }

    @Test("CASE evaluates a condition only on rows no earlier condition took, a result only on its rows")
    func caseIsLazy() throws {
        #expect(try Self.column("case when x = 0 then 0 else 10 / x end") == [.float64(5), .float64(2.5), .null, .float64(0)])
        // The second condition divides by y; the first takes the row where y = 0 (10 / 3 > 3: big).
        #expect(try Self.column("case when y = 0 then 'zero' when 10 / y > 3 then 'big' else 'small' end")
                == [.string("zero"), .string("big"), .string("big"), .string("small")])
        #expect(try Self.column("case y when 0 then -1 else x / y end") == [.float64(-1), .float64(2), .null, .float64(0)])
    }

    @Test("COALESCE and IFNULL evaluate a later argument only where every earlier one is NULL")
    func coalesceIsLazy() throws {
        // 1 / (y - 5) fails only at y = 5, where x = 0 is not NULL, so it is never evaluated there.
        #expect(try Self.column("coalesce(cast(x as float64), 1 / (y - 5), 7.0)") == [.float64(2), .float64(4), .float64(-0.5), .float64(0)])
        #expect(try Self.column("ifnull(x, 100 / (y - 5))") == [.float64(2), .float64(4), .float64(-50), .float64(0)])
        #expect(try Self.column("coalesce(x, y)") == [.int64(2), .int64(4), .int64(3), .int64(0)])
    }

    @Test("a branch still fails on a row that takes it")
    func errorsOnTakenRowsRemain() throws {
        #expect(throws: QueryError.self) { try Self.column("if(x = 0, 1 / x, 0)") }
        #expect(throws: QueryError.self) { try Self.column("coalesce(x, 1 / (y - 3))") }
        #expect(throws: QueryError.self) { try Self.column("case when x > 0 then 1 else 1 / x end") }
    }

    @Test("results of mixed types and NULL branches keep the CASE type")
    func mixedTypes() throws {
        #expect(try Self.column("case when x is null then null when x > 1 then x else 0.5 end") == [.float64(2), .float64(4), .null, .float64(0.5)])
        #expect(try Self.column("if(x > 1, x, null)") == [.int64(2), .int64(4), .null, .null])
    }
}
