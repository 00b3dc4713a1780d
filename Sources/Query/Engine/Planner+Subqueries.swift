import ColumnStore
import Dispatch

extension Planner {
    /// Runs the scalar subqueries of `body`'s SELECT lists (through UNION ALL operands, not inside
    /// nested queries) side by side, two at a time on the two cores, before the SELECT lists are
    /// bound; the binder then takes each result instead of running the subquery itself
    /// (`runSubquery`). Only when there are at least two.
    ///
    /// Each subquery is planned here, in the WITH scope where the binder would plan it, so it reads
    /// the same tables and CTEs; one that does not plan (it names a column of the outer query, or is
    /// wrong) is left to the binder, which reports it as before. Running them early changes no
    /// result: an uncorrelated subquery's value does not depend on the outer query. An error of a
    /// prefetched subquery is kept and thrown when the binder reaches that subquery.
    func prefetchScalarSubqueries(_ body: QueryBody) {
        var found: [(query: Query, location: SourceLocation)] = []
        Planner.collectScalarSubqueries(body, into: &found)
        guard found.count >= 2 else { return }
        var plans: [(query: Query, offset: Int, root: Operator)] = []
        for (q, loc) in found where prefetchedSubqueries[loc.offset] == nil && !plans.contains(where: { $0.offset == loc.offset }) {
            guard let plan = try? planQuery(q) else { continue }
            plans.append((q, loc.offset, plan.root))
        }
        guard plans.count >= 2 else {
            // A single plan made here is not wasted: the binder takes its result.
            for p in plans { prefetchedSubqueries[p.offset] = (p.query, Result { try p.root.drain() }) }
            return
        }
        let roots = plans.map(\.root)
        var results = [Result<Batch, Error>?](repeating: nil, count: roots.count)
        results.withUnsafeMutableBufferPointer { out in
            // Each operator tree is drained by one thread only; the trees share no mutable state.
            DispatchQueue.concurrentPerform(iterations: roots.count) { i in
                out[i] = Result { try roots[i].drain() }
            }
        }
        for (p, r) in zip(plans, results) { prefetchedSubqueries[p.offset] = (p.query, r!) }
    }

    /// The scalar subqueries of the SELECT lists of `body` and its UNION ALL operands, in order.
    static func collectScalarSubqueries(_ body: QueryBody, into found: inout [(query: Query, location: SourceLocation)]) {
        switch body {
        case .select(let s):
            for case .expr(let e, _) in s.items { collectScalarSubqueries(e, into: &found) }
        case .setOperation(_, let l, let r, _):
            collectScalarSubqueries(l, into: &found)
            collectScalarSubqueries(r, into: &found)
        case .nested:
            break
        }
    }

    /// The scalar subqueries of `e`, not looking inside any subquery.
    static func collectScalarSubqueries(_ e: Expr, into found: inout [(query: Query, location: SourceLocation)]) {
        if case .scalarSubquery(let q, let loc) = e { found.append((q, loc)) }
        for child in e.children { collectScalarSubqueries(child, into: &found) }
    }
}
