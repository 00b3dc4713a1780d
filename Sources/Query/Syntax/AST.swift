import ColumnStore

/// A position in the SQL text: 1-based line and column, and the UTF-8 byte offset.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
    public var description: String { "line \(line), column \(column)" }
}

/// One SQL statement of the GoogleSQL subset nq runs.
public indirect enum Statement: Sendable, Equatable {
    case query(Query)
    /// `EXPLAIN query`
    case explain(Query)
    /// `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name AS query`
    case createTableAs(name: String, query: Query, orReplace: Bool, ifNotExists: Bool)
    /// `DROP TABLE [IF EXISTS] name`
    case dropTable(name: String, ifExists: Bool)
}

/// A full query: `[WITH ctes] body [ORDER BY ...] [LIMIT n [OFFSET m]]`.
public struct Query: Sendable, Equatable {
    public var with: [CommonTableExpression] = []
    public var body: QueryBody
    public var orderBy: [OrderItem] = []
    public var limit: Expr? = nil
    public var offset: Expr? = nil
    public init(with: [CommonTableExpression] = [], body: QueryBody, orderBy: [OrderItem] = [], limit: Expr? = nil, offset: Expr? = nil) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }
}

public struct CommonTableExpression: Sendable, Equatable {
    public var name: String
    public var query: Query
    public init(name: String, query: Query) {
        self.name = name
        self.query = query
    }
}

/// A SELECT, a parenthesized query, or a set operation.
public indirect enum QueryBody: Sendable, Equatable {
    case select(Select)
    /// `( query )` used as a set-operation operand.
    case nested(Query)
    /// `left UNION ALL right` (UNION DISTINCT, INTERSECT, EXCEPT are parsed as `setOperation` with
    /// their name so the planner can reject them as "not supported" with the construct named).
    case setOperation(op: SetOperator, left: QueryBody, right: QueryBody, location: SourceLocation)
}

public enum SetOperator: String, Sendable, Equatable {
    case unionAll = "UNION ALL"
    case unionDistinct = "UNION DISTINCT"
    case intersectDistinct = "INTERSECT DISTINCT"
    case exceptDistinct = "EXCEPT DISTINCT"
}

/// `SELECT [DISTINCT] items [FROM from] [WHERE] [GROUP BY] [HAVING] [QUALIFY]`.
public struct Select: Sendable, Equatable {
    public var distinct: Bool = false
    public var items: [SelectItem]
    public var from: FromItem? = nil
    public var whereClause: Expr? = nil
    public var groupBy: [Expr] = []
    public var having: Expr? = nil
    public var qualify: Expr? = nil
    public var location: SourceLocation
    public init(distinct: Bool = false, items: [SelectItem], from: FromItem? = nil, whereClause: Expr? = nil, groupBy: [Expr] = [],
                having: Expr? = nil, qualify: Expr? = nil, location: SourceLocation) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.qualify = qualify
        self.location = location
    }
}

public enum SelectItem: Sendable, Equatable {
    /// `expr [AS alias]`
    case expr(Expr, alias: String?)
    /// `*`, `t.*`, optionally `* EXCEPT (a, b)`.
    case star(qualifier: String?, except: [String], location: SourceLocation)
}

public indirect enum FromItem: Sendable, Equatable {
    /// `name [AS alias]`; `name` may be `dataset.table` (kept whole, the planner decides).
    case table(name: String, alias: String?, location: SourceLocation)
    /// `( query ) [AS alias]`
    case subquery(Query, alias: String?, location: SourceLocation)
    /// `left [kind] JOIN right (ON cond | USING (cols))`; a comma in FROM is a `.cross` join.
    case join(left: FromItem, right: FromItem, kind: JoinKind, on: Expr?, using: [String], location: SourceLocation)
}

public enum JoinKind: String, Sendable, Equatable {
    case inner = "INNER", left = "LEFT", right = "RIGHT", full = "FULL", cross = "CROSS"
}

public struct OrderItem: Sendable, Equatable {
    public var expr: Expr
    public var descending: Bool
    /// `nil` when not written: GoogleSQL puts NULLs first ascending and last descending.
    public var nullsFirst: Bool?
    public init(expr: Expr, descending: Bool = false, nullsFirst: Bool? = nil) {
        self.expr = expr
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}

/// Date and time parts for DATE_TRUNC, EXTRACT, DATE_DIFF, INTERVAL, ...
public enum DatePart: String, Sendable, Equatable, CaseIterable {
    case microsecond = "MICROSECOND", millisecond = "MILLISECOND", second = "SECOND", minute = "MINUTE", hour = "HOUR"
    case day = "DAY", dayOfWeek = "DAYOFWEEK", dayOfYear = "DAYOFYEAR", week = "WEEK", isoWeek = "ISOWEEK"
    case month = "MONTH", quarter = "QUARTER", year = "YEAR", isoYear = "ISOYEAR", date = "DATE"
}

public enum UnaryOperator: String, Sendable, Equatable {
    case not = "NOT", negate = "-", plus = "+"
}

public enum BinaryOperator: String, Sendable, Equatable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", concat = "||"
    case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "AND", or = "OR"
}

/// A window specification: `OVER (PARTITION BY ... ORDER BY ... [frame])`.
public struct WindowSpec: Sendable, Equatable {
    public var partitionBy: [Expr]
    public var orderBy: [OrderItem]
    /// The frame clause as written (`ROWS BETWEEN ...`), or nil. The planner supports the default
    /// frames and rejects others as "not supported".
    public var frame: String?
    public init(partitionBy: [Expr] = [], orderBy: [OrderItem] = [], frame: String? = nil) {
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
    }
}

/// An expression. Every node keeps the location of its first token for error messages.
public indirect enum Expr: Sendable, Equatable {
    /// A literal: NULL, TRUE/FALSE, integer, float, 'string', DATE '…', TIMESTAMP '…'
    /// (typed literals are parsed and validated by the parser into `.date` / `.timestamp` values).
    case literal(Value, SourceLocation)
    /// `name` or `qualifier.name` (backquoted identifiers unquoted).
    case column(qualifier: String?, name: String, SourceLocation)
    /// `?` or `@name` query parameter.
    case parameter(name: String, SourceLocation)
    case unary(UnaryOperator, Expr, SourceLocation)
    case binary(BinaryOperator, Expr, Expr, SourceLocation)
    /// `x IS [NOT] NULL`, `x IS [NOT] TRUE/FALSE` (value: nil for NULL).
    case isNull(Expr, negated: Bool, SourceLocation)
    case isBool(Expr, value: Bool, negated: Bool, SourceLocation)
    /// `x [NOT] IN (a, b, ...)`
    case inList(Expr, [Expr], negated: Bool, SourceLocation)
    /// `x [NOT] IN (SELECT ...)`
    case inSubquery(Expr, Query, negated: Bool, SourceLocation)
    /// `x [NOT] BETWEEN lo AND hi`
    case between(Expr, low: Expr, high: Expr, negated: Bool, SourceLocation)
    /// `x [NOT] LIKE pattern`
    case like(Expr, pattern: Expr, negated: Bool, SourceLocation)
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`
    case caseWhen(operand: Expr?, whens: [CaseBranch], elseResult: Expr?, SourceLocation)
    /// `CAST(x AS type)` / `SAFE_CAST(x AS type)`
    case cast(Expr, to: ColumnType, safe: Bool, SourceLocation)
    /// A function call: scalar or aggregate. `COUNT(*)` has `star: true` and no arguments.
    /// `name` is upper-cased. `distinct` is `COUNT(DISTINCT x)`.
    case function(name: String, args: [Expr], distinct: Bool, star: Bool, SourceLocation)
    /// `EXTRACT(part FROM x)`
    case extract(DatePart, from: Expr, SourceLocation)
    /// A date part used as an argument: `DATE_TRUNC(d, MONTH)`, `DATE_DIFF(a, b, DAY)`.
    case datePart(DatePart, SourceLocation)
    /// `INTERVAL n part` (an argument of DATE_ADD / DATE_SUB / TIMESTAMP_ADD / ...).
    case interval(Expr, DatePart, SourceLocation)
    /// `f(args) OVER (window)`; `function` is a `.function` node.
    case window(function: Expr, over: WindowSpec, SourceLocation)
    /// `(SELECT ...)` used as a scalar value.
    case scalarSubquery(Query, SourceLocation)
    /// `[NOT] EXISTS (SELECT ...)`
    case exists(Query, negated: Bool, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let l), .column(_, _, let l), .parameter(_, let l), .unary(_, _, let l), .binary(_, _, _, let l),
             .isNull(_, _, let l), .isBool(_, _, _, let l), .inList(_, _, _, let l), .inSubquery(_, _, _, let l),
             .between(_, _, _, _, let l), .like(_, _, _, let l), .caseWhen(_, _, _, let l), .cast(_, _, _, let l),
             .function(_, _, _, _, let l), .extract(_, _, let l), .datePart(_, let l), .interval(_, _, let l),
             .window(_, _, let l), .scalarSubquery(_, let l), .exists(_, _, let l):
            return l
        }
    }
}

public struct CaseBranch: Sendable, Equatable {
    public var when: Expr
    public var then: Expr
    public init(when: Expr, then: Expr) {
        self.when = when
        self.then = then
    }
}
