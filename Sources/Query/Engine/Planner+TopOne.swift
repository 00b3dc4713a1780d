import ColumnStore

extension Planner {
    /// A filter of `predicate` over `root`. When `root` is a window of a single
    /// `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)` (or a projection of one, as a subquery's
    /// SELECT list is) and a conjunct of `predicate` is `rn = 1`, `rn <= 1` or `rn < 2` on that
    /// ROW_NUMBER's column (the same rows: a ROW_NUMBER is never below 1, nor NULL), the window and that
    /// conjunct become a `TopOneOperator` (the first row of each partition, without sorting), and any
    /// other conjuncts a filter above it. Anything else (RANK, `rn = 2`, `rn <= 2`, a second window
    /// function) keeps the window and the filter.
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
        guard let k = parts.firstIndex(where: { isFirstRowOnly($0, rnColumns) }) else {
            return FilterOperator(child: root, predicate: predicate)
        }
        var top: Operator = TopOneOperator(child: window.child, call: window.calls[0])
        if let project { top = ProjectOperator(child: top, exprs: project.exprs) }
        let rest = parts.indices.filter { $0 != k }.map { parts[$0] }
        guard let first = rest.first else { return top }
        return FilterOperator(child: top, predicate: rest.dropFirst().reduce(first) { .and($0, $1) })
    }

    /// Whether `e` keeps, of ROW_NUMBER values (1, 2, …) in one of `columns`, exactly 1: `column = 1`,
    /// `column <= 1` or `column < 2`, either way round (INT64 literals).
    private static func isFirstRowOnly(_ e: BoundExpr, _ columns: Set<Int>) -> Bool {
        guard case .comparison(var op, var a, var b) = e else { return false }
        if case .literal = a { swap(&a, &b); op = flip(op) }
        guard case .column(let i, _) = a, columns.contains(i), case .literal(.int64(let v), _) = b else { return false }
        switch op {
        case .equal, .lessEqual: return v == 1
        case .less: return v == 2
        default: return false
        }
    }

    private static func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .and(let a, let b) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }
}
