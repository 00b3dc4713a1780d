/// The store's catalog in SQLite: tables, columns, segments with their zone maps, and loaded-file hashes.
/// Schema migrations are keyed by `PRAGMA user_version`.
final class Catalog {
    let db: SQLiteDatabase
    static let schemaVersion = 2

    init(path: String) throws {
        db = try SQLiteDatabase(path: path)
        try migrate()
    }

    private func migrate() throws {
        let version = try db.query("PRAGMA user_version").first?.first?.int ?? 0
        if version > Catalog.schemaVersion {
            throw StoreError.badStore(path: db.path, reason: "catalog version \(version) is newer than this nq (\(Catalog.schemaVersion))")
        }
        if version < 1 { try migrateToVersion1() }
        if version < 2 { try migrateToVersion2() }
    }

    /// Version 1: tables, columns, segments, zone maps, loaded files.
    private func migrateToVersion1() throws {
        try db.transaction {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS tables (
                    name TEXT PRIMARY KEY,
                    schema_source TEXT NOT NULL,
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
                CREATE TABLE IF NOT EXISTS columns (
                    table_name TEXT NOT NULL REFERENCES tables(name) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    PRIMARY KEY (table_name, ordinal));
                CREATE TABLE IF NOT EXISTS segments (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    table_name TEXT NOT NULL REFERENCES tables(name) ON DELETE CASCADE,
                    file TEXT NOT NULL UNIQUE,
                    rows INTEGER NOT NULL,
                    raw_bytes INTEGER NOT NULL,
                    stored_bytes INTEGER NOT NULL,
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
                CREATE INDEX IF NOT EXISTS segments_by_table ON segments(table_name);
                CREATE TABLE IF NOT EXISTS zone_maps (
                    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
                    column_ordinal INTEGER NOT NULL,
                    null_count INTEGER NOT NULL,
                    min_value, max_value,
                    PRIMARY KEY (segment_id, column_ordinal));
                CREATE TABLE IF NOT EXISTS loaded_files (
                    table_name TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    path TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    rows_loaded INTEGER NOT NULL,
                    rows_rejected INTEGER NOT NULL,
                    loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                    PRIMARY KEY (table_name, sha256));
                PRAGMA user_version = 1;
                """)
        }
    }

    /// Version 2: `state`, small named values that commit together with segments (stream offsets and
    /// open windows, export progress, batch run state).
    private func migrateToVersion2() throws {
        try db.transaction {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS state (
                    namespace TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                    PRIMARY KEY (namespace, key));
                PRAGMA user_version = 2;
                """)
        }
    }

    /// `zone_max_prefixes`: the first bytes of a segment's STRING maximum that was too long to keep
    /// (`ZoneMap.maxPrefix`). Created by the first segment that needs it, without a catalog version
    /// change: older nq versions neither read nor need it (they treat such a maximum as unknown), and
    /// its rows go with their segment (ON DELETE CASCADE).
    static func createMaxPrefixTable(_ db: SQLiteDatabase) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS zone_max_prefixes (
                segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
                column_ordinal INTEGER NOT NULL,
                prefix TEXT NOT NULL,
                PRIMARY KEY (segment_id, column_ordinal))
            """)
    }

    /// Every key of `namespace` with its value.
    func state(namespace: String) throws -> [String: String] {
        let rows = try db.query("SELECT key, value FROM state WHERE namespace = ?", [.text(namespace)])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0].string, $0[1].string) })
    }

    func tableNames() throws -> [String] {
        try db.query("SELECT name FROM tables ORDER BY name").map { $0[0].string }
    }

    /// The table's schema, segments and zone maps, read in one snapshot so that a concurrent commit
    /// is seen entirely or not at all.
    func table(_ name: String) throws -> TableInfo? {
        try db.snapshot { try readTable(name) }
    }

    private func readTable(_ name: String) throws -> TableInfo? {
        guard let t = try db.query("SELECT name, schema_source, created_at FROM tables WHERE name = ?", [.text(name)]).first else { return nil }
        let cols = try db.query("SELECT name, type FROM columns WHERE table_name = ? ORDER BY ordinal", [.text(name)]).map {
            ColumnSchema(name: $0[0].string, type: ColumnType(rawValue: $0[1].string) ?? .string)
        }
        let schema = TableSchema(name: name, columns: cols)
        let segRows = try db.query("SELECT id, file, rows, raw_bytes, stored_bytes FROM segments WHERE table_name = ? ORDER BY id", [.text(name)])
        var zonesBySegment: [Int64: [ZoneMap]] = [:]
        let zoneRows = try db.query("""
            SELECT z.segment_id, z.column_ordinal, z.null_count, z.min_value, z.max_value, s.rows
            FROM zone_maps z JOIN segments s ON s.id = z.segment_id
            WHERE s.table_name = ? ORDER BY z.segment_id, z.column_ordinal
            """, [.text(name)])
        var maxPrefixes: [Int64: [Int: String]] = [:]
        if try !db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'zone_max_prefixes'").isEmpty {
            for r in try db.query("""
                SELECT p.segment_id, p.column_ordinal, p.prefix
                FROM zone_max_prefixes p JOIN segments s ON s.id = p.segment_id WHERE s.table_name = ?
                """, [.text(name)]) {
                guard case .integer(let sid) = r[0] else { continue }
                maxPrefixes[sid, default: [:]][r[1].int] = r[2].string
            }
        }
        for z in zoneRows {
            guard case .integer(let sid) = z[0] else { continue }
            let ordinal = z[1].int
            guard ordinal < cols.count else { continue }
            let type = cols[ordinal].type
            let zone = ZoneMap(rowCount: z[5].int, nullCount: z[2].int, min: Catalog.decode(z[3], type), max: Catalog.decode(z[4], type),
                               maxPrefix: type == .string ? maxPrefixes[sid]?[ordinal] : nil)
            zonesBySegment[sid, default: []].append(zone)
        }
        let segments = segRows.map { r -> SegmentInfo in
            guard case .integer(let id) = r[0] else { fatalError("segment id is not an integer") }
            return SegmentInfo(id: id, file: r[1].string, rows: r[2].int, rawBytes: r[3].int, storedBytes: r[4].int, zones: zonesBySegment[id] ?? [])
        }
        return TableInfo(schema: schema, source: t[1].string, createdAt: t[2].string, segments: segments)
    }

    func isFileLoaded(table: String, sha256: String) throws -> Bool {
        try !db.query("SELECT 1 FROM loaded_files WHERE table_name = ? AND sha256 = ?", [.text(table), .text(sha256)]).isEmpty
    }

    func referencedFiles() throws -> Set<String> {
        Set(try db.query("SELECT file FROM segments").map { $0[0].string })
    }

    // MARK: zone values in SQLite

    static func encode(_ v: Value?) -> SQLiteValue {
        switch v {
        case nil, .null?: return .null
        case .int64(let x)?, .timestamp(let x)?: return .integer(x)
        case .date(let x)?: return .integer(Int64(x))
        case .bool(let x)?: return .integer(x ? 1 : 0)
        case .float64(let x)?: return .real(x)
        case .string(let s)?: return .text(s)
        }
    }

    static func decode(_ v: SQLiteValue, _ type: ColumnType) -> Value? {
        switch (v, type) {
        case (.null, _): return nil
        case let (.integer(x), .int64): return .int64(x)
        case let (.integer(x), .timestamp): return .timestamp(x)
        case let (.integer(x), .date): return .date(Int32(truncatingIfNeeded: x))
        case let (.integer(x), .bool): return .bool(x != 0)
        case let (.real(x), .float64): return .float64(x)
        case let (.integer(x), .float64): return .float64(Double(x))
        case let (.text(s), .string): return .string(s)
        default: return nil
        }
    }
}

/// A table as the catalog records it.
public struct TableInfo: Sendable {
    public var schema: TableSchema
    /// "schema" (from schemas/), "inferred" (types guessed from the CSV), "query" (CREATE TABLE AS), "system".
    public var source: String
    public var createdAt: String
    public var segments: [SegmentInfo]

    public var name: String { schema.name }
    public var rows: Int { segments.reduce(0) { $0 + $1.rows } }
    public var rawBytes: Int { segments.reduce(0) { $0 + $1.rawBytes } }
    public var storedBytes: Int { segments.reduce(0) { $0 + $1.storedBytes } }

    /// The table-level zone map of column `c` (all segments merged).
    public func zone(column c: Int) -> ZoneMap {
        let zones = segments.compactMap { c < $0.zones.count ? $0.zones[c] : nil }
        return zones.dropFirst().reduce(zones.first ?? ZoneMap(rowCount: 0, nullCount: 0, min: nil, max: nil)) { $0.merged(with: $1) }
    }
}

/// A committed segment as the catalog records it.
public struct SegmentInfo: Sendable {
    public var id: Int64
    public var file: String
    public var rows: Int
    public var rawBytes: Int
    public var storedBytes: Int
    /// One zone map per column, in column order.
    public var zones: [ZoneMap]
    /// The segment's file, opened when the table was read with `Store.pinnedTable`: it stays readable
    /// after a writer replaces the table and deletes the file.
    var pinnedFile: ReadOnlyFile? = nil
}
