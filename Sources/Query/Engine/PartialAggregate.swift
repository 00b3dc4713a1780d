import ColumnStore

/// The groups and aggregate states of part of a GROUP BY's input. Partials built on different
/// threads are combined by `merge`; `finish` gives the operator's output batch.
struct PartialAggregate {
    let keys: [BoundExpr]
    let aggregates: [AggregateSpec]
    private(set) var table = GroupTable()
    /// The key values of each group, in group id order.
    private var keyBuilders: [ColumnBuilder]
    private(set) var states: [AggregateState]

    init(keys: [BoundExpr], aggregates: [AggregateSpec]) {
        self.keys = keys
        self.aggregates = aggregates
        keyBuilders = keys.map { ColumnBuilder(type: $0.type ?? .int64) }
        states = aggregates.map { AggregateState(spec: $0) }
        if keys.isEmpty {
            _ = table.groupIDs([], rows: 0) { _ in }
            for s in states.indices { states[s].addGroups(1) }
        }
    }

    /// Adds the rows of `b`.
    mutating func add(_ b: Batch) throws {
        guard b.count > 0 else { return }
        let keyColumns = try keys.map { try Evaluator.evaluate($0, b) }
        let before = table.count
        var newRows: [Int32] = []
        var ids: [Int32]? = nil
        if let dictionaries = keyDictionaries(b) {
            ids = table.groupIDs(keyColumns, dictionaries: dictionaries, rows: b.count) { row in newRows.append(Int32(row)) }
        }
        if ids == nil { ids = table.groupIDs(keyColumns, rows: b.count) { row in newRows.append(Int32(row)) } }
        let groups = ids!
        if !newRows.isEmpty {
            // The key values of the new groups, a column at a time.
            for k in keyBuilders.indices {
                if keyColumns[k].type == keyBuilders[k].type {
                    keyBuilders[k].append(contentsOf: newRows.count == b.count ? keyColumns[k] : keyColumns[k].gather(newRows))
                } else {
                    for row in newRows { keyBuilders[k].append(Evaluator.coerce(keyColumns[k].value(at: Int(row)), to: keyBuilders[k].type)) }
                }
            }
        }
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
        let (mapping, newGroups) = table.merge(other.table)
        if !newGroups.isEmpty {
            var theirs = other.keyBuilders
            for k in keyBuilders.indices { keyBuilders[k].append(contentsOf: theirs[k].finish().gather(newGroups)) }
        }
        let added = table.count - before
        for s in states.indices {
            if added > 0 { states[s].addGroups(added) }
            try states[s].merge(other.states[s], mapping: mapping)
        }
    }

    /// Key columns then aggregate columns; one row when there are no keys.
    mutating func finish() -> Batch {
        let n = max(table.count, keys.isEmpty ? 1 : 0)
        let columns = keyBuilders.indices.map { keyBuilders[$0].finish() } + states.map { $0.finish(groups: n) }
        return Batch(columns: columns, count: n)
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
