import ColumnStore

/// Turns a parsed query into a tree of physical operators over a store.
///
/// Pushdown: a scan reads only the columns the statement names (all when it uses `*`); WHERE
/// conjuncts over a single table go into its scan, and those of the form `column op constant` also
/// prune segments and blocks by their zone maps.
public final class Planner {
    let store: Store
    let sql: String
    /// A WITH entry and the CTEs visible where it was defined (earlier entries, enclosing queries).
    struct CTEDefinition {
        var id: Int
        var query: Query
        var visible: [[String: CTEDefinition]]
    }
    private var cteStack: [[String: CTEDefinition]] = []
    /// Values of the statement's named query parameters (`@name`), keyed by lower-cased name.
    var parameters: [String: Value] = [:]
    private var nextCTEID = 0
    /// CTEs named more than once in the statement are computed once, on first use, and their batches
    /// replayed for every reference (as DuckDB and BigQuery do); not under EXPLAIN, which runs nothing.
    private var materializedCTEs: [Int: (scope: Scope, shared: SharedCTE)] = [:]
    /// How many `planQuery` calls are under way; the outermost one seals the shared CTEs when it ends.
    private var planDepth = 0
    private let materializeCTEs: Bool
    /// Uncorrelated scalar subqueries run ahead of binding, side by side (`prefetchScalarSubqueries`),
    /// by the source offset of the subquery; each is taken once, by the binder, when it meets that
    /// subquery in the same query.
    var prefetchedSubqueries: [Int: (query: Query, result: Result<Batch, Error>)] = [:]
    private let names: NameCollector
    /// Physical table names to read in place of logical ones (lower-cased keys); see `QueryEngine.tableRedirects`.
    let redirects: [String: String]

    init(store: Store, sql: String, statement: Statement, redirects: [String: String] = [:]) {
        self.store = store
        self.sql = sql
        self.redirects = redirects
        if case .explain = statement { materializeCTEs = false } else { materializeCTEs = true }
        var c = NameCollector()
        switch statement {
        case .query(let q), .explain(let q), .createTableAs(_, let q, _, _): c.visit(q)
        case .dropTable: break
        }
        names = c
    }

    /// A planned query: its root operator and output columns.
    struct Plan {
        var root: Operator
        var scope: Scope
    }

    // MARK: queries

    /// Plans a query. When the outermost call ends, the statement's plan is complete and no reference
    /// to a shared CTE is added any more, so each `SharedCTE` is sealed: it then keeps a batch only until
    /// every reference has read it (subqueries run while planning have read it whole by then).
    func planQuery(_ q: Query) throws -> Plan {
        planDepth += 1
        defer {
            planDepth -= 1
            if planDepth == 0 { for m in materializedCTEs.values { m.shared.seal() } }
        }
        var frame: [String: CTEDefinition] = [:]
        for cte in q.with {
            nextCTEID += 1
            frame[cte.name.lowercased()] = CTEDefinition(id: nextCTEID, query: cte.query, visible: cteStack + [frame])
        }
        cteStack.append(frame)
        defer { cteStack.removeLast() }
        if materializeCTEs { prefetchScalarSubqueries(q.body) }
        if case .select(let s) = q.body {
            return try planSelect(s, orderBy: q.orderBy, limit: q.limit, offset: q.offset)
        }
        var plan = try planBody(q.body)
        if !q.orderBy.isEmpty || q.limit != nil || q.offset != nil {
            plan = try applyOrderAndLimit(plan, orderBy: q.orderBy, limit: q.limit, offset: q.offset, outputScope: plan.scope)
        }
        return plan
    }

    private func planBody(_ b: QueryBody) throws -> Plan {
        switch b {
        case .select(let s): return try planSelect(s, orderBy: [], limit: nil, offset: nil)
        case .nested(let q): return try planQuery(q)
        case .setOperation(let op, let l, let r, let loc):
            guard op == .unionAll else { throw QueryError.notSupported(construct: op.rawValue, location: loc, sql: sql) }
            let left = try planBody(l), right = try planBody(r)
            guard left.scope.columns.count == right.scope.columns.count else {
                throw QueryError.type(message: "UNION ALL operands have \(left.scope.columns.count) and \(right.scope.columns.count) columns", location: loc, sql: sql)
            }
            var types: [ColumnType] = []
            for (a, b) in zip(left.scope.columns, right.scope.columns) {
                if a.type == b.type || b.untypedNull { types.append(a.type) }
                else if a.untypedNull { types.append(b.type) }
                else if Binder.numeric(a.type) && Binder.numeric(b.type) { types.append(.float64) }
                else {
                    throw QueryError.type(message: "column \(a.name) has incompatible types in UNION ALL: \(a.type.rawValue), \(b.type.rawValue)", location: loc, sql: sql)
                }
            }
            let untyped = zip(left.scope.columns, right.scope.columns).map { $0.untypedNull && $1.untypedNull }
            let scope = Scope(columns: zip(zip(left.scope.columns, types), untyped).map {
                ScopeColumn(qualifier: nil, name: $0.0.name, type: $0.1, untypedNull: $1)
            })
            return Plan(root: UnionAllOperator(children: [left.root, right.root], types: types), scope: scope)
        }
    }

    /// Runs an uncorrelated subquery and returns its rows.
    func runSubquery(_ q: Query, location: SourceLocation) throws -> Batch {
        if let p = prefetchedSubqueries[location.offset], p.query == q {
            prefetchedSubqueries[location.offset] = nil
            return try p.result.get()
        }
        return try planQuery(q).root.drain()
    }

    // MARK: FROM

    func planFrom(_ f: FromItem) throws -> Plan {
        switch f {
        case .table(let name, let alias, let loc):
            let short = String(name.split(separator: ".").last ?? Substring(name))
            let qualifier = alias ?? short
            for frame in cteStack.reversed() {
                if let def = frame[short.lowercased()] {
                    let requalify = { (sc: Scope) in Scope(columns: sc.columns.map { ScopeColumn(qualifier: qualifier, name: $0.name, type: $0.type) }) }
                    if materializedCTEs[def.id] == nil {
                        let saved = cteStack
                        cteStack = def.visible
                        defer { cteStack = saved }
                        let p = try planQuery(def.query)
                        guard materializeCTEs, (names.tableReferences[short.lowercased()] ?? 0) > 1 else {
                            return Plan(root: p.root, scope: requalify(p.scope))
                        }
                        materializedCTEs[def.id] = (p.scope, SharedCTE(plan: p.root))
                    }
                    let m = materializedCTEs[def.id]!
                    return Plan(root: SharedCTESource(types: m.scope.types, shared: m.shared, label: "Materialized CTE \(short)"), scope: requalify(m.scope))
                }
            }
            let table: TableInfo
            do { table = try store.pinnedTable(redirects[short.lowercased()] ?? short) } catch StoreError.noSuchTable(_, let suggestion) {
                throw QueryError.unknownName(kind: "table", name: name, suggestion: suggestion, location: loc, sql: sql)
            }
            let columns = table.schema.columns.indices.filter { names.usesStar || names.names.contains(table.schema.columns[$0].name.lowercased()) }
            let scan = TableScan(store: store, table: table, columns: columns, filter: nil, zonePredicates: [])
            var scope = Scope(columns: columns.map { ScopeColumn(qualifier: qualifier, name: table.schema.columns[$0].name, type: table.schema.columns[$0].type) })
            scope.unreadColumns = table.schema.columns.indices.filter { !columns.contains($0) }.map { (qualifier, table.schema.columns[$0].name) }
            return Plan(root: scan, scope: scope)
        case .subquery(let q, let alias, _):
            let p = try planQuery(q)
            return Plan(root: p.root, scope: Scope(columns: p.scope.columns.map { ScopeColumn(qualifier: alias, name: $0.name, type: $0.type) }))
        case .join(let l, let r, let kind, let on, let using, let loc):
            return try planJoin(try planFrom(l), try planFrom(r), kind, on, using, loc)
        }
    }

    private func planJoin(_ left: Plan, _ right: Plan, _ kind: JoinKind, _ on: Expr?, _ using: [String], _ loc: SourceLocation) throws -> Plan {
        var scope = Scope(columns: left.scope.columns + right.scope.columns)
        scope.unreadColumns = left.scope.unreadColumns + right.scope.unreadColumns
        let nLeft = left.scope.columns.count
        var leftKeys: [BoundExpr] = [], rightKeys: [BoundExpr] = []
        var residual: BoundExpr? = nil
        if !using.isEmpty {
            for name in using {
                let li = try left.scope.resolve(nil, name, location: loc, sql: sql)
                let ri = try right.scope.resolve(nil, name, location: loc, sql: sql)
                let lt = left.scope.columns[li].type, rt = right.scope.columns[ri].type
                guard lt == rt || (Binder.numeric(lt) && Binder.numeric(rt)) else {
                    throw QueryError.type(message: "USING column \(name) has types \(lt.rawValue) and \(rt.rawValue)", location: loc, sql: sql)
                }
                leftKeys.append(.column(li, lt))
                rightKeys.append(.column(ri, rt))
            }
        } else if let on {
            let binder = Binder(planner: self, scope: scope, clause: "a join condition")
            let cond = try binder.bind(on)
            try binder.expect(cond, .bool, "ON", loc)
            for c in conjuncts(cond) {
                if case .comparison(.equal, let a, let b) = c, a.type == b.type || (a.type.map(Binder.numeric) ?? false && (b.type.map(Binder.numeric) ?? false)) {
                    let ua = a.columnsUsed, ub = b.columnsUsed
                    if !ua.isEmpty && !ub.isEmpty {
                        if ua.allSatisfy({ $0 < nLeft }) && ub.allSatisfy({ $0 >= nLeft }) {
                            leftKeys.append(a); rightKeys.append(b.remap { $0 - nLeft }); continue
                        }
                        if ub.allSatisfy({ $0 < nLeft }) && ua.allSatisfy({ $0 >= nLeft }) {
                            leftKeys.append(b); rightKeys.append(a.remap { $0 - nLeft }); continue
                        }
                    }
                }
                residual = residual.map { .and($0, c) } ?? c
            }
        }
        // Keys of INT64 and FLOAT64 meet as FLOAT64 (the hash table compares encoded bytes).
        var probeKeys = leftKeys, buildKeys = rightKeys
        for k in probeKeys.indices where probeKeys[k].type != buildKeys[k].type {
            if probeKeys[k].type == .int64 { probeKeys[k] = .arithmetic(.add, probeKeys[k], .literal(.float64(0), .float64), .float64) }
            if buildKeys[k].type == .int64 { buildKeys[k] = .arithmetic(.add, buildKeys[k], .literal(.float64(0), .float64), .float64) }
        }
        let join = HashJoinOperator(left: left.root, right: right.root, kind: kind, leftKeys: probeKeys, rightKeys: buildKeys, residual: residual)
        guard !using.isEmpty else { return Plan(root: join, scope: scope) }
        // USING: one merged column per name (the left value, the right one for RIGHT JOIN, either for
        // FULL JOIN), then the other columns; both sides stay reachable by qualified name.
        var exprs: [BoundExpr] = [], columns: [ScopeColumn] = []
        var hidden = Set<Int>()
        for k in using.indices {
            guard case .column(let li, let lt) = leftKeys[k], case .column(let ri0, let rt) = rightKeys[k] else { continue }
            let ri = ri0 + nLeft
            let type: ColumnType = lt == rt ? lt : .float64
            let merged: BoundExpr
            switch kind {
            case .right: merged = .column(ri, rt)
            case .full: merged = .caseWhen([(.isNull(.column(li, lt), negated: false), .column(ri, rt))], elseResult: .column(li, lt), type)
            default: merged = .column(li, lt)
            }
            exprs.append(merged)
            columns.append(ScopeColumn(qualifier: nil, name: left.scope.columns[li].name, type: type,
                                       aliases: [left.scope.columns[li].qualifier, right.scope.columns[ri0].qualifier].compactMap { $0 }))
            hidden.insert(li); hidden.insert(ri)
        }
        for (i, c) in scope.columns.enumerated() {
            exprs.append(.column(i, c.type))
            var c = c
            if hidden.contains(i) { c.hiddenFromStar = true }
            columns.append(c)
        }
        var merged = Scope(columns: columns)
        merged.unreadColumns = scope.unreadColumns
        return Plan(root: ProjectOperator(child: join, exprs: exprs), scope: merged)
    }

    func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .and(let a, let b) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    /// Puts `predicate` into `plan`'s scan when the plan is a bare scan, else adds a filter.
    func applyWhere(_ plan: Plan, _ predicate: BoundExpr) -> Plan {
        if let scan = plan.root as? TableScan, scan.filter == nil {
            var zones: [ZonePredicate] = []
            for c in conjuncts(predicate) {
                guard case .comparison(let op, let a, let b) = c else { continue }
                if case .column(let i, _) = a, case .literal(let v, _) = b, !v.isNull { zones.append(ZonePredicate(column: i, op: op, value: v)) }
                if case .literal(let v, _) = a, case .column(let i, _) = b, !v.isNull { zones.append(ZonePredicate(column: i, op: Planner.flip(op), value: v)) }
            }
            let pushed = TableScan(store: scan.store, table: scan.table, columns: scan.columns, filter: predicate, zonePredicates: zones)
            return Plan(root: pushed, scope: plan.scope)
        }
        return Plan(root: Planner.filter(plan.root, predicate), scope: plan.scope)
    }

    static func flip(_ op: BinaryOperator) -> BinaryOperator {
        switch op {
        case .less: return .greater
        case .lessEqual: return .greaterEqual
        case .greater: return .less
        case .greaterEqual: return .lessEqual
        default: return op
        }
    }
}
