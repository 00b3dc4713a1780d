import ColumnStore
import Foundation
import Testing
@testable import Query

/// WHERE clauses of `column op constant` terms decided per block (`ScanFilter`), on dictionary codes
/// where a STRING block has a dictionary, checked against the same predicate applied row by row in
/// Swift to the rows that were written.
@Suite struct ScanFilterTests {
    /// One written row of `t(s STRING, x FLOAT64, n INT64, d DATE)`; nil is NULL.
    struct Row {
        var s: String?
        var x: Double?
        var n: Int64?
        var d: Int32
    }

    /// 320 rows in blocks of 64: blocks 0, 1 and 3 hold few distinct strings (dictionary-encoded), block
    /// 2 distinct long strings (plain), block 4 only NULL strings; "d" occurs in block 3 only and "a"
    /// not there; x, n and s have NULLs at different rows.
    static let rows: [Row] = (0..<320).map { i in
        let block = i / 64
        var s: String?
        switch block {
        case 2: s = "long-value-\(i)-\(String(repeating: "z", count: i % 9))"
        case 3: s = ["c", "d"][i % 2]
        case 4: s = nil
        default: s = ["a", "b", "c", ""][i % 4]
        }
        if i % 7 == 0 { s = nil }
        return Row(s: s, x: i % 11 == 0 ? nil : Double(i % 10) * 0.5, n: i % 17 == 0 ? nil : Int64(i % 13) - 6,
                   d: CivilTime.days(year: 2022, month: 1, day: 1) + Int32(i % 30))
    }

    static func store() throws -> (Store, String, PendingSegment) {
        let path = TemporaryStore.path("scanfilter")
        let store = try Store(path: path)
        let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "s", type: .string), ColumnSchema(name: "x", type: .float64),
                                                      ColumnSchema(name: "n", type: .int64), ColumnSchema(name: "d", type: .date)])
        var sb = ColumnBuilder(type: .string), xb = ColumnBuilder(type: .float64), nb = ColumnBuilder(type: .int64), db = ColumnBuilder(type: .date)
        for r in rows {
            sb.append(r.s.map(Value.string) ?? .null)
            xb.append(r.x.map(Value.float64) ?? .null)
            nb.append(r.n.map(Value.int64) ?? .null)
            db.append(.date(r.d))
        }
        let segment = try store.write { w -> PendingSegment in
            let seg = try w.writeSegment(schema: schema, columns: [sb.finish(), xb.finish(), nb.finish(), db.finish()], blockRows: 64)
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments([seg], to: "t")
            }
            return seg
        }
        return (store, path, segment)
    }

    static func bytesLess(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }

    func count(_ store: Store, _ sql: String) throws -> Int64 {
        guard case .int64(let v) = try QueryEngine(store: store).execute(sql)[0].value(row: 0, column: 0) else { return -1 }
        return v
    }

    @Test func theTestTableHasDictionaryAndPlainStringBlocks() throws {
        let (store, path, seg) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try SegmentReader(path: store.segmentPath(seg.file))
        var kinds: [String] = []
        for b in 0..<reader.blockCount {
            switch try reader.readBlockColumn(column: 0, block: b) {
            case .dictionary: kinds.append("dictionary")
            case .plain: kinds.append("plain")
            }
        }
        #expect(kinds[0] == "dictionary" && kinds[1] == "dictionary" && kinds[3] == "dictionary")
        #expect(kinds[2] == "plain")
        // Materializing a dictionary block gives the strings written, NULLs included.
        let first = try reader.readBlock(column: 0, block: 0)
        #expect((0..<64).map { first.isNull($0) ? nil : first.value(at: $0) } == Self.rows[0..<64].map { $0.s.map(Value.string) })
    }

    @Test(arguments: [
        ("s = 'b'", { @Sendable (r: ScanFilterTests.Row) in r.s == "b" }),
        ("s = 'd'", { @Sendable (r: ScanFilterTests.Row) in r.s == "d" }),
        ("s = ''", { @Sendable (r: ScanFilterTests.Row) in r.s == "" }),
        ("s != 'b'", { @Sendable (r: ScanFilterTests.Row) in r.s != nil && r.s != "b" }),
        ("s < 'b'", { @Sendable (r: ScanFilterTests.Row) in r.s.map { ScanFilterTests.bytesLess($0, "b") } ?? false }),
        ("'b' <= s", { @Sendable (r: ScanFilterTests.Row) in r.s.map { !ScanFilterTests.bytesLess($0, "b") } ?? false }),
        ("s > 'long-value-150'", { @Sendable (r: ScanFilterTests.Row) in r.s.map { ScanFilterTests.bytesLess("long-value-150", $0) } ?? false }),
        ("s = 'zzz'", { @Sendable (r: ScanFilterTests.Row) in r.s == "zzz" }),
        ("s != 'b' and x > 1.5", { @Sendable (r: ScanFilterTests.Row) in r.s != nil && r.s != "b" && (r.x ?? -1) > 1.5 }),
        ("x >= 2 and n < 0", { @Sendable (r: ScanFilterTests.Row) in (r.x ?? -1) >= 2 && (r.n ?? 0) < 0 }),
        ("n = 2.0", { @Sendable (r: ScanFilterTests.Row) in r.n == 2 }),
        ("3 > n and s >= 'c'", { @Sendable (r: ScanFilterTests.Row) in (r.n ?? 99) < 3 && (r.s.map { !ScanFilterTests.bytesLess($0, "c") } ?? false) }),
        ("d >= '2022-01-20'", { @Sendable (r: ScanFilterTests.Row) in r.d >= CivilTime.days(year: 2022, month: 1, day: 20) }),
    ] as [(String, @Sendable (ScanFilterTests.Row) -> Bool)])
    func countsTheRowsWhereEveryTermIsTrue(_ condition: String, _ expected: @Sendable (Row) -> Bool) throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try count(store, "select count(*) from t where \(condition)") == Int64(Self.rows.filter(expected).count))
    }

    @Test func returnsTheStringsOfTheSelectedRowsOnly() throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select s, n from t where s >= 'c' and n > 0")[0]
        let got = (0..<r.rowCount).map { "\(r.value(row: $0, column: 0))|\(r.value(row: $0, column: 1))" }.sorted()
        let want = Self.rows.filter { ($0.s.map { !Self.bytesLess($0, "c") } ?? false) && ($0.n ?? 0) > 0 }
            .map { "\(Value.string($0.s!))|\(Value.int64($0.n!))" }.sorted()
        #expect(got == want)
    }

    @Test func groupsAFilteredTableByAKeyPresentInSomeBlocksOnly() throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select s, count(*), sum(x) from t where n >= -3 group by s")[0]
        var got: [String: String] = [:]
        for i in 0..<r.rowCount { got["\(r.value(row: i, column: 0))"] = "\(r.value(row: i, column: 1)) \(r.value(row: i, column: 2))" }
        var counts: [String: (Int64, Double?)] = [:]
        for row in Self.rows where (row.n ?? -99) >= -3 {
            let key = "\(row.s.map(Value.string) ?? .null)"
            var (c, sum) = counts[key] ?? (0, nil)
            c += 1
            if let x = row.x { sum = (sum ?? 0) + x }
            counts[key] = (c, sum)
        }
        let want = counts.mapValues { "\(Value.int64($0.0)) \($0.1.map(Value.float64) ?? .null)" }
        #expect(got == want)
        #expect(got["\(Value.string("d"))"] != nil)
    }
}
