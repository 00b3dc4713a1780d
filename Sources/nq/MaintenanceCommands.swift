import ArgumentParser
import ColumnStore

/// `nq compact [TABLE...]`: merge small segments.
struct Compact: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compact", abstract: "Merge each table's small segments into large ones.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Tables to compact. Default: all.") var tables: [String] = []

    func run() throws {
        let store = try global.openStore(create: false)
        let names = tables.isEmpty ? try store.tableNames() : tables
        for name in names {
            let r = try store.compact(table: name)
            if r.segmentsBefore == r.segmentsAfter {
                print("\(name): \(r.segmentsBefore) segment\(r.segmentsBefore == 1 ? "" : "s"), nothing to compact")
            } else {
                print("\(name): \(r.segmentsBefore) -> \(r.segmentsAfter) segments")
            }
        }
    }
}

/// `nq check`: verify every segment's structure and block checksums against the catalog.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Verify every segment file and checksum of the store.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore(create: false)
        var segments = 0, rows = 0
        for t in try store.tables() {
            for s in t.segments {
                let reader = try store.openSegment(s)
                guard reader.rowCount == s.rows, reader.columns.map(\.schema) == t.schema.columns else {
                    throw StoreError.corruptSegment(path: store.segmentPath(s.file), detail: "does not match the catalog's rows or columns for table \(t.name)")
                }
                try reader.verifyAll()
                segments += 1
                rows += s.rows
            }
        }
        print("ok: \(try store.tableNames().count) tables, \(segments) segments, \(rows) rows verified")
    }
}
