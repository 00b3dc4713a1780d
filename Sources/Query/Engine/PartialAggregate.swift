import ColumnStore

/// The groups and aggregate states of part of a GROUP BY's input. Partials built on different
/// threads are combined by `merge`; `batch(groups:)` gives the operator's output, a range of groups
/// at a time.
struct PartialAggregate {
    /// The keys and aggregates, and how a batch is prepared for `add(_:)`.
    let input: AggregateInput
    var keys: [BoundExpr] { input.keys }
    var aggregates: [AggregateSpec] { input.aggregates }
    /// The groups: their keys are kept only here, encoded, and decoded when the groups are emitted
    /// (a second copy of every key as columns would double the memory of a nearly unique GROUP BY).
    private(set) var table = GroupTable()
    private(set) var states: [AggregateState]

    init(keys: [BoundExpr], aggregates: [AggregateSpec]) {
        self.init(input: AggregateInput(keys: keys, aggregates: aggregates))
    }

    init(input: AggregateInput) {
        self.input = input
        states = input.aggregates.map { AggregateState(spec: $0) }
        if input.keys.isEmpty {
            _ = table.groupIDs([], rows: 0) { _ in }
            for s in states.indices { states[s].addGroups(1) }
        }
    }

    /// Groups (a single one when there are no keys).
    var groupCount: Int { max(table.count, keys.isEmpty ? 1 : 0) }

    /// Adds the rows of `b`.
    mutating func add(_ b: Batch) throws {
        guard b.count > 0 else { return }
        try add(input.prepare(b))
    }

    /// Adds the rows of a batch `input.prepare` prepared.
    mutating func add(_ p: AggregateInput.Prepared) throws {
        guard p.rows > 0 else { return }
        let before = table.count
        var ids: [Int32]? = nil
        if let dictionaries = p.dictionaries {
            ids = table.groupIDs(dictionaries: dictionaries, rows: p.rows) { _ in }
        }
        let groups: [Int32]
        if let ids { groups = ids }
        else if let hashed = p.hashed { groups = table.groupIDs(hashed) { _ in } }
        else {
            // The key columns a scan left unmaterialized (`TableScan.keyOnlyColumns`) come from their
            // dictionaries.
            let keyColumns = p.dictionaries?.map { $0.materialize(nil) } ?? p.keyColumns
            groups = table.groupIDs(keyColumns, rows: p.rows) { _ in }
        }
        try update(groups: groups, groupsBefore: before, arguments: p.arguments, dictionaries: p.argumentDictionaries)
    }

    /// Adds rows given as their hashed keys and aggregate arguments (one value per row each);
    /// `isNew` is called with the row of each new group, in row order. The rows' arguments must not
    /// need a dictionary (no COUNT(DISTINCT) reads one here).
    /// With `secondHalf`, FLOAT64 sums go to the states' `secondHalfSums`.
    mutating func add(_ keys: HashedKeys, arguments: [Column?], secondHalf: Bool = false, isNew: (Int) -> Void) throws {
        guard keys.rows > 0 else { return }
        let before = table.count
        let groups = table.groupIDs(keys, isNew: isNew)
        try update(groups: groups, groupsBefore: before, arguments: arguments, secondHalf: secondHalf)
    }

    /// Grows the states by the groups the table gained since it held `before`, then adds each row's
    /// argument (`arguments[s]` for state `s`, with its dictionary block when known) to its group.
    private mutating func update(groups: [Int32], groupsBefore before: Int, arguments: [Column?],
                                 dictionaries: [DictionaryColumn?] = [], secondHalf: Bool = false) throws {
        let added = table.count - before
        if added > 0 { for s in states.indices { states[s].addGroups(added) } }
        for s in states.indices {
            try states[s].update(groups: groups, argument: arguments[s],
                                 dictionary: s < dictionaries.count ? dictionaries[s] : nil, secondHalf: secondHalf)
        }
    }

    /// Completes work the states buffered (COUNT(DISTINCT)'s pairs), before the groups are emitted.
    mutating func finishAdding() {
        for s in states.indices { states[s].distinct.finishAdding() }
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
        let keyColumns = keys.isEmpty ? [] : table.decodeKeys(range, types: input.keyTypes)
        return Batch(columns: keyColumns + states.map { $0.finish(groups: range) }, count: range.count)
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
