import ColumnStore
import Foundation
import Testing
@testable import Query

/// `ROW_NUMBER() … = 1` planned as `TopOneOperator` over a table of several segments and many small
/// blocks, with many partitions, NULL and NaN / -0.0 partition keys, ORDER BY ties and long strings
/// that share their first 8 bytes; checked against the first row of each partition computed in Swift
/// (window order: the ORDER BY keys, then input position), kept rows in input order.
@Suite struct TopOneTests {
    struct Row {
        var id: Int64
        var k: Int64?
        var f: Double?
        var v: Int64?
        var s: String?
    }

    /// 120,000 rows in four segments of 4,096-row blocks; `k` has 40,000 values and NULLs, `v` many
    /// ties, `s` long strings with a common prefix.
    static let rows: [Row] = (0..<120_000).map { i in
        let k: Int64? = i % 997 == 3 ? nil : Int64((i * 7_919) % 40_000)
        let fs: [Double?] = [0.0, -0.0, .nan, -.nan, nil, 1.5, 2.5]
        let f = fs[(i * 31) % fs.count]
        let v: Int64? = i % 13 == 0 ? nil : Int64((i * 104_729) % 5)
        let s: String? = i % 17 == 0 ? nil : "session_prefix_\((i * 65_537) % 3_001)"
        return Row(id: Int64(i), k: k, f: f, v: v, s: s)
    }

    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("topone")
        let store = try Store(path: path)
        let schema = TableSchema(name: "p", columns: [ColumnSchema(name: "id", type: .int64), ColumnSchema(name: "k", type: .int64),
                                                      ColumnSchema(name: "f", type: .float64), ColumnSchema(name: "v", type: .int64),
                                                      ColumnSchema(name: "s", type: .string)])
        try store.write { w in
            var segments: [PendingSegment] = []
            for part in stride(from: 0, to: rows.count, by: 30_000) {
                var b = schema.columns.map { ColumnBuilder(type: $0.type) }
                for r in rows[part..<(part + 30_000)] {
                    b[0].append(.int64(r.id))
                    b[1].append(r.k.map(Value.int64) ?? .null)
                    b[2].append(r.f.map(Value.float64) ?? .null)
                    b[3].append(r.v.map(Value.int64) ?? .null)
                    b[4].append(r.s.map(Value.string) ?? .null)
                }
                segments.append(try w.writeSegment(schema: schema, columns: b.indices.map { b[$0].finish() }, blockRows: 4_096))
            }
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments(segments, to: "p")
            }
        }
        return (store, path)
    }

    /// Negative, zero or positive as `a` sorts before, with or after `b`, NULLs first or last.
    static func compare<T: Comparable>(_ a: T?, _ b: T?, descending: Bool, nullsFirst: Bool) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return nullsFirst ? -1 : 1
        case (_, nil): return nullsFirst ? 1 : -1
        case let (x?, y?): return x == y ? 0 : ((x < y) != descending ? -1 : 1)
        }
    }

    /// The ids (ascending) of the first row of each partition, `precedes` being the window order
    /// without input position (ties keep the earlier row).
    static func expected(partition: (Row) -> String, precedes: (Row, Row) -> Bool) -> [Value] {
        var best: [String: Row] = [:]
        for r in rows {
            let key = partition(r)
            if let held = best[key], !precedes(r, held) { continue }
            best[key] = r
        }
        return best.values.map(\.id).sorted().map(Value.int64)
    }

    static func ids(_ sql: String) throws -> [Value] {
        let (store, path) = try store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(sql)[0]
        return (0..<r.rowCount).map { r.value(row: $0, column: 0) }
    }

    @Test func keepsTheFirstRowOfEachOfManyPartitionsInInputOrder() throws {
        let got = try Self.ids("select id, row_number() over (partition by k order by v desc, s) as rn from p qualify rn = 1")
        let want = Self.expected(partition: { "\($0.k.map(String.init) ?? "NULL")" }) { a, b in
            let c = Self.compare(a.v, b.v, descending: true, nullsFirst: false)
            return c != 0 ? c < 0 : Self.compare(a.s, b.s, descending: false, nullsFirst: true) < 0
        }
        #expect(got.count == want.count)
        #expect(got == want)
    }

    @Test func groupsNaNsTogetherAndNegativeZeroWithZero() throws {
        let got = try Self.ids("select id from (select id, row_number() over (partition by f, v order by s desc nulls first) as rn from p) where rn = 1")
        let want = Self.expected(partition: { r in
            let f = r.f.map { $0.isNaN ? "NaN" : ($0 == 0 ? "0" : "\($0)") } ?? "NULL"
            return f + "|" + (r.v.map(String.init) ?? "NULL")
        }) { a, b in Self.compare(a.s, b.s, descending: true, nullsFirst: true) < 0 }
        #expect(got == want)
    }

    @Test func explainShowsTheTopOneOnlyForRowNumberEqualToOne() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        func plan(_ sql: String) throws -> String {
            let r = try QueryEngine(store: store).execute("EXPLAIN " + sql)[0]
            return (0..<r.rowCount).map { "\(r.value(row: $0, column: 0))" }.joined(separator: "\n")
        }
        let inner = "select id, row_number() over (partition by k order by v) as rn, rank() over (partition by k order by v) as rk from p"
        #expect(try plan("select id from p qualify row_number() over (partition by k order by v) = 1").contains("TopOnePerPartition"))
        #expect(try plan("select id from (select id, row_number() over (partition by k order by v) as rn from p) where rn = 1").contains("TopOnePerPartition"))
        #expect(try plan("select id from p qualify row_number() over (partition by k order by v) <= 1").contains("TopOnePerPartition"))
        #expect(try plan("select id from (select id, row_number() over (partition by k order by v) as rn from p) where 2 > rn").contains("TopOnePerPartition"))
        for sql in ["select id from p qualify row_number() over (partition by k order by v) = 2",
                    "select id from p qualify row_number() over (partition by k order by v) <= 2",
                    "select id from p qualify row_number() over (partition by k order by v) < 1",
                    "select id from p qualify row_number() over (order by v) = 1",
                    "select id from p qualify rank() over (partition by k order by v) = 1",
                    "select id from (\(inner)) where rn = 1",
                    "select id from (\(inner)) where rk = 1"] {
            let p = try plan(sql)
            #expect(!p.contains("TopOnePerPartition") && p.contains("Window"), "\(sql)\n\(p)")
        }
    }

    @Test("counting the kept rows gives the number of distinct partition keys, NULL and NaN keys included")
    func countingKeptRowsCountsKeys() throws {
        let got = try Self.ids("select count(*) from (select id, f from p qualify row_number() over (partition by f, k order by v desc) = 1)")
        let keys = Set(Self.rows.map { r in
            (r.f.map { $0.isNaN ? "NaN" : ($0 == 0 ? "0" : "\($0)") } ?? "NULL") + "|" + (r.k.map(String.init) ?? "NULL")
        })
        #expect(got == [.int64(Int64(keys.count))])
    }

    @Test("a column read above keeps the chosen rows' values when the others are not read")
    func readColumnKeepsChosenRows() throws {
        let got = try Self.ids("select sum(id) from (select id, k, s from p qualify row_number() over (partition by k order by v desc, s) <= 1)")
        let want = Self.expected(partition: { "\($0.k.map(String.init) ?? "NULL")" }) { a, b in
            let c = Self.compare(a.v, b.v, descending: true, nullsFirst: false)
            return c != 0 ? c < 0 : Self.compare(a.s, b.s, descending: false, nullsFirst: true) < 0
        }
        let sum = want.reduce(Int64(0)) { acc, v in if case .int64(let x) = v { return acc + x } else { return acc } }
        #expect(got == [.int64(sum)])
    }
}
