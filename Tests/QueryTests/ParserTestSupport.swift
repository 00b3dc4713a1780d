import ColumnStore
@testable import Query

// Support for the parser tests. AST builders are static members (`.col("a")`, `.bin(.add, x, y)`)
// making nodes at `SourceLocation.nowhere`; suites conform to `ParserTesting` for parse helpers whose
// results have every location reset to `.nowhere`, so trees compare by shape alone (locations have
// their own tests).

/// The parser's location type, for suites that import Testing (which has a `SourceLocation` too).
typealias QuerySourceLocation = SourceLocation

extension SourceLocation {
    static let nowhere = SourceLocation(line: 0, column: 0, offset: 0)
}

extension Expr {
    static func col(_ name: String, _ qualifier: String? = nil) -> Expr { .column(qualifier: qualifier, name: name, .nowhere) }
    static func int(_ v: Int64) -> Expr { .literal(.int64(v), .nowhere) }
    static func float(_ v: Double) -> Expr { .literal(.float64(v), .nowhere) }
    static func str(_ s: String) -> Expr { .literal(.string(s), .nowhere) }
    static func bool(_ b: Bool) -> Expr { .literal(.bool(b), .nowhere) }
    static var null: Expr { .literal(.null, .nowhere) }
    static func bin(_ op: BinaryOperator, _ l: Expr, _ r: Expr) -> Expr { .binary(op, l, r, .nowhere) }
    static func not(_ e: Expr) -> Expr { .unary(.not, e, .nowhere) }
    static func neg(_ e: Expr) -> Expr { .unary(.negate, e, .nowhere) }
    static func fn(_ name: String, _ args: Expr..., distinct: Bool = false) -> Expr {
        .function(name: name, args: args, distinct: distinct, star: false, .nowhere)
    }
    static var countStar: Expr { .function(name: "COUNT", args: [], distinct: false, star: true, .nowhere) }
    static func part(_ p: DatePart) -> Expr { .datePart(p, .nowhere) }
    static func interval(_ e: Expr, _ p: DatePart) -> Expr { .interval(e, p, .nowhere) }
    static func date(_ y: Int, _ m: Int, _ d: Int) -> Expr { .literal(.date(CivilTime.days(year: y, month: m, day: d)), .nowhere) }
    static func timestamp(_ micros: Int64) -> Expr { .literal(.timestamp(micros), .nowhere) }
    static func param(_ name: String) -> Expr { .parameter(name: name, .nowhere) }
}

extension FromItem {
    static func table(_ name: String, _ alias: String? = nil) -> FromItem { .table(name: name, alias: alias, location: .nowhere) }
    static func join(_ l: FromItem, _ r: FromItem, _ kind: JoinKind, on: Expr? = nil, using: [String] = []) -> FromItem {
        .join(left: l, right: r, kind: kind, on: on, using: using, location: .nowhere)
    }
    static func subquery(_ q: Query, _ alias: String? = nil) -> FromItem { .subquery(q, alias: alias, location: .nowhere) }
}

extension SelectItem {
    static func item(_ e: Expr, _ alias: String? = nil) -> SelectItem { .expr(e, alias: alias) }
    static func star(_ qualifier: String? = nil, except: [String] = []) -> SelectItem {
        .star(qualifier: qualifier, except: except, location: .nowhere)
    }
}

extension Select {
    static func make(_ items: SelectItem..., from: FromItem? = nil, where w: Expr? = nil, groupBy: [Expr] = [], having: Expr? = nil,
                     qualify: Expr? = nil, distinct: Bool = false) -> Select {
        Select(distinct: distinct, items: items, from: from, whereClause: w, groupBy: groupBy, having: having, qualify: qualify,
               location: .nowhere)
    }
}

extension Query {
    static func of(_ s: Select, orderBy: [OrderItem] = [], limit: Expr? = nil, offset: Expr? = nil) -> Query {
        Query(body: .select(s), orderBy: orderBy, limit: limit, offset: offset)
    }
}

enum ParserTestError: Error { case unexpectedShape(String) }

protocol ParserTesting {}

extension ParserTesting {
    /// The expression of `SELECT <sql>`, locations stripped.
    func parseExpr(_ sql: String) throws -> Expr {
        let statement = try SQLParser.parseStatement("SELECT " + sql)
        guard case .query(let q) = statement, case .select(let s) = q.body, s.items.count == 1, case .expr(let e, _) = s.items[0] else {
            throw ParserTestError.unexpectedShape("\(statement)")
        }
        return stripped(e)
    }

    /// The one query statement of `sql`, locations stripped.
    func parseQuery(_ sql: String) throws -> Query {
        guard case .query(let q) = try SQLParser.parseStatement(sql) else { throw ParserTestError.unexpectedShape(sql) }
        return stripped(q)
    }

    /// The error `body` throws, as a QueryError.
    func queryError(_ body: () throws -> Any) -> QueryError? {
        do {
            _ = try body()
            return nil
        } catch let e as QueryError {
            return e
        } catch {
            return nil
        }
    }

    // MARK: - Location stripping

    func stripped(_ s: Statement) -> Statement {
        switch s {
        case .query(let q): return .query(stripped(q))
        case .explain(let q): return .explain(stripped(q))
        case let .createTableAs(name, q, orReplace, ifNotExists):
            return .createTableAs(name: name, query: stripped(q), orReplace: orReplace, ifNotExists: ifNotExists)
        case .dropTable: return s
        }
    }

    func stripped(_ q: Query) -> Query {
        Query(with: q.with.map { CommonTableExpression(name: $0.name, query: stripped($0.query)) }, body: stripped(q.body),
              orderBy: q.orderBy.map(stripped), limit: q.limit.map(stripped), offset: q.offset.map(stripped))
    }

    func stripped(_ b: QueryBody) -> QueryBody {
        switch b {
        case .select(let s): return .select(stripped(s))
        case .nested(let q): return .nested(stripped(q))
        case let .setOperation(op, l, r, _): return .setOperation(op: op, left: stripped(l), right: stripped(r), location: .nowhere)
        }
    }

    func stripped(_ s: Select) -> Select {
        Select(distinct: s.distinct, items: s.items.map(stripped), from: s.from.map(stripped), whereClause: s.whereClause.map(stripped),
               groupBy: s.groupBy.map(stripped), having: s.having.map(stripped), qualify: s.qualify.map(stripped), location: .nowhere)
    }

    func stripped(_ i: SelectItem) -> SelectItem {
        switch i {
        case let .expr(e, alias): return .expr(stripped(e), alias: alias)
        case let .star(q, except, _): return .star(qualifier: q, except: except, location: .nowhere)
        }
    }

    func stripped(_ f: FromItem) -> FromItem {
        switch f {
        case let .table(name, alias, _): return .table(name: name, alias: alias, location: .nowhere)
        case let .subquery(q, alias, _): return .subquery(stripped(q), alias: alias, location: .nowhere)
        case let .join(l, r, kind, on, using, _):
            return .join(left: stripped(l), right: stripped(r), kind: kind, on: on.map(stripped), using: using, location: .nowhere)
        }
    }

    func stripped(_ o: OrderItem) -> OrderItem {
        OrderItem(expr: stripped(o.expr), descending: o.descending, nullsFirst: o.nullsFirst)
    }

    func stripped(_ e: Expr) -> Expr {
        let l = SourceLocation.nowhere
        switch e {
        case .literal(let v, _): return .literal(v, l)
        case let .column(q, n, _): return .column(qualifier: q, name: n, l)
        case .parameter(let n, _): return .parameter(name: n, l)
        case let .unary(op, x, _): return .unary(op, stripped(x), l)
        case let .binary(op, a, b, _): return .binary(op, stripped(a), stripped(b), l)
        case let .isNull(x, negated, _): return .isNull(stripped(x), negated: negated, l)
        case let .isBool(x, value, negated, _): return .isBool(stripped(x), value: value, negated: negated, l)
        case let .inList(x, list, negated, _): return .inList(stripped(x), list.map(stripped), negated: negated, l)
        case let .inSubquery(x, q, negated, _): return .inSubquery(stripped(x), stripped(q), negated: negated, l)
        case let .between(x, lo, hi, negated, _): return .between(stripped(x), low: stripped(lo), high: stripped(hi), negated: negated, l)
        case let .like(x, p, negated, _): return .like(stripped(x), pattern: stripped(p), negated: negated, l)
        case let .caseWhen(operand, whens, elseResult, _):
            return .caseWhen(operand: operand.map(stripped), whens: whens.map { CaseBranch(when: stripped($0.when), then: stripped($0.then)) },
                             elseResult: elseResult.map(stripped), l)
        case let .cast(x, type, safe, _): return .cast(stripped(x), to: type, safe: safe, l)
        case let .function(name, args, distinct, star, _): return .function(name: name, args: args.map(stripped), distinct: distinct, star: star, l)
        case let .extract(p, x, _): return .extract(p, from: stripped(x), l)
        case .datePart(let p, _): return .datePart(p, l)
        case let .interval(x, p, _): return .interval(stripped(x), p, l)
        case let .window(f, over, _):
            return .window(function: stripped(f), over: WindowSpec(partitionBy: over.partitionBy.map(stripped), orderBy: over.orderBy.map(stripped),
                                                                   frame: over.frame), l)
        case .scalarSubquery(let q, _): return .scalarSubquery(stripped(q), l)
        case let .exists(q, negated, _): return .exists(stripped(q), negated: negated, l)
        }
    }
}

extension ParserTesting {
    /// The syntax error parsing `sql` raises: its message and line/column (nil when there is none).
    func syntaxError(_ sql: String) -> (message: String, line: Int, column: Int)? {
        guard case let .syntax(message, location, _)? = queryError({ try SQLParser.parse(sql) }) else { return nil }
        return (message, location.line, location.column)
    }

    /// The construct named by the "not supported" error parsing `sql` raises (nil when there is none).
    func unsupportedConstruct(_ sql: String) -> String? {
        guard case let .notSupported(construct, _, _)? = queryError({ try SQLParser.parse(sql) }) else { return nil }
        return construct
    }
}
