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
        let path = TemporaryStore.path("hashagg")
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
        let path = TemporaryStore.path("hashagg")
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

    /// 1,200,000 rows (19 batches, so three rounds) with COUNT(DISTINCT): one core prepares a round
    /// while the other adds the round before, and the groups must still come in first-seen order
    /// with the aggregates of every row.
    @Test func countDistinctOverSeveralPreparedRoundsMatchesInFirstSeenOrder() throws {
        let path = TemporaryStore.path("hashagg")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try Store(path: path)
        let rows = 1_200_000
        func key(_ i: Int) -> Int64? { i % 1_009 == 0 ? nil : Int64((i &* 7_919) % 40_000) }
        func value(_ i: Int) -> Int64? { i % 13 == 0 ? nil : Int64(i % 97) }
        let schema = TableSchema(name: "d", columns: [ColumnSchema(name: "g", type: .int64), ColumnSchema(name: "v", type: .int64)])
        var gb = ColumnBuilder(type: .int64), vb = ColumnBuilder(type: .int64)
        for i in 0..<rows {
            gb.append(key(i).map(Value.int64) ?? .null)
            vb.append(value(i).map(Value.int64) ?? .null)
        }
        try store.write { w in
            let seg = try w.writeSegment(schema: schema, columns: [gb.finish(), vb.finish()])
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments([seg], to: "d")
            }
        }
        let r = try QueryEngine(store: store).execute("select g, count(*), count(distinct v) from d group by g")[0]
        var order: [Value] = []
        var want: [Value: (count: Int64, values: Set<Int64>)] = [:]
        for i in 0..<rows {
            let g = key(i).map(Value.int64) ?? .null
            if want[g] == nil { order.append(g); want[g] = (0, []) }
            want[g]!.count += 1
            if let v = value(i) { want[g]!.values.insert(v) }
        }
        #expect(r.rowCount == order.count)
        #expect((0..<r.rowCount).map { r.value(row: $0, column: 0) } == order)
        #expect((0..<r.rowCount).allSatisfy { row in
            let w = want[order[row]]!
            return r.value(row: row, column: 1) == .int64(w.count) && r.value(row: row, column: 2) == .int64(Int64(w.values.count))
        })
    }

    /// `COUNT(*)` over a DISTINCT or GROUP BY counts its groups without their columns; a consumer that
    /// reads a column (an argument, a WHERE) still gets them.
    @Test func countingTheGroupsOfASubqueryMatchesTheirNumber() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = QueryEngine(store: store)
        struct Whole: Hashable { var k: Int64?; var s: String?; var n: Int64?; var x: Double? }
        let wholes = Set(Self.rows.map { Whole(k: $0.k, s: $0.s, n: $0.n, x: $0.x) })
        let keys = Set(Self.rows.map(\.k))
        let nonNullAbove = Int64(keys.filter { ($0 ?? -1) > 700 }.count)
        #expect(wholes.count > 65_536)  // several output batches of groups
        #expect(try engine.execute("select count(*) from (select distinct * from p)")[0].value(row: 0, column: 0) == .int64(Int64(wholes.count)))
        #expect(try engine.execute("select count(*) as n, count(*) + 1 from (select k, count(*) from p group by k)")[0].value(row: 0, column: 1)
                == .int64(Int64(keys.count) + 1))
        let r = try engine.execute("select count(*), count(k) from (select distinct k from p)")[0]
        #expect(r.value(row: 0, column: 0) == .int64(Int64(keys.count)) && r.value(row: 0, column: 1) == .int64(Int64(keys.count - 1)))
        #expect(try engine.execute("select count(*) from (select distinct k from p) where k > 700")[0].value(row: 0, column: 0) == .int64(nonNullAbove))
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
