import ArgumentParser
import ColumnStore
import Export
import Foundation
import Query

/// `nq batch`: runs the batch pipeline (pipelines/batch/*.sql) and replaces its result tables atomically.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Run the batch pipeline: clean the raw tables and rebuild the monthly metrics, all or nothing.",
        discussion: """
            Runs the SQL files of pipelines/batch in file-name order (the copy compiled into nq, or \
            --pipeline DIR). Every result table is replaced in one transaction when all files have run; \
            a failure or a kill leaves the previous results as they were. Each run is recorded in \
            _runs, its data-quality counts in dq_report. See docs/metrics.md.

              nq batch --export                  then export the results to BigQuery
              nq batch --engine bigquery --project P --dataset D
                                                 the same files as BigQuery query jobs
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Run the *.sql files of this directory instead of the pipeline compiled into nq.")
    var pipeline: String?
    @Flag(help: "Print only the summary line.") var quiet = false
    @Flag(help: "When the run has committed, export its result tables, dq_report and _runs to BigQuery (load jobs, WRITE_TRUNCATE).")
    var export = false
    @Option(help: "nq (the local store, default) or bigquery (the same SQL files as query jobs in --dataset, over the raw tables exported there).")
    var engine: QueryEngineChoice = .nq
    @OptionGroup var bigquery: BigQueryOptions

    func validate() throws {
        if engine == .bigquery && export { throw ValidationError("--export exports local results; with --engine bigquery the results are already in BigQuery") }
    }

    func run() throws {
        if engine == .bigquery { return try runOnBigQuery() }
        let store = try global.openStore(create: false)
        let batch = try pipeline.map { try BatchPipeline(store: store, directory: $0) } ?? BatchPipeline(builtinFor: store)
        let summary = try batch.run(log: { line in if !quiet { print(line) } })
        let rows = summary.tables.reduce(0) { $0 + $1.rows }
        print("run \(summary.runID) succeeded: \(summary.tables.count) tables, \(rows) rows, \(summary.dataQualityRows) data-quality counts in \(String(format: "%.2f", summary.seconds)) s")
        guard export else { return }
        let names = summary.tables.map(\.name) + [BatchPipeline.dqReportTable, BatchPipeline.runsTable]
        do {
            let client = try bigquery.client(storePath: store.path, requireDataset: true)
            let exporter = try Exporter(client: client, store: store)
            try exporter.exportTables(names, mode: .truncate)
            let t = exporter.totals
            print("exported \(t.tables) tables to \(client.config.project).\(exporter.dataset): \(t.rows) rows")
        } catch {
            // The run itself committed; say so, and fail so a scheduled run's log shows the export error.
            throw ValidationError("run \(summary.runID) committed, but the export failed: \(error)")
        }
    }

    /// The pipeline's statements as BigQuery query jobs (jobs.query, default dataset --dataset), in
    /// order; then the scratch tables are dropped. BigQuery replaces each table atomically, but not
    /// all of them together (DDL cannot run in a multi-statement transaction): docs/bigquery.md.
    private func runOnBigQuery() throws {
        let storePath = FileManager.default.fileExists(atPath: global.storePath + "/catalog.sqlite") ? global.storePath : nil
        let sources = try pipeline.map { try BatchPipeline.sources(directory: $0) } ?? BatchPipeline.builtinSources
        let client = try bigquery.client(storePath: storePath, requireDataset: true)
        var scratch: [String] = []
        for (path, text) in sources {
            for (i, statement) in try QueryEngine.statementTexts(text).enumerated() {
                if case .createTableAs(let name, _, _, _)? = try QueryEngine.parse(statement).first,
                   name.lowercased().hasPrefix(BatchPipeline.scratchPrefix), !scratch.contains(name) {
                    scratch.append(name)
                }
                let t0 = Date()
                do { _ = try client.query(statement, timeoutMs: 600_000) } catch {
                    throw ValidationError("\(path), statement \(i + 1) on BigQuery: \(error)")
                }
                if !quiet { print("  \((path as NSString).lastPathComponent) statement \(i + 1): done in \(String(format: "%.2f", Date().timeIntervalSince(t0))) s") }
            }
        }
        for name in scratch { _ = try client.query("DROP TABLE IF EXISTS \(name)") }
        print("batch on BigQuery succeeded: \(sources.count) files in \(client.config.project).\(client.config.dataset ?? "")")
    }
}
