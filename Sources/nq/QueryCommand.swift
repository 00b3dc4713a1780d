import ArgumentParser
import ColumnStore
import Export
import Foundation
import Query

/// Which engine runs `nq query`.
enum QueryEngineChoice: String, ExpressibleByArgument, CaseIterable {
    case nq, bigquery
}

/// `nq query SQL` (also `nq "SQL"`): run GoogleSQL against the store.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run GoogleSQL (BigQuery's dialect, a subset) against the store.",
        discussion: """
            nq "select genre_primary, count(*) from movies group by 1 order by 2 desc"
            nq query -f report.sql --format csv
            nq query "explain select ..."      shows the plan and the segments and blocks zone maps prune
            nq query --engine bigquery --project P --dataset D "select ..."   the same SQL run by BigQuery (jobs.query)
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The SQL text (one or more statements separated by ;).") var sql: String?
    @Option(name: [.customShort("f"), .long], help: "Read the SQL from this file.") var file: String?
    @Option(help: "Output format: table, csv, json or markdown.") var format: OutputFormat = .table
    @Option(help: "nq (the local store, default) or bigquery (jobs.query; unqualified tables are in --dataset).")
    var engine: QueryEngineChoice = .nq
    @OptionGroup var bigquery: BigQueryOptions

    func validate() throws {
        if (sql == nil) == (file == nil) { throw ValidationError("give the SQL as an argument or with -f FILE (not both)") }
    }

    func run() throws {
        let text: String
        if let file {
            guard let t = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read \(file)") }
            text = t
        } else {
            text = sql!
        }
        if engine == .bigquery { return try runOnBigQuery(text) }
        let store = try global.openStore(create: false)
        let results = try QueryEngine(store: store).execute(text)
        for r in results {
            if let m = r.message { print(m); continue }
            let rows = (0..<r.rowCount).map { i in r.columns.map { c -> String? in
                let v = c.value(at: i)
                return v.isNull ? nil : v.displayText
            } }
            let numeric = r.types.map { $0 == .int64 || $0 == .float64 }
            print(TextRows(header: r.columnNames, rows: rows, numeric: numeric).render(format), terminator: "")
        }
    }

    /// Runs `text` with BigQuery's jobs.query and prints the rows as `nq query` prints its own.
    func runOnBigQuery(_ text: String) throws {
        let storePath = global.storePath
        let client = try bigquery.client(storePath: FileManager.default.fileExists(atPath: storePath) ? storePath : nil, requireDataset: false)
        let result = try client.query(text)
        let kinds = result.types.map { BigQuerySchema.columnType($0) ?? .string }
        let rows = result.values().map { $0.map { v -> String? in v.isNull ? nil : v.displayText } }
        let numeric = kinds.map { $0 == .int64 || $0 == .float64 }
        print(TextRows(header: result.names, rows: rows, numeric: numeric).render(format), terminator: "")
    }
}
