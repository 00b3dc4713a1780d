import ColumnStore
import Foundation
import Testing
@testable import Query

/// A join gathers only the output columns that the operators above read (`Planner.markJoinOutputs`),
/// passes its probe batch through when every probe row matched once, and gives a build-side STRING
/// column of few values a dictionary that GROUP BY's code path uses. Checked against counts computed
/// here row by row, over a fact table of several blocks with NULL and unmatched keys.
@Suite struct JoinOutputTests {
    /// Fact row `i`: key `k` (NULL every 13th row; 40 ..< 45 match no dimension row), a value `v`.
    static func fact(_ i: Int) -> (k: Int64?, v: Int64) {
        (i % 13 == 0 ? nil : Int64(i % 45), Int64(i % 10))
    }

    /// Dimension rows: keys 0 ..< 40, genre `g` from four strings or NULL, a unique label `name`.
    static func dim(_ k: Int) -> (g: String?, name: String) {
        (k % 9 == 0 ? nil : ["drama", "comedy", "", "horror"][k % 4], "title \(k)")
    }

    static let factRows = 50_000, dimRows = 40

    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("joinout")
        let store = try Store(path: path)
        let f = TableSchema(name: "f", columns: [ColumnSchema(name: "k", type: .int64), ColumnSchema(name: "v", type: .int64)])
        let d = TableSchema(name: "d", columns: [ColumnSchema(name: "k", type: .int64), ColumnSchema(name: "g", type: .string),
                                                 ColumnSchema(name: "name", type: .string)])
        try store.write { w in
            var kb = ColumnBuilder(type: .int64), vb = ColumnBuilder(type: .int64)
            for i in 0..<factRows {
                let r = fact(i)
                kb.append(r.k.map(Value.int64) ?? .null)
                vb.append(.int64(r.v))
            }
            let fs = try w.writeSegment(schema: f, columns: [kb.finish(), vb.finish()], blockRows: 16_384)
            var dk = ColumnBuilder(type: .int64), gb = ColumnBuilder(type: .string), nb = ColumnBuilder(type: .string)
            for k in 0..<dimRows {
                dk.append(.int64(Int64(k)))
                gb.append(dim(k).g.map(Value.string) ?? .null)
                nb.append(.string(dim(k).name))
            }
            let ds = try w.writeSegment(schema: d, columns: [dk.finish(), gb.finish(), nb.finish()], blockRows: 16_384)
            try w.commit { tx in
                try tx.createTable(f, source: "test")
                try tx.addSegments([fs], to: "f")
                try tx.createTable(d, source: "test")
                try tx.addSegments([ds], to: "d")
            }
        }
        return (store, path)
    }

    /// Per genre (NULL for a NULL genre, and for no match when `left`), the row count and sum of v.
    static func expectedByGenre(left: Bool) -> [Value: [Value]] {
        var sums: [Value: (Int64, Int64)] = [:]
        for i in 0..<factRows {
            let r = fact(i)
            let matched = r.k.map { $0 < Int64(dimRows) } ?? false
            guard matched || left else { continue }
            let g: Value = matched ? (dim(Int(r.k!)).g.map(Value.string) ?? .null) : .null
            let old = sums[g] ?? (0, 0)
            sums[g] = (old.0 + 1, old.1 + r.v)
        }
        return sums.mapValues { [.int64($0.0), .int64($0.1)] }
    }

    static func byFirstColumn(_ r: QueryResult) -> [Value: [Value]] {
        var got: [Value: [Value]] = [:]
        for i in 0..<r.rowCount { got[r.value(row: i, column: 0)] = (1..<r.columns.count).map { r.value(row: i, column: $0) } }
        return got
    }

    @Test(arguments: ["select d.g, count(*), sum(f.v) from f join d using (k) group by 1",
                      "select d.g, count(*), sum(f.v) from f join d on f.k = d.k group by 1",
                      "select g, count(*), sum(v) from (select * from f join d using (k)) group by g"])
    func groupingByABuildSideStringMatchesARowByRowCount(sql: String) throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(sql)[0]
        #expect(r.rowCount == 5)
        #expect(Self.byFirstColumn(r) == Self.expectedByGenre(left: false))
    }

    /// Two build-side dictionary columns (genre with NULLs, the 40 names) grouped together, their codes
    /// gathered side by side (`BuildRowCodes`): counts per (genre, name) match a row-by-row count, for
    /// an inner join and for a left join whose unmatched rows group under (NULL, NULL).
    @Test(arguments: [false, true])
    func groupingByTwoBuildSideStringsMatchesARowByRowCount(left: Bool) throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(
            "select d.g, d.name, count(*), sum(f.v) from f \(left ? "left " : "")join d using (k) group by 1, 2")[0]
        var want: [[Value]: [Value]] = [:]
        for i in 0..<Self.factRows {
            let row = Self.fact(i)
            let matched = row.k.map { $0 < Int64(Self.dimRows) } ?? false
            guard matched || left else { continue }
            let key: [Value] = matched ? [Self.dim(Int(row.k!)).g.map(Value.string) ?? .null, .string(Self.dim(Int(row.k!)).name)] : [.null, .null]
            let old = want[key] ?? [.int64(0), .int64(0)]
            guard case .int64(let n) = old[0], case .int64(let s) = old[1] else { continue }
            want[key] = [.int64(n + 1), .int64(s + row.v)]
        }
        var got: [[Value]: [Value]] = [:]
        for i in 0..<r.rowCount { got[[r.value(row: i, column: 0), r.value(row: i, column: 1)]] = [r.value(row: i, column: 2), r.value(row: i, column: 3)] }
        #expect(got.count == (left ? Self.dimRows + 1 : Self.dimRows))
        #expect(got == want)
    }

    @Test func aLeftJoinGroupsItsUnmatchedRowsWithTheNullGenre() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select d.g, count(*), sum(f.v) from f left join d using (k) group by 1")[0]
        #expect(Self.byFirstColumn(r) == Self.expectedByGenre(left: true))
    }

    @Test func aResidualConditionAndAWhereAboveTheJoinReadTheirColumns() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(
            "select count(*) from f join d on f.k = d.k and d.name <> 'title 5' where d.g = 'drama' or f.v = 3")[0]
        var want: Int64 = 0
        for i in 0..<Self.factRows {
            let row = Self.fact(i)
            guard let k = row.k, k < Int64(Self.dimRows), k != 5 else { continue }
            if Self.dim(Int(k)).g == "drama" || row.v == 3 { want += 1 }
        }
        #expect(r.value(row: 0, column: 0) == .int64(want))
    }

    @Test func projectedRowsKeepEveryColumnOfBothSides() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select f.k, f.v, d.g, d.name from f join d using (k) where f.v = 7 order by f.k limit 3")[0]
        #expect(r.rowCount == 3)
        for i in 0..<3 {
            guard case .int64(let k) = r.value(row: i, column: 0) else { Issue.record("k is not an INT64"); continue }
            #expect(r.value(row: i, column: 1) == .int64(7))
            #expect(r.value(row: i, column: 2) == (Self.dim(Int(k)).g.map(Value.string) ?? .null))
            #expect(r.value(row: i, column: 3) == .string(Self.dim(Int(k)).name))
        }
    }

    @Test func unreadColumnsComeOutNullAndAReadBuildStringKeepsADictionary() throws {
        let left = BatchSource(types: [.int64, .string], batches: [Batch(columns: [
            Column(values: .int64([1, 2, 9, 1])), Column(values: .string(StringArray(["a", "b", "c", "d"])))], count: 4)], label: "l")
        let right = BatchSource(types: [.int64, .string, .string], batches: [Batch(columns: [
            Column(values: .int64([1, 2])), Column(values: .string(StringArray(["x", "y"]))),
            Column(values: .string(StringArray(["p", "q"])), validity: [true, false])], count: 2)], label: "r")
        let join = HashJoinOperator(left: left, right: right, kind: .inner, leftKeys: [.column(0, .int64)], rightKeys: [.column(0, .int64)], residual: nil)
        let aggregate = HashAggregateOperator(child: join, keys: [.column(4, .string)],
                                              aggregates: [AggregateSpec(kind: .count, argument: .column(1, .string), resultType: .int64)])
        Planner.markJoinOutputs(aggregate, read: nil)
        #expect(join.outputRead == [false, true, false, false, true])
        let b = try #require(try join.next())
        #expect(b.count == 3)
        #expect(b.columns[0].nullCount == 3)
        #expect(b.columns[3].nullCount == 3)
        #expect((0..<3).map { b.columns[1].value(at: $0) } == [.string("a"), .string("b"), .string("d")])
        #expect((0..<3).map { b.columns[4].value(at: $0) } == [.string("p"), .null, .string("p")])
        let d = try #require(b.dictionaries?[4])
        #expect(d.materialize(nil) == b.columns[4])
    }

    @Test func everyProbeRowMatchingOncePassesTheProbeColumnsThrough() throws {
        let strings = Column(values: .string(StringArray(["a", "b", "c"])))
        var input = Batch(columns: [Column(values: .int64([2, 1, 2])), strings], count: 3)
        input.dictionaries = [nil, DictionaryColumn(entries: StringArray(["a", "b", "c"]), codes: [0, 1, 2], validity: nil)]
        let left = BatchSource(types: [.int64, .string], batches: [input], label: "l")
        let right = BatchSource(types: [.int64], batches: [Batch(columns: [Column(values: .int64([1, 2]))], count: 2)], label: "r")
        let join = HashJoinOperator(left: left, right: right, kind: .inner, leftKeys: [.column(0, .int64)], rightKeys: [.column(0, .int64)], residual: nil)
        let b = try #require(try join.next())
        #expect(b.columns[1] == strings)
        #expect(b.dictionaries?[1] == input.dictionaries?[1])
        #expect(b.columns[2] == Column(values: .int64([2, 1, 2])))
    }

    /// The rows of the last statement of `sql` over a fresh store, each as its values.
    static func rows(_ sql: [String]) throws -> [[Value]] {
        try TemporaryStore.lastRows(of: sql, label: "joinout")
    }

    /// Probe keys 1, 2, 3 against build keys 1, 1, 3: as many pairs as probe rows, the last row last,
    /// yet row 1 matched twice and row 2 not at all, so the probe columns must be gathered, not passed.
    @Test func aProbeRowMatchingTwiceBesideOneMatchingNoneIsNotPassedThrough() throws {
        let got = try Self.rows(["create table a as select 1 as k, 'x' as s union all select 2, 'y' union all select 3, 'z'",
                                 "create table b as select 1 as k union all select 1 union all select 3",
                                 "select a.k, a.s, b.k from a join b on a.k = b.k order by 1, 2, 3"])
        #expect(got == [[.int64(1), .string("x"), .int64(1)], [.int64(1), .string("x"), .int64(1)], [.int64(3), .string("z"), .int64(3)]])
    }

    /// batch_metrics' monthly_engagement in small: a LEFT JOIN whose key matches each of the last two
    /// probe rows twice and the first two not at all, with an IS NOT DISTINCT FROM checked after the
    /// key match. Each probe row comes out once: matched to its own string, or with NULLs.
    @Test func aLeftJoinWithAnAfterMatchConditionKeepsEachProbeRowOnce() throws {
        let got = try Self.rows(["create table a as select 1 as k, 'p' as s union all select 1, 'q' union all select 2, 'p' union all select 2, 'q'",
                                 "create table b as select 2 as k, 'p' as s union all select 2, 'q'",
                                 "select a.k, a.s, b.s from a left join b on b.k = a.k and b.s is not distinct from a.s order by 1, 2"])
        #expect(got == [[.int64(1), .string("p"), .null], [.int64(1), .string("q"), .null],
                        [.int64(2), .string("p"), .string("p")], [.int64(2), .string("q"), .string("q")]])
    }

    @Test func aBuildColumnOfManyDistinctStringsGetsNoDictionary() {
        let many = Column(values: .string(StringArray((0...HashJoinOperator.maxDictionaryEntries).map { "s\($0)" })))
        #expect(HashJoinOperator.dictionary(of: many) == nil)
        let allNull = Column(values: .string(StringArray(["", ""])), validity: [false, false])
        #expect(HashJoinOperator.dictionary(of: allNull) == nil)
        let few = Column(values: .string(StringArray(["u", "v", "u"])), validity: [true, true, false])
        #expect(HashJoinOperator.dictionary(of: few) == DictionaryColumn(entries: StringArray(["u", "v"]), codes: [0, 1, 0], validity: [true, true, false]))
    }

    @Test(arguments: [
        ("explain select d.g, count(*), sum(f.v) from f join d using (k) group by 1", true),
        ("explain select d.g, count(*) from f join d on f.k = d.k group by 1", true),
        ("explain select d.g, f.v, count(*) from f join d using (k) group by 1, 2", true),
        ("explain select d.g, count(*) from f left join d using (k) group by 1", false),
        ("explain select d.g, count(*) from f join d on f.k = d.k and f.v < length(d.name) group by 1", false),
        ("explain select d.g, count(d.g) from f join d using (k) group by 1", false),
        ("explain select lower(d.g), count(*) from f join d using (k) group by 1", false),
        ("explain select d.name, count(*) from f join d using (k) group by 1", true),
        ("explain select f.v, count(*) from f join d using (k) group by 1", false),
    ])
    func explainShowsDictionaryGroupKeysOnlyForAnInnerJoinsBuildStringReadOnlyAsAKey(sql: String, applies: Bool) throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(sql)[0]
        let plan = (0..<r.rowCount).map { "\(r.value(row: $0, column: 0))" }.joined(separator: "\n")
        #expect(plan.contains("group keys by dictionary") == applies, "\(plan)")
    }

    static let duplicateBuildKeys = [
        "create table a as select 1 as k, 10 as v union all select 1, 20 union all select 2, 5 union all select 3, 7 union all select cast(null as int64), 1",
        "create table b as select 1 as k, 'x' as g union all select 1, 'y' union all select 2, cast(null as string) union all select 2, 'x' union all select 4, 'z'",
    ]

    /// Build keys 1 and 2 twice each (one with a NULL genre), probe key 3 and NULL unmatched: grouped by
    /// the build-side genre through its dictionary, each probe row counts once per matching build row.
    @Test func groupingByABuildStringWithDuplicateBuildKeysCountsEveryPair() throws {
        let got = try Self.rows(Self.duplicateBuildKeys + ["select b.g, count(*), sum(a.v) from a join b using (k) group by 1 order by 1"])
        #expect(got == [[.null, .int64(1), .int64(5)], [.string("x"), .int64(3), .int64(35)], [.string("y"), .int64(2), .int64(30)]])
        let two = try Self.rows(Self.duplicateBuildKeys + ["select b.g, a.k, count(*), sum(a.v) from a join b using (k) group by 1, 2 order by 1, 2"])
        #expect(two == [[.null, .int64(2), .int64(1), .int64(5)], [.string("x"), .int64(1), .int64(2), .int64(30)],
                        [.string("x"), .int64(2), .int64(1), .int64(5)], [.string("y"), .int64(1), .int64(2), .int64(30)]])
    }
}
