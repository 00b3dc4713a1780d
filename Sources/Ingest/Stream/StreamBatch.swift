import ColumnStore
import Foundation

/// One micro-batch cut by `StreamConsumer`: everything its single catalog transaction stores (the rows
/// of every stream table, the offsets, the watermark, the changed open windows and the totals), plus
/// what the consumer needs to know once it is committed.
struct StreamBatch {
    /// The rows of `watch_events` and `_dead_letters`, when there are any, as finished columns.
    var tables: [(schema: TableSchema, columns: [Column])] = []
    /// The windows this batch finalizes, and the late events per window start: `store` turns them into the
    /// rt tables' rows (on the committer's thread, not the consumer's).
    var finalizedWindows: [WindowState] = []
    var lateCounts: [Int64: Int64] = [:]
    /// The window length in microseconds (the rt rows' `window_end`).
    var windowSize: Int64 = 0
    /// The `state` namespace, `stream:<topic>`.
    var namespace: String
    /// Next offset per partition after this batch (all partitions ever seen).
    var positions: [Int32: Int64] = [:]
    /// The offsets as stored before this batch: only changed ones are written.
    var storedBefore: [Int32: Int64] = [:]
    /// The `watermark` state value (JSON of `WindowSnapshot` without the open windows).
    var watermark: String = ""
    /// The open windows changed in this batch (what each added since it was last stored), stored as one
    /// `windows:<n>` chunk (`WindowStateChunks`).
    var windowChunk: (key: String, windows: [WindowUpdate])?
    /// State keys to remove: window chunks (and earlier versions' `window:<start>` keys) no longer needed.
    var removedStateKeys: [String] = []
    /// The names of the windows' key ids (the aggregator's `KeyTable` when the batch was cut).
    var keyNames: [String] = []
    /// Running totals after this batch: events, dead letters, late events, windows.
    var totals: (events: Int, deadLetters: Int, late: Int, windows: Int) = (0, 0, 0, 0)
    /// The consumer's rate when the batch was cut, for `nq consume --status`.
    var rate: Double = 0
    var group: String
    /// Rows of this batch: events, dead letters, late events, windows emitted.
    var counts: (events: Int, deadLetters: Int, late: Int, windows: Int) = (0, 0, 0, 0)
    /// When each window this batch finalizes was finalized (wall clock, seconds).
    var finalizedAt: [Double] = []

    init(namespace: String, group: String) {
        self.namespace = namespace
        self.group = group
    }

    /// The rt tables' rows of the finalized windows and the late events, for each of those tables that has any.
    func windowTables() -> [(schema: TableSchema, columns: [Column])] {
        var engagement = TableBatch(StreamTables.engagement), eventTypes = TableBatch(StreamTables.eventTypes)
        var genres = TableBatch(StreamTables.topGenres), countries = TableBatch(StreamTables.topCountries)
        var late = TableBatch(StreamTables.lateEvents)
        WindowAggregator.appendRows(closed: finalizedWindows, lateCounts: lateCounts, names: keyNames, size: windowSize,
                                    engagement: &engagement, eventTypes: &eventTypes, genres: &genres, countries: &countries, late: &late)
        var out: [(schema: TableSchema, columns: [Column])] = []
        for var b in [engagement, eventTypes, genres, countries, late] where b.rows > 0 { out.append((b.schema, b.take())) }
        return out
    }

    /// Builds the rt tables' rows, writes the segment files (in parallel) and commits them with the
    /// offsets, the watermark, the windows and the totals in one transaction.
    /// - Throws: the first segment write error, or the catalog's error (nothing is then committed).
    func store(with writer: StoreWriter) throws {
        let tables = self.tables + windowTables()
        var segments = [PendingSegment?](repeating: nil, count: tables.count)
        var errors = [Error?](repeating: nil, count: tables.count)
        segments.withUnsafeMutableBufferPointer { out in
            errors.withUnsafeMutableBufferPointer { err in
                DispatchQueue.concurrentPerform(iterations: tables.count) { i in
                    do { out[i] = try writer.writeSegment(schema: tables[i].schema, columns: tables[i].columns) } catch { err[i] = error }
                }
            }
        }
        if let e = errors.compactMap({ $0 }).first { throw e }
        let chunk = windowChunk.map { (key: $0.key, value: WindowChunkCodec.encode(updates: $0.windows, names: keyNames)) }
        let ns = namespace
        try writer.commit { tx in
            for (t, segment) in zip(tables, segments) { try tx.addSegments([segment!], to: t.schema.name) }
            for (p, o) in positions where storedBefore[p] != o { try tx.setState(namespace: ns, key: "offset:\(p)", value: String(o)) }
            try tx.setState(namespace: ns, key: "watermark", value: watermark)
            for key in removedStateKeys { try tx.removeState(namespace: ns, key: key) }
            if let chunk { try tx.setState(namespace: ns, key: chunk.key, value: chunk.value) }
            try tx.setState(namespace: ns, key: "totals", value: "\(totals.events),\(totals.deadLetters),\(totals.late),\(totals.windows)")
            try tx.setState(namespace: ns, key: "rate", value: String(format: "%.0f", rate))
            try tx.setState(namespace: ns, key: "group", value: group)
        }
    }
}
