import ColumnStore
import Dispatch

extension PartitionedAggregate {
    /// A top-N that reads the aggregate's output directly (ORDER BY … LIMIT over plain columns, no
    /// HAVING or window between): its keys as columns of the output (group keys, then aggregates)
    /// and the rows it keeps (LIMIT + OFFSET, at least 1). Set by the planner
    /// (`Planner.pushTopNToAggregate`).
    struct TopN {
        let keys: [SortKey]
        let keep: Int
    }

    /// The groups that can be among the first `topN.keep` of the output under `topN.keys`, in the order
    /// of their first input rows: each partition picks its own first `keep` on all cores, ties by first
    /// row, so every group the top-N over all groups would keep is here, and the `SortOperator` above
    /// (stable: ties in arrival order, which is first-row order) keeps exactly those. Needs
    /// `finishAdding(ordered: false)`.
    func topCandidates(_ topN: TopN) -> Batch {
        precondition(topN.keep > 0 && !topN.keys.isEmpty, "a top-N keeps rows by keys")
        let count = partitions.count
        let partitions = self.partitions, firstRows = self.firstRows
        var chosen = [Batch?](repeating: nil, count: count)
        var chosenRows = [[Int]](repeating: [], count: count)
        chosen.withUnsafeMutableBufferPointer { out in
            chosenRows.withUnsafeMutableBufferPointer { rows in
                DispatchQueue.concurrentPerform(iterations: count) { w in
                    (out[w], rows[w]) = PartitionedAggregate.top(of: partitions[w], firstRows: firstRows[w], topN)
                }
            }
        }
        let types = input.keyTypes + input.aggregates.map(\.resultType)
        var builders = types.map { ColumnBuilder(type: $0) }
        for b in chosen { for i in builders.indices { builders[i].append(contentsOf: b!.columns[i]) } }
        let first = chosenRows.flatMap { $0 }
        let all = Batch(columns: builders.indices.map { builders[$0].finish() }, count: first.count)
        return all.gather(first.indices.sorted { first[$0] < first[$1] }.map { Int32($0) })
    }

    /// One partition's first `topN.keep` groups (fewer when it has fewer), ties by group number (its
    /// first-row order), and their first input rows.
    private static func top(of p: PartialAggregate, firstRows: [Int], _ topN: TopN) -> (Batch, [Int]) {
        let n = p.table.count
        let keyTypes = p.input.keyTypes
        // The first key's column over every group; only the groups whose code can place them among
        // the first `keep` are built in full (`SortPrefix.candidates`).
        var groups = (0..<n).map { Int32($0) }
        if topN.keep < n, case .column(let c, _) = topN.keys[0].expr {
            let column = c < keyTypes.count ? p.table.decodeKeys(0..<n, types: keyTypes)[c] : p.states[c - keyTypes.count].finish(groups: n)
            groups = SortPrefix.candidates(SortPrefix.codes(column, topN.keys[0]), limit: topN.keep)
        }
        let b = p.batch(groupIDs: groups)
        let keyColumns = topN.keys.map { k -> Column in
            guard case .column(let c, _) = k.expr else { preconditionFailure("top-N keys over an aggregate are its columns") }
            return b.columns[c]
        }
        var order = (0..<b.count).map { Int32($0) }
        SortPrefix.sort(&order, keys: topN.keys, columns: keyColumns)
        if order.count > topN.keep { order.removeLast(order.count - topN.keep) }
        return (b.gather(order), order.map { firstRows[Int(groups[Int($0)])] })
    }
}

extension PartialAggregate {
    /// Key columns then aggregate columns of the groups `ids`, in that order.
    func batch(groupIDs ids: [Int32]) -> Batch {
        let types = input.keyTypes
        var keyBuilders = types.map { ColumnBuilder(type: $0, capacity: ids.count) }
        for g in ids { table.appendKey(Int(g), to: &keyBuilders, types: types) }
        var columns = keyBuilders.indices.map { keyBuilders[$0].finish() }
        for s in states {
            var b = ColumnBuilder(type: s.spec.resultType, capacity: ids.count)
            for g in ids { s.append(group: Int(g), to: &b) }
            columns.append(b.finish())
        }
        return Batch(columns: columns, count: ids.count)
    }
}
