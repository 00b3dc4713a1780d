import ColumnStore
import Foundation
import Testing
@testable import Query

/// ORDER BY … LIMIT straight over a GROUP BY with many groups: the aggregate, split by hash, emits
/// only each partition's top candidates (`PartitionedAggregate.topCandidates`) and the top-N above
/// picks from them. Checked against results worked out by hand from how the table is built, and
/// against the same operators without the top-N given to the aggregate.
@Suite struct AggregateTopNTests {
    /// Table `t(k INT64, v INT64)`: 240,000 rows where row i has k = i % 80,000 (every group 3 rows,
    /// first rows 0 ..< 80,000), v = 1 except NULL in group 5; then 16 more rows: k = 777 five times,
    /// k = 12 five times, k = 79,999 twice, k = NULL four times (v = 1). So COUNT(*) is 8 for groups
    /// 12 and 777 (group 12's first row comes first), 5 for 79,999, 4 for NULL and 3 for the rest;
    /// SUM(v) equals COUNT(*) except NULL for group 5.
    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("aggtopn")
        let store = try Store(path: path)
        let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "k", type: .int64), ColumnSchema(name: "v", type: .int64)])
        var kb = ColumnBuilder(type: .int64), vb = ColumnBuilder(type: .int64)
        for i in 0..<240_000 {
            let k = i % 80_000
            kb.append(.int64(Int64(k)))
            vb.append(k == 5 ? .null : .int64(1))
        }
        for k: Int64? in [777, 777, 777, 777, 777, 12, 12, 12, 12, 12, 79_999, 79_999, nil, nil, nil, nil] {
            kb.append(k.map(Value.int64) ?? .null)
            vb.append(.int64(1))
        }
        try store.write { w in
            let segment = try w.writeSegment(schema: schema, columns: [kb.finish(), vb.finish()], blockRows: SegmentFormat.defaultBlockRows)
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments([segment], to: "t")
            }
        }
        return (store, path)
    }

    static func rows(_ sql: String, _ store: Store) throws -> [[Value]] {
        try QueryEngine(store: store).execute(sql).last!.rowValues
    }

    static func plan(_ sql: String, _ store: Store) throws -> String {
        let r = try QueryEngine(store: store).execute("EXPLAIN " + sql)[0]
        return (0..<r.rowCount).map { "\(r.value(row: $0, column: 0))" }.joined(separator: "\n")
    }

    @Test("ties in the ORDER BY keys come out in the order of the groups' first rows, as before")
    func tiesKeepFirstRowOrder() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let sql = "select k, count(*) as n from t group by k order by n desc limit 3"
        #expect(try Self.plan(sql, store).contains("topN=3"))
        #expect(try Self.rows(sql, store) == [[.int64(12), .int64(8)], [.int64(777), .int64(8)], [.int64(79_999), .int64(5)]])
        #expect(try Self.rows("select k, count(*) as n from t group by k order by n desc, k desc limit 2", store)
                == [[.int64(777), .int64(8)], [.int64(12), .int64(8)]])
        // The groups of 3 tie after the first four: those whose first rows come first (0, then 1).
        #expect(try Self.rows("select k, count(*) as n from t group by k order by n desc limit 6", store)
                == [[.int64(12), .int64(8)], [.int64(777), .int64(8)], [.int64(79_999), .int64(5)], [.null, .int64(4)],
                    [.int64(0), .int64(3)], [.int64(1), .int64(3)]])
    }

    @Test("NULL sort keys go first ascending and last descending, for aggregate and group-key columns")
    func nullSortKeys() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Self.rows("select k, sum(v) as m from t group by k order by m limit 2", store)
                == [[.int64(5), .null], [.int64(0), .int64(3)]])
        #expect(try Self.rows("select k, sum(v) as m from t group by k order by m desc limit 3", store)
                == [[.int64(12), .int64(8)], [.int64(777), .int64(8)], [.int64(79_999), .int64(5)]])
        #expect(try Self.rows("select k, sum(v) as m from t group by k order by m nulls last limit 1", store) == [[.int64(0), .int64(3)]])
        #expect(try Self.rows("select k, count(*) as n from t group by k order by k limit 2", store)
                == [[.null, .int64(4)], [.int64(0), .int64(3)]])
        #expect(try Self.rows("select k, count(*) as n from t group by k order by k desc limit 2", store)
                == [[.int64(79_999), .int64(5)], [.int64(79_998), .int64(3)]])
    }

    @Test("OFFSET skips the first rows of the same order, through a projection that reorders the columns")
    func offset() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let sql = "select count(*) as n, k from t group by k order by n desc, k limit 2 offset 2"
        #expect(try Self.plan(sql, store).contains("topN=4"))
        #expect(try Self.rows(sql, store) == [[.int64(5), .int64(79_999)], [.int64(4), .null]])
    }

    @Test("a LIMIT above the number of groups returns every group in order, and LIMIT 0 none")
    func limitBeyondGroupsAndZero() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let got = try Self.rows("select k, count(*) as n from t group by k order by n desc, k limit 100000", store)
        var want: [[Value]] = [[.int64(12), .int64(8)], [.int64(777), .int64(8)], [.int64(79_999), .int64(5)], [.null, .int64(4)]]
        for k in 0..<79_999 where k != 12 && k != 777 { want.append([.int64(Int64(k)), .int64(3)]) }
        #expect(got.count == 80_001)
        #expect(got == want)
        let sql0 = "select k, count(*) as n from t group by k order by n desc limit 0"
        #expect(try Self.rows(sql0, store).isEmpty)
        #expect(try !Self.plan(sql0, store).contains("topN="))
    }

    @Test("the aggregate is not given the top-N through HAVING, a window, or an ORDER BY expression")
    func guards() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        for sql in ["select k, count(*) as n from t group by k having count(*) > 3 order by n desc limit 3",
                    "select k, count(*) as n, count(*) over () as g from t group by k order by n desc limit 3",
                    "select k, count(*) as n from t group by k order by count(*) + 1 desc limit 3",
                    "select k, count(*) as n from t group by k order by n desc"] {
            #expect(try !Self.plan(sql, store).contains("topN="), "\(sql)")
        }
        #expect(try Self.rows("select k, count(*) as n from t group by k having count(*) > 3 order by n desc limit 3", store)
                == [[.int64(12), .int64(8)], [.int64(777), .int64(8)], [.int64(79_999), .int64(5)]])
    }

    @Test("over many STRING keys with NULLs, the top candidates give the top-N of all groups, key by key")
    func sameAsAllGroups() throws {
        let batches = PartitionedAggregateTests.batches(keyTypes: [.string], key: PartitionedAggregateTests.stringKey)
        let types: [ColumnType] = [.string, .int64, .float64, .string, .bool]
        let aggregates = PartitionedAggregateTests.aggregates(keyCount: 1)
        let outputTypes: [ColumnType] = [.string] + aggregates.map(\.resultType)
        // Output columns: 0 key, 1 COUNT(*), 5 MIN(s) (NULL for some groups), 9 MIN(n).
        for (orderBy, keep) in [([(1, true), (0, false)], 25), ([(1, true)], 40), ([(5, false)], 7), ([(5, true), (9, false)], 300), ([(0, true)], 3)] {
            let keys = orderBy.map { c, desc in SortKey(expr: .column(c, outputTypes[c]), descending: desc, nullsFirst: !desc) }
            func run(pushed: Bool) throws -> ([[Value]], Bool) {
                let aggregate = HashAggregateOperator(child: PartitionedAggregateTests.Batches(batches, types: types), keys: [.column(0, .string)], aggregates: aggregates)
                if pushed { aggregate.topN = PartitionedAggregate.TopN(keys: keys, keep: keep) }
                let sort = SortOperator(child: aggregate, keys: keys, keep: keep)
                var rows: [[Value]] = []
                while let b = try sort.next() { for r in 0..<b.count { rows.append(b.columns.map { $0.value(at: r) }) } }
                return (rows, aggregate.emittedTopCandidates)
            }
            let (got, cut) = try run(pushed: true)
            let (want, notCut) = try run(pushed: false)
            #expect(cut && !notCut)
            #expect(got.count == keep)
            #expect(got == want, "\(orderBy) limit \(keep)")
        }
    }
}
