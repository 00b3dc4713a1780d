import ColumnStore

extension Planner {
    /// One entry of the SELECT list after `*` expansion.
    private struct Item {
        var expr: Expr
        var name: String
        var explicitAlias: Bool
    }

    func planSelect(_ s: Select, orderBy: [OrderItem], limit: Expr?, offset: Expr?) throws -> Plan {
        var plan: Plan
        if let from = s.from {
            plan = try planFrom(from)
        } else {
            plan = Plan(root: BatchSource(types: [], batches: [Batch(columns: [], count: 1)], label: "OneRow"), scope: .empty)
        }
        let fromScope = plan.scope
        if let w = s.whereClause {
            if Planner.containsAggregateOrWindow(w) {
                throw QueryError.type(message: "aggregate and window functions are not allowed in WHERE", location: w.location, sql: sql)
            }
            let b = Binder(planner: self, scope: fromScope, clause: "WHERE")
            let cond = try b.bind(w)
            try b.expect(cond, .bool, "WHERE", w.location)
            plan = applyWhere(plan, cond)
        }

        // Expand the SELECT list.
        var items: [Item] = []
        var anonymous = 0
        for item in s.items {
            switch item {
            case .expr(let e, let alias):
                var name: String
                if let alias { name = alias } else if case .column(_, let n, _) = e { name = n } else { name = "f\(anonymous)_"; anonymous += 1 }
                items.append(Item(expr: e, name: name, explicitAlias: alias != nil))
            case .star(let qualifier, let except, let loc):
                let cols = fromScope.columns.enumerated().filter { _, c in
                    !c.hiddenFromStar && (qualifier == nil || c.qualifier?.lowercased() == qualifier!.lowercased() || c.aliases.contains { $0.lowercased() == qualifier!.lowercased() })
                }
                if cols.isEmpty, let qualifier {
                    throw QueryError.unknownName(kind: "table alias", name: qualifier, suggestion: closestName(to: qualifier, in: fromScope.columns.compactMap(\.qualifier)), location: loc, sql: sql)
                }
                let lowerExcept = Set(except.map { $0.lowercased() })
                for name in except where !cols.contains(where: { $0.1.name.lowercased() == name.lowercased() }) {
                    throw QueryError.unknownName(kind: "column in SELECT * EXCEPT", name: name, suggestion: closestName(to: name, in: cols.map(\.1.name)), location: loc, sql: sql)
                }
                for (_, c) in cols where !lowerExcept.contains(c.name.lowercased()) {
                    items.append(Item(expr: .column(qualifier: c.qualifier, name: c.name, loc), name: c.name, explicitAlias: false))
                }
            }
        }
        guard !items.isEmpty else { throw QueryError.syntax(message: "SELECT list is empty", location: s.location, sql: sql) }

        let aggregating = !s.groupBy.isEmpty || s.having != nil
            || items.contains { Planner.containsAggregate($0.expr) } || orderBy.contains { Planner.containsAggregate($0.expr) }
        var aggregation: AggregationContext? = nil
        if aggregating {
            var keys: [BoundExpr] = []
            let plain = Binder(planner: self, scope: fromScope, clause: "GROUP BY")
            for g in s.groupBy {
                var e = g
                if case .literal(.int64(let k), let loc) = g {
                    guard k >= 1 && Int(k) <= items.count else {
                        throw QueryError.type(message: "GROUP BY position \(k) is not in the SELECT list (1 to \(items.count))", location: loc, sql: sql)
                    }
                    e = items[Int(k) - 1].expr
                } else if case .column(nil, let n, let loc) = g, let item = items.first(where: { $0.explicitAlias && $0.name.lowercased() == n.lowercased() }),
                          (try? fromScope.resolve(nil, n, location: loc, sql: sql)) == nil {
                    e = item.expr
                }
                if Planner.containsAggregateOrWindow(e) {
                    throw QueryError.type(message: "GROUP BY cannot use an aggregate or window function", location: g.location, sql: sql)
                }
                keys.append(try plain.bind(e))
            }
            aggregation = AggregationContext(keys: keys)
        }
        let binder = Binder(planner: self, scope: fromScope, aggregation: aggregation, allowWindows: true, clause: "SELECT list")
        var exprs = try items.map { try binder.bind($0.expr) }
        // HAVING and QUALIFY may name SELECT-list aliases (BigQuery); HAVING only those computed
        // before the window functions run.
        for i in items.indices.reversed() where items[i].explicitAlias && !exprs[i].columnsUsed.contains(where: { $0 >= Binder.windowMark }) {
            binder.selectAliases[items[i].name.lowercased()] = exprs[i]
        }
        var having: BoundExpr? = nil
        if let h = s.having {
            let b = try binder.bind(h)
            try binder.expect(b, .bool, "HAVING", h.location)
            having = b
        }
        var qualify: BoundExpr? = nil
        for i in items.indices.reversed() where items[i].explicitAlias {
            binder.selectAliases[items[i].name.lowercased()] = exprs[i]
        }
        if let q = s.qualify {
            let b = try binder.bind(q)
            try binder.expect(b, .bool, "QUALIFY", q.location)
            qualify = b
        }
        // ORDER BY: positions and output names refer to the SELECT list; other expressions become
        // hidden output columns.
        var sortKeys: [(index: Int, item: OrderItem)] = []
        var hidden: [BoundExpr] = []
        for o in orderBy {
            if case .literal(.int64(let k), let loc) = o.expr {
                guard k >= 1 && Int(k) <= items.count else {
                    throw QueryError.type(message: "ORDER BY position \(k) is not in the SELECT list (1 to \(items.count))", location: loc, sql: sql)
                }
                sortKeys.append((Int(k) - 1, o))
                continue
            }
            if case .column(nil, let n, _) = o.expr {
                let matches = items.indices.filter { items[$0].name.lowercased() == n.lowercased() }
                if matches.count == 1 { sortKeys.append((matches[0], o)); continue }
            }
            let b = try binder.bind(o.expr)
            if let same = exprs.firstIndex(where: { $0.key == b.key }) { sortKeys.append((same, o)); continue }
            if s.distinct {
                throw QueryError.type(message: "ORDER BY expression is not in the SELECT DISTINCT list", location: o.expr.location, sql: sql)
            }
            hidden.append(b)
            sortKeys.append((items.count + hidden.count - 1, o))
        }

        // Operators: aggregate, HAVING, windows, QUALIFY, project, DISTINCT, sort, limit.
        var root = plan.root
        var width = fromScope.columns.count
        if let aggregation, let scan = plan.root as? TableScan, let counts = Planner.catalogCounts(scan, aggregation) {
            root = BatchSource(types: aggregation.aggregates.map(\.resultType), batches: [counts], label: "Counts of \(scan.table.name) from the catalog")
            width = aggregation.aggregates.count
        } else if let aggregation {
            root = HashAggregateOperator(child: root, keys: aggregation.keys, aggregates: aggregation.aggregates)
            // STRING keys read straight from the scan, and by no aggregate: grouped by their dictionary
            // codes without copying their strings.
            if let scan = plan.root as? TableScan {
                let arguments = aggregation.aggregates.reduce(into: Set<Int>()) { $0.formUnion($1.argument?.columnsUsed ?? []) }
                scan.keyOnlyColumns = Set(aggregation.keys.compactMap { k -> Int? in
                    guard case .column(let i, .string) = k, !arguments.contains(i) else { return nil }
                    return i
                })
            }
            if let a = root as? HashAggregateOperator { Planner.markJoinKeyOnlyOutputs(a) }
            // Only counting the rows of a GROUP BY or DISTINCT below: it need not decode its groups.
            if aggregation.keys.isEmpty, s.whereClause == nil, aggregation.aggregates.allSatisfy({ $0.kind == .countStar }),
               let inner = plan.root as? HashAggregateOperator {
                inner.emitsColumns = false
            }
            width = aggregation.keys.count + aggregation.aggregates.count
        }
        let windowBase = width
        let fix: (BoundExpr) -> BoundExpr = { $0.remap { $0 >= Binder.windowMark ? windowBase + ($0 - Binder.windowMark) : $0 } }
        exprs = exprs.map(fix)
        hidden = hidden.map(fix)
        if let having { root = FilterOperator(child: root, predicate: fix(having)) }
        if !binder.windows.isEmpty { root = WindowOperator(child: root, calls: binder.windows) }
        if let qualify {
            guard !binder.windows.isEmpty else {
                throw QueryError.type(message: "QUALIFY needs a window function in the SELECT list or the QUALIFY clause", location: s.qualify!.location, sql: sql)
            }
            root = Planner.filter(root, fix(qualify))
        }
        let projected = exprs + hidden
        root = ProjectOperator(child: root, exprs: projected)
        Planner.markJoinOutputs(root, read: nil)
        var scope = Scope(columns: zip(items, exprs).map { ScopeColumn(qualifier: nil, name: $0.name, type: $1.type ?? .int64, untypedNull: $1.type == nil) })
        scope.columns += hidden.map { ScopeColumn(qualifier: nil, name: "", type: $0.type ?? .int64, hiddenFromStar: true) }
        if s.distinct {
            root = HashAggregateOperator(child: root, keys: projected.indices.map { .column($0, projected[$0].type ?? .int64) }, aggregates: [])
        }
        var result = Plan(root: root, scope: scope)
        result = try applyOrderAndLimit(result, keys: sortKeys.map { SortKey(expr: .column($0.index, scope.columns[$0.index].type), descending: $0.item.descending, nullsFirst: $0.item.nullsFirst ?? !$0.item.descending) },
                                        limit: limit, offset: offset)
        if !hidden.isEmpty {
            let visible = items.indices.map { BoundExpr.column($0, scope.columns[$0].type) }
            result = Plan(root: ProjectOperator(child: result.root, exprs: visible), scope: Scope(columns: Array(scope.columns.prefix(items.count))))
        }
        return result
    }

    /// ORDER BY over a set operation's output, by position or output name.
    func applyOrderAndLimit(_ plan: Plan, orderBy: [OrderItem], limit: Expr?, offset: Expr?, outputScope: Scope) throws -> Plan {
        var keys: [SortKey] = []
        for o in orderBy {
            let index: Int
            if case .literal(.int64(let k), let loc) = o.expr {
                guard k >= 1 && Int(k) <= outputScope.columns.count else {
                    throw QueryError.type(message: "ORDER BY position \(k) is out of range", location: loc, sql: sql)
                }
                index = Int(k) - 1
            } else if case .column(nil, let n, let loc) = o.expr {
                index = try outputScope.resolve(nil, n, location: loc, sql: sql)
            } else {
                throw QueryError.notSupported(construct: "ORDER BY expression after a set operation (use a column name or position)", location: o.expr.location, sql: sql)
            }
            keys.append(SortKey(expr: .column(index, outputScope.columns[index].type), descending: o.descending, nullsFirst: o.nullsFirst ?? !o.descending))
        }
        return try applyOrderAndLimit(plan, keys: keys, limit: limit, offset: offset)
    }

    private func applyOrderAndLimit(_ plan: Plan, keys: [SortKey], limit: Expr?, offset: Expr?) throws -> Plan {
        let n = try limit.map { try constantCount($0, "LIMIT") }
        let skip = try offset.map { try constantCount($0, "OFFSET") } ?? 0
        var root = plan.root
        if !keys.isEmpty {
            let sort = SortOperator(child: root, keys: keys, keep: n.map { $0 + skip })
            if sort.keep != nil {
                Planner.pushTopNBound(sort)
                Planner.pushTopNToAggregate(sort)
            }
            root = sort
        }
        if n != nil || skip > 0 { root = LimitOperator(child: root, limit: n, offset: skip) }
        return Plan(root: root, scope: plan.scope)
    }

    private func constantCount(_ e: Expr, _ what: String) throws -> Int {
        let b = try Binder(planner: self, scope: .empty, clause: what).bind(e)
        let c = try Evaluator.evaluate(b, Batch(columns: [], count: 1))
        guard case .int64(let v) = c.value(at: 0), v >= 0 else {
            throw QueryError.type(message: "\(what) expects a non-negative INT64 constant", location: e.location, sql: sql)
        }
        return Int(v)
    }

    /// Gives a top-N's first key bound to the scan that produces that key, when only projections of
    /// plain columns and filters lie between them (each keeps the key's values as they are). When no
    /// filter drops a row on the way (the scan's own filter at most drops NULL keys), the scan seeds
    /// the bound from its zone maps (`TableScan.topNSeedsFromZones`).
    static func pushTopNBound(_ sort: SortOperator) {
        guard let first = sort.keys.first, let keep = sort.keep, case .column(var index, let type) = first.expr,
              TopNBound.supports(type) else { return }
        var node: Operator = sort.child
        var filtered = false
        while true {
            if let p = node as? ProjectOperator {
                guard index < p.exprs.count, case .column(let i, let t) = p.exprs[index], t == type else { return }
                index = i
                node = p.child
            } else if let f = node as? FilterOperator {
                filtered = true
                node = f.child
            } else if let scan = node as? TableScan {
                guard index < scan.outputTypes.count, scan.outputTypes[index] == type, scan.topN == nil else { return }
                let bound = TopNBound(descending: first.descending, nullsFirst: first.nullsFirst, keep: keep)
                scan.topN = (index, bound)
                scan.topNSeedsFromZones = !filtered && (scan.filter.map { onlyDropsNulls($0, of: index) } ?? true)
                sort.bound = bound
                return
            } else {
                return
            }
        }
    }

    /// Tells a GROUP BY the top-N that reads its output, when only projections of plain columns lie
    /// between them (no HAVING, window or QUALIFY), every ORDER BY key is a plain column, and the top-N
    /// keeps at least one row: a GROUP BY split by hash then emits only each partition's candidates
    /// (`PartitionedAggregate.topCandidates`).
    static func pushTopNToAggregate(_ sort: SortOperator) {
        guard let keep = sort.keep, keep > 0 else { return }
        var columns: [(index: Int, type: ColumnType)] = []
        for k in sort.keys {
            guard case .column(let i, let t) = k.expr else { return }
            columns.append((i, t))
        }
        var node: Operator = sort.child
        while let p = node as? ProjectOperator {
            for k in columns.indices {
                // A column passed through with its type (not widened from INT64 to FLOAT64).
                guard columns[k].index < p.exprs.count, case .column(let i, let t) = p.exprs[columns[k].index], t == columns[k].type,
                      i < p.child.outputTypes.count, p.child.outputTypes[i] == t else { return }
                columns[k].index = i
            }
            node = p.child
        }
        guard let aggregate = node as? HashAggregateOperator,
              columns.allSatisfy({ $0.index < aggregate.outputTypes.count && aggregate.outputTypes[$0.index] == $0.type }) else { return }
        let keys = zip(sort.keys, columns).map { k, c in SortKey(expr: .column(c.index, c.type), descending: k.descending, nullsFirst: k.nullsFirst) }
        aggregate.topN = PartitionedAggregate.TopN(keys: keys, keep: keep)
    }

    /// Whether `filter` is a conjunction of `column IS NOT NULL` on output column `column` only.
    static func onlyDropsNulls(_ filter: BoundExpr, of column: Int) -> Bool {
        switch filter {
        case .and(let a, let b): return onlyDropsNulls(a, of: column) && onlyDropsNulls(b, of: column)
        case .isNull(.column(let c, _), negated: true): return c == column
        default: return false
        }
    }
}
