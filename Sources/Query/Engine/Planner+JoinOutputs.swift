import ColumnStore

extension Planner {
    /// Tells each join under `root` which of its output columns the operators above it read, so that
    /// the others are not gathered (`HashJoinOperator.outputRead`). `read` is the set of `root`'s
    /// output columns its consumer reads (nil: all). Descends only through operators whose column
    /// use it knows (projections, filters, GROUP BY, top-one per partition); below any other, every
    /// column counts as read. Tells each `TopOneOperator` on the way which columns are read
    /// (`TopOneOperator.outputRead`) too.
    static func markJoinOutputs(_ root: Operator, read: Set<Int>?) {
        if let p = root as? ProjectOperator {
            let used = (read.map { Array($0) } ?? Array(p.exprs.indices)).filter { $0 < p.exprs.count }
            markJoinOutputs(p.child, read: used.reduce(into: Set<Int>()) { $0.formUnion(p.exprs[$1].columnsUsed) })
        } else if let f = root as? FilterOperator {
            markJoinOutputs(f.child, read: read.map { $0.union(f.predicate.columnsUsed) })
        } else if let a = root as? HashAggregateOperator {
            var used = Set<Int>()
            for k in a.keys { used.formUnion(k.columnsUsed) }
            for s in a.aggregates { if let arg = s.argument { used.formUnion(arg.columnsUsed) } }
            markJoinOutputs(a.child, read: used)
        } else if let t = root as? TopOneOperator {
            let width = t.child.outputTypes.count
            t.outputRead = read.map { r in (0..<width).map { r.contains($0) } }
            var used = read.map { $0.filter { $0 < width } } ?? Set(0..<width)
            for e in t.call.partitionBy { used.formUnion(e.columnsUsed) }
            for k in t.call.orderBy { used.formUnion(k.expr.columnsUsed) }
            markJoinOutputs(t.child, read: used)
        } else if let j = root as? HashJoinOperator, let read {
            let needed = read.union(j.residual?.columnsUsed ?? [])
            j.outputRead = j.outputTypes.indices.map { needed.contains($0) }
            // A probe key column read by nothing else: the join probes a scan's dictionary blocks by
            // their entries (`HashJoinOperator.entryMatches`), so their strings need not be copied out.
            if let scan = j.left as? TableScan, j.leftKeys.count == 1, case .column(let k, .string) = j.leftKeys[0], !needed.contains(k) {
                scan.dictionaryOnly.insert(k)
            }
        }
    }

    /// Marks the build-side STRING columns of an INNER join (no residual condition) right below a
    /// GROUP BY, or below one projection under it, that the GROUP BY reads only as whole keys
    /// (`HashJoinOperator.keyOnlyOutputs`): nothing else reads them, neither an aggregate's argument,
    /// nor a key expression, nor another projected expression, since their rows are not materialized.
    static func markJoinKeyOnlyOutputs(_ aggregate: HashAggregateOperator) {
        var node = aggregate.child
        let project = node as? ProjectOperator
        if let project { node = project.child }
        guard let join = node as? HashJoinOperator, join.kind == .inner, join.residual == nil, !join.leftKeys.isEmpty else { return }
        // Aggregate input columns read other than as a whole STRING key.
        var readOtherwise = Set<Int>()
        for s in aggregate.aggregates { readOtherwise.formUnion(s.argument?.columnsUsed ?? []) }
        var wholeKeys = Set<Int>()
        for k in aggregate.keys {
            if case .column(let i, .string) = k { wholeKeys.insert(i) } else { readOtherwise.formUnion(k.columnsUsed) }
        }
        let nLeft = join.left.outputTypes.count
        for i in wholeKeys.subtracting(readOtherwise) {
            var joinColumn = i
            if let project {
                guard i < project.exprs.count, case .column(let c, .string) = project.exprs[i] else { continue }
                joinColumn = c
                // Every projected expression that reads it must be the column itself, read only as a key.
                let users = project.exprs.indices.filter { project.exprs[$0].columnsUsed.contains(c) }
                guard users.allSatisfy({ o in
                    if case .column = project.exprs[o] { return wholeKeys.contains(o) && !readOtherwise.contains(o) }
                    return false
                }) else { continue }
            }
            guard joinColumn >= nLeft, joinColumn < join.outputTypes.count, join.outputTypes[joinColumn] == .string else { continue }
            join.keyOnlyOutputs.insert(joinColumn)
        }
    }
}
