import ArgumentParser
import ColumnStore
import Foundation
import Ingest

/// `nq ingest PATH...`: load CSV files (or folders of them) into the store.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load CSV files, or folders of CSV files, into the store.",
        discussion: """
            Each file goes to the table named after it (watch_history.csv -> watch_history) or to --table.
            Tables with a schema in schemas/ are typed by it; others get inferred types. Rows that cannot
            be typed go to the _rejects table. The whole ingest commits atomically. A file whose content
            was loaded before is skipped.
            A gs://BUCKET/PREFIX/ path reads the .csv objects there from Google Cloud Storage: they are
            downloaded (streamed) into a temporary directory, removed afterwards, and ingested only when
            every download is complete (STORAGE_EMULATOR_HOST selects an emulator).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "CSV files, directories, or gs://BUCKET/PREFIX/ in Cloud Storage.")
    var paths: [String]

    @Option(help: "Load every file into this table.")
    var table: String?

    @Flag(help: "Swap the tables' contents for these files, atomically.")
    var replace = false

    @Flag(help: "Add these files' rows to existing tables.")
    var append = false

    @Option(help: "A directory of CREATE TABLE files overriding the built-in schemas.")
    var schemas: String?

    func validate() throws {
        if replace && append { throw ValidationError("--replace and --append exclude each other") }
    }

    func run() throws {
        let start = Date()
        var localPaths: [String] = [], downloads: [String] = [], origin: [String: String] = [:]
        defer { for d in downloads { try? FileManager.default.removeItem(atPath: d) } }
        for p in paths {
            guard p.hasPrefix("gs://") else { localPaths.append(p); continue }
            let (dir, files) = try downloadRawZone(p, accessToken: nil)
            downloads.append(dir)
            for f in files { localPaths.append(f.local); origin[f.local] = f.remote }
        }
        let store = try global.openStore(create: true)
        var options = IngestOptions(table: table, mode: replace ? .replace : append ? .append : .create, schemaDirectory: schemas)
        options.table = table
        let ingester = try Ingester(store: store, options: options)
        let results = try ingester.ingest(paths: localPaths)
        var perTable: [String: (loaded: Int, rejected: Int)] = [:]
        for r in results {
            if r.skipped {
                print("\(origin[r.path] ?? r.path): already loaded into \(r.table) (same content, sha256 \(r.sha256.prefix(12))…); skipped")
                continue
            }
            let note = r.inferredTypes ? " (no schema for \(r.table): types inferred)" : ""
            print("\(origin[r.path] ?? r.path) -> \(r.table): \(r.rowsLoaded) rows loaded, \(r.rowsRejected) rejected\(note)")
            perTable[r.table, default: (0, 0)].loaded += r.rowsLoaded
            perTable[r.table, default: (0, 0)].rejected += r.rowsRejected
        }
        let seconds = Date().timeIntervalSince(start)
        let loaded = perTable.values.reduce(0) { $0 + $1.loaded }
        let rejected = perTable.values.reduce(0) { $0 + $1.rejected }
        if !perTable.isEmpty {
            print("ingest summary:")
            for (t, c) in perTable.sorted(by: { $0.key < $1.key }) {
                print("  \(t): \(c.loaded) loaded, \(c.rejected) rejected")
            }
            print(String(format: "total: %d rows loaded, %d rejected in %.2f s", loaded, rejected, seconds)
                  + (rejected > 0 ? " (see: nq describe _rejects)" : ""))
        }
    }
}
