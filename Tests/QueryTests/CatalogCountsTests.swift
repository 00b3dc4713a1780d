import Foundation
import Testing
@testable import ColumnStore
@testable import Query

/// `COUNT(*)`, `COUNT(column)` and `COUNTIF(column IS [NOT] NULL)` over a whole table are answered from
/// the catalog's row and null counts (`Planner.catalogCounts`). Checked against counts computed here
/// from the rows written, over a table of three segments with NULLs in some, an all-NULL column, an
/// empty table, and a store whose catalog lost one segment's zone maps (the scan must then run).
@Suite struct CatalogCountsTests {
    /// Row `i` of segment `s` (sizes 700, 1, 1,300): `k` NULL every 7th row of segment 0 and never
    /// elsewhere; `n` always NULL; `v` NULL on even rows.
    static let sizes = [700, 1, 1_300]
    static func row(_ s: Int, _ i: Int) -> (k: String?, n: Int64?, v: Int64?) {
        (s == 0 && i % 7 == 0 ? nil : "key \(s) \(i)", nil, i % 2 == 0 ? nil : Int64(i))
    }

    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("catcounts")
        let store = try Store(path: path)
        let t = TableSchema(name: "t", columns: [ColumnSchema(name: "k", type: .string), ColumnSchema(name: "n", type: .int64),
                                                 ColumnSchema(name: "v", type: .int64)])
        let e = TableSchema(name: "e", columns: [ColumnSchema(name: "k", type: .string)])
        try store.write { w in
            var segments: [PendingSegment] = []
            for (s, size) in sizes.enumerated() {
                var kb = ColumnBuilder(type: .string), nb = ColumnBuilder(type: .int64), vb = ColumnBuilder(type: .int64)
                for i in 0..<size {
                    let r = row(s, i)
                    kb.append(r.k.map(Value.string) ?? .null)
                    nb.append(r.n.map(Value.int64) ?? .null)
                    vb.append(r.v.map(Value.int64) ?? .null)
                }
                segments.append(try w.writeSegment(schema: t, columns: [kb.finish(), nb.finish(), vb.finish()], blockRows: 256))
            }
            try w.commit { tx in
                try tx.createTable(t, source: "test")
                try tx.addSegments(segments, to: "t")
                try tx.createTable(e, source: "test")
            }
        }
        return (store, path)
    }

    /// Hand-counted: rows, NULL `k`, NULL `n`, NULL `v` over all segments (optionally only those kept).
    static func expected(where keep: (Int, Int) -> Bool = { _, _ in true }) -> (rows: Int64, k: Int64, n: Int64, v: Int64) {
        var c: (rows: Int64, k: Int64, n: Int64, v: Int64) = (0, 0, 0, 0)
        for (s, size) in sizes.enumerated() {
            for i in 0..<size where keep(s, i) {
                let r = row(s, i)
                c.rows += 1
                if r.k == nil { c.k += 1 }
                if r.n == nil { c.n += 1 }
                if r.v == nil { c.v += 1 }
            }
        }
        return c
    }

    static func values(_ store: Store, _ sql: String) throws -> [Value] {
        let r = try QueryEngine(store: store).execute(sql)[0]
        #expect(r.rowCount == 1)
        return (0..<r.columns.count).map { r.value(row: 0, column: $0) }
    }

    static func plan(_ store: Store, _ sql: String) throws -> String {
        let r = try QueryEngine(store: store).execute("explain " + sql)[0]
        return (0..<r.rowCount).map { "\(r.value(row: $0, column: 0))" }.joined(separator: "\n")
    }

    static let allCounts = """
        select count(*), countif(k is null), countif(k is not null), count(k), countif(n is null), count(n),
               countif(v is not null), count(v), count(*) + 1 from t
        """

    @Test("counts of every row, NULLs and non-NULLs come from the catalog and equal the rows written")
    func countsFromTheCatalogEqualTheRows() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let e = Self.expected()
        #expect(e.k == 100 && e.n == 2_001 && e.rows == 2_001, "the data has NULL keys in one segment and an all-NULL column")
        let got = try Self.values(store, Self.allCounts)
        #expect(got == [e.rows, e.k, e.rows - e.k, e.rows - e.k, e.n, e.rows - e.n, e.rows - e.v, e.rows - e.v, e.rows + 1].map(Value.int64))
        let plan = try Self.plan(store, Self.allCounts)
        #expect(plan.contains("Counts of t from the catalog") && !plan.contains("Scan t"), "\(plan)")
    }

    @Test("an empty table gives one row of zeros from the catalog")
    func emptyTableCountsZero() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let sql = "select count(*), countif(k is null), countif(k is not null), count(k) from e"
        #expect(try Self.values(store, sql) == [0, 0, 0, 0].map(Value.int64))
        #expect(try Self.plan(store, sql).contains("Counts of e from the catalog"))
    }

    @Test("a WHERE clause, a GROUP BY or another aggregate leaves the count to the scan", arguments: [
        "select count(*), countif(k is null) from t where v > 100",
        "select count(*) from t group by n",
        "select count(*), sum(v) from t",
        "select countif(v > 3) from t",
        "select countif(k is null or v is null) from t",
        "select count(*) from (select * from t)",
    ])
    func otherQueriesScan(sql: String) throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let plan = try Self.plan(store, sql)
        #expect(!plan.contains("from the catalog"), "\(plan)")
    }

    @Test("a filtered count is still the scan's, equal to the hand count")
    func filteredCountScans() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let e = Self.expected { s, i in
            let v = Self.row(s, i).v
            return v != nil && v! > 100
        }
        #expect(try Self.values(store, "select count(*), countif(k is null) from t where v > 100") == [e.rows, e.k].map(Value.int64))
    }

    @Test("a segment without zone maps in the catalog makes the count scan, with the same result")
    func missingZoneMapsFallBackToTheScan() throws {
        let (_, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteDatabase(path: path + "/catalog.sqlite")
        try db.execute("DELETE FROM zone_maps WHERE segment_id = (SELECT min(id) FROM segments WHERE table_name = 't')")
        let reopened = try Store(path: path)
        let e = Self.expected()
        let sql = "select count(*), countif(k is null), count(v) from t"
        #expect(try Self.values(reopened, sql) == [e.rows, e.k, e.rows - e.v].map(Value.int64))
        let plan = try Self.plan(reopened, sql)
        #expect(!plan.contains("from the catalog") && plan.contains("Scan t"), "\(plan)")
        // COUNT(*) alone needs no zone map: the segments' row counts answer it.
        #expect(try Self.values(reopened, "select count(*) from t") == [.int64(e.rows)])
        #expect(try Self.plan(reopened, "select count(*) from t").contains("from the catalog"))
    }
}
