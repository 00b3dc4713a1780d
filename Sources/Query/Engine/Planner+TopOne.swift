import ColumnStore

extension Planner {
    /// A filter of `predicate` over `root`. When `root` is a window of a single
    /// `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)` (or a projection of one, as a subquery's
    /// SELECT list is) and a conjunct of `predicate` is `rn = 1` on that ROW_NUMBER's column, the
    /// window and that conjunct become a `TopOneOperator` (the first row of each partition, without
    /// sorting), and any other conjuncts a filter above it. Anything else (RANK, `rn = 2`, `rn <= 1`,
    /// a second window function) keeps the window and the filter.
    static func filter(_ root: Operator, _ predicate: BoundExpr) -> Operator {
        let project = root as? ProjectOperator
        guard let window = (project?.child ?? root) as? WindowOperator, window.calls.count == 1,
              window.calls[0].kind == .rowNumber, !window.calls[0].partitionBy.isEmpty else {
            return FilterOperator(child: root, predicate: predicate)
        }
        // The columns of `root` that are the ROW_NUMBER.
        let rowNumber = window.child.outputTypes.count
        let rnColumns: Set<Int> = project.map { p in
            Set(p.exprs.indices.filter { if case .column(rowNumber, _) = p.exprs[$0] { return true } else { return false } })
        } ?? [rowNumber]
        let parts = conjuncts(predicate)
        guard let k = parts.firstIndex(where: { isEqualToOne($0, rnColumns) }) else {
            return FilterOperator(child: root, predicate: predicate)
        }
        var top: Operator = TopOneOperator(child: window.child, call: window.calls[0])
        if let project { top = ProjectOperator(child: top, exprs: project.exprs) }
        let rest = parts.indices.filter { $0 != k }.map { parts[$0] }
        guard let first = rest.first else { return top }
        return FilterOperator(child: top, predicate: rest.dropFirst().reduce(first) { .and($0, $1) })
    }

    /// Whether `e` is `column = 1` or `1 = column` (an INT64 literal) for one of `columns`.
    private static func isEqualToOne(_ e: BoundExpr, _ columns: Set<Int>) -> Bool {
        guard case .comparison(.equal, let a, let b) = e else { return false }
        switch (a, b) {
        case (.column(let i, _), .literal(.int64(1), _)), (.literal(.int64(1), _), .column(let i, _)): return columns.contains(i)
        default: return false
        }
    }

    private static func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .and(let a, let b) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }
}
