import Testing
@testable import Query

/// Syntax errors (message and location), "not supported" errors (the construct named), and limits.
@Suite struct ErrorReportingParserTests: ParserTesting {
    static let unsupportedCases: [(String, String)] = [
        ("INSERT INTO t VALUES (1)", "INSERT statement"),
        ("update t set a = 1", "UPDATE statement"),
        ("DELETE FROM t WHERE true", "DELETE statement"),
        ("MERGE t USING u ON true WHEN MATCHED THEN DELETE", "MERGE statement"),
        ("TRUNCATE TABLE t", "TRUNCATE statement"),
        ("CREATE VIEW v AS SELECT 1", "CREATE VIEW"),
        ("create or replace materialized view v as select 1", "CREATE MATERIALIZED VIEW"),
        ("CREATE TEMP TABLE t AS SELECT 1", "CREATE TEMP TABLE"),
        ("CREATE FUNCTION f() AS (1)", "CREATE FUNCTION"),
        ("CREATE TABLE t (a INT64)", "CREATE TABLE with a column list"),
        ("CREATE TABLE t", "CREATE TABLE without AS query"),
        ("CREATE TABLE t PARTITION BY d AS SELECT 1", "CREATE TABLE PARTITION BY"),
        ("DROP VIEW v", "DROP VIEW"),
        ("DROP SNAPSHOT TABLE s", "DROP SNAPSHOT TABLE"),
        ("EXPLAIN ANALYZE SELECT 1", "EXPLAIN ANALYZE"),
        ("WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r", "WITH RECURSIVE"),
        ("SELECT * REPLACE (1 AS a) FROM t", "SELECT * REPLACE"),
        ("SELECT * EXCEPT (b) REPLACE (1 AS a) FROM t", "SELECT * REPLACE"),
        ("SELECT AS STRUCT 1 AS a", "SELECT AS STRUCT"),
        ("SELECT a FROM t GROUP BY ROLLUP (a)", "GROUP BY ROLLUP"),
        ("SELECT a FROM t GROUP BY CUBE (a)", "GROUP BY CUBE"),
        ("SELECT a FROM t GROUP BY GROUPING SETS ((a))", "GROUP BY GROUPING SETS"),
        ("SELECT a FROM t GROUP BY ALL", "GROUP BY ALL"),
        ("SELECT SUM(a) OVER w FROM t WINDOW w AS (PARTITION BY b)", "named window OVER w"),
        ("SELECT a FROM t WINDOW w AS (PARTITION BY b)", "WINDOW clause"),
        ("SELECT SUM(a) OVER (w ORDER BY b) FROM t", "named window reference w in OVER (...)"),
        ("SELECT SUM(a) OVER (ORDER BY b GROUPS 1 PRECEDING) FROM t", "GROUPS window frame"),
        ("SELECT 1 INTERSECT ALL SELECT 1", "INTERSECT ALL"),
        ("SELECT 1 EXCEPT ALL SELECT 1", "EXCEPT ALL"),
        ("SELECT NUMERIC '1.5'", "NUMERIC literal"),
        ("SELECT bignumeric '1'", "BIGNUMERIC literal"),
        ("SELECT DATETIME '2024-01-01 10:00:00'", "DATETIME literal"),
        ("SELECT TIME '10:00:00'", "TIME literal"),
        ("SELECT JSON '{}'", "JSON literal"),
        ("SELECT INTERVAL 1 DAY", "INTERVAL literal"),
        ("SELECT DATE_ADD(d, INTERVAL '1-2' YEAR TO MONTH)", "INTERVAL ... TO ..."),
        ("SELECT b'abc'", "BYTES literal"),
        ("SELECT CAST(x AS NUMERIC)", "type NUMERIC"),
        ("SELECT CAST(x AS BYTES)", "type BYTES"),
        ("SELECT CAST(x AS DATETIME)", "type DATETIME"),
        ("SELECT SAFE_CAST(x AS JSON)", "type JSON"),
        ("SELECT CAST(x AS ARRAY<INT64>)", "type ARRAY"),
        ("SELECT CAST(x AS STRUCT<a INT64>)", "type STRUCT"),
        ("SELECT CAST(x AS STRING(10))", "parameterized type STRING(...)"),
        ("SELECT CAST(x AS STRING FORMAT 'x')", "CAST ... FORMAT"),
        ("SELECT SAFE.SUBSTR(s, 1)", "SAFE. prefix (SAFE.SUBSTR)"),
        ("SELECT a | b", "bitwise operator |"),
        ("SELECT a ^ b", "bitwise operator ^"),
        ("SELECT a & b", "bitwise operator &"),
        ("SELECT a << 2", "bitwise operator <<"),
        ("SELECT ~a", "bitwise operator ~"),
        ("SELECT [1, 2]", "array literal [...]"),
        ("SELECT ARRAY(SELECT 1)", "ARRAY"),
        ("SELECT ARRAY<INT64>[1]", "ARRAY"),
        ("SELECT STRUCT(1 AS a)", "STRUCT"),
        ("SELECT (1, 2)", "STRUCT (tuple) constructor (a, b, ...)"),
        ("SELECT * FROM UNNEST([1])", "UNNEST"),
        ("SELECT * FROM t, UNNEST(t.arr)", "UNNEST"),
        ("SELECT x IN UNNEST(arr) FROM t", "IN UNNEST"),
        ("SELECT s.field.sub FROM t", "field access s.field.sub"),
        ("SELECT f(x).y", "field access .y"),
        ("SELECT (a).b", "field access .b"),
        ("SELECT arr[OFFSET(0)] FROM t", "array subscript [...]"),
        ("SELECT ARRAY_TRANSFORM(a, e -> e + 1)", "lambda ->"),
        ("SELECT f(x => 1)", "named function argument =>"),
        ("SELECT DATE_TRUNC(d, WEEK(MONDAY))", "date part WEEK(MONDAY)"),
        ("SELECT EXTRACT(WEEK(SUNDAY) FROM d)", "date part WEEK(SUNDAY)"),
        ("SELECT EXTRACT(TIME FROM ts)", "EXTRACT(TIME FROM ...)"),
        ("SELECT EXTRACT(HOUR FROM ts AT TIME ZONE 'UTC')", "AT TIME ZONE"),
        ("SELECT a LIKE ANY ('x%', 'y%')", "LIKE ANY"),
        ("SELECT a = ANY (SELECT 1)", "ANY subquery comparison"),
        ("SELECT ARRAY_AGG(x ORDER BY y) FROM t", "ORDER BY inside ARRAY_AGG(...)"),
        ("SELECT STRING_AGG(x, ',' LIMIT 2) FROM t", "LIMIT inside STRING_AGG(...)"),
        ("SELECT ANY_VALUE(x IGNORE NULLS) FROM t", "IGNORE NULLS"),
        ("SELECT * FROM t TABLESAMPLE SYSTEM (10 PERCENT)", "TABLESAMPLE"),
        ("SELECT * FROM a NATURAL JOIN b", "NATURAL JOIN"),
        ("SELECT * FROM t FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP()", "FOR SYSTEM_TIME AS OF"),
        ("SELECT * FROM t PIVOT (SUM(a) FOR b IN ('x'))", "PIVOT"),
        ("SELECT * FROM my_tvf(1)", "table-valued function my_tvf"),
        ("SELECT @@project_id", "system variable @@project_id"),
        ("SELECT 1 UNION ALL BY NAME SELECT 1", "UNION ALL BY"),
        ("SELECT 1 UNION DISTINCT CORRESPONDING SELECT 1", "UNION DISTINCT CORRESPONDING"),
        ("SELECT TIMESTAMP '2024-01-01 10:00:00 America/New_York'",
         "time zone name America/New_York in a TIMESTAMP literal (use an offset like +01:00)"),
    ]

    @Test(arguments: unsupportedCases)
    func unsupportedConstructsAreRejectedByName(sql: String, construct: String) {
        #expect(unsupportedConstruct(sql) == construct)
    }

    @Test func aNotSupportedErrorPointsAtTheConstruct() {
        let error = queryError { try SQLParser.parse("SELECT a,\n  b | c\nFROM t") }
        guard case let .notSupported(_, location, _)? = error else { Issue.record("no error"); return }
        #expect(location == SourceLocation(line: 2, column: 5, offset: 14))
        #expect(error?.description == "not supported: bitwise operator | at line 2, column 5\n    b | c\n      ^")
    }

    static let syntaxCases: [(String, Int, Int, String)] = [
        ("SELECT a FROM", 1, 14, "expected table name, found end of input"),
        ("SELECT a,\n  b +\nFROM t", 3, 1, "expected expression, found keyword FROM"),
        ("SELECT (a + 1 FROM t", 1, 15, "expected \")\", found keyword FROM"),
        ("SELECT 1 FROM t WHERE   ", 1, 22, "expected expression, found end of input"),
        ("SELECT a FROM t\n  WHERE a = = 1", 2, 13, "expected expression, found \"=\""),
        ("SELECT a = b = c", 1, 14, "comparison operators do not associate: add parentheses around one comparison"),
        ("SELECT 9223372036854775808", 1, 8, "integer literal 9223372036854775808 is out of range for INT64"),
        ("SELECT -9223372036854775809", 1, 8, "integer literal -9223372036854775809 is out of range for INT64"),
        ("SELECT 0x10000000000000000", 1, 8, "integer literal 0x10000000000000000 is out of range for INT64"),
        ("SELECT 1e999", 1, 8, "floating point literal 1e999 is out of range for FLOAT64"),
        ("SELECT DATE '2023-02-29'", 1, 8, "invalid DATE literal '2023-02-29': expected YYYY-MM-DD"),
        ("SELECT\n  DATE '2024-1-1x'", 2, 3, "invalid DATE literal '2024-1-1x': expected YYYY-MM-DD"),
        ("SELECT TIMESTAMP '2024-01-01 24:00:00'", 1, 8,
         "invalid TIMESTAMP literal '2024-01-01 24:00:00': expected YYYY-MM-DD[ HH:MM:SS[.ffffff]][zone]"),
        ("SELECT TIMESTAMP '2024-01-01 10:00:00.1234567'", 1, 8,
         "invalid TIMESTAMP literal '2024-01-01 10:00:00.1234…': expected YYYY-MM-DD[ HH:MM:SS[.ffffff]][zone]"),
        ("SELECT 'abc", 1, 8, "unterminated string literal"),
        ("SELECT 'ab\ncd'", 1, 8, "unterminated string literal (a newline needs a triple-quoted string)"),
        ("SELECT 'a\\qb'", 1, 10, "invalid escape sequence \\q"),
        ("SELECT '\\xZZ'", 1, 9, "invalid escape: expected 2 hex digits"),
        ("SELECT '\\uD800'", 1, 9, "invalid Unicode escape: not a Unicode scalar value"),
        ("SELECT '\\xff'", 1, 8, "string literal is not valid UTF-8"),
        ("SELECT 'it''s'", 1, 12, "expected \";\" or end of input, found string 's'"),
        ("SELECT 1 UNION SELECT 2", 1, 16, "expected ALL or DISTINCT after UNION, found keyword SELECT"),
        ("SELECT a FROM t JOIN u", 1, 23, "expected ON or USING after INNER JOIN, found end of input"),
        ("SELECT a FROM t CROSS JOIN u ON true", 1, 30, "CROSS JOIN cannot have an ON clause"),
        ("SELECT CAST(a AS FOO)", 1, 18, "unknown type FOO: expected STRING, INT64, FLOAT64, BOOL, DATE or TIMESTAMP"),
        ("SELECT a FROM t /* unclosed", 1, 17, "unterminated comment: expected */, found end of input"),
        ("SELECT `a", 1, 8, "unterminated quoted identifier"),
        ("SELECT ``", 1, 8, "empty quoted identifier"),
        ("SELECT 1a", 1, 9, "expected whitespace after the number 1"),
        ("SELECT 1e+", 1, 8, "invalid number: expected digits in the exponent"),
        ("SELECT 0x", 1, 8, "invalid hexadecimal literal: expected hex digits after 0x"),
        ("SELECT é", 1, 8, "unexpected character 'é'"),
        ("SELECT 1 !", 1, 10, "unexpected character '!'"),
        ("SELECT @", 1, 8, "expected a parameter name after @"),
        ("SELECT CASE END", 1, 13, "expected WHEN, found keyword END"),
        ("SELECT a FROM t LIMIT", 1, 22, "expected expression, found end of input"),
        ("SELECT * FROM t ORDER a", 1, 23, "expected BY, found identifier a"),
        ("SELECT * FROM t ORDER BY a NULLS", 1, 33, "expected FIRST or LAST after NULLS, found end of input"),
        ("SELECT 1 SELECT 2", 1, 10, "expected \";\" or end of input, found keyword SELECT"),
        ("SELECT 1;;", 1, 10, "expected a statement (SELECT, WITH, EXPLAIN, CREATE TABLE, DROP TABLE), found \";\""),
        ("SELECT DATE_TRUNC(d, FORTNIGHT)", 1, 22,
         "expected a date part (DAY, WEEK, MONTH, QUARTER, YEAR, ...), found identifier FORTNIGHT"),
        ("SELECT x IS 5", 1, 13, "expected NULL, TRUE or FALSE after IS, found number 5"),
        ("SELECT x NOT = 1", 1, 10, "expected \";\" or end of input, found keyword NOT"),
        ("SELECT a FROM t WHERE EXISTS (1)", 1, 31, "expected a subquery (SELECT ...) after EXISTS (, found number 1"),
        ("SELECT SUM(x) OVER (ROWS BETWEEN 1 AND 2)", 1, 36, "expected PRECEDING or FOLLOWING, found keyword AND"),
        ("SELECT COUNT(DISTINCT *) FROM t", 1, 23, "expected expression, found \"*\""),
        ("SELECT SUM(*) FROM t", 1, 12, "expected expression, found \"*\""),
        ("SELECT FROM t", 1, 8, "expected expression, found keyword FROM"),
        ("SELECT a AS FROM t", 1, 13, "expected alias, found keyword FROM"),
        ("CREATE OR REPLACE TABLE IF NOT EXISTS t AS SELECT 1", 1, 25, "CREATE OR REPLACE and IF NOT EXISTS cannot be used together"),
        ("DROP TABLE", 1, 11, "expected table name, found end of input"),
        ("FROBNICATE", 1, 1, "expected a statement (SELECT, WITH, EXPLAIN, CREATE TABLE, DROP TABLE), found identifier FROBNICATE"),
        ("WITH a AS (SELECT 1)", 1, 21, "expected SELECT or \"(\", found end of input"),
        ("SELECT * FROM (a JOIN b USING (k)) x", 1, 36, "a parenthesized join cannot have an alias"),
    ]

    @Test(arguments: syntaxCases)
    func syntaxErrorsNameWhatWasExpectedAndWhereItFailed(sql: String, line: Int, column: Int, message: String) {
        let error = syntaxError(sql)
        #expect(error?.message == message)
        #expect(error?.line == line)
        #expect(error?.column == column)
    }

    @Test func theErrorDescriptionShowsTheLineWithACaretUnderTheColumn() {
        let error = queryError { try SQLParser.parse("SELECT a,\n  b +\nFROM t") }
        #expect(error?.description == """
            syntax error at line 3, column 1: expected expression, found keyword FROM
              FROM t
              ^
            """)
        let eof = queryError { try SQLParser.parse("SELECT *\nFROM t\nWHERE a =   -- the value\n") }
        #expect(eof?.description == """
            syntax error at line 3, column 10: expected expression, found end of input
              WHERE a =   -- the value
                       ^
            """)
    }

    static func nested(_ open: String, _ inner: String, _ close: String, _ count: Int) -> String {
        String(repeating: open, count: count) + inner + String(repeating: close, count: count)
    }

    static let tooDeep: [String] = [
        "SELECT " + nested("(", "1", ")", 300),
        "SELECT " + nested("- ", "1", "", 300),
        "SELECT " + nested("NOT ", "TRUE", "", 300),
        "SELECT " + nested("f(", "1", ")", 300),
        "SELECT " + nested("CASE WHEN ", "TRUE", " THEN 1 END", 300),
        "SELECT " + nested("(SELECT ", "1", ")", 200),
        "SELECT 1 FROM " + nested("(", "t", ")", 300),
        "SELECT * FROM " + nested("(SELECT * FROM ", "t", ")", 300),
        nested("(", "SELECT 1", ")", 300),
        "SELECT " + nested("x IN (", "1", ")", 300),
        "SELECT " + String(repeating: "(", count: 100_000),
        // Long operator chains build trees as deep as nesting does, and count the same way.
        "SELECT " + Array(repeating: "a", count: 100_000).joined(separator: " + "),
        "SELECT " + Array(repeating: "a = 1", count: 300).joined(separator: " AND "),
        Array(repeating: "SELECT 1", count: 300).joined(separator: " UNION ALL "),
        "SELECT 1 FROM " + Array(repeating: "t", count: 300).joined(separator: ", "),
        "SELECT 1 FROM t" + String(repeating: " JOIN t USING (k)", count: 300),
    ]

    @Test(arguments: tooDeep)
    func nestingBeyondTheLimitIsASyntaxErrorNotACrash(sql: String) {
        #expect(syntaxError(sql)?.message == "expression nested too deeply (more than 256 levels)")
    }

    static let deepButFine: [String] = [
        "SELECT " + nested("(", "1", ")", 250),
        "SELECT " + nested("- ", "1", "", 250),
        "SELECT " + nested("NOT ", "TRUE", "", 250),
        "SELECT " + nested("COALESCE(", "1", ")", 250),
        "SELECT " + nested("CASE WHEN ", "TRUE", " THEN 1 END", 250),
        "SELECT " + nested("(SELECT ", "1", ")", 120),
        "SELECT * FROM " + nested("(SELECT * FROM ", "t", ")", 120),
        "SELECT 1 FROM " + nested("(", "t", ")", 250),
        "SELECT " + nested("SUM(x) OVER (PARTITION BY ", "1", ")", 250),
        "SELECT " + nested("a OR b AND c = d + e * (", "1", ")", 40),
        "SELECT " + nested("DATE_ADD(d, INTERVAL ", "1", " DAY)", 250),
        "SELECT " + Array(repeating: "a", count: 250).joined(separator: " + "),
        "SELECT " + Array(repeating: "a = 1", count: 250).joined(separator: " AND "),
        Array(repeating: "SELECT 1", count: 250).joined(separator: " UNION ALL "),
        "SELECT 1 FROM " + Array(repeating: "t", count: 250).joined(separator: ", "),
        "SELECT " + Array(repeating: "1", count: 100_000).joined(separator: ", ") + " FROM t WHERE x IN ("
            + Array(repeating: "1", count: 100_000).joined(separator: ", ") + ")",
    ]

    @Test(arguments: deepButFine)
    func nestingWithinTheLimitParses(sql: String) throws {
        #expect(try SQLParser.parse(sql).count == 1)
    }

    @Test func everyPrefixOfTheSampleQueriesParsesOrThrowsAQueryError() {
        let samples = [ParserTests.genreQuery, ParserTests.dedupQuery, """
            WITH w AS (SELECT user_id, DATE_TRUNC(watch_date, MONTH) m, SUM(x) OVER (PARTITION BY user_id ORDER BY d \
            ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) s FROM `ds.watch_history` WHERE d >= DATE '2024-01-01' AND a IN (1, 2) \
            AND b NOT LIKE 'x%' AND c IS NOT NULL) SELECT CASE WHEN s > 1.5e2 THEN 'hi' ELSE r'lo' END AS k, COUNT(DISTINCT user_id) \
            FROM w LEFT JOIN (SELECT * EXCEPT (q) FROM u) v ON w.user_id = v.id GROUP BY 1 HAVING COUNT(*) > 2 \
            ORDER BY 2 DESC NULLS LAST LIMIT 10 OFFSET 5; DROP TABLE IF EXISTS t
            """]
        for sql in samples {
            for end in sql.indices {
                let prefix = String(sql[..<end])
                do {
                    _ = try SQLParser.parse(prefix)
                } catch is QueryError {
                } catch {
                    Issue.record("\(prefix): \(error)")
                }
            }
            #expect(throws: Never.self) { try SQLParser.parse(sql) }
        }
    }
}
