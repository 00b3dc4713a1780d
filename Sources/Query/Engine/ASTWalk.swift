/// Read-only walks over the AST: the column names a statement mentions and whether it uses `*`,
/// which decide the columns a scan reads.
struct NameCollector {
    var names: Set<String> = []
    var usesStar = false
    /// How often each table or CTE name (lower-cased, unqualified) appears in a FROM clause.
    var tableReferences: [String: Int] = [:]

    mutating func visit(_ q: Query) {
        for c in q.with { visit(c.query) }
        visit(q.body)
        for o in q.orderBy { visit(o.expr) }
        if let l = q.limit { visit(l) }
        if let o = q.offset { visit(o) }
    }

    mutating func visit(_ b: QueryBody) {
        switch b {
        case .select(let s):
            for item in s.items {
                switch item {
                case .expr(let e, _): visit(e)
                case .star: usesStar = true
                }
            }
            if let f = s.from { visit(f) }
            for e in [s.whereClause, s.having, s.qualify].compactMap({ $0 }) { visit(e) }
            for g in s.groupBy { visit(g) }
        case .nested(let q): visit(q)
        case .setOperation(_, let l, let r, _): visit(l); visit(r)
        }
    }

    mutating func visit(_ f: FromItem) {
        switch f {
        case .table(let name, _, _):
            let short = String(name.split(separator: ".").last ?? Substring(name)).lowercased()
            tableReferences[short, default: 0] += 1
        case .subquery(let q, _, _): visit(q)
        case .join(let l, let r, _, let on, let using, _):
            visit(l); visit(r)
            if let on { visit(on) }
            for u in using { names.insert(u.lowercased()) }
        }
    }

    mutating func visit(_ e: Expr) {
        switch e {
        case .column(_, let name, _): names.insert(name.lowercased())
        case .inSubquery(let x, let q, _, _): visit(x); visit(q)
        case .scalarSubquery(let q, _), .exists(let q, _, _): visit(q)
        default: e.children.forEach { visit($0) }
        }
    }
}

extension Expr {
    /// The expressions directly inside this one, in source order, not looking into subqueries: a
    /// window call's function, PARTITION BY and ORDER BY; `x` of `x IN (SELECT …)`. Walks that only
    /// care about some kinds of node handle those and recurse through `children` for the rest.
    var children: [Expr] {
        switch self {
        case .literal, .parameter, .datePart, .column, .scalarSubquery, .exists: return []
        case .unary(_, let x, _), .isNull(let x, _, _), .isBool(let x, _, _, _), .cast(let x, _, _, _), .extract(_, let x, _),
             .interval(let x, _, _), .inSubquery(let x, _, _, _):
            return [x]
        case .binary(_, let a, let b, _), .like(let a, let b, _, _): return [a, b]
        case .inList(let x, let l, _, _): return [x] + l
        case .between(let x, let lo, let hi, _, _): return [x, lo, hi]
        case .caseWhen(let op, let whens, let el, _):
            return (op.map { [$0] } ?? []) + whens.flatMap { [$0.when, $0.then] } + (el.map { [$0] } ?? [])
        case .function(_, let args, _, _, _): return args
        case .window(let f, let over, _): return [f] + over.partitionBy + over.orderBy.map(\.expr)
        }
    }
}

extension Planner {
    static let aggregateNames: Set<String> = AggregateKind.names

    static func isAggregate(_ name: String) -> Bool { aggregateNames.contains(name) }

    /// Whether `e` contains an aggregate call (outside window functions) or a window function.
    static func containsAggregateOrWindow(_ e: Expr) -> Bool {
        containsAggregate(e, includeWindows: true)
    }

    /// Whether `e` contains an aggregate call; window calls count only when `includeWindows`.
    static func containsAggregate(_ e: Expr, includeWindows: Bool = false) -> Bool {
        switch e {
        case .function(let name, let args, _, _, _):
            return isAggregate(name) || args.contains { containsAggregate($0, includeWindows: includeWindows) }
        case .window(let f, let over, _):
            if includeWindows { return true }
            // The arguments of a window call may themselves aggregate: SUM(SUM(x)) OVER ().
            if case .function(_, let args, _, _, _) = f, args.contains(where: { containsAggregate($0) }) { return true }
            return over.partitionBy.contains { containsAggregate($0) } || over.orderBy.contains { containsAggregate($0.expr) }
        default:
            return e.children.contains { containsAggregate($0, includeWindows: includeWindows) }
        }
    }

    /// A short text for an expression in error messages.
    static func describe(_ e: Expr) -> String {
        switch e {
        case .column(let q, let n, _): return "column " + (q.map { "\($0).\(n)" } ?? n)
        default: return "expression at \(e.location)"
        }
    }
}
