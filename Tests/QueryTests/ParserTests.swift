import ColumnStore
import Testing
@testable import Query

/// Statements and query structure. Expressions: `ExpressionParserTests`; errors and "not supported":
/// `ErrorReportingParserTests`; tokens and locations: `LexicalParserTests`.
@Suite struct ParserTests: ParserTesting {
    static let genreQuery = """
        select m.genre_primary, avg(r.rating) as avg_rating from reviews r join movies m using (movie_id) group by 1 order by 2 desc
        """
    static let dedupQuery = """
        select * from watch_history qualify row_number() over (partition by session_id order by watch_date desc) = 1
        """

    @Test func theGenreQueryOfTheIssueParsesToAJoinUsingGroupedAndOrderedByOrdinals() throws {
        let expected = Query.of(
            .make(.item(.col("genre_primary", "m")), .item(.fn("AVG", .col("rating", "r")), "avg_rating"),
                  from: .join(.table("reviews", "r"), .table("movies", "m"), .inner, using: ["movie_id"]),
                  groupBy: [.int(1)]),
            orderBy: [OrderItem(expr: .int(2), descending: true)])
        #expect(try parseQuery(Self.genreQuery) == expected)
        // Keyword case, line breaks and comments change nothing.
        let reformatted = """
            SELECT m.genre_primary,  -- the genre
                   AVG(r.rating) AS avg_rating
            FROM reviews AS r /* reviews */ JOIN movies m USING (movie_id)
            GROUP BY 1
            ORDER BY 2 DESC;
            """
        #expect(try parseQuery(reformatted) == expected)
    }

    @Test func theQualifyDedupOfTheIssueParsesToAWindowComparison() throws {
        let window = Expr.window(
            function: .fn("ROW_NUMBER"),
            over: WindowSpec(partitionBy: [.col("session_id")], orderBy: [OrderItem(expr: .col("watch_date"), descending: true)]),
            .nowhere)
        let expected = Query.of(.make(.star(), from: .table("watch_history"), qualify: .bin(.equal, window, .int(1))))
        #expect(try parseQuery(Self.dedupQuery) == expected)
    }

    @Test func aScriptIsSplitAtSemicolonsAndATrailingSemicolonIsFine() throws {
        let statements = try SQLParser.parse("SELECT 1; select 2;\n-- done\n")
        #expect(statements.map(stripped) == [.query(.of(.make(.item(.int(1))))), .query(.of(.make(.item(.int(2)))))])
        #expect(try SQLParser.parse("").isEmpty)
        #expect(try SQLParser.parse("  -- only a comment\n /* and another */ # and a third").isEmpty)
    }

    @Test func parseStatementTakesExactlyOneStatement() throws {
        #expect(stripped(try SQLParser.parseStatement("SELECT 1;")) == .query(.of(.make(.item(.int(1))))))
        #expect(syntaxErrorOfStatement("SELECT 1; SELECT 2")?.message == "expected end of input, found keyword SELECT")
        #expect(syntaxErrorOfStatement("")?.message.hasPrefix("expected a statement") == true)
    }

    func syntaxErrorOfStatement(_ sql: String) -> (message: String, column: Int)? {
        guard case let .syntax(message, location, _)? = queryError({ try SQLParser.parseStatement(sql) }) else { return nil }
        return (message, location.column)
    }

    static let statementCases: [(String, Statement)] = [
        ("EXPLAIN SELECT a FROM t", .explain(.of(.make(.item(.col("a")), from: .table("t"))))),
        ("CREATE TABLE t2 AS SELECT 1", .createTableAs(name: "t2", query: .of(.make(.item(.int(1)))), orReplace: false, ifNotExists: false)),
        ("create or replace table ds.t2 as (select 1)",
         .createTableAs(name: "ds.t2", query: Query(body: .nested(.of(.make(.item(.int(1)))))), orReplace: true, ifNotExists: false)),
        ("CREATE TABLE IF NOT EXISTS `my t` AS WITH c AS (SELECT 1) SELECT * FROM c",
         .createTableAs(name: "my t", query: Query(with: [CommonTableExpression(name: "c", query: .of(.make(.item(.int(1)))))],
                                                   body: .select(.make(.star(), from: .table("c")))),
                        orReplace: false, ifNotExists: true)),
        ("DROP TABLE t", .dropTable(name: "t", ifExists: false)),
        ("drop table if exists `proj.ds.t`", .dropTable(name: "proj.ds.t", ifExists: true)),
        ("DROP TABLE proj.ds.t", .dropTable(name: "proj.ds.t", ifExists: false)),
    ]

    @Test(arguments: statementCases)
    func explainCreateTableAsAndDropTableParse(sql: String, expected: Statement) throws {
        #expect(stripped(try SQLParser.parseStatement(sql)) == expected)
    }

    @Test func selectDistinctAndSelectAllSetTheDistinctFlag() throws {
        #expect(try parseQuery("SELECT DISTINCT a FROM t") == .of(.make(.item(.col("a")), from: .table("t"), distinct: true)))
        #expect(try parseQuery("SELECT ALL a FROM t") == .of(.make(.item(.col("a")), from: .table("t"))))
    }

    static let starCases: [(String, [SelectItem])] = [
        ("*", [.star()]),
        ("t.*", [.star("t")]),
        ("`ds.t`.*", [.star("ds.t")]),
        ("* EXCEPT (a, b)", [.star(except: ["a", "b"])]),
        ("t.* except (`a`), u.x", [.star("t", except: ["a"]), .item(.col("x", "u"))]),
        ("a, *", [.item(.col("a")), .star()]),
    ]

    @Test(arguments: starCases)
    func starsQualifiedStarsAndStarExceptParse(items: String, expected: [SelectItem]) throws {
        guard case .select(let s) = try parseQuery("SELECT \(items) FROM t").body else { Issue.record("not a select"); return }
        #expect(s.items == expected)
    }

    @Test func aliasesAreTakenWithOrWithoutAsAndMayBeBackquoted() throws {
        let q = try parseQuery("SELECT a AS x, b y, c + 1 `z z`, d AS `from`, e, FROM t")
        #expect(q == .of(.make(.item(.col("a"), "x"), .item(.col("b"), "y"), .item(.bin(.add, .col("c"), .int(1)), "z z"),
                               .item(.col("d"), "from"), .item(.col("e")), from: .table("t"))))
    }

    static let fromCases: [(String, FromItem)] = [
        ("t", .table("t")),
        ("t AS x", .table("t", "x")),
        ("t x", .table("t", "x")),
        ("ds.t", .table("ds.t")),
        ("`proj.ds.t` p", .table("proj.ds.t", "p")),
        ("`proj`.ds.`t`", .table("proj.ds.t")),
        ("(SELECT 1) AS s", .subquery(.of(.make(.item(.int(1)))), "s")),
        ("(SELECT 1) s", .subquery(.of(.make(.item(.int(1)))), "s")),
        ("((SELECT 1))", .subquery(Query(body: .nested(.of(.make(.item(.int(1))))))) ),
        ("a JOIN b ON a.id = b.id", .join(.table("a"), .table("b"), .inner, on: .bin(.equal, .col("id", "a"), .col("id", "b")))),
        ("a INNER JOIN b USING (id)", .join(.table("a"), .table("b"), .inner, using: ["id"])),
        ("a LEFT JOIN b USING (id, k)", .join(.table("a"), .table("b"), .left, using: ["id", "k"])),
        ("a left outer join b using (id)", .join(.table("a"), .table("b"), .left, using: ["id"])),
        ("a RIGHT JOIN b USING (id)", .join(.table("a"), .table("b"), .right, using: ["id"])),
        ("a RIGHT OUTER JOIN b USING (id)", .join(.table("a"), .table("b"), .right, using: ["id"])),
        ("a FULL JOIN b USING (id)", .join(.table("a"), .table("b"), .full, using: ["id"])),
        ("a FULL OUTER JOIN b USING (id)", .join(.table("a"), .table("b"), .full, using: ["id"])),
        ("a CROSS JOIN b", .join(.table("a"), .table("b"), .cross)),
        ("a, b", .join(.table("a"), .table("b"), .cross)),
        ("a x, b y, c", .join(.join(.table("a", "x"), .table("b", "y"), .cross), .table("c"), .cross)),
        ("a JOIN b USING (id) LEFT JOIN c ON c.k = b.k",
         .join(.join(.table("a"), .table("b"), .inner, using: ["id"]), .table("c"), .left, on: .bin(.equal, .col("k", "c"), .col("k", "b")))),
        ("a JOIN (b JOIN c USING (k)) USING (id)",
         .join(.table("a"), .join(.table("b"), .table("c"), .inner, using: ["k"]), .inner, using: ["id"])),
        ("(a, b)", .join(.table("a"), .table("b"), .cross)),
        ("a JOIN (SELECT id FROM b) s USING (id)",
         .join(.table("a"), .subquery(.of(.make(.item(.col("id")), from: .table("b"))), "s"), .inner, using: ["id"])),
    ]

    @Test(arguments: fromCases)
    func fromItemsJoinsAndCommaJoinsParseLeftAssociatively(from: String, expected: FromItem) throws {
        guard case .select(let s) = try parseQuery("SELECT 1 FROM \(from)").body else { Issue.record("not a select"); return }
        #expect(s.from == expected)
    }

    @Test func whereGroupByHavingAndQualifyFillTheirClauses() throws {
        let q = try parseQuery("""
            SELECT a, COUNT(*) n FROM t WHERE b > 1 GROUP BY a, 2, LOWER(c) HAVING COUNT(*) > 3 QUALIFY n = 1
            """)
        #expect(q == .of(.make(.item(.col("a")), .item(.countStar, "n"), from: .table("t"), where: .bin(.greater, .col("b"), .int(1)),
                               groupBy: [.col("a"), .int(2), .fn("LOWER", .col("c"))], having: .bin(.greater, .countStar, .int(3)),
                               qualify: .bin(.equal, .col("n"), .int(1)))))
    }

    @Test func orderByTakesDirectionsAndNullsPlacement() throws {
        let q = try parseQuery("SELECT a FROM t ORDER BY a, b ASC, c DESC, d NULLS FIRST, e DESC NULLS LAST, 1")
        #expect(q.orderBy == [
            OrderItem(expr: .col("a")), OrderItem(expr: .col("b")), OrderItem(expr: .col("c"), descending: true),
            OrderItem(expr: .col("d"), nullsFirst: true), OrderItem(expr: .col("e"), descending: true, nullsFirst: false),
            OrderItem(expr: .int(1)),
        ])
    }

    @Test func limitAndOffsetAreKeptAsExpressions() throws {
        #expect(try parseQuery("SELECT a FROM t LIMIT 10") == .of(.make(.item(.col("a")), from: .table("t")), limit: .int(10)))
        #expect(try parseQuery("SELECT a FROM t ORDER BY a LIMIT 10 OFFSET 20")
                == .of(.make(.item(.col("a")), from: .table("t")), orderBy: [OrderItem(expr: .col("a"))], limit: .int(10), offset: .int(20)))
        #expect(try parseQuery("SELECT a FROM t LIMIT @n").limit == .param("n"))
    }

    static let setOperationCases: [(String, SetOperator)] = [
        ("UNION ALL", .unionAll), ("union distinct", .unionDistinct), ("INTERSECT DISTINCT", .intersectDistinct),
        ("EXCEPT DISTINCT", .exceptDistinct),
    ]

    @Test(arguments: setOperationCases)
    func setOperationsParseWithTheirNames(sql: String, op: SetOperator) throws {
        let q = try parseQuery("SELECT a FROM t \(sql) SELECT b FROM u")
        #expect(q.body == .setOperation(op: op, left: .select(.make(.item(.col("a")), from: .table("t"))),
                                        right: .select(.make(.item(.col("b")), from: .table("u"))), location: .nowhere))
    }

    @Test func setOperationsAreLeftAssociativeAndOrderByAndLimitApplyToTheWhole() throws {
        let q = try parseQuery("SELECT 1 UNION ALL SELECT 2 EXCEPT DISTINCT SELECT 3 ORDER BY 1 DESC LIMIT 2")
        let one = QueryBody.select(.make(.item(.int(1)))), two = QueryBody.select(.make(.item(.int(2))))
        let three = QueryBody.select(.make(.item(.int(3))))
        #expect(q == Query(body: .setOperation(op: .exceptDistinct, left: .setOperation(op: .unionAll, left: one, right: two, location: .nowhere),
                                                right: three, location: .nowhere),
                           orderBy: [OrderItem(expr: .int(1), descending: true)], limit: .int(2)))
    }

    @Test func parenthesizedQueryBodiesNestWithTheirOwnOrderByAndLimit() throws {
        let q = try parseQuery("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u) LIMIT 5")
        let left = Query.of(.make(.item(.col("a")), from: .table("t")), orderBy: [OrderItem(expr: .col("a"))], limit: .int(1))
        let right = Query.of(.make(.item(.col("b")), from: .table("u")))
        #expect(q == Query(body: .setOperation(op: .unionAll, left: .nested(left), right: .nested(right), location: .nowhere), limit: .int(5)))
        #expect(try parseQuery("((SELECT 1))") == Query(body: .nested(Query(body: .nested(.of(.make(.item(.int(1)))))))))
    }

    @Test func withDefinesCommonTableExpressionsInOrder() throws {
        let q = try parseQuery("WITH a AS (SELECT 1 x), b AS (SELECT x FROM a) SELECT * FROM b")
        #expect(q.with == [
            CommonTableExpression(name: "a", query: .of(.make(.item(.int(1), "x")))),
            CommonTableExpression(name: "b", query: .of(.make(.item(.col("x")), from: .table("a")))),
        ])
        #expect(q.body == .select(.make(.star(), from: .table("b"))))
        // WITH inside a subquery.
        let inner = try parseQuery("SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c)")
        guard case .select(let s) = inner.body, case .subquery(let sub, _, _)? = s.from else { Issue.record("no subquery"); return }
        #expect(sub.with.map(\.name) == ["c"])
    }

    @Test func selectWithoutFromAndTrailingCommasParse() throws {
        #expect(try parseQuery("SELECT 1, 'a',") == .of(.make(.item(.int(1)), .item(.str("a")))))
        #expect(try parseQuery("SELECT a, b, FROM t") == .of(.make(.item(.col("a")), .item(.col("b")), from: .table("t"))))
    }

    @Test func statementAndClauseLocationsAreTheirFirstTokens() throws {
        guard case .query(let q) = try SQLParser.parseStatement("  SELECT a\nFROM t x JOIN u USING (k)\nUNION ALL SELECT 2"),
              case let .setOperation(_, left, right, location) = q.body, case .select(let s) = left, case .select(let s2) = right,
              case let .join(l, r, _, _, _, joinLocation)? = s.from, case let .table(_, _, tLocation) = l, case let .table(_, _, uLocation) = r
        else { Issue.record("unexpected shape"); return }
        #expect(location == SourceLocation(line: 1, column: 3, offset: 2))
        #expect(s.location == SourceLocation(line: 1, column: 3, offset: 2))
        #expect(joinLocation == SourceLocation(line: 2, column: 6, offset: 16))
        #expect(tLocation == joinLocation)
        #expect(uLocation == SourceLocation(line: 2, column: 15, offset: 25))
        #expect(s2.location.line == 3 && s2.location.column == 11)
    }
}
