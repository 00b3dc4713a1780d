import ColumnStore
import Dispatch

/// A conjunct of the WHERE clause that zone maps can decide: `column op constant`.
struct ZonePredicate {
    /// Index into the scan's output columns.
    var column: Int
    var op: BinaryOperator
    var value: Value

    /// False when the zone proves that no row can satisfy the predicate (DuckDB's "always false");
    /// true when some row may.
    func mayMatch(_ zone: ZoneMap) -> Bool {
        if zone.nullCount == zone.rowCount { return false }   // a comparison with NULL is never TRUE
        guard let lo = zone.min, let hi = zone.max else { return true }
        let v = value
        func lt(_ a: Value, _ b: Value) -> Bool { ZonePredicate.less(a, b) }
        switch op {
        case .equal: return !lt(v, lo) && !lt(hi, v)
        case .less: return lt(lo, v)
        case .lessEqual: return !lt(v, lo)
        case .greater: return lt(v, hi)
        case .greaterEqual: return !lt(hi, v)
        default: return true
        }
    }

    /// Orders values, comparing INT64 with FLOAT64 numerically.
    static func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.int64(x), .float64(y)): return Double(x) < y
        case let (.float64(x), .int64(y)): return x < Double(y)
        default: return Value.less(a, b)
        }
    }
}

/// Reads the chosen columns of a table, skipping segments (by the catalog's zone maps) and blocks (by
/// the segment footer's zone maps) that cannot match, then applying the pushed-down filter.
/// The blocks of one segment are read, decompressed and filtered in parallel on all cores.
final class TableScan: Operator {
    let store: Store
    let table: TableInfo
    /// Table column ordinals to read, in output order.
    let columns: [Int]
    let filter: BoundExpr?
    let zonePredicates: [ZonePredicate]
    let outputTypes: [ColumnType]
    /// The filter when it is made only of `column op constant` terms: decided per block before the
    /// other columns are decoded, on dictionary codes where a block has them.
    let scanFilter: ScanFilter?
    /// Set by a top-N above this scan whose first ORDER BY key is output column `column`: blocks and
    /// rows that sort after its bound are skipped.
    var topN: (column: Int, bound: TopNBound)?
    /// Set with `topN` when every row this scan emits reaches the top-N (no filter above; the pushed-down
    /// filter, if any, only drops NULL keys): the bound is then seeded from the blocks' zone maps before
    /// the first block is read (`TopNBound.seed(from:)`), so no segment is read without a bound.
    var topNSeedsFromZones = false
    /// Output STRING columns that the GROUP BY right above reads only as keys (set by the planner):
    /// of an unfiltered dictionary block, such a column is emitted with no rows (its strings are not
    /// copied) beside its dictionary block (`Batch.dictionaries`), which the aggregation reads instead.
    var keyOnlyColumns: Set<Int> = []
    /// Output columns whose consumer reads only their dictionary (`Batch.dictionaries`) where a block
    /// has one: the join above probes with this column as its one key and reads it nowhere else
    /// (set by `Planner.markJoinOutputs`). Their dictionary blocks are not copied out as strings; the
    /// column holds empty strings (and the block's NULLs) instead.
    var dictionaryOnly: Set<Int> = []

    private var segmentIndex = 0
    private var pending: [Batch] = []
    private var seeded = false
    /// Segments opened to seed the top-N bound, by index in `table.segments`, until they are read.
    private var openedReaders: [Int: SegmentReader] = [:]
    private var readAhead: ScanReadAhead?
    private var segmentsSkippedHere = 0
    private var blocksSkippedHere = 0
    private var blocksReadHere = 0
    var segmentsSkipped: Int { segmentsSkippedHere + (readAhead?.segmentsSkipped ?? 0) }
    var blocksSkipped: Int { blocksSkippedHere + (readAhead?.blocksSkipped ?? 0) }
    var blocksRead: Int { blocksReadHere + (readAhead?.blocksRead ?? 0) }

    init(store: Store, table: TableInfo, columns: [Int], filter: BoundExpr?, zonePredicates: [ZonePredicate]) {
        self.store = store
        self.table = table
        self.columns = columns
        self.filter = filter
        self.zonePredicates = zonePredicates
        outputTypes = columns.map { table.schema.columns[$0].type }
        scanFilter = filter.flatMap { ScanFilter($0, types: columns.map { table.schema.columns[$0].type }) }
    }

    deinit { readAhead?.cancel() }

    func next() throws -> Batch? {
        if !seeded {
            seeded = true
            try seedTopNBound()
            if topN == nil && table.segments.count > 1 {
                // Blocks of every segment on worker threads, without a barrier per segment. A top-N
                // scan keeps reading a segment at a time: each segment is pruned by the bound as it
                // stands when the segment is reached, which a read-ahead would see later.
                let readBlock = blockReader()
                let store = self.store, columns = self.columns, predicates = self.zonePredicates
                readAhead = ScanReadAhead(segments: table.segments, open: { segment in
                    guard !TableScan.prunes(predicates, columns: columns, segment) else { return nil }
                    let reader = try store.openSegment(segment)
                    let blocks = (0..<reader.blockCount).filter { b in
                        !predicates.contains { p in !p.mayMatch(reader.columns[columns[p.column]].blocks[b].zone) }
                    }
                    return (reader, blocks)
                }, read: readBlock.batch)
            }
        }
        if let readAhead { return try readAhead.next() }
        while pending.isEmpty {
            guard segmentIndex < table.segments.count else { return nil }
            let segment = table.segments[segmentIndex]
            let opened = openedReaders.removeValue(forKey: segmentIndex)
            segmentIndex += 1
            if TableScan.prunes(zonePredicates, columns: columns, segment) || !topNMayMatch(segment) {
                segmentsSkippedHere += 1
                continue
            }
            pending = try readSegment(segment, opened: opened).reversed()
        }
        return pending.popLast()
    }

    /// The per-block work of this scan as it is configured now (the planner sets `topN`, `keyOnlyColumns`
    /// and `dictionaryOnly` after `init`).
    private func blockReader() -> ScanBlockReader {
        ScanBlockReader(columns: columns, filter: filter, scanFilter: scanFilter, topN: topN,
                        keyOnly: keyOnlyColumns, dictionaryOnly: dictionaryOnly)
    }

    /// True when the catalog's zone maps of `segment` prove that no row passes `predicates`.
    static func prunes(_ predicates: [ZonePredicate], columns: [Int], _ segment: SegmentInfo) -> Bool {
        predicates.contains { p in
            let ordinal = columns[p.column]
            return ordinal < segment.zones.count && !p.mayMatch(segment.zones[ordinal])
        }
    }

    /// False when the top-N's current bound proves that no row of the segment can be kept.
    private func topNMayMatch(_ segment: SegmentInfo) -> Bool {
        guard let (column, bound) = topN, let value = bound.current else { return true }
        let ordinal = columns[column]
        return ordinal >= segment.zones.count || bound.mayMatch(segment.zones[ordinal], below: value)
    }

    /// Seeds the top-N bound from the zone maps of the key's blocks in every segment (see
    /// `topNSeedsFromZones`); the segments opened for it are kept for the read.
    private func seedTopNBound() throws {
        guard topNSeedsFromZones, let (column, bound) = topN, bound.keep > 0 else { return }
        var zones: [ZoneMap] = []
        for (i, segment) in table.segments.enumerated() {
            let reader = try store.openSegment(segment)
            openedReaders[i] = reader
            zones += reader.columns[columns[column]].blocks.map(\.zone)
        }
        if let seed = bound.seed(from: zones) { bound.tighten(to: seed) }
    }

    private func readSegment(_ segment: SegmentInfo, opened: SegmentReader? = nil) throws -> [Batch] {
        let reader = try opened ?? store.openSegment(segment)
        let wanted = self.columns, predicates = self.zonePredicates, topN = self.topN
        let bound = topN.flatMap { t in t.bound.current.map { (t.column, t.bound, $0) } }
        let blocks = (0..<reader.blockCount).filter { b in
            if let t = bound, !t.1.mayMatch(reader.columns[wanted[t.0]].blocks[b].zone, below: t.2) { return false }
            return !predicates.contains { p in !p.mayMatch(reader.columns[wanted[p.column]].blocks[b].zone) }
        }
        blocksSkippedHere += reader.blockCount - blocks.count
        blocksReadHere += blocks.count
        var results = [Result<Batch?, Error>?](repeating: nil, count: blocks.count)
        let readBlock = blockReader()
        results.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: blocks.count) { j in
                out[j] = Result { try readBlock.batch(reader, blocks[j]) }
            }
        }
        return try results.compactMap { try $0!.get() }
    }

    func explain(_ depth: Int) -> [String] {
        // Pruning is decided from the zone maps alone, without reading data.
        var segments = 0, skippedSegments = 0, blocks = 0, skippedBlocks = 0
        for s in table.segments {
            let pruned = zonePredicates.contains { p in
                let o = columns[p.column]
                return o < s.zones.count && !p.mayMatch(s.zones[o])
            }
            segments += 1
            if pruned { skippedSegments += 1; continue }
            if let reader = try? store.openSegment(s) {
                for b in 0..<reader.blockCount {
                    blocks += 1
                    if zonePredicates.contains(where: { p in !p.mayMatch(reader.columns[columns[p.column]].blocks[b].zone) }) { skippedBlocks += 1 }
                }
            }
        }
        let names = columns.map { table.schema.columns[$0].name }.joined(separator: ", ")
        return [pad(depth) + "Scan \(table.name) [\(names)]" + (filter != nil ? " filter pushed down" : "")
                + " — segments: \(segments - skippedSegments) of \(segments) read (\(skippedSegments) pruned by zone maps)"
                + ", blocks: \(blocks - skippedBlocks) of \(blocks) in read segments (\(skippedBlocks) pruned)"
                + (topN != nil && topNSeedsFromZones ? ", top-N bound seeded from zone maps" : "")]
    }
}
