import ColumnStore

/// What a `TableScan` does with one block of a segment: decode the columns it outputs, apply the
/// top-N bound and the pushed-down filter, and return the rows kept. A value copied out of the scan,
/// so that worker threads can read blocks without touching the operator.
struct ScanBlockReader {
    /// Table column ordinals to read, in output order.
    let columns: [Int]
    let filter: BoundExpr?
    let scanFilter: ScanFilter?
    let topN: (column: Int, bound: TopNBound)?
    let keyOnly: Set<Int>
    let dictionaryOnly: Set<Int>

    /// The rows of `batch` that pass the pushed-down filter; nil when none does.
    private func filtered(_ batch: Batch) throws -> Batch? {
        guard let filter else { return batch }
        let sel = try Evaluator.select(filter, batch)
        if sel.isEmpty { return nil }
        return sel.count == batch.count ? batch : batch.gather(sel)
    }

    /// The kept rows of block `b` of `reader`; nil when no row is kept.
    /// - Throws: `StoreError` for a block that fails its checks; the filter's evaluation errors.
    func batch(_ reader: SegmentReader, _ b: Int) throws -> Batch? {
        let rows = reader.columns[0].blocks[b].zone.rowCount
        if let kc = topN?.column, let tb = topN?.bound, let value = tb.current {
            // The top-N key first; the other columns only for the rows that may be kept.
            let key = try reader.readBlock(column: columns[kc], block: b)
            if let pre = tb.select(key, below: value) {
                if pre.isEmpty { return nil }
                let cols = try columns.indices.map { c in
                    c == kc ? key.gather(pre) : try reader.readBlockColumn(column: columns[c], block: b).materialize(pre)
                }
                return try filtered(Batch(columns: cols, count: pre.count))
            }
        }
        if let scanFilter {
            // The filter's columns first; the others only when some row passes.
            var decoded = [BlockColumn?](repeating: nil, count: columns.count)
            for c in scanFilter.columns { decoded[c] = try reader.readBlockColumn(column: columns[c], block: b) }
            let selection = scanFilter.select(decoded, rows: rows)
            if let selection, selection.isEmpty { return nil }
            let cols = try columns.indices.map { c in
                try (decoded[c] ?? reader.readBlockColumn(column: columns[c], block: b)).materialize(selection)
            }
            return Batch(columns: cols, count: selection?.count ?? rows)
        }
        var dictionaries: [DictionaryColumn?]? = nil
        let cols = try columns.indices.map { (c: Int) -> Column in
            let block = try reader.readBlockColumn(column: columns[c], block: b)
            if filter == nil, case .dictionary(let d) = block {
                // Kept beside the strings, so that grouping can work on the codes.
                if dictionaries == nil { dictionaries = Array(repeating: nil, count: columns.count) }
                dictionaries![c] = d
                if keyOnly.contains(c) { return Column(values: .string(StringArray())) }
                if dictionaryOnly.contains(c) {
                    return Column(values: .string(StringArray(bytes: [], ends: [Int32](repeating: 0, count: rows))), validity: d.validity)
                }
            }
            return block.materialize(nil)
        }
        var batch = Batch(columns: cols, count: rows)
        batch.dictionaries = dictionaries
        return try filtered(batch)
    }
}
