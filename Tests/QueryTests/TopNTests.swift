import ColumnStore
import Foundation
import Testing
@testable import Query

/// ORDER BY ... LIMIT over a table of several segments and many small blocks, so that the top-N's
/// bound reaches the scan (`TopNBound`) after the first rows are held and later blocks and rows are
/// skipped; checked against the same ordering computed in Swift over the rows that were written.
@Suite struct TopNTests {
    struct Row {
        var id: Int64
        var k: Int64?
        var x: Double?
        var d: Int32?
    }

    /// 180,000 rows in six segments of 4,096-row blocks. `k` has many ties (1,000 values) and a few
    /// NULLs; `x` has NULLs and NaNs; the largest values come late, after the bound is set.
    static let rows: [Row] = (0..<180_000).map { i in
        let late = i > 150_000 && i % 9_001 == 0
        let k: Int64? = i % 50_000 == 3 ? nil : (late ? 5_000 : Int64((i * 7_919) % 1_000))
        let x: Double? = i % 777 == 5 ? nil : (i % 1_234 == 7 ? .nan : (late ? 1e9 : Double((i * 104_729) % 99_991) / 7))
        let d: Int32? = i % 613 == 1 ? nil : Int32(19_000 + (i * 31) % 700) + (late ? 2_000 : 0)
        return Row(id: Int64(i), k: k, x: x, d: d)
    }

    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("topn")
        let store = try Store(path: path)
        let schema = TableSchema(name: "p", columns: [ColumnSchema(name: "id", type: .int64), ColumnSchema(name: "k", type: .int64),
                                                      ColumnSchema(name: "x", type: .float64), ColumnSchema(name: "d", type: .date)])
        try store.write { w in
            var segments: [PendingSegment] = []
            for part in stride(from: 0, to: rows.count, by: 30_000) {
                var ib = ColumnBuilder(type: .int64), kb = ColumnBuilder(type: .int64), xb = ColumnBuilder(type: .float64), db = ColumnBuilder(type: .date)
                for r in rows[part..<(part + 30_000)] {
                    ib.append(.int64(r.id))
                    kb.append(r.k.map(Value.int64) ?? .null)
                    xb.append(r.x.map(Value.float64) ?? .null)
                    db.append(r.d.map(Value.date) ?? .null)
                }
                segments.append(try w.writeSegment(schema: schema, columns: [ib.finish(), kb.finish(), xb.finish(), db.finish()], blockRows: 4_096))
            }
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments(segments, to: "p")
            }
        }
        return (store, path)
    }

    /// Negative, zero or positive as `a` sorts before, with or after `b`: NULLs by `nullsFirst`, NaN
    /// below every other number ascending.
    static func compare(_ a: Double?, _ b: Double?, descending: Bool, nullsFirst: Bool) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return nullsFirst ? -1 : 1
        case (_, nil): return nullsFirst ? 1 : -1
        case let (x?, y?):
            let r: Int
            if x.isNaN || y.isNaN { r = x.isNaN && y.isNaN ? 0 : (x.isNaN ? -1 : 1) } else { r = x < y ? -1 : (x > y ? 1 : 0) }
            return descending ? -r : r
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var sql: String
        var key: @Sendable (Row) -> Double?
        var descending: Bool
        var nullsFirst: Bool
        var filter: @Sendable (Row) -> Bool = { _ in true }
        var limit: Int
        var offset = 0
        var testDescription: String { sql }
    }

    static let cases: [Case] = [
        Case(sql: "select id from p order by k desc, id limit 7", key: { $0.k.map(Double.init) }, descending: true, nullsFirst: false, limit: 7),
        Case(sql: "select id from p order by k, id limit 7", key: { $0.k.map(Double.init) }, descending: false, nullsFirst: true, limit: 7),
        Case(sql: "select id from p order by k nulls last, id limit 300", key: { $0.k.map(Double.init) }, descending: false, nullsFirst: false, limit: 300),
        Case(sql: "select id from p order by x desc, id limit 12", key: { $0.x }, descending: true, nullsFirst: false, limit: 12),
        Case(sql: "select id from p order by x desc nulls first, id limit 400", key: { $0.x }, descending: true, nullsFirst: true, limit: 400),
        Case(sql: "select id from p order by x, id limit 5 offset 150", key: { $0.x }, descending: false, nullsFirst: true, limit: 5, offset: 150),
        Case(sql: "select id from p where mod(id, 3) = 0 order by d desc, id limit 9", key: { $0.d.map(Double.init) }, descending: true, nullsFirst: false,
             filter: { $0.id % 3 == 0 }, limit: 9),
        Case(sql: "select id from p where k is not null order by d, id limit 20", key: { $0.d.map(Double.init) }, descending: false, nullsFirst: true,
             filter: { $0.k != nil }, limit: 20),
        // Seeded from zone maps (no filter, or only the key's IS NOT NULL).
        Case(sql: "select id from p where x is not null order by x desc, id limit 12", key: { $0.x }, descending: true, nullsFirst: false,
             filter: { $0.x != nil }, limit: 12),
        Case(sql: "select id from p where k is not null and k is not null order by k nulls first, id limit 40", key: { $0.k.map(Double.init) },
             descending: false, nullsFirst: true, filter: { $0.k != nil }, limit: 40),
        Case(sql: "select id from p order by d desc nulls first, id limit 30", key: { $0.d.map(Double.init) }, descending: true, nullsFirst: true, limit: 30),
        // Not seeded: the filter drops the rows that hold the blocks' maxima (a seed would drop every row).
        Case(sql: "select id from p where x < 1000 order by x desc, id limit 5", key: { $0.x }, descending: true, nullsFirst: false,
             filter: { ($0.x ?? .nan) < 1000 }, limit: 5),
        Case(sql: "select id from p where k is not null order by x desc, id limit 5", key: { $0.x }, descending: true, nullsFirst: false,
             filter: { $0.k != nil }, limit: 5),
    ]

    @Test(arguments: cases) func topRowsMatchASwiftSortOfAllRows(_ c: Case) throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(c.sql)[0]
        let want = Self.rows.filter(c.filter).sorted { a, b in
            let r = Self.compare(c.key(a), c.key(b), descending: c.descending, nullsFirst: c.nullsFirst)
            return r != 0 ? r < 0 : a.id < b.id
        }.dropFirst(c.offset).prefix(c.limit).map { Value.int64($0.id) }
        #expect((0..<r.rowCount).map { r.value(row: $0, column: 0) } == Array(want))
    }

    @Test(arguments: [
        ("explain select id from p order by x desc, id limit 12", true),
        ("explain select id from p where x is not null order by x desc limit 3", true),
        ("explain select id, k from p where k is not null order by k limit 3", true),
        ("explain select id from p where x < 1000 order by x desc limit 5", false),
        ("explain select id from p where k is not null order by x desc limit 5", false),
        ("explain select id from p where x is not null or id = 3 order by x desc limit 5", false),
        ("explain select id from p order by x desc", false),
    ])
    func explainShowsTheZoneMapSeedOnlyWhenNoFilterDropsAKeyedRow(sql: String, seeded: Bool) throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(sql)[0]
        let plan = (0..<r.rowCount).map { "\(r.value(row: $0, column: 0))" }.joined(separator: "\n")
        #expect(plan.contains("top-N bound seeded from zone maps") == seeded, "\(plan)")
    }

    @Test func theSeedIsTheKeepThBestBlockExtremeIgnoringNullOnlyAndNaNBlocks() {
        let zones = [ZoneMap(rowCount: 4, nullCount: 0, min: .int64(1), max: .int64(9)),
                     ZoneMap(rowCount: 4, nullCount: 4, min: nil, max: nil),
                     ZoneMap(rowCount: 4, nullCount: 1, min: .int64(3), max: .int64(5)),
                     ZoneMap(rowCount: 4, nullCount: 0, min: nil, max: nil),   // NaN
                     ZoneMap(rowCount: 4, nullCount: 0, min: .int64(-2), max: .int64(7))]
        #expect(TopNBound(descending: true, nullsFirst: false, keep: 1).seed(from: zones) == .int64(9))
        #expect(TopNBound(descending: true, nullsFirst: false, keep: 2).seed(from: zones) == .int64(7))
        #expect(TopNBound(descending: true, nullsFirst: false, keep: 3).seed(from: zones) == .int64(5))
        #expect(TopNBound(descending: true, nullsFirst: false, keep: 4).seed(from: zones) == nil)
        #expect(TopNBound(descending: false, nullsFirst: true, keep: 2).seed(from: zones) == .int64(1))
        #expect(TopNBound(descending: false, nullsFirst: true, keep: 3).seed(from: zones) == .int64(3))
    }

    @Test func aBoundOnlyTightensAndIgnoresNullAndNaN() {
        let desc = TopNBound(descending: true, nullsFirst: false, keep: 3)
        desc.tighten(to: .float64(5))
        desc.tighten(to: .float64(4))
        #expect(desc.current == .float64(5))
        desc.tighten(to: .null)
        desc.tighten(to: .float64(.nan))
        #expect(desc.current == .float64(5))
        desc.tighten(to: .float64(8))
        #expect(desc.current == .float64(8))
        let asc = TopNBound(descending: false, nullsFirst: true, keep: 3)
        asc.tighten(to: .date(9))
        asc.tighten(to: .date(12))
        asc.tighten(to: .date(4))
        #expect(asc.current == .date(4))
    }

    @Test func aBoundSkipsBlocksWhoseZoneCannotBeatIt() {
        let desc = TopNBound(descending: true, nullsFirst: false, keep: 10)
        #expect(!desc.mayMatch(ZoneMap(rowCount: 10, nullCount: 0, min: .int64(1), max: .int64(4)), below: .int64(5)))
        #expect(desc.mayMatch(ZoneMap(rowCount: 10, nullCount: 0, min: .int64(1), max: .int64(5)), below: .int64(5)))
        #expect(!desc.mayMatch(ZoneMap(rowCount: 10, nullCount: 10, min: nil, max: nil), below: .int64(5)))
        #expect(desc.mayMatch(ZoneMap(rowCount: 10, nullCount: 1, min: nil, max: nil), below: .float64(5)))   // NaN: unknown
        let ascNullsFirst = TopNBound(descending: false, nullsFirst: true, keep: 10)
        #expect(ascNullsFirst.mayMatch(ZoneMap(rowCount: 10, nullCount: 1, min: .date(9), max: .date(12)), below: .date(5)))
        #expect(!ascNullsFirst.mayMatch(ZoneMap(rowCount: 10, nullCount: 0, min: .date(6), max: .date(12)), below: .date(5)))
    }

    @Test func aBoundKeepsTiesNullsThatSortFirstAndAscendingNaN() {
        let column = Column(values: .float64([3, .nan, 7, 5, 0]), validity: [true, true, true, true, false])
        #expect(TopNBound(descending: true, nullsFirst: false, keep: 10).select(column, below: .float64(5)) == [2, 3])
        #expect(TopNBound(descending: true, nullsFirst: true, keep: 10).select(column, below: .float64(5)) == [2, 3, 4])
        #expect(TopNBound(descending: false, nullsFirst: true, keep: 10).select(column, below: .float64(5)) == [0, 1, 3, 4])
        #expect(TopNBound(descending: false, nullsFirst: false, keep: 10).select(column, below: .float64(3)) == [0, 1])
    }
}
