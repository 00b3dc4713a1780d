import ColumnStore
import Foundation
import Testing
@testable import Query

/// A scan whose STRING column is a join's one probe key and read nowhere else leaves that column's
/// dictionary blocks as codes (`TableScan.dictionaryOnly`): the join probes by dictionary entries.
/// Results are checked against counts computed here row by row, over a fact table whose blocks are
/// dictionary-encoded except one plain block, with NULL keys and keys matching no dimension row, and
/// for queries that read the key (which must then come out as its strings).
@Suite struct DictionaryOnlyScanTests {
    static let factRows = 5_000, blockRows = 1_000, dimRows = 40

    /// Fact row `i`: key `k` (NULL every 13th row; k40 ..< k45 match no dimension row), a value `v`.
    /// Block 2 gives its odd rows unique keys, so that it is stored plain, not as a dictionary.
    static func fact(_ i: Int) -> (k: String?, v: Int64) {
        if i / blockRows == 2, i % 2 == 1 { return ("a unique key of row \(i)", Int64(i % 10)) }
        return (i % 13 == 0 ? nil : "k\(i % 45)", Int64(i % 10))
    }

    /// Dimension row `j`: key "k\(j)", genre `g` (NULL every 9th).
    static func dim(_ j: Int) -> (k: String, g: String?) {
        ("k\(j)", j % 9 == 0 ? nil : ["drama", "comedy", "", "horror"][j % 4])
    }

    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("dictonly")
        let store = try Store(path: path)
        let f = TableSchema(name: "f", columns: [ColumnSchema(name: "k", type: .string), ColumnSchema(name: "v", type: .int64)])
        let d = TableSchema(name: "d", columns: [ColumnSchema(name: "k", type: .string), ColumnSchema(name: "g", type: .string)])
        try store.write { w in
            var kb = ColumnBuilder(type: .string), vb = ColumnBuilder(type: .int64)
            for i in 0..<factRows {
                let r = fact(i)
                kb.append(r.k.map(Value.string) ?? .null)
                vb.append(.int64(r.v))
            }
            let fs = try w.writeSegment(schema: f, columns: [kb.finish(), vb.finish()], blockRows: blockRows)
            var dk = ColumnBuilder(type: .string), gb = ColumnBuilder(type: .string)
            for j in 0..<dimRows {
                dk.append(.string(dim(j).k))
                gb.append(dim(j).g.map(Value.string) ?? .null)
            }
            let ds = try w.writeSegment(schema: d, columns: [dk.finish(), gb.finish()], blockRows: blockRows)
            try w.commit { tx in
                try tx.createTable(f, source: "test")
                try tx.addSegments([fs], to: "f")
                try tx.createTable(d, source: "test")
                try tx.addSegments([ds], to: "d")
            }
        }
        return (store, path)
    }

    /// The dimension row a fact key matches, if any.
    static func match(_ k: String?) -> Int? {
        guard let k, k.hasPrefix("k"), let j = Int(k.dropFirst()), j < dimRows else { return nil }
        return j
    }

    /// Per group (`key` of a fact row and its match; nil drops the row), the row count and sum of v.
    static func expected(_ key: (String?, Int?) -> Value?) -> [Value: [Value]] {
        var sums: [Value: (Int64, Int64)] = [:]
        for i in 0..<factRows {
            let r = fact(i)
            guard let g = key(r.k, match(r.k)) else { continue }
            let old = sums[g] ?? (0, 0)
            sums[g] = (old.0 + 1, old.1 + r.v)
        }
        return sums.mapValues { [.int64($0.0), .int64($0.1)] }
    }

    static func genre(_ j: Int) -> Value { dim(j).g.map(Value.string) ?? .null }

    static func run(_ sql: String) throws -> [Value: [Value]] {
        let (store, path) = try store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(sql)[0]
        var got: [Value: [Value]] = [:]
        for i in 0..<r.rowCount {
            #expect(got[r.value(row: i, column: 0)] == nil, "one row per group")
            got[r.value(row: i, column: 0)] = (1..<r.columns.count).map { r.value(row: i, column: $0) }
        }
        return got
    }

    @Test(arguments: ["select d.g, count(*), sum(f.v) from f join d using (k) group by 1",
                      "select d.g, count(*), sum(f.v) from f join d on f.k = d.k group by 1"])
    func groupingByTheBuildSideWithAnUnreadProbeKeyMatchesARowByRowCount(sql: String) throws {
        let want = Self.expected { _, j in j.map(Self.genre) }
        #expect(try Self.run(sql) == want)
    }

    @Test func aLeftJoinWithAnUnreadProbeKeyKeepsItsUnmatchedAndNullKeyRows() throws {
        let want = Self.expected { _, j in j.map(Self.genre) ?? .null }
        #expect(try Self.run("select d.g, count(*), sum(f.v) from f left join d using (k) group by 1") == want)
    }

    @Test(arguments: ["select f.k, count(*), sum(f.v) from f join d using (k) group by 1",
                      "select k, count(*), sum(v) from f join d using (k) group by 1",
                      "select f.k, count(*), sum(f.v) from f join d on f.k = d.k and d.g is not null group by 1"])
    func aProbeKeyThatIsReadComesOutAsItsStrings(sql: String) throws {
        let residual = sql.contains("is not null")
        let want = Self.expected { k, j in
            guard let j, !residual || Self.dim(j).g != nil else { return nil }
            return Value.string(k!)
        }
        #expect(try Self.run(sql) == want)
    }

    /// The condition reads both sides, so it is decided after the key match, over the probe key's strings.
    @Test func aResidualConditionOnTheProbeKeyReadsItsStrings() throws {
        let want = Self.expected { k, j in
            guard let j, let g = Self.dim(j).g, k!.utf8.count + g.utf8.count > 7 else { return nil }
            return Value.string(g)
        }
        #expect(try Self.run("select d.g, count(*), sum(f.v) from f join d on f.k = d.k and length(f.k) + length(d.g) > 7 group by 1") == want)
    }

    /// Only the unread one-key probe column of a scan straight below the join is marked.
    @Test func onlyAnUnreadSingleProbeKeyIsMarked() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let f = try store.table("f"), d = try store.table("d")
        func plan(readKey: Bool) -> TableScan {
            let scan = TableScan(store: store, table: f, columns: [0, 1], filter: nil, zonePredicates: [])
            let dims = TableScan(store: store, table: d, columns: [0, 1], filter: nil, zonePredicates: [])
            let join = HashJoinOperator(left: scan, right: dims, kind: .inner, leftKeys: [.column(0, .string)], rightKeys: [.column(0, .string)], residual: nil)
            let aggregate = HashAggregateOperator(child: join, keys: [.column(readKey ? 0 : 3, .string)],
                                                  aggregates: [AggregateSpec(kind: .count, argument: .column(1, .int64), resultType: .int64)])
            Planner.markJoinOutputs(aggregate, read: nil)
            return scan
        }
        #expect(plan(readKey: false).dictionaryOnly == [0])
        #expect(plan(readKey: true).dictionaryOnly == [])
    }
}
