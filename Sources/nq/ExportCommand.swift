import ArgumentParser
import ColumnStore
import Export
import Foundation

/// `nq export`: copy result tables of the store into a BigQuery dataset.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export tables of the store to BigQuery (load jobs, WRITE_TRUNCATE).",
        discussion: """
            nq export --project P --dataset D --tables monthly_engagement,cohort_retention
            nq export --project P --dataset D --all-results
            nq export --project P --dataset D --tables rt_engagement --append   (insertAll, resumes after the last confirmed row)
            The dataset and tables are created when missing; a table whose schema grew gets the new
            columns (NULLABLE). See docs/bigquery.md for configuration and credentials.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var bigquery: BigQueryOptions

    @Option(help: "Comma-separated tables to export.")
    var tables: String?

    @Flag(name: .customLong("all-results"), help: "Export every batch and real-time result table the store has.")
    var allResults = false

    @Flag(help: "Append the rows each table gained since its last export by insertAll (as nq consume --export does), instead of replacing the table by a load job.")
    var append = false

    func validate() throws {
        if (tables == nil) == !allResults { throw ValidationError("give --tables T1,T2 or --all-results (one of them)") }
    }

    func run() throws {
        let store = try global.openStore(create: false)
        let names: [String]
        if allResults {
            let present = Set(try store.tableNames())
            names = Exporter.resultTables.filter(present.contains)
            if names.isEmpty { throw ValidationError("the store has none of the result tables (\(Exporter.resultTables.joined(separator: ", ")))") }
        } else {
            names = tables!.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let client = try bigquery.client(storePath: store.path, requireDataset: true)
        let exporter = try Exporter(client: client, store: store)
        let meter = ProgressMeter()
        exporter.progress = { meter.update(rows: $0.rows, bytes: $0.bytes) }
        try exporter.exportTables(names, mode: append ? .append : .truncate)
        meter.finish()
        let t = exporter.totals
        print("exported \(t.tables) table\(t.tables == 1 ? "" : "s") (\(names.joined(separator: ", "))) to \(client.config.project).\(exporter.dataset): "
              + "\(t.rows) rows, \(ProgressMeter.bytesText(t.bytes)) in \(String(format: "%.1f", meter.elapsed)) s (\(meter.rateText))")
    }
}

/// Shows rows and bytes sent and the rate on a terminal (stderr), redrawn at most 10 times a second.
final class ProgressMeter {
    let start = Date()
    let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDraw = Date.distantPast
    private var rows = 0, bytes = 0
    private var drawn = false

    var elapsed: Double { Date().timeIntervalSince(start) }
    var rateText: String { ProgressMeter.bytesText(Int(Double(bytes) / max(elapsed, 0.001))) + "/s" }

    func update(rows: Int, bytes: Int) {
        self.rows = rows
        self.bytes = bytes
        guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        drawn = true
        let what = (rows > 0 ? "\(rows) rows, " : "") + ProgressMeter.bytesText(bytes)
        FileHandle.standardError.write(Data("\r\(what) sent, \(rateText)   ".utf8))
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    static func bytesText(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1024 * 1024 { return String(format: "%.1f KiB", Double(n) / 1024) }
        return String(format: "%.1f MiB", Double(n) / 1048576)
    }
}
