import ArgumentParser
import ColumnStore
import Foundation
import Query

/// `nq query SQL` (also `nq "SQL"`): run GoogleSQL against the store.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run GoogleSQL (BigQuery's dialect, a subset) against the store.",
        discussion: """
            nq "select genre_primary, count(*) from movies group by 1 order by 2 desc"
            nq query -f report.sql --format csv
            nq query "explain select ..."      shows the plan and the segments and blocks zone maps prune
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The SQL text (one or more statements separated by ;).") var sql: String?
    @Option(name: [.customShort("f"), .long], help: "Read the SQL from this file.") var file: String?
    @Option(help: "Output format: table, csv, json or markdown.") var format: OutputFormat = .table

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
}
