import ColumnStore

/// The aggregate functions nq computes.
enum AggregateKind: String {
    case countStar = "COUNT(*)", count = "COUNT", countDistinct = "COUNT(DISTINCT)", countIf = "COUNTIF"
    case sum = "SUM", avg = "AVG", min = "MIN", max = "MAX", anyValue = "ANY_VALUE"
    case approxCountDistinct = "APPROX_COUNT_DISTINCT"

    static let names: Set<String> = ["COUNT", "COUNTIF", "SUM", "AVG", "MIN", "MAX", "ANY_VALUE", "APPROX_COUNT_DISTINCT"]
}

/// One aggregate of a GROUP BY: its function, its argument (over the aggregate's input) and result type.
struct AggregateSpec {
    var kind: AggregateKind
    var argument: BoundExpr?
    var resultType: ColumnType
    var key: String { kind.rawValue + "(" + (argument?.key ?? "*") + ")" }
}

/// Per-group running state of one aggregate.
struct AggregateState {
    let spec: AggregateSpec
    var counts: [Int64] = []
    var intSums: [Int64] = []
    var doubleSums: [Double] = []
    var values: [Value] = []
    var distinct = DistinctCounter()

    init(spec: AggregateSpec) { self.spec = spec }

    mutating func addGroups(_ n: Int) {
        counts += repeatElement(0, count: n)
        switch spec.kind {
        case .sum, .avg:
            intSums += repeatElement(0, count: n)
            doubleSums += repeatElement(0, count: n)
        case .min, .max, .anyValue: values += repeatElement(.null, count: n)
        case .countDistinct, .approxCountDistinct: distinct.addGroups(n)
        default: break
        }
    }

    mutating func update(groups: [Int32], argument: Column?) throws {
        switch spec.kind {
        case .countStar:
            for g in groups { counts[Int(g)] += 1 }
        case .count:
            let c = argument!
            for (i, g) in groups.enumerated() where c.valid(i) { counts[Int(g)] += 1 }
        case .countIf:
            let c = argument!
            guard case .bool(let v) = c.values else { return }
            for (i, g) in groups.enumerated() where c.valid(i) && v[i] == 1 { counts[Int(g)] += 1 }
        case .sum, .avg:
            let c = argument!
            switch c.values {
            case .int64(let v):
                for (i, g) in groups.enumerated() where c.valid(i) {
                    let gi = Int(g)
                    let (s, o) = intSums[gi].addingReportingOverflow(v[i])
                    if o && spec.kind == .sum { throw QueryError.runtime(message: "integer overflow in SUM") }
                    intSums[gi] = s
                    doubleSums[gi] += Double(v[i])
                    counts[gi] += 1
                }
            case .float64(let v):
                for (i, g) in groups.enumerated() where c.valid(i) {
                    doubleSums[Int(g)] += v[i]
                    counts[Int(g)] += 1
                }
            default: break
            }
        case .min, .max:
            let c = argument!
            let isMin = spec.kind == .min
            for (i, g) in groups.enumerated() where c.valid(i) {
                let v = c.value(at: i)
                let gi = Int(g)
                if case .float64(let d) = v, d.isNaN {
                    // BigQuery: MIN and MAX return NaN when any input is NaN.
                    values[gi] = v
                    counts[gi] += 1
                    continue
                }
                if counts[gi] == 0 { values[gi] = v }
                else if case .float64(let cur) = values[gi], cur.isNaN { }
                else if isMin ? Value.less(v, values[gi]) : Value.less(values[gi], v) { values[gi] = v }
                counts[gi] += 1
            }
        case .anyValue:
            let c = argument!
            for (i, g) in groups.enumerated() where c.valid(i) && counts[Int(g)] == 0 {
                values[Int(g)] = c.value(at: i)
                counts[Int(g)] = 1
            }
        case .countDistinct, .approxCountDistinct:
            distinct.add(groups: groups, values: argument!)
        }
    }

    func finish(groups n: Int) -> Column {
        var b = ColumnBuilder(type: spec.resultType, capacity: n)
        for g in 0..<n {
            switch spec.kind {
            case .countStar, .count, .countIf: b.appendInt64(counts[g])
            case .countDistinct, .approxCountDistinct: b.appendInt64(distinct.counts[g])
            case .sum:
                if counts[g] == 0 { b.appendNull() }
                else if spec.resultType == .int64 { b.appendInt64(intSums[g]) }
                else { b.appendDouble(doubleSums[g]) }
            case .avg:
                if counts[g] == 0 { b.appendNull() } else { b.appendDouble(doubleSums[g] / Double(counts[g])) }
            case .min, .max, .anyValue:
                b.append(values[g])
            }
        }
        return b.finish()
    }
}

/// GROUP BY: hash aggregation. Output columns: the group keys, then the aggregates.
/// With no keys, emits exactly one row even for empty input.
final class HashAggregateOperator: Operator {
    let child: Operator
    let keys: [BoundExpr]
    let aggregates: [AggregateSpec]
    let outputTypes: [ColumnType]
    private var done = false

    init(child: Operator, keys: [BoundExpr], aggregates: [AggregateSpec]) {
        self.child = child
        self.keys = keys
        self.aggregates = aggregates
        outputTypes = keys.map { $0.type ?? .int64 } + aggregates.map(\.resultType)
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        var table = GroupTable()
        var keyBuilders = keys.map { ColumnBuilder(type: $0.type ?? .int64) }
        var states = aggregates.map { AggregateState(spec: $0) }
        if keys.isEmpty {
            _ = table.groupIDs([], rows: 0) { _ in }
            for s in states.indices { states[s].addGroups(1) }
        }
        while let b = try child.next() {
            guard b.count > 0 else { continue }
            let keyColumns = try keys.map { try Evaluator.evaluate($0, b) }
            let before = table.count
            let ids = table.groupIDs(keyColumns, rows: b.count) { row in
                for k in keyBuilders.indices { keyBuilders[k].append(Evaluator.coerce(keyColumns[k].value(at: row), to: keyBuilders[k].type)) }
            }
            let added = table.count - before
            if added > 0 { for s in states.indices { states[s].addGroups(added) } }
            for s in states.indices {
                let arg = try aggregates[s].argument.map { try Evaluator.evaluate($0, b) }
                try states[s].update(groups: ids, argument: arg)
            }
        }
        let n = max(table.count, keys.isEmpty ? 1 : 0)
        let columns = keyBuilders.indices.map { keyBuilders[$0].finish() } + states.map { $0.finish(groups: n) }
        return Batch(columns: columns, count: n)
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + "HashAggregate keys=\(keys.count) aggregates=[\(aggregates.map { $0.kind.rawValue }.joined(separator: ", "))]"] + child.explain(depth + 1)
    }
}
