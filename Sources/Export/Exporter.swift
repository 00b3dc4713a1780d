import ColumnStore
import Crypto
import Foundation

/// Exports store tables to BigQuery: the entry point for `nq export`, `nq batch --export` and
/// `nq consume --export`.
///
/// - Batch results: `exportTables(_:mode: .truncate)` — one load job per table (WRITE_TRUNCATE), the
///   BigQuery tables replaced by the store's.
/// - Real-time windows: `appendNewRows(table:idColumns:)` — the rows a table gained since the last
///   confirmed export, by tabledata.insertAll; or `appendRows(schema:columns:insertIds:)` for rows the
///   caller holds.
///
/// Progress is recorded in the catalog's `state` table under namespace `export:<project>.<dataset>`:
/// key `load:<table>` (JSON: rows, job id, time) after a load job is DONE, and key `append:<table>`
/// (the count of leading rows of the table confirmed by insertAll) after each accepted request, so a
/// restart resumes after the last confirmed row.
public final class Exporter {
    public enum Mode: Sendable { case truncate, append }

    /// Totals of an export, for the summary line.
    public struct Totals: Sendable {
        public var tables = 0
        public var rows = 0
        public var bytes = 0
        public var requests = 0
    }

    public let client: BigQueryClient
    public let store: Store
    public let dataset: String
    /// Called as data goes out, with the running totals (rows and bytes sent).
    public var progress: (Totals) -> Void = { _ in }
    public private(set) var totals = Totals()

    /// - Throws: `ExportError.configuration` when the client's config has no dataset.
    public init(client: BigQueryClient, store: Store) throws {
        guard let d = client.config.dataset else { throw ExportError.configuration("no BigQuery dataset: give --dataset or set NQ_BIGQUERY_DATASET") }
        self.client = client
        self.store = store
        self.dataset = d
    }

    public var stateNamespace: String { "export:\(client.config.project).\(dataset)" }

    /// The result tables `--all-results` exports, in this order, when the store has them.
    public static let resultTables = ["monthly_engagement", "cohort_retention", "genre_monthly", "churn_by_segment",
                                      "monthly_active_users", "dq_report", "_runs", "rt_engagement", "rt_event_types",
                                      "rt_top_genres", "rt_top_countries", "rt_late_events"]

    /// Exports whole tables. With `.truncate` each goes by a load job that replaces the BigQuery table;
    /// with `.append` by `appendNewRows`.
    ///
    /// Every table's schema is checked against BigQuery first: an incompatible column fails the call
    /// before any data moves.
    /// - Throws: `ExportError.configuration` for a table the store lacks; see `BigQueryClient`.
    public func exportTables(_ names: [String], mode: Mode = .truncate) throws {
        let infos = try names.map { name -> TableInfo in
            guard try store.tableIfExists(name) != nil else { throw ExportError.configuration("no table \(name) in the store \(store.path)") }
            return try store.pinnedTable(name)
        }
        try client.ensureDataset(dataset)
        for t in infos {
            if let fields = try client.tableFields(dataset, t.name) { _ = try BigQuerySchema.plan(store: t.schema, existing: fields) }
        }
        for t in infos {
            switch mode {
            case .truncate: try loadTable(t)
            case .append: try appendNewRows(table: t.name)
            }
        }
    }

    /// The table's rows as newline-delimited JSON.
    func ndjson(_ t: TableInfo) throws -> Data {
        let encoder = RowEncoder(schema: t.schema)
        var out: [UInt8] = []
        for s in t.segments {
            let reader = try store.openSegment(s)
            let columns = try t.schema.columns.indices.map { try reader.readColumn($0) }
            let n = columns.first?.count ?? 0
            for r in 0..<n {
                encoder.append(row: r, of: columns, to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
        return Data(out)
    }

    private func loadTable(_ t: TableInfo) throws {
        try client.ensureTable(dataset, schema: t.schema)
        let data = try ndjson(t)
        let job = LoadJob(dataset: dataset, schema: t.schema)
        let before = totals
        try client.runLoadJob(job, ndjson: data) { sent in
            self.totals.bytes = before.bytes + sent
            self.progress(self.totals)
        }
        totals.rows += t.rows
        totals.tables += 1
        totals.requests += 1
        progress(totals)
        let record: [String: Any] = ["rows": t.rows, "job": job.jobId, "at": ISO8601DateFormatter().string(from: Date())]
        try setState("load:\(t.name)", String(decoding: try JSONSerialization.data(withJSONObject: record, options: .sortedKeys), as: UTF8.self))
    }

    /// The number of leading rows of `table` that insertAll has confirmed (0 when never exported).
    public func confirmedRows(table: String) throws -> Int {
        Int(try store.state(namespace: stateNamespace)["append:\(table)"] ?? "0") ?? 0
    }

    /// Appends the rows `table` gained since the last confirmed export (the table is append-only:
    /// its first `confirmedRows` rows are the ones already sent), by tabledata.insertAll.
    ///
    /// insertIds are `<table>:<hash of the idColumns' values>`; give the window and key columns
    /// (e.g. `["window_start", "country"]`) so that a resent window carries the same ids. Default:
    /// every column.
    /// - Returns: the number of rows sent.
    @discardableResult
    public func appendNewRows(table: String, idColumns: [String]? = nil) throws -> Int {
        let t = try store.table(table)
        let done = try confirmedRows(table: table)
        if done >= t.rows { return 0 }
        try client.ensureDataset(dataset)
        try client.ensureTable(dataset, schema: t.schema)
        let all = try store.readAll(table)
        let encoder = RowEncoder(schema: t.schema)
        let idIndexes = try (idColumns ?? t.schema.columns.map(\.name)).map { name -> Int in
            guard let i = t.schema.index(of: name) else { throw ExportError.configuration("table \(table) has no column \(name) for insertIds") }
            return i
        }
        let rows = (done..<t.rows).map { r in
            InsertAllRow(insertId: Self.insertId(table: table, key: idIndexes.map { all[$0].value(at: r).displayText }),
                         json: encoder.encode(row: r, of: all))
        }
        try sendAppend(table: table, rows: rows, alreadyConfirmed: done)
        return rows.count
    }

    /// Appends rows the caller holds (e.g. windows just finalized) with the given insertIds, and records
    /// them as confirmed after the rows already counted for `schema.name`.
    /// - Parameters:
    ///   - columns: one `Column` per schema column, all the same length.
    ///   - insertIds: one per row; use `Exporter.insertId(table:key:)` with the window and key values.
    public func appendRows(schema: TableSchema, columns: [Column], insertIds: [String]) throws {
        try client.ensureDataset(dataset)
        try client.ensureTable(dataset, schema: schema)
        let encoder = RowEncoder(schema: schema)
        let rows = insertIds.indices.map { InsertAllRow(insertId: insertIds[$0], json: encoder.encode(row: $0, of: columns)) }
        try sendAppend(table: schema.name, rows: rows, alreadyConfirmed: try confirmedRows(table: schema.name))
    }

    /// A deterministic insertId: the table and a SHA-256 of the key values (window start, key columns).
    public static func insertId(table: String, key: [String]) -> String {
        let digest = SHA256.hash(data: Data(key.joined(separator: "\u{1F}").utf8))
        return table + ":" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    private func sendAppend(table: String, rows: [InsertAllRow], alreadyConfirmed: Int) throws {
        var sentRows = 0
        var confirmError: Error?
        totals.requests += try client.insertAll(dataset, table, rows: rows) { confirmed in
            do { try self.setState("append:\(table)", String(alreadyConfirmed + confirmed)) } catch { confirmError = error }
            self.totals.rows += confirmed - sentRows
            self.totals.bytes += rows[sentRows..<confirmed].reduce(0) { $0 + $1.json.count }
            sentRows = confirmed
            self.progress(self.totals)
        }
        if let confirmError { throw confirmError }
        totals.tables += 1
    }

    /// Where export progress is committed while another part of this process holds the store's write
    /// lock (a running `nq consume`): its writer. Nil: the exporter takes the lock itself.
    public var writer: (() -> StoreWriter?)?

    private func setState(_ key: String, _ value: String) throws {
        if let w = writer?() {
            try w.commit { tx in try tx.setState(namespace: stateNamespace, key: key, value: value) }
            return
        }
        try store.write { w in try w.commit { tx in try tx.setState(namespace: stateNamespace, key: key, value: value) } }
    }
}
