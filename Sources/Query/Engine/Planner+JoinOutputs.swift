import ColumnStore

extension Planner {
    /// Tells each join under `root` which of its output columns the operators above it read, so that
    /// the others are not gathered (`HashJoinOperator.outputRead`). `read` is the set of `root`'s
    /// output columns its consumer reads (nil: all). Descends only through operators whose column
    /// use it knows (projections, filters, GROUP BY); below any other, every column counts as read.
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
}
