import ColumnStore
import Testing
@testable import Query

/// Expressions: literals, operators and their precedence, function-call forms, windows, subqueries.
@Suite struct ExpressionParserTests: ParserTesting {
    static let precedenceCases: [(String, Expr)] = [
        ("a OR b AND NOT c = d", .bin(.or, .col("a"), .bin(.and, .col("b"), .not(.bin(.equal, .col("c"), .col("d")))))),
        ("-a * b + c", .bin(.add, .bin(.multiply, .neg(.col("a")), .col("b")), .col("c"))),
        ("a BETWEEN 1 AND 2 AND b", .bin(.and, .between(.col("a"), low: .int(1), high: .int(2), negated: false, .nowhere), .col("b"))),
        ("a + b * c - d / e", .bin(.subtract, .bin(.add, .col("a"), .bin(.multiply, .col("b"), .col("c"))), .bin(.divide, .col("d"), .col("e")))),
        ("a - b - c", .bin(.subtract, .bin(.subtract, .col("a"), .col("b")), .col("c"))),
        ("(a - b) * c", .bin(.multiply, .bin(.subtract, .col("a"), .col("b")), .col("c"))),
        ("a OR b OR c", .bin(.or, .bin(.or, .col("a"), .col("b")), .col("c"))),
        ("NOT a AND b", .bin(.and, .not(.col("a")), .col("b"))),
        ("NOT NOT a", .not(.not(.col("a")))),
        ("a = b AND c <> d OR e", .bin(.or, .bin(.and, .bin(.equal, .col("a"), .col("b")), .bin(.notEqual, .col("c"), .col("d"))), .col("e"))),
        // `||` binds like `*` and `/` in GoogleSQL.
        ("a || b + c", .bin(.add, .bin(.concat, .col("a"), .col("b")), .col("c"))),
        ("a + b || c", .bin(.add, .col("a"), .bin(.concat, .col("b"), .col("c")))),
        ("a || b || c", .bin(.concat, .bin(.concat, .col("a"), .col("b")), .col("c"))),
        ("a + 1 > b * 2", .bin(.greater, .bin(.add, .col("a"), .int(1)), .bin(.multiply, .col("b"), .int(2)))),
        ("- -a", .neg(.neg(.col("a")))),
        ("+a", .unary(.plus, .col("a"), .nowhere)),
        ("-2 * 3", .bin(.multiply, .int(-2), .int(3))),
        ("a IS NULL AND b IS NOT NULL", .bin(.and, .isNull(.col("a"), negated: false, .nowhere), .isNull(.col("b"), negated: true, .nowhere))),
        ("a LIKE 'x%' OR a NOT LIKE 'y'",
         .bin(.or, .like(.col("a"), pattern: .str("x%"), negated: false, .nowhere), .like(.col("a"), pattern: .str("y"), negated: true, .nowhere))),
        ("a NOT BETWEEN b + 1 AND c * 2",
         .between(.col("a"), low: .bin(.add, .col("b"), .int(1)), high: .bin(.multiply, .col("c"), .int(2)), negated: true, .nowhere)),
        ("NOT a IN (1, 2)", .not(.inList(.col("a"), [.int(1), .int(2)], negated: false, .nowhere))),
    ]

    @Test(arguments: precedenceCases)
    func operatorsFollowGoogleSQLPrecedence(sql: String, expected: Expr) throws {
        #expect(try parseExpr(sql) == expected)
    }

    static let comparisonCases: [(String, BinaryOperator)] = [
        ("=", .equal), ("!=", .notEqual), ("<>", .notEqual), ("<", .less), ("<=", .lessEqual), (">", .greater), (">=", .greaterEqual),
    ]

    @Test(arguments: comparisonCases)
    func comparisonOperatorsMapToTheirBinaryOperator(op: String, expected: BinaryOperator) throws {
        #expect(try parseExpr("a \(op) 1") == .bin(expected, .col("a"), .int(1)))
    }

    static let predicateCases: [(String, Expr)] = [
        ("x IS TRUE", .isBool(.col("x"), value: true, negated: false, .nowhere)),
        ("x IS NOT FALSE", .isBool(.col("x"), value: false, negated: true, .nowhere)),
        ("x in ('a')", .inList(.col("x"), [.str("a")], negated: false, .nowhere)),
        ("x NOT IN (1, 2 + 3)", .inList(.col("x"), [.int(1), .bin(.add, .int(2), .int(3))], negated: true, .nowhere)),
        ("x IN (SELECT y FROM t)", .inSubquery(.col("x"), .of(.make(.item(.col("y")), from: .table("t"))), negated: false, .nowhere)),
        ("x NOT IN (SELECT y FROM t)", .inSubquery(.col("x"), .of(.make(.item(.col("y")), from: .table("t"))), negated: true, .nowhere)),
        ("EXISTS (SELECT 1 FROM t)", .exists(.of(.make(.item(.int(1)), from: .table("t"))), negated: false, .nowhere)),
        ("NOT EXISTS (SELECT 1 FROM t)", .exists(.of(.make(.item(.int(1)), from: .table("t"))), negated: true, .nowhere)),
        ("(SELECT MAX(y) FROM t)", .scalarSubquery(.of(.make(.item(.fn("MAX", .col("y"))), from: .table("t"))), .nowhere)),
        ("(SELECT 1) + 1", .bin(.add, .scalarSubquery(.of(.make(.item(.int(1)))), .nowhere), .int(1))),
    ]

    @Test(arguments: predicateCases)
    func predicatesAndSubqueriesParse(sql: String, expected: Expr) throws {
        #expect(try parseExpr(sql) == expected)
    }

    static let literalCases: [(String, Expr)] = [
        ("NULL", .null), ("true", .bool(true)), ("FALSE", .bool(false)),
        ("42", .int(42)), ("0x1F", .int(31)), ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
        ("1.5", .float(1.5)), (".5", .float(0.5)), ("1e3", .float(1000)), ("1.5E-3", .float(0.0015)), ("3.", .float(3)), ("-2.5", .float(-2.5)),
        ("'a\\'b'", .str("a'b")), ("\"say \\\"hi\\\"\"", .str("say \"hi\"")), ("'tab\\there\\nnext\\\\'", .str("tab\there\nnext\\")),
        ("'\\x41\\u00e9\\U0001F600\\101'", .str("Aé😀A")), ("r'\\d+\\.'", .str("\\d+\\.")), ("R\"a\\\"b\"", .str("a\\\"b")),
        ("'''multi\nline'''", .str("multi\nline")), ("\"\"\"it's \"quoted\" here\"\"\"", .str("it's \"quoted\" here")), ("''", .str("")),
        ("'héllo'", .str("héllo")),
        ("DATE '2024-02-29'", .date(2024, 2, 29)), ("date \"1970-1-1\"", .date(1970, 1, 1)),
        ("TIMESTAMP '1970-01-01 00:00:01'", .timestamp(1_000_000)),
        ("TIMESTAMP '2024-03-01'", .timestamp(Int64(CivilTime.days(year: 2024, month: 3, day: 1)) * 86_400_000_000)),
        ("TIMESTAMP '1970-01-01T01:02:03.25Z'", .timestamp(3_723_250_000)),
        ("TIMESTAMP '1970-01-01 01:00:00+01'", .timestamp(0)), ("TIMESTAMP '1970-01-01 00:00:00-01:30'", .timestamp(5_400_000_000)),
        ("TIMESTAMP '1970-01-01 00:00:00.000001 UTC'", .timestamp(1)),
        ("?", .param("?")), ("@min_rating", .param("min_rating")),
    ]

    @Test(arguments: literalCases)
    func literalsAndParametersParseToValues(sql: String, expected: Expr) throws {
        #expect(try parseExpr(sql) == expected)
    }

    static let columnCases: [(String, Expr)] = [
        ("a", .col("a")), ("t.a", .col("a", "t")), ("`t`.`my col`", .col("my col", "t")), ("`ds.t`.a", .col("a", "ds.t")),
        ("MixedCase", .col("MixedCase")), ("date", .col("date")), ("t.date", .col("date", "t")), ("timestamp", .col("timestamp")),
    ]

    @Test(arguments: columnCases)
    func columnReferencesKeepTheirSpellingAndQualifier(sql: String, expected: Expr) throws {
        #expect(try parseExpr(sql) == expected)
    }

    static let functionCases: [(String, Expr)] = [
        ("avg(x)", .fn("AVG", .col("x"))),
        ("count(*)", .countStar),
        ("COUNT(DISTINCT user_id)", .fn("COUNT", .col("user_id"), distinct: true)),
        ("count(1)", .fn("COUNT", .int(1))),
        ("IF(a > 1, 'x', 'y')", .fn("IF", .bin(.greater, .col("a"), .int(1)), .str("x"), .str("y"))),
        ("coalesce(a, b, 0)", .fn("COALESCE", .col("a"), .col("b"), .int(0))),
        ("SAFE_DIVIDE(a, b)", .fn("SAFE_DIVIDE", .col("a"), .col("b"))),
        ("FORMAT_DATE('%Y-%m', d)", .fn("FORMAT_DATE", .str("%Y-%m"), .col("d"))),
        ("left(s, 2)", .fn("LEFT", .col("s"), .int(2))),
        ("current_date()", .fn("CURRENT_DATE")), ("CURRENT_DATE", .fn("CURRENT_DATE")), ("current_timestamp", .fn("CURRENT_TIMESTAMP")),
        ("DATE(ts)", .fn("DATE", .col("ts"))),
        ("DATE_TRUNC(d, MONTH)", .fn("DATE_TRUNC", .col("d"), .part(.month))),
        ("timestamp_trunc(ts, hour)", .fn("TIMESTAMP_TRUNC", .col("ts"), .part(.hour))),
        ("DATE_TRUNC(d, ISOWEEK)", .fn("DATE_TRUNC", .col("d"), .part(.isoWeek))),
        ("DATE_DIFF(a, b, DAY)", .fn("DATE_DIFF", .col("a"), .col("b"), .part(.day))),
        ("TIMESTAMP_DIFF(a, b, MINUTE)", .fn("TIMESTAMP_DIFF", .col("a"), .col("b"), .part(.minute))),
        ("LAST_DAY(d)", .fn("LAST_DAY", .col("d"))), ("LAST_DAY(d, QUARTER)", .fn("LAST_DAY", .col("d"), .part(.quarter))),
        ("DATE_ADD(d, INTERVAL 7 DAY)", .fn("DATE_ADD", .col("d"), .interval(.int(7), .day))),
        ("date_sub(current_date(), interval n + 1 month)",
         .fn("DATE_SUB", .fn("CURRENT_DATE"), .interval(.bin(.add, .col("n"), .int(1)), .month))),
        ("TIMESTAMP_ADD(ts, INTERVAL -30 SECOND)", .fn("TIMESTAMP_ADD", .col("ts"), .interval(.int(-30), .second))),
        ("TIMESTAMP_SUB(ts, INTERVAL 1 HOUR)", .fn("TIMESTAMP_SUB", .col("ts"), .interval(.int(1), .hour))),
        ("my_udf(day)", .fn("MY_UDF", .col("day"))),
        ("EXTRACT(YEAR FROM d)", .extract(.year, from: .col("d"), .nowhere)),
        ("extract(dayofweek from d)", .extract(.dayOfWeek, from: .col("d"), .nowhere)),
        ("EXTRACT(DATE FROM ts)", .extract(.date, from: .col("ts"), .nowhere)),
        ("CAST(x AS STRING)", .cast(.col("x"), to: .string, safe: false, .nowhere)),
        ("cast(x as integer)", .cast(.col("x"), to: .int64, safe: false, .nowhere)),
        ("CAST('1.5' AS FLOAT64)", .cast(.str("1.5"), to: .float64, safe: false, .nowhere)),
        ("SAFE_CAST(x AS BOOLEAN)", .cast(.col("x"), to: .bool, safe: true, .nowhere)),
        ("safe_cast(s AS date)", .cast(.col("s"), to: .date, safe: true, .nowhere)),
        ("CAST(d AS TIMESTAMP)", .cast(.col("d"), to: .timestamp, safe: false, .nowhere)),
    ]

    @Test(arguments: functionCases)
    func functionCallsAndSpecialCallFormsParse(sql: String, expected: Expr) throws {
        #expect(try parseExpr(sql) == expected)
    }

    @Test func caseExpressionsParseWithAndWithoutOperand() throws {
        #expect(try parseExpr("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END")
                == .caseWhen(operand: nil, whens: [CaseBranch(when: .bin(.greater, .col("a"), .int(1)), then: .str("big")),
                                                   CaseBranch(when: .bin(.greater, .col("a"), .int(0)), then: .str("small"))],
                             elseResult: .str("none"), .nowhere))
        #expect(try parseExpr("case device when 'tv' then 1 end")
                == .caseWhen(operand: .col("device"), whens: [CaseBranch(when: .str("tv"), then: .int(1))], elseResult: nil, .nowhere))
    }

    static let windowCases: [(String, WindowSpec)] = [
        ("() ", WindowSpec()),
        ("(PARTITION BY a, b)", WindowSpec(partitionBy: [.col("a"), .col("b")])),
        ("(ORDER BY d DESC NULLS LAST)", WindowSpec(orderBy: [OrderItem(expr: .col("d"), descending: true, nullsFirst: false)])),
        ("(PARTITION BY u ORDER BY d ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)",
         WindowSpec(partitionBy: [.col("u")], orderBy: [OrderItem(expr: .col("d"))], frame: "ROWS BETWEEN 6 PRECEDING AND CURRENT ROW")),
        ("(order by d rows  unbounded preceding)", WindowSpec(orderBy: [OrderItem(expr: .col("d"))], frame: "rows  unbounded preceding")),
        ("(ORDER BY d RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
         WindowSpec(orderBy: [OrderItem(expr: .col("d"))], frame: "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING")),
        ("(ORDER BY d ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING)",
         WindowSpec(orderBy: [OrderItem(expr: .col("d"))], frame: "ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING")),
    ]

    @Test(arguments: windowCases)
    func windowCallsKeepPartitionOrderAndTheFrameAsWritten(over: String, expected: WindowSpec) throws {
        #expect(try parseExpr("SUM(x) OVER \(over)") == .window(function: .fn("SUM", .col("x")), over: expected, .nowhere))
    }

    @Test func windowedCountStarAndRankingFunctionsParse() throws {
        #expect(try parseExpr("COUNT(*) OVER (PARTITION BY g)") == .window(function: .countStar, over: WindowSpec(partitionBy: [.col("g")]), .nowhere))
        #expect(try parseExpr("rank() over (order by s desc) + 1")
                == .bin(.add, .window(function: .fn("RANK"), over: WindowSpec(orderBy: [OrderItem(expr: .col("s"), descending: true)]), .nowhere),
                        .int(1)))
    }

    @Test func expressionLocationsAreTheirFirstTokens() throws {
        let sql = "SELECT\n  a + f(b),\n  -c, CAST(d AS INT64) x, DATE '2024-01-01'"
        guard case .query(let q) = try SQLParser.parseStatement(sql), case .select(let s) = q.body else { Issue.record("shape"); return }
        let exprs = s.items.compactMap { item -> Expr? in if case .expr(let e, _) = item { return e } else { return nil } }
        #expect(exprs.map(\.location.column) == [3, 3, 7, 27])
        #expect(exprs.map(\.location.line) == [2, 3, 3, 3])
        guard case let .binary(_, a, f, _) = exprs[0], case let .function(_, args, _, _, fLocation) = f else { Issue.record("shape"); return }
        #expect(a.location == SourceLocation(line: 2, column: 3, offset: 9))
        #expect(fLocation == SourceLocation(line: 2, column: 7, offset: 13))
        #expect(args[0].location == SourceLocation(line: 2, column: 9, offset: 15))
    }
}
