import ArgumentParser
import ColumnStore
import Foundation
import Query

/// `nq batch`: runs the batch pipeline (pipelines/batch/*.sql) and replaces its result tables atomically.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the batch pipeline: clean the raw tables and rebuild the monthly metrics, all or nothing.",
        discussion: """
            Runs the SQL files of pipelines/batch in file-name order (the copy compiled into nq, or
            --pipeline DIR). Every result table is replaced in one transaction when all files have run;
            a failure or a kill leaves the previous results as they were. Each run is recorded in _runs,
            its data-quality counts in dq_report. See docs/metrics.md.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Run the *.sql files of this directory instead of the pipeline compiled into nq.")
    var pipeline: String?
    @Flag(help: "Print only the summary line.") var quiet = false

    func run() throws {
        let store = try global.openStore(create: false)
        let batch = try pipeline.map { try BatchPipeline(store: store, directory: $0) } ?? BatchPipeline(builtinFor: store)
        let summary = try batch.run(log: { line in if !quiet { print(line) } })
        let rows = summary.tables.reduce(0) { $0 + $1.rows }
        print("run \(summary.runID) succeeded: \(summary.tables.count) tables, \(rows) rows, \(summary.dataQualityRows) data-quality counts in \(String(format: "%.2f", summary.seconds)) s")
    }
}
