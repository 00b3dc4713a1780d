import ColumnStore

/// The groups and aggregate states of part of a GROUP BY's input. Partials built on different
/// threads are combined by `merge`; `batch(groups:)` gives the operator's output, a range of groups
/// at a time.
struct PartialAggregate {
    let keys: [BoundExpr]
    let aggregates: [AggregateSpec]
    /// The groups: their keys are kept only here, encoded, and decoded when the groups are emitted
    /// (a second copy of every key as columns would double the memory of a nearly unique GROUP BY).
    private(set) var table = GroupTable()
    /// The type of each key column as emitted; a batch's key column of another type is coerced first.
    private let keyTypes: [ColumnType]
    private(set) var states: [AggregateState]

    init(keys: [BoundExpr], aggregates: [AggregateSpec]) {
        self.keys = keys
        self.aggregates = aggregates
        keyTypes = keys.map { $0.type ?? .int64 }
        states = aggregates.map { AggregateState(spec: $0) }
        if keys.isEmpty {
            _ = table.groupIDs([], rows: 0) { _ in }
            for s in states.indices { states[s].addGroups(1) }
        }
    }

    /// Groups (a single one when there are no keys).
    var groupCount: Int { max(table.count, keys.isEmpty ? 1 : 0) }

    /// Adds the rows of `b`.
    mutating func add(_ b: Batch) throws {
        guard b.count > 0 else { return }
        let keyColumns = try keys.indices.map { k in
            let c = try Evaluator.evaluate(keys[k], b)
            return c.type == keyTypes[k] ? c : PartialAggregate.coerced(c, to: keyTypes[k])
        }
        let before = table.count
        var ids: [Int32]? = nil
        if let dictionaries = keyDictionaries(b) {
            ids = table.groupIDs(keyColumns, dictionaries: dictionaries, rows: b.count) { _ in }
        }
        let groups = ids ?? table.groupIDs(keyColumns, rows: b.count) { _ in }
        let added = table.count - before
        if added > 0 { for s in states.indices { states[s].addGroups(added) } }
        for s in states.indices {
            let arg = try aggregates[s].argument.map { try Evaluator.evaluate($0, b) }
            try states[s].update(groups: groups, argument: arg)
        }
    }

    /// The dictionary blocks of the key columns, when every key is a STRING column of `b` that a scan
    /// copied from one (`Batch.dictionaries`).
    private func keyDictionaries(_ b: Batch) -> [DictionaryColumn]? {
        guard !keys.isEmpty, let known = b.dictionaries else { return nil }
        var out: [DictionaryColumn] = []
        for k in keys {
            guard case .column(let i, .string) = k, i < known.count, let d = known[i] else { return nil }
            out.append(d)
        }
        return out
    }

    /// Adds the groups and states of `other` (same keys and aggregates): its groups not seen here
    /// become new groups after this partial's, in `other`'s order.
    mutating func merge(_ other: PartialAggregate) throws {
        let before = table.count
        let mapping = table.merge(other.table)
        let added = table.count - before
        for s in states.indices {
            if added > 0 { states[s].addGroups(added) }
            try states[s].merge(other.states[s], mapping: mapping)
        }
    }

    /// Key columns then aggregate columns of the groups `range` (of `0 ..< groupCount`).
    func batch(groups range: Range<Int>) -> Batch {
        let keyColumns = keys.isEmpty ? [] : table.decodeKeys(range, types: keyTypes)
        return Batch(columns: keyColumns + states.map { $0.finish(groups: range) }, count: range.count)
    }

    /// `column` with each value coerced to `type` (an INT64 key where FLOAT64 is declared).
    private static func coerced(_ column: Column, to type: ColumnType) -> Column {
        var b = ColumnBuilder(type: type, capacity: column.count)
        for i in 0..<column.count { b.append(Evaluator.coerce(column.value(at: i), to: type)) }
        return b.finish()
    }
}

extension AggregateState {
    /// Folds `other`'s group `g` into this state's group `mapping[g]` for every group of `other`.
    mutating func merge(_ other: AggregateState, mapping: [Int32]) throws {
        switch spec.kind {
        case .countStar, .count, .countIf:
            for (g, m) in mapping.enumerated() { counts[Int(m)] += other.counts[g] }
        case .sum, .avg:
            for (g, m) in mapping.enumerated() where other.counts[g] > 0 {
                let mi = Int(m)
                let (s, o) = intSums[mi].addingReportingOverflow(other.intSums[g])
                if o && spec.kind == .sum && spec.resultType == .int64 { throw QueryError.runtime(message: "integer overflow in SUM") }
                intSums[mi] = s
                doubleSums[mi] += other.doubleSums[g]
                counts[mi] += other.counts[g]
            }
        case .min, .max:
            let isMin = spec.kind == .min
            for (g, m) in mapping.enumerated() where other.counts[g] > 0 {
                let mi = Int(m), v = other.values[g]
                if counts[mi] == 0 { values[mi] = v }
                else if case .float64(let cur) = values[mi], cur.isNaN { }
                else if case .float64(let d) = v, d.isNaN { values[mi] = v }   // NaN wins, as in `update`
                else if isMin ? Value.less(v, values[mi]) : Value.less(values[mi], v) { values[mi] = v }
                counts[mi] += other.counts[g]
            }
        case .anyValue:
            for (g, m) in mapping.enumerated() where other.counts[g] > 0 && counts[Int(m)] == 0 {
                values[Int(m)] = other.values[g]
                counts[Int(m)] = 1
            }
        case .countDistinct, .approxCountDistinct:
            preconditionFailure("COUNT(DISTINCT) is aggregated on one partial (HashAggregateOperator.splitsAcrossCores)")
        }
    }
}
