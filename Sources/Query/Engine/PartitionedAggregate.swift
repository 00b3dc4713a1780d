import ColumnStore
import Dispatch

/// A GROUP BY with many groups, split by key hash into `partitionCount` partial aggregates: a key's
/// rows all go to one partition, so no two partitions hold the same group and nothing is merged at the
/// end. Each round of batches is prepared (keys encoded and hashed, arguments evaluated, rows split by
/// partition) batch by batch on all cores, then the partitions are filled on all cores, each by one
/// thread, its batches in input order. More partitions than cores, so a core that starts late takes
/// fewer of them, and each partition's table is a fraction of the whole (fewer cache misses).
///
/// The groups come out in the order of their first input row, the order one `PartialAggregate` fed
/// the whole input numbers them in: within a partition groups are numbered in first-seen order, and
/// the partitions' groups are merged by their first rows. FLOAT64 sums are added in the two halves the
/// two-partial path would add them in (`AggregateState.secondHalfSums`), so a query's sums do not
/// change with the path taken.
struct PartitionedAggregate {
    /// Hash bits that pick a row's partition. Default: 4 (16 partitions).
    static let partitionBits = 4
    static var partitionCount: Int { 1 << partitionBits }

    let input: AggregateInput
    private(set) var partitions: [PartialAggregate]
    /// Per partition, each group's first input row (ascending, as the groups are numbered).
    private(set) var firstRows: [[Int]]
    /// Input rows added so far (the next batch's first row number).
    private(set) var rowsAdded = 0
    /// After `finishAdding`, the groups in output order: partition and group id within it.
    private var orderPartition: [UInt8] = []
    private var orderGroup: [Int32] = []

    init(input: AggregateInput) {
        precondition(!input.keys.isEmpty, "a GROUP BY without keys has one group")
        self.input = input
        partitions = (0..<PartitionedAggregate.partitionCount).map { _ in PartialAggregate(input: input) }
        firstRows = Array(repeating: [], count: PartitionedAggregate.partitionCount)
    }

    /// Whether a batch's keys suggest the many groups this aggregation is for: at least half of its
    /// rows distinct (estimated from the hashes), so 32,768 or more groups in a full block.
    static func suits(_ p: AggregateInput.Prepared) -> Bool {
        guard let hashed = p.hashed, p.rows >= 4_096 else { return false }
        return hashed.estimatedDistinct() * 2 >= p.rows
    }

    /// Total groups.
    var groupCount: Int { partitions.reduce(0) { $0 + $1.groupCount } }

    /// One batch's rows of one partition: their keys and arguments gathered, and their row numbers
    /// in the batch.
    private struct Part {
        let keys: HashedKeys
        let arguments: [Column?]
        let rows: [Int32]
    }

    /// Splits a prepared batch into its partitions' rows.
    private static func split(_ p: AggregateInput.Prepared) -> [Part] {
        // Keys a scan handed as dictionary codes are hashed from their strings here.
        let hashed = p.hashed ?? HashedKeys(p.dictionaries?.map { $0.materialize(nil) } ?? p.keyColumns, rows: p.rows)
        return hashed.partitionRows(bits: partitionBits).map { rows in
            Part(keys: hashed.gather(rows), arguments: p.arguments.map { $0?.gather(rows) }, rows: rows)
        }
    }

    /// Adds a round of batches; `first`, when given, is `round[0]` already prepared.
    mutating func add(round: [Batch], first: AggregateInput.Prepared? = nil) throws {
        guard !round.isEmpty else { return }
        var bases = [Int](repeating: 0, count: round.count)
        var at = rowsAdded
        for (j, b) in round.enumerated() { bases[j] = at; at += b.count }
        let input = self.input
        // Stage 1: each batch prepared and split, on all cores.
        var parts = [[Part]](repeating: [], count: round.count)
        var prepareErrors = [Error?](repeating: nil, count: round.count)
        parts.withUnsafeMutableBufferPointer { out in
            prepareErrors.withUnsafeMutableBufferPointer { es in
                DispatchQueue.concurrentPerform(iterations: round.count) { j in
                    do {
                        let p = j == 0 && first != nil ? first! : try input.prepare(round[j])
                        out[j] = p.rows > 0 ? PartitionedAggregate.split(p) : []
                    } catch { es[j] = error }
                }
            }
        }
        if let e = prepareErrors.lazy.compactMap({ $0 }).first { throw e }
        let split = parts
        // FLOAT64 sums are kept in two halves as the two-partial path splits a round
        // (`AggregateState.secondHalfSums`): the batches from `secondHalf` on form the second.
        let roundRows = round.reduce(0) { $0 + $1.count }
        let secondHalf = round.count >= 2 && roundRows >= HashAggregateOperator.parallelRows ? round.count / 2 : round.count
        // Stage 2: each partition adds its rows of every batch, in batch order, on all cores.
        var addErrors = [Error?](repeating: nil, count: PartitionedAggregate.partitionCount)
        partitions.withUnsafeMutableBufferPointer { ps in
            firstRows.withUnsafeMutableBufferPointer { fs in
                addErrors.withUnsafeMutableBufferPointer { es in
                    DispatchQueue.concurrentPerform(iterations: PartitionedAggregate.partitionCount) { w in
                        do {
                            for j in split.indices where !split[j].isEmpty {
                                let part = split[j][w]
                                let base = bases[j]
                                try ps[w].add(part.keys, arguments: part.arguments, secondHalf: j >= secondHalf) { i in
                                    fs[w].append(base + Int(part.rows[i]))
                                }
                            }
                        } catch { es[w] = error }
                    }
                }
            }
        }
        rowsAdded = at
        if let e = addErrors.lazy.compactMap({ $0 }).first { throw e }
    }

    /// Orders the groups of all partitions by their first input rows (a merge of the partitions'
    /// ascending first rows), before `batch(groups:)` is read. Not `ordered`: only the partitions are
    /// finished and the first rows kept, for `topCandidates`.
    mutating func finishAdding(ordered: Bool = true) {
        for p in partitions.indices { partitions[p].finishAdding() }
        guard ordered else { return }
        let total = groupCount
        orderPartition = []
        orderGroup = []
        orderPartition.reserveCapacity(total)
        orderGroup.reserveCapacity(total)
        var next = [Int](repeating: 0, count: partitions.count)
        // Each partition's next first row, Int.max once it is exhausted.
        var head = firstRows.map { $0.first ?? Int.max }
        for _ in 0..<total {
            var best = 0
            for p in 1..<head.count where head[p] < head[best] { best = p }
            orderPartition.append(UInt8(best))
            orderGroup.append(Int32(next[best]))
            next[best] += 1
            head[best] = next[best] < firstRows[best].count ? firstRows[best][next[best]] : Int.max
        }
        firstRows = []
    }

    /// Key columns then aggregate columns of the groups `range` of the output order.
    func batch(groups range: Range<Int>) -> Batch {
        // Column by column; the tables and states are taken out of the partitions once, not per group
        // (a struct read through two arrays per group was copied, its buffers retained and released).
        var keyBuilders = input.keyTypes.map { ColumnBuilder(type: $0, capacity: range.count) }
        let tables = partitions.map(\.table)
        let types = input.keyTypes
        tables.withUnsafeBufferPointer { tables in
            for i in range { tables[Int(orderPartition[i])].appendKey(Int(orderGroup[i]), to: &keyBuilders, types: types) }
        }
        var columns = keyBuilders.indices.map { keyBuilders[$0].finish() }
        for s in input.aggregates.indices {
            var b = ColumnBuilder(type: input.aggregates[s].resultType, capacity: range.count)
            let states = partitions.map { $0.states[s] }
            states.withUnsafeBufferPointer { states in
                for i in range { states[Int(orderPartition[i])].append(group: Int(orderGroup[i]), to: &b) }
            }
            columns.append(b.finish())
        }
        return Batch(columns: columns, count: range.count)
    }
}
