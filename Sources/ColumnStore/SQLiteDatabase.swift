import CSQLite

/// A SQLite connection (libsqlite3), closed in deinit. The only file that imports CSQLite.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String
    /// Prepared statements by SQL text, reset after each use: the catalog runs the same few statements
    /// for every commit (segments, zone maps, state rows), and preparing them again each time showed in
    /// the streaming consumer's profile. Bounded; finalized before the connection closes.
    private var statements: [String: OpaquePointer] = [:]
    private static let maxCachedStatements = 64

    /// Opens (creating if needed) the database at `path` in WAL mode with full fsync.
    init(path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError.sqlite(function: "sqlite3_open_v2", code: rc, message: "\(message) (\(path))", sql: nil)
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=FULL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        for stmt in statements.values { sqlite3_finalize(stmt) }
        sqlite3_close_v2(handle)
    }

    /// The cached statement for `sql`, prepared on first use.
    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let stmt = statements[sql] { return stmt }
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &stmt, nil), "sqlite3_prepare_v2", sql: sql)
        guard let stmt else { throw StoreError.sqlite(function: "sqlite3_prepare_v2", code: SQLITE_MISUSE, message: "empty statement", sql: sql) }
        if statements.count >= Self.maxCachedStatements {
            for old in statements.values { sqlite3_finalize(old) }
            statements.removeAll(keepingCapacity: true)
        }
        statements[sql] = stmt
        return stmt
    }

    private func check(_ rc: Int32, _ function: String, sql: String? = nil) throws {
        guard rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw StoreError.sqlite(function: function, code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    /// Runs one or more statements that take no parameters and return no rows.
    func execute(_ sql: String) throws {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), "sqlite3_exec", sql: sql)
    }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT; rolls back if it throws.
    func transaction<R>(_ body: () throws -> R) throws -> R {
        try execute("BEGIN IMMEDIATE")
        do {
            let r = try body()
            try execute("COMMIT")
            return r
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body`'s reads as one consistent snapshot. A SAVEPOINT starts a deferred (read) transaction
    /// when none is open and nests inside one that is, so callers inside a write transaction work too.
    func snapshot<R>(_ body: () throws -> R) throws -> R {
        try execute("SAVEPOINT nq_snapshot")
        defer { try? execute("RELEASE nq_snapshot") }
        return try body()
    }

    /// Runs a statement with bound parameters and returns every row.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let stmt = try prepared(sql)
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        for (i, p) in parameters.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch p {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .integer(let v): rc = sqlite3_bind_int64(stmt, idx, v)
            case .real(let v): rc = sqlite3_bind_double(stmt, idx, v)
            case .text(let v): rc = sqlite3_bind_text(stmt, idx, v, -1, nq_sqlite_transient())
            }
            try check(rc, "sqlite3_bind", sql: sql)
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            try check(rc, "sqlite3_step", sql: sql)
            let n = sqlite3_column_count(stmt)
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(n))
            for c in 0..<n {
                switch sqlite3_column_type(stmt, c) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(stmt, c)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(stmt, c)))
                case SQLITE_NULL: row.append(.null)
                default: row.append(.text(String(cString: sqlite3_column_text(stmt, c))))
                }
            }
            rows.append(row)
        }
        return rows
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

/// A SQLite value as bound or read.
enum SQLiteValue: Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    var int: Int { if case .integer(let v) = self { return Int(v) } else { return 0 } }
    var string: String { if case .text(let v) = self { return v } else if case .integer(let v) = self { return String(v) } else { return "" } }
}
