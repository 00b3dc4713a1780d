import ColumnStore
import Dispatch

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
    /// SUM / AVG in a `PartitionedAggregate`: each group's FLOAT64 sum of the rows the two-partial
    /// path would give its second partial (the second half of each round), kept apart and added to
    /// `doubleSums` at the end as that path's merge does, so both paths round alike. Grown on first
    /// use; a group past its end has no such rows (-0.0, the identity of addition).
    var secondHalfSums: [Double] = []
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

    /// Adds each row of `argument` (nil for COUNT(*)) to its group in `groups`. `dictionary` is the
    /// block a STRING argument was copied from unfiltered, if any (COUNT(DISTINCT) reads its codes).
    mutating func update(groups: [Int32], argument: Column?, dictionary: DictionaryColumn? = nil, secondHalf: Bool = false) throws {
        if secondHalf && (spec.kind == .sum || spec.kind == .avg) {
            // The FLOAT64 sums go to `secondHalfSums` for these rows.
            if secondHalfSums.count < counts.count { secondHalfSums += repeatElement(-0.0, count: counts.count - secondHalfSums.count) }
            swap(&doubleSums, &secondHalfSums)
        }
        defer { if secondHalf && (spec.kind == .sum || spec.kind == .avg) { swap(&doubleSums, &secondHalfSums) } }
        switch spec.kind {
        case .countStar:
            counts.withUnsafeMutableBufferPointer { cs in
                for g in groups { cs[Int(g)] += 1 }
            }
        case .count:
            let c = argument!
            counts.withUnsafeMutableBufferPointer { cs in
                if let v = c.validity {
                    for (i, g) in groups.enumerated() where v[i] { cs[Int(g)] += 1 }
                } else {
                    for g in groups { cs[Int(g)] += 1 }
                }
            }
        case .countIf:
            let c = argument!
            guard case .bool(let v) = c.values else { return }
            for (i, g) in groups.enumerated() where c.valid(i) && v[i] == 1 { counts[Int(g)] += 1 }
        case .sum, .avg:
            let c = argument!
            let validity = c.validity
            switch c.values {
            case .int64(let v):
                let overflowed: Bool = counts.withUnsafeMutableBufferPointer { cs in
                    intSums.withUnsafeMutableBufferPointer { isum in
                        doubleSums.withUnsafeMutableBufferPointer { dsum in
                            var overflowed = false
                            for (i, g) in groups.enumerated() where validity?[i] ?? true {
                                let gi = Int(g)
                                let (s, o) = isum[gi].addingReportingOverflow(v[i])
                                overflowed = overflowed || o
                                isum[gi] = s
                                dsum[gi] += Double(v[i])
                                cs[gi] += 1
                            }
                            return overflowed
                        }
                    }
                }
                if overflowed && spec.kind == .sum { throw QueryError.runtime(message: "integer overflow in SUM") }
            case .float64(let v):
                counts.withUnsafeMutableBufferPointer { cs in
                    doubleSums.withUnsafeMutableBufferPointer { dsum in
                        v.withUnsafeBufferPointer { v in
                            if let validity {
                                for (i, g) in groups.enumerated() where validity[i] {
                                    dsum[Int(g)] += v[i]
                                    cs[Int(g)] += 1
                                }
                            } else {
                                for (i, g) in groups.enumerated() {
                                    dsum[Int(g)] += v[i]
                                    cs[Int(g)] += 1
                                }
                            }
                        }
                    }
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
            distinct.add(groups: groups, values: argument!, dictionary: dictionary)
        }
    }

    func finish(groups n: Int) -> Column { finish(groups: 0..<n) }

    /// The results of the groups `range`.
    func finish(groups range: Range<Int>) -> Column {
        var b = ColumnBuilder(type: spec.resultType, capacity: range.count)
        for g in range { append(group: g, to: &b) }
        return b.finish()
    }

    /// Group `g`'s FLOAT64 sum, with its second-half sum when it has one.
    @inline(__always)
    private func doubleSum(_ g: Int) -> Double { g < secondHalfSums.count ? doubleSums[g] + secondHalfSums[g] : doubleSums[g] }

    /// Appends group `g`'s result to `b` (a builder of `spec.resultType`).
    func append(group g: Int, to b: inout ColumnBuilder) {
        switch spec.kind {
        case .countStar, .count, .countIf: b.appendInt64(counts[g])
        case .countDistinct, .approxCountDistinct: b.appendInt64(distinct.count(group: g))
        case .sum:
            if counts[g] == 0 { b.appendNull() }
            else if spec.resultType == .int64 { b.appendInt64(intSums[g]) }
            else { b.appendDouble(doubleSum(g)) }
        case .avg:
            if counts[g] == 0 { b.appendNull() } else { b.appendDouble(doubleSum(g) / Double(counts[g])) }
        case .min, .max, .anyValue:
            b.append(values[g])
        }
    }
}

/// GROUP BY: hash aggregation. Output columns: the group keys, then the aggregates.
/// With no keys, emits exactly one row even for empty input.
final class HashAggregateOperator: Operator {
    let child: Operator
    let keys: [BoundExpr]
    let aggregates: [AggregateSpec]
    let outputTypes: [ColumnType]
    /// What the aggregated input emits, until all of it is returned, and how many of its rows were.
    private var output: Output?
    private var emitted = 0
    private var done = false
    /// Whether the groups were split by key hash (`PartitionedAggregate`), once the input is aggregated.
    private(set) var splitByHash = false
    /// The top-N directly above, when the planner found one (`Planner.pushTopNToAggregate`): groups
    /// split by hash then emit only the candidates of each partition's first `keep`
    /// (`PartitionedAggregate.topCandidates`) instead of every group. Default: nil.
    var topN: PartitionedAggregate.TopN?
    /// Whether the output was cut to the top-N's candidates, once the input is aggregated.
    private(set) var emittedTopCandidates = false

    init(child: Operator, keys: [BoundExpr], aggregates: [AggregateSpec]) {
        self.child = child
        self.keys = keys
        self.aggregates = aggregates
        outputTypes = keys.map { $0.type ?? .int64 } + aggregates.map(\.resultType)
    }

    /// Input rows below which a round of batches is aggregated on one thread.
    static let parallelRows = 2 * SegmentFormat.defaultBlockRows

    /// COUNT(DISTINCT) keeps every (group, value) pair; two partials would each hold the pairs their
    /// half saw, and a value seen by both halves twice (1 GiB instead of 0.5 GiB for distinct users per
    /// month at 10 M events, above DuckDB's peak). Such aggregates stay on one partial, whose
    /// `DistinctCounter` splits the pairs across cores by hash instead.
    private var splitsAcrossCores: Bool {
        !aggregates.contains { $0.kind == .countDistinct || $0.kind == .approxCountDistinct }
    }

    /// Groups per output batch. Default: one block (`SegmentFormat.defaultBlockRows`).
    static let outputBatchRows = SegmentFormat.defaultBlockRows

    /// Whether output batches carry the key and aggregate columns. The planner clears it when the
    /// consumer reads none of them (`COUNT(*)` over a `SELECT DISTINCT`): the batches then carry only
    /// their row counts, and no group's key is decoded. Default: true.
    var emitsColumns = true

    /// The groups `outputBatchRows` at a time, their keys decoded from the hash table as they go (no
    /// column copy of every key is built); one empty batch when there are none.
    func next() throws -> Batch? {
        if !done {
            done = true
            if countsOnly {
                output = .counted(try countDistinct())
            } else {
                output = try aggregate()
                if case .partitioned(let r) = output {
                    splitByHash = true
                    if let topN, emitsColumns {
                        output = .candidates(r.topCandidates(topN))
                        emittedTopCandidates = true
                    }
                }
            }
        }
        guard let output else { return nil }
        let total = output.rows
        let end = min(total, emitted + HashAggregateOperator.outputBatchRows)
        let batch = output.batch(emitted..<end, columns: emitsColumns)
        emitted = end
        if end == total { self.output = nil }
        return batch
    }

    /// What the aggregated input emits.
    private enum Output {
        /// The number of groups, counted with `countsOnly` (rows without columns).
        case counted(Int)
        /// The groups of one partial (or of two, merged).
        case partial(PartialAggregate)
        /// The groups split by key hash (`PartitionedAggregate`).
        case partitioned(PartitionedAggregate)
        /// The top-N's candidates among groups split by key hash (`PartitionedAggregate.topCandidates`).
        case candidates(Batch)

        var rows: Int {
            switch self {
            case .counted(let n): return n
            case .partial(let r): return r.groupCount
            case .partitioned(let r): return r.groupCount
            case .candidates(let b): return b.count
            }
        }

        /// Rows `range`: with their columns when `columns`, else only as many rows.
        func batch(_ range: Range<Int>, columns: Bool) -> Batch {
            switch self {
            case .partial(let r) where columns: return r.batch(groups: range)
            case .partitioned(let r) where columns: return r.batch(groups: range)
            case .candidates(let b): return b.slice(range)
            case .counted, .partial, .partitioned: return Batch(columns: [], count: range.count)
            }
        }
    }

    /// Whether only the number of groups is needed (no column is emitted, and there are keys and no
    /// aggregates: `COUNT(*)` over a `SELECT DISTINCT`): then the groups are counted by
    /// `DistinctRowCounter`, which hashes the keys column by column and encodes none. Not when a scan
    /// hands the keys as dictionary codes (`TableScan.keyOnlyColumns`): those number the groups
    /// without reading a string.
    private var countsOnly: Bool {
        guard !emitsColumns, aggregates.isEmpty, !keys.isEmpty else { return false }
        if let scan = child as? TableScan, !scan.keyOnlyColumns.isEmpty { return false }
        return true
    }

    /// The number of distinct keys of the whole input (`DistinctRowCounter.count(pulling:)`).
    private func countDistinct() throws -> Int {
        let input = AggregateInput(keys: keys, aggregates: [])
        return try DistinctRowCounter.count {
            while let b = try child.next() {
                if b.count > 0 { return try input.keyColumns(b) }
            }
            return nil
        }
    }

    /// Aggregates the whole input: one partial (`.partial`), or partials split by key hash (`.partitioned`).
    private func aggregate() throws -> Output {
        // Two partial aggregates: a round of batches is split in two halves, each aggregated on its own
        // core; the second partial is merged into the first at the end. Small inputs use the first only.
        // When nearly every row is its own group, the cores split the work the other way: one prepares
        // a round (keys and arguments evaluated, keys encoded and hashed) while the other adds the
        // previous round's prepared batches, in input order. COUNT(DISTINCT) adds batch by batch on one
        // partial and splits each batch's distinct pairs across the cores.
        let input = AggregateInput(keys: keys, aggregates: aggregates)
        var partials = [PartialAggregate(input: input)]
        // Set at the first round split across cores when nothing was added before and its first batch
        // has many distinct keys (`PartitionedAggregate.suits`); then every round goes there.
        var partitioned: PartitionedAggregate? = nil
        var round: [Batch] = []
        var roundRows = 0
        var rowsAdded = 0
        /// The previous round, prepared and not yet added (only while staying on one partial).
        var pending: [AggregateInput.Prepared] = []
        func addPending() throws {
            for p in pending { try partials[0].add(p); rowsAdded += p.rows }
            pending.removeAll()
        }
        func flush() throws {
            defer { round.removeAll(); roundRows = 0 }
            if partitioned != nil {
                try partitioned!.add(round: round)
                rowsAdded += roundRows
                return
            }
            // Nearly one group per row (SELECT DISTINCT of whole rows): each partial would hold almost
            // every key and the memory would double for little gain, so the rest stays on one partial.
            // (Grouping 10 M events by 1 M users is below the bar and keeps both cores.)
            let groups = partials.reduce(0) { $0 + $1.table.count }
            let mostlyUnique = rowsAdded > 0 && groups * 10 > rowsAdded * 9
            if round.count < 2 || roundRows < HashAggregateOperator.parallelRows {
                try addPending()
                for b in round { try partials[0].add(b) }
                rowsAdded += roundRows
                return
            }
            if !splitsAcrossCores {
                // COUNT(DISTINCT) inserts its buffered pairs on all cores (`DistinctCounter`), so the
                // batches are added here in order, not beside a second core preparing the next round
                // (a nested concurrentPerform would run on one thread).
                try addPending()
                for b in round { try partials[0].add(b) }
                rowsAdded += roundRows
                return
            }
            // The first batch prepared to test it, when the round is then split in two (not redone).
            var first: AggregateInput.Prepared? = nil
            // (Keys numbered by dictionary codes are not hashed, and are few per block: not tested.)
            if rowsAdded == 0 && pending.isEmpty && !keys.isEmpty && !input.keysHaveDictionaries(round[0]) {
                let prepared = try input.prepare(round[0])
                first = prepared
                if PartitionedAggregate.suits(prepared) {
                    partitioned = PartitionedAggregate(input: input)
                    try partitioned!.add(round: round, first: prepared)
                    rowsAdded += roundRows
                    return
                }
            }
            if mostlyUnique {
                try pipeline()
                return
            }
            try addPending()
            if partials.count == 1 { partials.append(PartialAggregate(input: input)) }
            let half = round.count / 2
            let parts = [Array(round[..<half]), Array(round[half...])]
            let firstPrepared = first
            var errors: [Error?] = [nil, nil]
            partials.withUnsafeMutableBufferPointer { ps in
                errors.withUnsafeMutableBufferPointer { es in
                    DispatchQueue.concurrentPerform(iterations: 2) { w in
                        do {
                            for (j, b) in parts[w].enumerated() {
                                if w == 0 && j == 0, let firstPrepared { try ps[0].add(firstPrepared) } else { try ps[w].add(b) }
                            }
                        } catch { es[w] = error }
                    }
                }
            }
            rowsAdded += roundRows
            if let e = errors[0] ?? errors[1] { throw e }
        }
        // Adds the pending round on one core while preparing this one on the other.
        func pipeline() throws {
            var prepared = [AggregateInput.Prepared?](repeating: nil, count: round.count)
            var errors: [Error?] = [nil, nil]
            let batches = round
            var added = 0
            let toAdd = pending
            partials.withUnsafeMutableBufferPointer { ps in
                errors.withUnsafeMutableBufferPointer { es in
                    prepared.withUnsafeMutableBufferPointer { out in
                        DispatchQueue.concurrentPerform(iterations: 2) { w in
                            do {
                                if w == 0 {
                                    for p in toAdd { try ps[0].add(p); added += p.rows }
                                } else {
                                    for (j, b) in batches.enumerated() { out[j] = try input.prepare(b) }
                                }
                            } catch { es[w] = error }
                        }
                    }
                }
            }
            rowsAdded += added
            pending = prepared.compactMap { $0 }
            if let e = errors[0] ?? errors[1] { throw e }
        }
        while let b = try child.next() {
            guard b.count > 0 else { continue }
            round.append(b)
            roundRows += b.count
            if round.count >= 8 { try flush() }
        }
        try flush()
        if var p = partitioned {
            partitioned = nil
            p.finishAdding(ordered: topN == nil || !emitsColumns)
            return .partitioned(p)
        }
        try addPending()
        // The partials are moved out of the array before the merge mutates one: a copy (`partials[0]`)
        // would share its buffers with the array's element, and the merge would then copy every group's
        // key and state (twice the memory of the whole hash table at the end of a large GROUP BY).
        let second = partials.count > 1 ? partials.removeLast() : nil
        var result = partials.removeLast()
        if let second { try result.merge(second) }
        result.finishAdding()
        return .partial(result)
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + "HashAggregate keys=\(keys.count) aggregates=[\(aggregates.map { $0.kind.rawValue }.joined(separator: ", "))]" + (topN.map { " topN=\($0.keep)" } ?? "")] + child.explain(depth + 1)
    }
}
