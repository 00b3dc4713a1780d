import ColumnStore

extension QueryEngine {
    /// CREATE TABLE AS: streams the rows of `root` into segments of `createTableSegmentRows` rows as
    /// they arrive, then creates (or replaces) the table with those segments in one catalog
    /// transaction. At most one segment's rows are held at a time. Until that transaction the
    /// segments are invisible; a failure (or a kill) before it leaves the catalog unchanged, and
    /// the written files are deleted (`StoreWriter` on failure, the next writer after a kill).
    /// - Returns: the number of rows written.
    func createTable(_ schema: TableSchema, from root: Operator) throws -> Int {
        try store.write { writer in
            var sink = SegmentSink(writer: writer, schema: schema, segmentRows: createTableSegmentRows)
            while let batch = try root.next() { try sink.append(batch) }
            let segments = try sink.finish()
            try writer.commit { tx in
                try tx.createTable(schema, source: "query", replace: true)
                try tx.addSegments(segments, to: schema.name)
            }
            return sink.rows
        }
    }
}

/// Accumulates batches into column builders and writes a pending segment each time `segmentRows`
/// rows have arrived (a batch that crosses the boundary is split).
struct SegmentSink {
    let writer: StoreWriter
    let schema: TableSchema
    let segmentRows: Int
    private var builders: [ColumnBuilder]
    private var buffered = 0
    private(set) var rows = 0
    private var segments: [PendingSegment] = []

    init(writer: StoreWriter, schema: TableSchema, segmentRows: Int) {
        precondition(segmentRows > 0)
        self.writer = writer
        self.schema = schema
        self.segmentRows = segmentRows
        builders = schema.columns.map { ColumnBuilder(type: $0.type) }
    }

    mutating func append(_ batch: Batch) throws {
        var start = 0
        while start < batch.count {
            let take = min(batch.count - start, segmentRows - buffered)
            let part = batch.columns.map { $0.slice(start..<(start + take)) }
            for i in builders.indices { builders[i].append(contentsOf: part[i]) }
            buffered += take
            rows += take
            start += take
            if buffered == segmentRows { try flush() }
        }
    }

    /// Writes the buffered rows, if any, and returns every segment written.
    mutating func finish() throws -> [PendingSegment] {
        try flush()
        return segments
    }

    private mutating func flush() throws {
        guard buffered > 0 else { return }
        let columns = builders.indices.map { builders[$0].finish() }
        buffered = 0
        segments.append(try writer.writeSegment(schema: schema, columns: columns))
    }
}
