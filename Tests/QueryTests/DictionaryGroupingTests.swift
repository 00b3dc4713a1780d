import ColumnStore
import Foundation
import Testing
@testable import Query

/// GROUP BY on STRING columns that a scan read from dictionary blocks groups by the blocks' codes
/// (`GroupTable.groupIDs(_:dictionaries:rows:isNew:)`); checked against grouping the same strings
/// row by row, over segments whose dictionaries differ and hold NULLs.
@Suite struct DictionaryGroupingTests {
    /// Row `i` of segment `part`: `a` from a set of values that differs per segment, `b` with NULLs.
    static func row(_ i: Int, part: Int) -> (a: String?, b: String?, n: Int64) {
        let a: String? = i % 29 == 0 ? nil : "a\(part * 3 + i % 5)"
        let b: String? = i % 7 == 0 ? nil : ["x", "y", "zz", ""][i % 4]
        return (a, b, Int64(i % 10))
    }

    static let parts = 3, rowsPerPart = 70_000

    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("dictgroup")
        let store = try Store(path: path)
        let schema = TableSchema(name: "d", columns: [ColumnSchema(name: "a", type: .string), ColumnSchema(name: "b", type: .string),
                                                      ColumnSchema(name: "n", type: .int64)])
        try store.write { w in
            var segments: [PendingSegment] = []
            for part in 0..<parts {
                var ab = ColumnBuilder(type: .string), bb = ColumnBuilder(type: .string), nb = ColumnBuilder(type: .int64)
                for i in 0..<rowsPerPart {
                    let r = row(i, part: part)
                    ab.append(r.a.map(Value.string) ?? .null)
                    bb.append(r.b.map(Value.string) ?? .null)
                    nb.append(.int64(r.n))
                }
                segments.append(try w.writeSegment(schema: schema, columns: [ab.finish(), bb.finish(), nb.finish()], blockRows: 16_384))
            }
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments(segments, to: "d")
            }
        }
        return (store, path)
    }

    @Test func groupsByTwoDictionaryColumnsMatchARowByRowCount() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select a, b, count(*), sum(n) from d group by a, b")[0]
        var want: [[Value]: [Value]] = [:]
        var counts: [[Value]: (Int64, Int64)] = [:]
        for part in 0..<Self.parts {
            for i in 0..<Self.rowsPerPart {
                let row = Self.row(i, part: part)
                let key = [row.a.map(Value.string) ?? .null, row.b.map(Value.string) ?? .null]
                let old = counts[key] ?? (0, 0)
                counts[key] = (old.0 + 1, old.1 + row.n)
            }
        }
        for (k, v) in counts { want[k] = [.int64(v.0), .int64(v.1)] }
        var got: [[Value]: [Value]] = [:]
        for i in 0..<r.rowCount { got[[r.value(row: i, column: 0), r.value(row: i, column: 1)]] = [r.value(row: i, column: 2), r.value(row: i, column: 3)] }
        #expect(r.rowCount == want.count)
        #expect(got == want)
    }

    @Test func codesGiveTheSameGroupIDsAsTheStrings() {
        // Entries "p", "q", "r"; rows: q, NULL, p, q, r, NULL, p, q (NULL rows carry code 2).
        let entries = StringArray(["p", "q", "r"])
        let codes: [UInt16] = [1, 2, 0, 1, 2, 2, 0, 1]
        let validity = [true, false, true, true, true, false, true, true]
        let dictionary = DictionaryColumn(entries: entries, codes: codes, validity: validity)
        let strings = dictionary.materialize(nil)
        let rows = codes.count * 4
        let repeated = DictionaryColumn(entries: entries, codes: Array([[UInt16]](repeating: codes, count: 4).joined()),
                                        validity: Array([[Bool]](repeating: validity, count: 4).joined()))
        let column = repeated.materialize(nil)
        #expect(strings.count == codes.count)
        var byCodes = GroupTable(), byStrings = GroupTable()
        var newByCodes: [Int] = [], newByStrings: [Int] = []
        let a = byCodes.groupIDs([column], dictionaries: [repeated], rows: rows) { newByCodes.append($0) }
        let b = byStrings.groupIDs([column], rows: rows) { newByStrings.append($0) }
        #expect(a == b)
        #expect(newByCodes == newByStrings)
        #expect(newByCodes == [0, 1, 2, 4])
    }

    @Test func twoDictionariesCodingTheSameStringsDifferentlyShareTheirGroups() {
        // Batch 1 codes "p" 0, "q" 1; batch 2 (another join's or block's dictionary) codes "q" 0, "p" 1.
        let first = DictionaryColumn(entries: StringArray(["p", "q"]), codes: Array(repeating: [0, 1, 1, 0], count: 4).flatMap { $0 }, validity: nil)
        let second = DictionaryColumn(entries: StringArray(["q", "p"]), codes: Array(repeating: [0, 0, 1, 0], count: 4).flatMap { $0 }, validity: nil)
        var table = GroupTable()
        let a = table.groupIDs([first.materialize(nil)], dictionaries: [first], rows: 16) { _ in }
        let b = table.groupIDs([second.materialize(nil)], dictionaries: [second], rows: 16) { _ in }
        #expect(table.count == 2)
        #expect(a == Array(repeating: [0, 1, 1, 0], count: 4).flatMap { $0 })  // p, q, q, p
        #expect(b == Array(repeating: [1, 1, 0, 1], count: 4).flatMap { $0 })  // q, q, p, q
    }

    @Test func manyCombinationsFallBackToTheStrings() {
        let entries = StringArray((0..<300).map { "v\($0)" })
        let codes = (0..<1_000).map { UInt16($0 % 300) }
        let d = DictionaryColumn(entries: entries, codes: codes, validity: nil)
        var table = GroupTable()
        #expect(table.groupIDs([d.materialize(nil)], dictionaries: [d], rows: codes.count) { _ in } == nil)
        #expect(table.count == 0)
    }
}
