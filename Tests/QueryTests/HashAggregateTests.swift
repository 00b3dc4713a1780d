import ColumnStore
import Foundation
import Testing
@testable import Query

/// GROUP BY over an input large enough to be aggregated as two partials on two threads and merged
/// (`HashAggregateOperator.parallelRows`; an aggregation with COUNT(DISTINCT) stays on one partial),
/// checked against the same aggregates computed row by row in Swift over the rows that were written.
@Suite struct HashAggregateTests {
    struct Row {
        var k: Int64?
        var s: String?
        var x: Double?
        var n: Int64?
    }

    /// 300,000 rows (five 65,536-row blocks): keys 500...999 occur only in the second half, so the second
    /// partial has groups the first lacks; every column has NULLs.
    static let rows: [Row] = (0..<300_000).map(row)

    static func row(_ i: Int) -> Row {
        let key: Int64? = i % 997 == 0 ? nil : Int64(i < 150_000 ? i % 500 : i % 1000)
        let s: String? = i % 101 == 0 ? nil : "s\(i % 37)"
        let x: Double? = i % 19 == 0 ? nil : Double(i % 13) * 0.25
        let n: Int64? = i % 23 == 0 ? nil : Int64(i % 50) - 20
        return Row(k: key, s: s, x: x, n: n)
    }

    static func store() throws -> (Store, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nq-hashagg-\(UUID().uuidString)").path
        let store = try Store(path: path)
        let schema = TableSchema(name: "p", columns: [ColumnSchema(name: "k", type: .int64), ColumnSchema(name: "s", type: .string),
                                                      ColumnSchema(name: "x", type: .float64), ColumnSchema(name: "n", type: .int64)])
        var kb = ColumnBuilder(type: .int64), sb = ColumnBuilder(type: .string), xb = ColumnBuilder(type: .float64), nb = ColumnBuilder(type: .int64)
        for r in rows {
            kb.append(r.k.map(Value.int64) ?? .null)
            sb.append(r.s.map(Value.string) ?? .null)
            xb.append(r.x.map(Value.float64) ?? .null)
            nb.append(r.n.map(Value.int64) ?? .null)
        }
        try store.write { w in
            let seg = try w.writeSegment(schema: schema, columns: [kb.finish(), sb.finish(), xb.finish(), nb.finish()])
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments([seg], to: "p")
            }
        }
        return (store, path)
    }

    /// The aggregates of some rows, as the query below names them.
    struct Expected: Equatable {
        var count: Int64 = 0, countN: Int64 = 0, sumN: Int64 = 0, sumX: Double = 0, countX: Int64 = 0
        var minS: String? = nil, maxN: Int64? = nil, distinctS = Set<String>(), positive: Int64 = 0

        mutating func add(_ r: Row) {
            count += 1
            if let n = r.n { countN += 1; sumN += n; maxN = max(maxN ?? n, n); if n > 0 { positive += 1 } }
            if let x = r.x { sumX += x; countX += 1 }
            if let s = r.s {
                distinctS.insert(s)
                if minS == nil || Array(s.utf8).lexicographicallyPrecedes(Array(minS!.utf8)) { minS = s }
            }
        }

        var rendered: [Value] {
            [.int64(count), .int64(countN), countN == 0 ? .null : .int64(sumN), countX == 0 ? .null : .float64(sumX / Double(countX)),
             minS.map(Value.string) ?? .null, maxN.map(Value.int64) ?? .null, .int64(Int64(distinctS.count)), .int64(positive)]
        }
    }

    static let aggregates = "count(*), count(n), sum(n), avg(x), min(s), max(n), count(distinct s), countif(n > 0)"

    @Test func groupsMatchARowByRowComputation() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select k, \(Self.aggregates) from p group by k")[0]
        var want: [Value: Expected] = [:]
        for row in Self.rows { want[row.k.map(Value.int64) ?? .null, default: Expected()].add(row) }
        #expect(r.rowCount == want.count)
        var got: [Value: [Value]] = [:]
        for i in 0..<r.rowCount { got[r.value(row: i, column: 0)] = (1..<9).map { r.value(row: i, column: $0) } }
        #expect(got == want.mapValues(\.rendered))
    }

    /// COUNT(DISTINCT) keeps an aggregation on one partial; without it the two-core path runs.
    @Test func groupsWithoutCountDistinctMatchOnTwoPartials() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select k, count(*), count(n), sum(n), avg(x), min(s), max(n), countif(n > 0) from p group by k")[0]
        var want: [Value: Expected] = [:]
        for row in Self.rows { want[row.k.map(Value.int64) ?? .null, default: Expected()].add(row) }
        var got: [Value: [Value]] = [:]
        for i in 0..<r.rowCount { got[r.value(row: i, column: 0)] = (1..<8).map { r.value(row: i, column: $0) } }
        #expect(r.rowCount == want.count)
        #expect(got == want.mapValues { e in var v = e.rendered; v.remove(at: 6); return v })
    }

    /// 800,000 rows grouped by `i % 790,000`: nearly one group per row, so after the first round of
    /// eight batches (two partials) the second round (over 131,072 rows) stays on one partial; the
    /// result must not depend on where the split stopped.
    @Test func nearlyUniqueGroupsMatchWhenTheSplitStops() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nq-hashagg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try Store(path: path)
        let rows = 800_000, modulus = 790_000
        let schema = TableSchema(name: "u", columns: [ColumnSchema(name: "i", type: .int64), ColumnSchema(name: "v", type: .int64)])
        var ib = ColumnBuilder(type: .int64), vb = ColumnBuilder(type: .int64)
        for i in 0..<rows {
            ib.append(.int64(Int64(i)))
            vb.append(i % 7 == 0 ? .null : .int64(Int64(i % 11)))
        }
        try store.write { w in
            let seg = try w.writeSegment(schema: schema, columns: [ib.finish(), vb.finish()])
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments([seg], to: "u")
            }
        }
        let r = try QueryEngine(store: store).execute("select mod(i, \(modulus)) as g, count(*), sum(v) from u group by g")[0]
        var want = [Int64: (Int64, Int64?)]()
        for i in 0..<rows {
            let old = want[Int64(i % modulus)] ?? (0, nil)
            want[Int64(i % modulus)] = (old.0 + 1, i % 7 == 0 ? old.1 : (old.1 ?? 0) + Int64(i % 11))
        }
        #expect(r.rowCount == modulus)
        var got = [Int64: [Value]]()
        for row in 0..<r.rowCount {
            guard case .int64(let g) = r.value(row: row, column: 0) else { Issue.record("group key is not INT64"); continue }
            got[g] = [r.value(row: row, column: 1), r.value(row: row, column: 2)]
        }
        #expect(got == want.mapValues { [.int64($0.0), $0.1.map(Value.int64) ?? .null] })
    }

    @Test func aggregatesWithoutKeysGiveOneRow() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select \(Self.aggregates), count(distinct k) from p")[0]
        var want = Expected()
        for row in Self.rows { want.add(row) }
        #expect(r.rowCount == 1)
        #expect((0..<9).map { r.value(row: 0, column: $0) } == want.rendered + [.int64(1000)])
    }
}
