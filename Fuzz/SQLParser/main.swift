// Fuzz target for the SQL lexer and parser: any byte string, read as UTF-8 (invalid sequences become
// U+FFFD), must parse or throw a QueryError without trapping or hanging. On top of that, every
// location the parser reports (in the AST or in an error) must be the line and column of its byte
// offset, rendering an error must not trap, a single statement must parse the same through
// `parseStatement`, and parsing must be deterministic.
//
// Built with `-sanitize=fuzzer -DFUZZING` this is a libFuzzer binary (see scripts/fuzz.sh). SwiftPM
// links Linux executables with `--defsym main=<Module>_main`, so libFuzzer's own `main` is never
// linked in; the top-level code below hands control to libFuzzer through `LLVMFuzzerRunDriver`.
// Without FUZZING it is an ordinary executable:
//   FuzzSQLParser FILE...           runs the fuzz function over each file (reproduce a crash)
// In both builds:
//   FuzzSQLParser --make-seeds DIR  writes valid and near-valid queries to DIR as a seed corpus
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzSupport
import Query

/// Lines and columns of the input computed independently of the lexer: for each UTF-8 offset that
/// starts a Character, its 1-based line and column (in Characters of its line).
struct PositionTable {
    var positions: [Int: (line: Int, column: Int)] = [:]
    let count: Int

    init(_ sql: String) {
        count = sql.utf8.count
        var line = 1
        var column = 1
        var offset = 0
        for c in sql {
            if offset == 0 && c == "\u{FEFF}" {  // a leading byte-order mark takes no column
                offset += c.utf8.count
                continue
            }
            positions[offset] = (line, column)
            offset += c.utf8.count
            if c == "\n" || c == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        positions[offset] = (line, column)
    }
}

func checkLocation(_ l: SourceLocation, _ table: PositionTable, _ what: String) {
    precondition(l.offset >= 0 && l.offset <= table.count, "\(what): offset \(l.offset) outside the input")
    // An offset inside a grapheme cluster (a token right after a combining mark) has no entry; skip it.
    guard let expected = table.positions[l.offset] else { return }
    precondition(l.line == expected.line && l.column == expected.column,
                 "\(what): reported \(l.line):\(l.column), offset \(l.offset) is \(expected.line):\(expected.column)")
}

/// Visits every location in a statement.
struct LocationWalker {
    let positions: PositionTable

    func statement(_ s: Statement) {
        switch s {
        case .query(let q), .explain(let q): query(q)
        case .createTableAs(_, let q, _, _): query(q)
        case .dropTable: break
        }
    }

    func query(_ q: Query) {
        for cte in q.with { query(cte.query) }
        body(q.body)
        for o in q.orderBy { expr(o.expr) }
        if let l = q.limit { expr(l) }
        if let o = q.offset { expr(o) }
    }

    func body(_ b: QueryBody) {
        switch b {
        case .select(let s):
            checkLocation(s.location, positions, "SELECT")
            for item in s.items {
                switch item {
                case .expr(let e, _): expr(e)
                case .star(_, _, let l): checkLocation(l, positions, "star")
                }
            }
            if let f = s.from { from(f) }
            for e in [s.whereClause, s.having, s.qualify].compactMap({ $0 }) + s.groupBy { expr(e) }
        case .nested(let q):
            query(q)
        case let .setOperation(_, l, r, location):
            checkLocation(location, positions, "set operation")
            body(l)
            body(r)
        }
    }

    func from(_ f: FromItem) {
        switch f {
        case .table(_, _, let l): checkLocation(l, positions, "table")
        case let .subquery(q, _, l):
            checkLocation(l, positions, "subquery")
            query(q)
        case let .join(l, r, _, on, _, location):
            checkLocation(location, positions, "join")
            from(l)
            from(r)
            if let on { expr(on) }
        }
    }

    func expr(_ e: Expr) {
        checkLocation(e.location, positions, "expression")
        switch e {
        case .literal, .column, .parameter, .datePart: break
        case .unary(_, let x, _), .isNull(let x, _, _), .isBool(let x, _, _, _), .cast(let x, _, _, _), .extract(_, let x, _),
             .interval(let x, _, _):
            expr(x)
        case let .binary(_, a, b, _), let .like(a, b, _, _):
            expr(a)
            expr(b)
        case let .inList(x, list, _, _):
            expr(x)
            list.forEach(expr)
        case let .inSubquery(x, q, _, _):
            expr(x)
            query(q)
        case let .between(x, lo, hi, _, _):
            [x, lo, hi].forEach(expr)
        case let .caseWhen(operand, whens, elseResult, _):
            if let operand { expr(operand) }
            for w in whens {
                expr(w.when)
                expr(w.then)
            }
            if let elseResult { expr(elseResult) }
        case .function(_, let args, _, _, _): args.forEach(expr)
        case let .window(f, over, _):
            expr(f)
            over.partitionBy.forEach(expr)
            for o in over.orderBy { expr(o.expr) }
        case .scalarSubquery(let q, _), .exists(let q, _, _): query(q)
        }
    }
}

/// Runs every check on one input.
func exercise(_ input: UnsafeRawBufferPointer) {
    let sql = String(decoding: input, as: UTF8.self)
    let positions = PositionTable(sql)
    do {
        let statements = try SQLParser.parse(sql)
        let walker = LocationWalker(positions: positions)
        statements.forEach(walker.statement)
        precondition((try? SQLParser.parse(sql)) == statements, "parsing is not deterministic")
        if statements.count == 1 {
            precondition((try? SQLParser.parseStatement(sql)) == statements[0], "parseStatement differs from parse")
        }
    } catch let error as QueryError {
        switch error {
        case let .syntax(message, location, _):
            precondition(!message.isEmpty, "empty syntax error message")
            checkLocation(location, positions, "syntax error")
        case let .notSupported(construct, location, _):
            precondition(!construct.isEmpty, "empty construct name")
            if let location { checkLocation(location, positions, "not supported") }
        default:
            preconditionFailure("the parser raised \(error)")
        }
        precondition(!error.description.isEmpty)
    } catch {
        preconditionFailure("the parser threw a non-QueryError \(error)")
    }
}

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSQLParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    exercise(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// Queries covering the dialect, valid and near-valid (one token off), each seed one file.
let seeds: [String] = [
    "select m.genre_primary, avg(r.rating) as avg_rating from reviews r join movies m using (movie_id) group by 1 order by 2 desc",
    "select * from watch_history qualify row_number() over (partition by session_id order by watch_date desc) = 1",
    "SELECT a, COUNT(*) n FROM t WHERE b > 1 AND c IS NOT NULL GROUP BY a HAVING COUNT(*) > 3 ORDER BY n DESC NULLS LAST LIMIT 10 OFFSET 5",
    "WITH a AS (SELECT 1 x), b AS (SELECT x FROM a) SELECT * EXCEPT (x), b.* FROM b, a;",
    "SELECT 1 UNION ALL SELECT 2 EXCEPT DISTINCT (SELECT 3 INTERSECT DISTINCT SELECT 3) ORDER BY 1",
    "SELECT CASE WHEN a BETWEEN 1 AND 2 THEN 'x' WHEN a NOT IN (3, 4) THEN \"y\" ELSE NULL END FROM `proj.ds.t` AS t",
    "SELECT DATE '2024-02-29', TIMESTAMP '2024-01-01 10:00:00.123456+05:30', DATE_TRUNC(d, MONTH), DATE_ADD(d, INTERVAL 7 DAY)",
    "SELECT EXTRACT(DAYOFWEEK FROM d), DATE_DIFF(a, b, WEEK), TIMESTAMP_TRUNC(ts, HOUR), LAST_DAY(d, QUARTER) FROM t",
    "SELECT CAST(x AS INT64), SAFE_CAST(y AS FLOAT64), SAFE_DIVIDE(a, b), IF(a > 0, 'p', 'n'), COALESCE(a, 0) FROM t",
    "SELECT COUNT(DISTINCT user_id), SUM(x) OVER (PARTITION BY g ORDER BY d ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT a FROM t LEFT OUTER JOIN u ON t.id = u.id FULL JOIN v USING (k) CROSS JOIN w RIGHT JOIN (x JOIN y USING (z)) USING (q)",
    "SELECT x FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id) AND y IN (SELECT y FROM v) AND NOT EXISTS (SELECT 2)",
    "SELECT -9223372036854775808, 0x7FFFFFFFFFFFFFFF, 1.5e-3, .5, 3., 'a\\tb\\n\\'\\\"\\x41\\u00e9\\U0001F600\\101', r'\\d+', '''multi\nline'''",
    "SELECT `my col`, t.`x y` FROM `dataset.table` t -- comment\n# hash comment\n/* block\ncomment */ WHERE a <> b AND c != d",
    "EXPLAIN SELECT a || b, -a * b + c, a OR b AND NOT c = d FROM t",
    "CREATE OR REPLACE TABLE ds.out AS SELECT * FROM t; DROP TABLE IF EXISTS ds.out;",
    "CREATE TABLE IF NOT EXISTS t2 AS (SELECT 1 AS one)",
    "SELECT FORMAT_DATE('%Y-%m', d), CURRENT_DATE(), CURRENT_TIMESTAMP, @param, ? FROM t LIMIT @n",
    "SELECT a FROM t WHERE a LIKE 'x%' OR a NOT LIKE '%y' OR a IS TRUE OR a IS NOT FALSE",
    // Near-valid and unsupported.
    "SELECT a FROM t WHERE",
    "SELECT (a + 1 FROM t",
    "SELECT a = b = c",
    "SELECT 'unterminated",
    "SELECT 9223372036854775808, 1e999, DATE '2023-02-29'",
    "INSERT INTO t VALUES (1)",
    "SELECT * REPLACE (1 AS a) FROM t GROUP BY ROLLUP (a)",
    "SELECT SAFE.SUBSTR(s, 1), a | b, [1, 2], STRUCT(1 AS a), x.y.z, arr[OFFSET(0)] FROM UNNEST([1])",
    "SELECT CAST(x AS NUMERIC), NUMERIC '1.5', INTERVAL 1 DAY, DATE_TRUNC(d, WEEK(MONDAY)) FROM t",
    "WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r WINDOW w AS (ORDER BY a)",
    "SELECT ((((((((((1))))))))))) FROM ((t)",
    "SELECT 1 /* unclosed",
    "SELECT SUM(x) OVER w, SUM(y) OVER (ROWS BETWEEN 1 AND 2) FROM t",
]

/// Writes the seed queries into `directory` (created if needed).
func makeSeeds(in directory: String) -> Bool {
    mkdir(directory, 0o755)
    for (i, text) in seeds.enumerated() {
        let name = "seed-" + (i < 10 ? "0" : "") + String(i) + ".sql"
        guard let f = fopen(directory + "/" + name, "wb") else { return false }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, f)
        fclose(f)
        if written != bytes.count { return false }
    }
    return true
}

fuzzMain(name: "FuzzSQLParser", callback: fuzzSQLParser, makeSeeds: makeSeeds(in:))
