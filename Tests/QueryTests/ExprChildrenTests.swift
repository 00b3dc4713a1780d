import ColumnStore
import Testing
@testable import Query

/// `Expr.children`, the one child list the planner's read-only walks (column names, aggregate
/// detection, scalar-subquery collection) recurse through.
@Suite struct ExprChildrenTests: ParserTesting {
    @Test("children are the direct sub-expressions in source order")
    func directChildrenInOrder() throws {
        #expect(try parseExpr("CASE a WHEN 1 THEN b ELSE c END").children == [.col("a"), .int(1), .col("b"), .col("c")])
        #expect(try parseExpr("x BETWEEN lo AND hi").children == [.col("x"), .col("lo"), .col("hi")])
        #expect(try parseExpr("k IN (1, 2)").children == [.col("k"), .int(1), .int(2)])
        #expect(try parseExpr("f(a, b + 1)").children == [.col("a"), .bin(.add, .col("b"), .int(1))])
        #expect(try parseExpr("SUM(v) OVER (PARTITION BY p ORDER BY o)").children
                == [.fn("SUM", .col("v")), .col("p"), .col("o")])
    }

    @Test("subqueries are not children; the tested value of x IN (SELECT ...) is")
    func subqueriesAreNotEntered() throws {
        #expect(try parseExpr("(SELECT MAX(v) FROM t)").children.isEmpty)
        #expect(try parseExpr("EXISTS (SELECT 1 FROM t)").children.isEmpty)
        #expect(try parseExpr("k IN (SELECT k FROM t)").children == [.col("k")])
    }

    @Test("the walks built on children find aggregates, names and scalar subqueries at any depth")
    func walksReachDeepNodes() throws {
        let e = try parseExpr("CASE WHEN a > 0 THEN COALESCE(SUM(b), (SELECT MAX(c) FROM t)) END")
        #expect(Planner.containsAggregate(e))
        #expect(!Planner.containsAggregate(try parseExpr("k IN (SELECT MAX(c) FROM t)")))
        var names = NameCollector()
        names.visit(e)
        #expect(names.names == ["a", "b", "c"])
        var found: [(query: Query, location: QuerySourceLocation)] = []
        Planner.collectScalarSubqueries(e, into: &found)
        #expect(found.count == 1)
    }
}
