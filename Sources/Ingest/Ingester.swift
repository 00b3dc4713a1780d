import ColumnStore
import Crypto
import Dispatch
import Foundation

/// Loads CSV files into a store: checks every file first, then types their rows in parallel chunks
/// (one segment per chunk), sends untypable rows to `_rejects`, and commits everything in one
/// catalog transaction, so an ingest is visible entirely or not at all.
public final class Ingester {
    let store: Store
    let options: IngestOptions
    let schemas: [String: TableSchema]

    /// - Throws: `IngestError.badSchema` when a file of `options.schemaDirectory` is not a valid schema.
    public init(store: Store, options: IngestOptions = IngestOptions()) throws {
        self.store = store
        self.options = options
        var schemas = SchemaDDL.builtin()
        if let dir = options.schemaDirectory {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for f in files.sorted() where f.hasSuffix(".sql") {
                let path = dir + "/" + f
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw IngestError.unreadable(path: path, reason: "not UTF-8 text") }
                let s = try SchemaDDL.parse(text, source: path)
                schemas[s.name] = s
            }
        }
        self.schemas = schemas
    }

    /// The CSV files named by `paths`: files as given, directories expanded to their `*.csv` in name order.
    public static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else { throw IngestError.missingFile(p) }
            if isDir.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: p).filter { $0.lowercased().hasSuffix(".csv") }.sorted()
                guard !names.isEmpty else { throw IngestError.noCSVFiles(p) }
                out += names.map { (p.hasSuffix("/") ? p : p + "/") + $0 }
            } else {
                out.append(p)
            }
        }
        return out
    }

    /// Ingests the files; see the type's documentation for the guarantees.
    public func ingest(paths: [String], progress: (String) -> Void = { _ in }) throws -> [IngestFileResult] {
        let files = try Ingester.expand(paths)
        // Phase 1: open, hash and check every file before writing anything.
        var prepared: [PreparedFile] = []
        for path in files {
            prepared.append(try prepare(path))
        }
        return try store.write { writer in
            var results: [IngestFileResult] = []
            var segmentsByTable: [String: [PendingSegment]] = [:]
            var createdTables: [String: (TableSchema, String)] = [:]
            var rejects: [RejectedRow] = []
            var loadedRecords: [(PreparedFile, Int, Int)] = []
            var replacedTables: Set<String> = []
            var seenInThisIngest: Set<String> = []
            for file in prepared {
                let existing = try store.tableIfExists(file.table)
                let alreadyLoaded = try store.isFileLoaded(table: file.table, sha256: file.sha256) || seenInThisIngest.contains(file.table + "/" + file.sha256)
                if alreadyLoaded && options.mode != .replace {
                    results.append(IngestFileResult(path: file.path, table: file.table, rowsLoaded: 0, rowsRejected: 0, skipped: true,
                                                    inferredTypes: file.inferred, bytes: file.data.count, sha256: file.sha256))
                    continue
                }
                seenInThisIngest.insert(file.table + "/" + file.sha256)
                let firstFileOfTableHere = createdTables[file.table] == nil && segmentsByTable[file.table] == nil
                if let existing, firstFileOfTableHere {
                    switch options.mode {
                    case .create:
                        if existing.rows > 0 { throw IngestError.tableHasOtherData(table: file.table, path: file.path) }
                        try checkSameSchema(existing.schema, file)
                    case .append:
                        try checkSameSchema(existing.schema, file)
                    case .replace:
                        replacedTables.insert(file.table)
                        createdTables[file.table] = (file.schema, file.inferred ? "inferred" : "schema")
                    }
                } else if existing == nil && createdTables[file.table] == nil {
                    createdTables[file.table] = (file.schema, file.inferred ? "inferred" : "schema")
                } else if let created = createdTables[file.table], created.0 != file.schema {
                    throw IngestError.headerMismatch(path: file.path, table: file.table, detail: "its columns differ from the other files of this table in this ingest")
                }
                progress("loading \(file.path) into \(file.table)")
                let loaded = try load(file, writer: writer)
                segmentsByTable[file.table, default: []] += loaded.segments
                rejects += loaded.rejects
                loadedRecords.append((file, loaded.rows, loaded.rejects.count))
                results.append(IngestFileResult(path: file.path, table: file.table, rowsLoaded: loaded.rows, rowsRejected: loaded.rejects.count,
                                                skipped: false, inferredTypes: file.inferred, bytes: file.data.count, sha256: file.sha256))
            }
            var rejectSegments: [PendingSegment] = []
            if !rejects.isEmpty {
                rejectSegments.append(try writer.writeSegment(schema: RejectsTable.schema, columns: RejectedRow.columns(rejects)))
            }
            let hasRejectsTable = try store.tableIfExists(RejectsTable.name) != nil
            try writer.commit { tx in
                for (name, (schema, source)) in createdTables.sorted(by: { $0.key < $1.key }) {
                    try tx.createTable(schema, source: source, replace: replacedTables.contains(name))
                }
                for (table, segments) in segmentsByTable.sorted(by: { $0.key < $1.key }) {
                    try tx.addSegments(segments, to: table)
                }
                if !rejectSegments.isEmpty {
                    if !hasRejectsTable { try tx.createTable(RejectsTable.schema, source: "system") }
                    try tx.addSegments(rejectSegments, to: RejectsTable.name)
                }
                for (file, rows, rejected) in loadedRecords {
                    try tx.recordLoadedFile(table: file.table, sha256: file.sha256, path: file.path, bytes: file.data.count, rowsLoaded: rows, rowsRejected: rejected)
                }
            }
            for table in segmentsByTable.keys.sorted() where !replacedTables.contains(table) {
                _ = try writer.compactIfNeeded(table: table)
            }
            return results
        }
    }

    private func checkSameSchema(_ existing: TableSchema, _ file: PreparedFile) throws {
        guard existing.columns == file.schema.columns else {
            let want = existing.columns.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", ")
            throw IngestError.headerMismatch(path: file.path, table: file.table, detail: "the table has columns (\(want)); use --replace to change them")
        }
    }
}
