#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An nq store: a directory holding `catalog.sqlite` and immutable segment files under `segments/`.
///
/// Readers take no lock: the catalog is in WAL mode and segments never change once written; a query
/// opens all the files of a table version up front (`pinnedTable`) so that deleting them does not
/// pull them from under it. Writers
/// serialize on an exclusive `flock` of `LOCK`; a write first removes leftovers of crashed writers
/// (segment files no committed catalog row references), then writes new segments under their final
/// names and makes them visible in one catalog transaction.
public final class Store {
    public let path: String
    let catalog: Catalog
    var segmentsDirectory: String { path + "/segments" }

    /// Opens the store at `path`, creating it when `create` is true and it does not exist.
    /// - Throws: `StoreError.badStore` when the directory is missing (and `create` is false), unreadable,
    ///   or not a store.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        if !FileIO.isDirectory(path) {
            if FileIO.exists(path) { throw StoreError.badStore(path: path, reason: "exists and is not a directory") }
            guard create else { throw StoreError.badStore(path: path, reason: "no such store (run `nq ingest` first, or pass --store)") }
            do { try FileIO.makeDirectory(path) } catch { throw StoreError.badStore(path: path, reason: "\(error)") }
        }
        guard access(path, R_OK | X_OK) == 0 else { throw StoreError.badStore(path: path, reason: "directory is not readable") }
        let catalogPath = path + "/catalog.sqlite"
        if !FileIO.exists(catalogPath) {
            guard create else { throw StoreError.badStore(path: path, reason: "no catalog.sqlite: not an nq store") }
            guard access(path, W_OK) == 0 else { throw StoreError.badStore(path: path, reason: "directory is not writable") }
        }
        do {
            catalog = try Catalog(path: catalogPath)
        } catch let e as StoreError {
            throw StoreError.badStore(path: path, reason: "\(e)")
        }
        if create { try FileIO.makeDirectory(segmentsDirectory) }
    }

    // MARK: reading

    public func tableNames() throws -> [String] { try catalog.tableNames() }

    public func tables() throws -> [TableInfo] { try tableNames().compactMap { try catalog.table($0) } }

    /// The table named `name`, or `StoreError.noSuchTable` with the closest existing name.
    public func table(_ name: String) throws -> TableInfo {
        if let t = try catalog.table(name) { return t }
        if let t = try catalog.table(name.lowercased()) { return t }
        throw StoreError.noSuchTable(name, suggestion: closestName(to: name, in: try tableNames()))
    }

    public func tableIfExists(_ name: String) throws -> TableInfo? { try catalog.table(name) }

    /// The table named `name` with every segment file already open: a query reading it sees this version
    /// of the table to the end, even when a writer replaces the table meanwhile and deletes the old files
    /// (an unlinked file stays readable through an open descriptor). A file that vanishes between reading
    /// the catalog and opening it belongs to a version just replaced, so the catalog is read again.
    public func pinnedTable(_ name: String) throws -> TableInfo {
        var attempt = 0
        while true {
            var t = try table(name)
            do {
                for i in t.segments.indices {
                    t.segments[i].pinnedFile = try ReadOnlyFile(path: segmentPath(t.segments[i].file))
                }
                return t
            } catch StoreError.io(operation: "open", path: _, errno: ENOENT, message: _) where attempt < 8 {
                attempt += 1
            }
        }
    }

    public func segmentPath(_ file: String) -> String { segmentsDirectory + "/" + file }

    /// Opens a segment for reading, through the file pinned by `pinnedTable` when there is one.
    public func openSegment(_ segment: SegmentInfo) throws -> SegmentReader {
        if let file = segment.pinnedFile { return try SegmentReader(file: file) }
        return try SegmentReader(path: segmentPath(segment.file))
    }

    public func isFileLoaded(table: String, sha256: String) throws -> Bool { try catalog.isFileLoaded(table: table, sha256: sha256) }

    /// The committed state values of `namespace` (see `CatalogTransaction.setState`), by key.
    public func state(namespace: String) throws -> [String: String] { try catalog.state(namespace: namespace) }

    /// Reads every row of a table (for small tables and tests; queries stream blocks instead).
    public func readAll(_ name: String) throws -> [Column] {
        let t = try table(name)
        var builders = t.schema.columns.map { ColumnBuilder(type: $0.type, capacity: t.rows) }
        for s in t.segments {
            let r = try openSegment(s)
            for c in builders.indices { builders[c].append(contentsOf: try r.readColumn(c)) }
        }
        return builders.indices.map { builders[$0].finish() }
    }

    // MARK: writing

    /// Runs `body` holding the store's write lock, after removing leftovers of interrupted writers.
    public func write<R>(_ body: (StoreWriter) throws -> R) throws -> R {
        let lockPath = path + "/LOCK"
        let fd = try FileIO.check(open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644), "open lock file", lockPath)
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { try FileIO.check(-1, "lock", lockPath) }
        }
        defer { flock(fd, LOCK_UN) }
        try removeLeftovers()
        let writer = StoreWriter(store: self)
        do {
            let r = try body(writer)
            writer.discardUncommitted()
            return r
        } catch {
            writer.discardUncommitted()
            throw error
        }
    }

    /// Deletes segment files that no catalog row references (temporary files and segments of
    /// writers that died before committing). Call only while holding the write lock.
    /// - Returns: the number of files removed.
    @discardableResult
    func removeLeftovers() throws -> Int {
        let referenced = try catalog.referencedFiles()
        var removed = 0
        for name in try FileIO.list(segmentsDirectory) where !referenced.contains(name) {
            FileIO.remove(segmentsDirectory + "/" + name)
            removed += 1
        }
        return removed
    }
}

/// The write side of a store, valid inside `Store.write`.
public final class StoreWriter {
    unowned let store: Store
    private var pending: Set<String> = []
    private let lock = NSLock()

    init(store: Store) { self.store = store }

    /// Writes a segment file for `schema` under its final name. It stays invisible (and is deleted
    /// when the write ends) until a `commit` adds it to a table. Safe to call from several threads.
    public func writeSegment(schema: TableSchema, columns: [Column], blockRows: Int = SegmentFormat.defaultBlockRows) throws -> PendingSegment {
        let file = UUID().uuidString.lowercased() + ".nqs"
        lock.withLock { _ = pending.insert(file) }
        let summary = try SegmentWriter.write(schema: schema.columns, columns: columns, to: store.segmentPath(file), blockRows: blockRows)
        return PendingSegment(file: file, summary: summary)
    }

    /// Applies `body`'s changes in one catalog transaction; files of segments it removes are deleted
    /// after the commit.
    public func commit(_ body: (CatalogTransaction) throws -> Void) throws {
        let tx = CatalogTransaction(catalog: store.catalog)
        try store.catalog.db.transaction { try body(tx) }
        lock.withLock { for file in tx.added { pending.remove(file) } }
        for file in tx.removedFiles { FileIO.remove(store.segmentPath(file)) }
    }

    func discardUncommitted() {
        let files = lock.withLock { () -> Set<String> in
            defer { pending.removeAll() }
            return pending
        }
        for file in files { FileIO.remove(store.segmentPath(file)); FileIO.remove(store.segmentPath(file) + ".tmp") }
    }
}

/// A segment written but not yet committed.
public struct PendingSegment: Sendable {
    public var file: String
    public var summary: SegmentSummary
}

/// Catalog changes made inside one SQLite transaction.
public final class CatalogTransaction {
    let catalog: Catalog
    var db: SQLiteDatabase { catalog.db }
    fileprivate(set) var added: [String] = []
    fileprivate(set) var removedFiles: [String] = []

    init(catalog: Catalog) { self.catalog = catalog }

    /// Creates a table. With `replace`, an existing table of that name and its segments are dropped first.
    public func createTable(_ schema: TableSchema, source: String, replace: Bool = false) throws {
        if try catalog.table(schema.name) != nil {
            guard replace else { throw StoreError.tableExists(schema.name) }
            try dropTable(schema.name)
        }
        try db.query("INSERT INTO tables(name, schema_source) VALUES (?, ?)", [.text(schema.name), .text(source)])
        for (i, c) in schema.columns.enumerated() {
            try db.query("INSERT INTO columns(table_name, ordinal, name, type) VALUES (?, ?, ?, ?)",
                         [.text(schema.name), .integer(Int64(i)), .text(c.name), .text(c.type.rawValue)])
        }
    }

    public func dropTable(_ name: String) throws {
        removedFiles += try db.query("SELECT file FROM segments WHERE table_name = ?", [.text(name)]).map { $0[0].string }
        try db.query("DELETE FROM tables WHERE name = ?", [.text(name)])
        try db.query("DELETE FROM loaded_files WHERE table_name = ?", [.text(name)])
    }

    /// Renames table `from` to `to` with its columns, segments and loaded-file records. `to` must not exist.
    public func renameTable(_ from: String, to: String) throws {
        guard try catalog.table(from) != nil else { throw StoreError.noSuchTable(from, suggestion: nil) }
        guard try catalog.table(to) == nil else { throw StoreError.tableExists(to) }
        try db.query("INSERT INTO tables(name, schema_source, created_at) SELECT ?, schema_source, created_at FROM tables WHERE name = ?", [.text(to), .text(from)])
        try db.query("UPDATE columns SET table_name = ? WHERE table_name = ?", [.text(to), .text(from)])
        try db.query("UPDATE segments SET table_name = ? WHERE table_name = ?", [.text(to), .text(from)])
        try db.query("UPDATE loaded_files SET table_name = ? WHERE table_name = ?", [.text(to), .text(from)])
        try db.query("DELETE FROM tables WHERE name = ?", [.text(from)])
    }

    /// Removes every segment of a table, keeping the table.
    public func truncate(_ name: String) throws {
        removedFiles += try db.query("SELECT file FROM segments WHERE table_name = ?", [.text(name)]).map { $0[0].string }
        try db.query("DELETE FROM segments WHERE table_name = ?", [.text(name)])
    }

    public func removeSegments(_ ids: [Int64]) throws {
        for id in ids {
            removedFiles += try db.query("SELECT file FROM segments WHERE id = ?", [.integer(id)]).map { $0[0].string }
            try db.query("DELETE FROM segments WHERE id = ?", [.integer(id)])
        }
    }

    /// Makes pending segments part of `table`.
    public func addSegments(_ segments: [PendingSegment], to table: String) throws {
        for s in segments {
            try db.query("INSERT INTO segments(table_name, file, rows, raw_bytes, stored_bytes) VALUES (?, ?, ?, ?, ?)",
                         [.text(table), .text(s.file), .integer(Int64(s.summary.rows)), .integer(Int64(s.summary.rawBytes)), .integer(Int64(s.summary.storedBytes))])
            let id = db.lastInsertRowID
            for (i, c) in s.summary.columns.enumerated() {
                let z = c.zone
                try db.query("INSERT INTO zone_maps(segment_id, column_ordinal, null_count, min_value, max_value) VALUES (?, ?, ?, ?, ?)",
                             [.integer(id), .integer(Int64(i)), .integer(Int64(z.nullCount)), Catalog.encode(z.min), Catalog.encode(z.max)])
                if let prefix = z.maxPrefix {
                    try Catalog.createMaxPrefixTable(db)
                    try db.query("INSERT INTO zone_max_prefixes(segment_id, column_ordinal, prefix) VALUES (?, ?, ?)",
                                 [.integer(id), .integer(Int64(i)), .text(prefix)])
                }
            }
            added.append(s.file)
        }
    }

    public func recordLoadedFile(table: String, sha256: String, path: String, bytes: Int, rowsLoaded: Int, rowsRejected: Int) throws {
        try db.query("INSERT OR REPLACE INTO loaded_files(table_name, sha256, path, bytes, rows_loaded, rows_rejected) VALUES (?, ?, ?, ?, ?, ?)",
                     [.text(table), .text(sha256), .text(path), .integer(Int64(bytes)), .integer(Int64(rowsLoaded)), .integer(Int64(rowsRejected))])
    }

    public func forgetLoadedFiles(table: String) throws {
        try db.query("DELETE FROM loaded_files WHERE table_name = ?", [.text(table)])
    }

    public func table(_ name: String) throws -> TableInfo? { try catalog.table(name) }

    /// Sets a state value; it becomes visible with the rest of the transaction (for example the segments
    /// whose rows it accounts for), so state and data never disagree after a crash.
    public func setState(namespace: String, key: String, value: String) throws {
        try db.query("""
            INSERT INTO state(namespace, key, value) VALUES (?, ?, ?)
            ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            """, [.text(namespace), .text(key), .text(value)])
    }

    public func removeState(namespace: String, key: String? = nil) throws {
        if let key {
            try db.query("DELETE FROM state WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)])
        } else {
            try db.query("DELETE FROM state WHERE namespace = ?", [.text(namespace)])
        }
    }

    /// The state values of `namespace` as this transaction sees them.
    public func state(namespace: String) throws -> [String: String] { try catalog.state(namespace: namespace) }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
public func closestName(to name: String, in candidates: [String]) -> String? {
    let target = Array(name.lowercased())
    var best: (String, Int)? = nil
    for c in candidates {
        let d = editDistance(target, Array(c.lowercased()))
        if d <= max(2, target.count / 3), best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
