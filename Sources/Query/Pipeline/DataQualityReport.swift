import ColumnStore

/// `dq_report` (run_id, table, rule, rows): the data-quality counts of every batch run, appended per
/// run from the pipeline's `tmp_dq_counts` (table, rule, rows). The column names are the issue's
/// interface; `table` and `rows` are reserved words in some dialects, so quote them (`rows`).
enum DataQualityReport {
    static let schema = TableSchema(name: BatchPipeline.dqReportTable, columns: [
        ColumnSchema(name: "run_id", type: .string), ColumnSchema(name: "table", type: .string),
        ColumnSchema(name: "rule", type: .string), ColumnSchema(name: "rows", type: .int64),
    ])

    /// dq_report rows for `runID` from the counts table's columns.
    static func rows(runID: String, counts: TableSchema, columns: [Column]) throws -> (TableSchema, [Column]) {
        let expected = Array(schema.columns.dropFirst())
        guard counts.columns.map({ $0.name.lowercased() }) == expected.map(\.name),
              counts.columns.map(\.type) == expected.map(\.type) else {
            let have = counts.columns.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", ")
            throw QueryError.pipelineSetup("\(BatchPipeline.dqCountsTable) must have the columns (table STRING, rule STRING, rows INT64); it has (\(have))")
        }
        let n = columns.first?.count ?? 0
        var runIDs = ColumnBuilder(type: .string, capacity: n)
        for _ in 0..<n { runIDs.append(.string(runID)) }
        return (schema, [runIDs.finish()] + columns)
    }
}
