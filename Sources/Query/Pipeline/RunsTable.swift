import ColumnStore

/// `_runs`: one row per batch run (run_id, started_at, ended_at, status, row_counts, message).
/// status is running, succeeded, failed or killed; row_counts is a JSON object of the published
/// tables' row counts. The table is small, so every change rewrites it as one segment.
struct RunsTable {
    static let schema = TableSchema(name: BatchPipeline.runsTable, columns: [
        ColumnSchema(name: "run_id", type: .string), ColumnSchema(name: "started_at", type: .timestamp),
        ColumnSchema(name: "ended_at", type: .timestamp), ColumnSchema(name: "status", type: .string),
        ColumnSchema(name: "row_counts", type: .string), ColumnSchema(name: "message", type: .string),
    ])

    struct Row {
        var runID: String
        var started: Int64
        var ended: Int64?
        var status: String
        var rowCounts: String?
        var message: String?
    }

    let store: Store

    func rows() throws -> [Row] {
        guard let t = try store.tableIfExists(BatchPipeline.runsTable) else { return [] }
        guard t.schema.columns == RunsTable.schema.columns else {
            throw QueryError.pipelineSetup("the table \(BatchPipeline.runsTable) does not have nq's run-log columns; drop it")
        }
        let c = try store.readAll(BatchPipeline.runsTable)
        return (0..<(c.first?.count ?? 0)).map { i in
            func string(_ k: Int) -> String? { if case .string(let s) = c[k].value(at: i) { return s } else { return nil } }
            func micros(_ k: Int) -> Int64? { if case .timestamp(let m) = c[k].value(at: i) { return m } else { return nil } }
            return Row(runID: string(0) ?? "", started: micros(1) ?? 0, ended: micros(2), status: string(3) ?? "",
                       rowCounts: string(4), message: string(5))
        }
    }

    /// Adds or replaces the row of `runID` in its own transaction.
    func record(runID: String, started: Int64, ended: Int64?, status: String, rowCounts: String?, message: String?) throws {
        try store.write { writer in
            let segment = try rewrite(writer: writer, runID: runID, started: started, ended: ended, status: status,
                                      rowCounts: rowCounts, message: message)
            try writer.commit { tx in try replace(in: tx, with: segment) }
        }
    }

    /// Marks every `running` row as `killed`: called while holding the batch lock, so none is running.
    func markInterrupted() throws {
        var all = try rows()
        guard all.contains(where: { $0.status == "running" }) else { return }
        for i in all.indices where all[i].status == "running" {
            all[i].status = "killed"
            all[i].message = "the run ended before it committed (killed or crashed); its results were discarded"
        }
        try store.write { writer in
            let segment = try writer.writeSegment(schema: RunsTable.schema, columns: RunsTable.columns(all))
            try writer.commit { tx in try replace(in: tx, with: segment) }
        }
    }

    /// Writes the table's rows with `runID`'s row added or replaced (uncommitted; see `replace`).
    func rewrite(writer: StoreWriter, runID: String, started: Int64, ended: Int64?, status: String,
                 rowCounts: String?, message: String?) throws -> PendingSegment {
        var all = try rows()
        let row = Row(runID: runID, started: started, ended: ended, status: status, rowCounts: rowCounts, message: message)
        if let i = all.firstIndex(where: { $0.runID == runID }) { all[i] = row } else { all.append(row) }
        return try writer.writeSegment(schema: RunsTable.schema, columns: RunsTable.columns(all))
    }

    /// Makes `segment` the whole content of `_runs`.
    func replace(in tx: CatalogTransaction, with segment: PendingSegment) throws {
        if try tx.table(BatchPipeline.runsTable) == nil {
            try tx.createTable(RunsTable.schema, source: "system")
        } else {
            try tx.truncate(BatchPipeline.runsTable)
        }
        try tx.addSegments([segment], to: BatchPipeline.runsTable)
    }

    static func columns(_ rows: [Row]) -> [Column] {
        var b = schema.columns.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for r in rows {
            b[0].append(.string(r.runID))
            b[1].append(.timestamp(r.started))
            b[2].append(r.ended.map { .timestamp($0) } ?? .null)
            b[3].append(.string(r.status))
            b[4].append(r.rowCounts.map { .string($0) } ?? .null)
            b[5].append(r.message.map { .string($0) } ?? .null)
        }
        return b.indices.map { b[$0].finish() }
    }
}
