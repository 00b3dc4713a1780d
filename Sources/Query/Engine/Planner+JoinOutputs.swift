import ColumnStore

extension Planner {
    /// Tells each join under `root` which of its output columns the operators above it read, so that
    /// the others are not gathered (`HashJoinOperator.outputRead`), and which they read only by
    /// `column IS [NOT] NULL`, so that only their validity is gathered
    /// (`HashJoinOperator.validityOnlyOutputs`). `read` is the set of `root`'s output columns its
    /// consumer reads (nil: all), `validityOnly` the part of it read only for validity. Descends only
    /// through operators whose column use it knows (projections, filters, GROUP BY, joins into both
    /// inputs, top-one per partition); below any other, every column counts as read for its values.
    /// Tells each `TopOneOperator` on the way which columns are read (`TopOneOperator.outputRead`) too.
    static func markJoinOutputs(_ root: Operator, read: Set<Int>?, validityOnly: Set<Int> = []) {
        let validityOnly = read == nil ? [] : validityOnly
        if let p = root as? ProjectOperator {
            let used = (read.map { Array($0) } ?? Array(p.exprs.indices)).filter { $0 < p.exprs.count }
            var all = Set<Int>(), values = Set<Int>()
            for o in used {
                all.formUnion(p.exprs[o].columnsUsed)
                // A projected column read above only for its validity passes that on.
                if validityOnly.contains(o), case .column = p.exprs[o] { continue }
                values.formUnion(p.exprs[o].columnsReadForValues)
            }
            markJoinOutputs(p.child, read: all, validityOnly: all.subtracting(values))
        } else if let f = root as? FilterOperator {
            guard let read else { return markJoinOutputs(f.child, read: nil) }
            let all = read.union(f.predicate.columnsUsed)
            let values = read.subtracting(validityOnly).union(f.predicate.columnsReadForValues)
            markJoinOutputs(f.child, read: all, validityOnly: all.subtracting(values))
        } else if let a = root as? HashAggregateOperator {
            var used = Set<Int>(), values = Set<Int>()
            for k in a.keys { used.formUnion(k.columnsUsed); values.formUnion(k.columnsUsed) }
            for s in a.aggregates {
                if let arg = s.argument { used.formUnion(arg.columnsUsed); values.formUnion(arg.columnsReadForValues) }
            }
            markJoinOutputs(a.child, read: used, validityOnly: used.subtracting(values))
        } else if let t = root as? TopOneOperator {
            let width = t.child.outputTypes.count
            t.outputRead = read.map { r in (0..<width).map { r.contains($0) } }
            var used = read.map { $0.filter { $0 < width } } ?? Set(0..<width)
            for e in t.call.partitionBy { used.formUnion(e.columnsUsed) }
            for k in t.call.orderBy { used.formUnion(k.expr.columnsUsed) }
            // Columns under a top-one count as read for their values (its partition and order keys are).
            markJoinOutputs(t.child, read: used)
        } else if let j = root as? HashJoinOperator, let read {
            let residual = j.residual?.columnsUsed ?? []
            let needed = read.union(residual)
            j.outputRead = j.outputTypes.indices.map { needed.contains($0) }
            j.validityOnlyOutputs = validityOnly.subtracting(residual)
            // A probe key column read by nothing else: the join probes a scan's dictionary blocks by
            // their entries (`HashJoinOperator.entryMatches`), so their strings need not be copied out.
            if let scan = j.left as? TableScan, j.leftKeys.count == 1, case .column(let k, .string) = j.leftKeys[0], !needed.contains(k) {
                scan.dictionaryOnly.insert(k)
            }
            // The inputs: the columns the output reads from each side, and the keys.
            let nLeft = j.left.outputTypes.count
            let leftKeys = j.leftKeys.reduce(into: Set<Int>()) { $0.formUnion($1.columnsUsed) }
            let rightKeys = j.rightKeys.reduce(into: Set<Int>()) { $0.formUnion($1.columnsUsed) }
            let leftRead = Set(needed.filter { $0 < nLeft })
            let rightRead = Set(needed.filter { $0 >= nLeft }.map { $0 - nLeft })
            let leftValidity = Set(j.validityOnlyOutputs.filter { $0 < nLeft })
            let rightValidity = Set(j.validityOnlyOutputs.filter { $0 >= nLeft }.map { $0 - nLeft })
            markJoinOutputs(j.left, read: leftRead.union(leftKeys), validityOnly: leftValidity.subtracting(leftKeys))
            markJoinOutputs(j.right, read: rightRead.union(rightKeys), validityOnly: rightValidity.subtracting(rightKeys))
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
        // The columns nothing reads (`markJoinOutputs`) need no rows when the projection evaluates
        // nothing over a join column but the expressions the GROUP BY reads and bare columns.
        let readByAggregate = Set(aggregate.keys.flatMap(\.columnsUsed) + aggregate.aggregates.flatMap { $0.argument?.columnsUsed ?? [] })
        join.unreadOutputsEmpty = project?.exprs.indices.allSatisfy { o in
            if readByAggregate.contains(o) { return true }
            if case .column = project!.exprs[o] { return true }
            return project!.exprs[o].columnsUsed.isEmpty
        } ?? true
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
