import ColumnStore

/// A physical operator: pull-based and vectorized. `next()` returns the next batch, or nil when done.
/// A returned batch may be empty only at the end of input for operators that must emit one row.
protocol Operator: AnyObject {
    var outputTypes: [ColumnType] { get }
    func next() throws -> Batch?
    /// Lines describing this operator and its children for EXPLAIN, indented by depth.
    func explain(_ depth: Int) -> [String]
}

extension Operator {
    func pad(_ depth: Int) -> String { String(repeating: "  ", count: depth) }

    /// Pulls every batch and concatenates them.
    func drain() throws -> Batch {
        var builders = outputTypes.map { ColumnBuilder(type: $0) }
        var count = 0
        while let b = try next() {
            guard b.count > 0 else { continue }
            for i in builders.indices { builders[i].append(contentsOf: b.columns[i]) }
            count += b.count
        }
        return Batch(columns: builders.indices.map { builders[$0].finish() }, count: count)
    }
}

/// Emits a fixed list of batches (materialized CTEs, VALUES-like inputs, single-row SELECTs).
final class BatchSource: Operator {
    let outputTypes: [ColumnType]
    private var batches: [Batch]
    private var index = 0
    let label: String

    init(types: [ColumnType], batches: [Batch], label: String) {
        outputTypes = types
        self.batches = batches
        self.label = label
    }

    func next() throws -> Batch? {
        guard index < batches.count else { return nil }
        defer { index += 1 }
        return batches[index]
    }

    func explain(_ depth: Int) -> [String] { [pad(depth) + label] }
}

/// Keeps the rows where the predicate is TRUE.
final class FilterOperator: Operator {
    let child: Operator
    let predicate: BoundExpr
    var outputTypes: [ColumnType] { child.outputTypes }

    init(child: Operator, predicate: BoundExpr) {
        self.child = child
        self.predicate = predicate
    }

    func next() throws -> Batch? {
        while let b = try child.next() {
            let sel = try Evaluator.select(predicate, b)
            if sel.count == b.count { return b }
            if !sel.isEmpty { return b.gather(sel) }
        }
        return nil
    }

    func explain(_ depth: Int) -> [String] { [pad(depth) + "Filter"] + child.explain(depth + 1) }
}

/// Computes one output column per expression.
final class ProjectOperator: Operator {
    let child: Operator
    let exprs: [BoundExpr]
    let outputTypes: [ColumnType]

    init(child: Operator, exprs: [BoundExpr]) {
        self.child = child
        self.exprs = exprs
        outputTypes = exprs.map { $0.type ?? .int64 }
    }

    func next() throws -> Batch? {
        guard let b = try child.next() else { return nil }
        var out = Batch(columns: try exprs.enumerated().map { i, e in
            let c = try Evaluator.evaluate(e, b)
            // An INT64 value in a FLOAT64 slot (e.g. a CASE branch) is widened here.
            if outputTypes[i] == .float64, case .int64(let v) = c.values { return Column(values: .float64(v.map(Double.init)), validity: c.validity) }
            if e.type == nil { return Column.constant(.null, type: outputTypes[i], count: b.count) }
            return c
        }, count: b.count)
        // A column passed through unchanged keeps its dictionary (same rows, same order).
        if b.dictionaries != nil {
            let kept = exprs.map { b.dictionary(of: $0) }
            if kept.contains(where: { $0 != nil }) { out.dictionaries = kept }
        }
        return out
    }

    func explain(_ depth: Int) -> [String] { [pad(depth) + "Project (\(exprs.count) columns)"] + child.explain(depth + 1) }
}

/// LIMIT / OFFSET.
final class LimitOperator: Operator {
    let child: Operator
    var remaining: Int
    var toSkip: Int
    var outputTypes: [ColumnType] { child.outputTypes }

    init(child: Operator, limit: Int?, offset: Int) {
        self.child = child
        remaining = limit ?? Int.max
        toSkip = offset
    }

    func next() throws -> Batch? {
        while remaining > 0, let b = try child.next() {
            var start = 0
            if toSkip > 0 {
                start = min(toSkip, b.count)
                toSkip -= start
            }
            let take = min(remaining, b.count - start)
            if take <= 0 { continue }
            remaining -= take
            return b.slice(start..<(start + take))
        }
        return nil
    }

    func explain(_ depth: Int) -> [String] { [pad(depth) + "Limit"] + child.explain(depth + 1) }
}

/// Concatenates its children's rows (UNION ALL).
final class UnionAllOperator: Operator {
    let children: [Operator]
    let outputTypes: [ColumnType]
    private var index = 0

    init(children: [Operator], types: [ColumnType]) {
        self.children = children
        outputTypes = types
    }

    func next() throws -> Batch? {
        while index < children.count {
            if let b = try children[index].next() {
                return Batch(columns: zip(b.columns, outputTypes).map { c, t in
                    if c.type == t { return c }
                    if t == .float64, case .int64(let v) = c.values { return Column(values: .float64(v.map(Double.init)), validity: c.validity) }
                    // Only an untyped NULL column differs otherwise: all NULL, in the output's type.
                    return Column.constant(.null, type: t, count: b.count)
                }, count: b.count)
            }
            index += 1
        }
        return nil
    }

    func explain(_ depth: Int) -> [String] { [pad(depth) + "UnionAll"] + children.flatMap { $0.explain(depth + 1) } }
}

/// A result computed whole and handed out at most `rows` rows at a time: the batch itself when it
/// fits in one, slices of it otherwise, then nil.
struct SlicedResult {
    private var result: Batch?
    private var emitted = 0

    init(_ result: Batch) { self.result = result }

    mutating func next(rows: Int) -> Batch? {
        guard let all = result, emitted < all.count else {
            result = nil
            return nil
        }
        let end = min(all.count, emitted + rows)
        defer { emitted = end }
        if emitted == 0 && end == all.count {
            result = nil
            return all
        }
        return all.slice(emitted..<end)
    }
}
