import ArgumentParser
import ColumnStore

/// `nq tables`: name, rows, segments, raw bytes, stored bytes of each table.
struct Tables: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tables", abstract: "List the store's tables with their sizes.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: table, csv, json or markdown.") var format: OutputFormat = .table

    func run() throws {
        let store = try global.openStore(create: false)
        let tables = try store.tables()
        let rows = tables.map { t -> [String?] in
            [t.name, String(t.rows), String(t.segments.count), String(t.rawBytes), String(t.storedBytes), t.source]
        }
        print(TextRows(header: ["name", "rows", "segments", "raw_bytes", "stored_bytes", "schema"], rows: rows,
                       numeric: [false, true, true, true, true, false]).render(format), terminator: "")
    }
}
