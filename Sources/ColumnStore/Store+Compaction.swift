/// Compaction: merging a table's small segments into large ones.
///
/// A segment is small when it holds fewer than `smallSegmentRows` rows (one block). Compaction reads
/// the small segments in id order, writes their rows into new segments of up to `maxSegmentRows` rows,
/// and swaps them in one catalog transaction, so readers see either the old or the new segments.
extension Store {
    /// Rows per segment that ingest and compaction aim for. Default: 1,048,576.
    public static let maxSegmentRows = 1 << 20
    /// Segments below this many rows are compacted. Default: 65,536 (one block).
    public static let smallSegmentRows = SegmentFormat.defaultBlockRows
    /// Automatic compaction runs after an append once a table has this many small segments. Default: 16.
    public static let autoCompactThreshold = 16

    /// The result of compacting one table.
    public struct CompactionResult: Sendable {
        public var table: String
        public var segmentsBefore: Int
        public var segmentsAfter: Int
    }

    /// Compacts `table` if it has at least `minimumSmallSegments` small segments.
    public func compact(table name: String, minimumSmallSegments: Int = 2) throws -> CompactionResult {
        try write { writer in try writer.compact(table: name, minimumSmallSegments: minimumSmallSegments) }
    }
}

extension StoreWriter {
    /// Compaction inside an existing write (see `Store.compact`).
    public func compact(table name: String, minimumSmallSegments: Int = 2) throws -> Store.CompactionResult {
        let t = try store.table(name)
        let small = t.segments.filter { $0.rows < Store.smallSegmentRows }
        guard small.count >= minimumSmallSegments, small.count >= 2 else {
            return .init(table: name, segmentsBefore: t.segments.count, segmentsAfter: t.segments.count)
        }
        var newSegments: [PendingSegment] = []
        var builders = t.schema.columns.map { ColumnBuilder(type: $0.type) }
        func flush() throws {
            guard builders[0].count > 0 else { return }
            let cols = builders.indices.map { builders[$0].finish() }
            newSegments.append(try writeSegment(schema: t.schema, columns: cols))
        }
        for s in small {
            let r = try store.openSegment(s)
            for c in builders.indices { builders[c].append(contentsOf: try r.readColumn(c)) }
            if builders[0].count >= Store.maxSegmentRows { try flush() }
        }
        try flush()
        try commit { tx in
            try tx.removeSegments(small.map(\.id))
            try tx.addSegments(newSegments, to: name)
        }
        return .init(table: name, segmentsBefore: t.segments.count, segmentsAfter: t.segments.count - small.count + newSegments.count)
    }

    /// Compacts when the table has reached `Store.autoCompactThreshold` small segments.
    public func compactIfNeeded(table name: String) throws -> Store.CompactionResult? {
        let t = try store.table(name)
        guard t.segments.filter({ $0.rows < Store.smallSegmentRows }).count >= Store.autoCompactThreshold else { return nil }
        return try compact(table: name)
    }
}
