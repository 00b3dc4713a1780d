import ColumnStore
import Foundation
import Testing
@testable import Query

/// A STRING column that a GROUP BY reads straight from the scan only as a key is not copied out of
/// its dictionary blocks (`TableScan.keyOnlyColumns`): the aggregation takes its strings from the
/// dictionary wherever it needs them. Checked against counts computed here, row by row, where the
/// dictionary numbering cannot be used (another key of the same batch is plainly encoded, too many
/// combinations) and where the key is also an aggregate's argument.
@Suite struct KeyOnlyColumnsTests {
    static let rows = 40_000, blockRows = 8_192

    /// Row `i`: `a` from 6 values and NULL (dictionary blocks), `u` unique (plain blocks), `m` from
    /// a third of a block's rows (dictionary blocks with too many codes to number), `n` a number.
    static func row(_ i: Int) -> (a: String?, u: String, m: String, n: Int64) {
        (i % 31 == 0 ? nil : ["", "x", "yy", "a long value of more than fifteen bytes", "x\0", "z"][i % 6],
         "u\(i)", "m\(i % (blockRows / 3))", Int64(i % 10))
    }

    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("keyonly")
        let store = try Store(path: path)
        let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "a", type: .string), ColumnSchema(name: "u", type: .string),
                                                      ColumnSchema(name: "m", type: .string), ColumnSchema(name: "n", type: .int64)])
        try store.write { w in
            var a = ColumnBuilder(type: .string), u = ColumnBuilder(type: .string), m = ColumnBuilder(type: .string)
            var n = ColumnBuilder(type: .int64)
            for i in 0..<rows {
                let r = row(i)
                a.append(r.a.map(Value.string) ?? .null)
                u.appendString(r.u)
                m.appendString(r.m)
                n.appendInt64(r.n)
            }
            let segment = try w.writeSegment(schema: schema, columns: [a.finish(), u.finish(), m.finish(), n.finish()], blockRows: blockRows)
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments([segment], to: "t")
            }
        }
        return (store, path)
    }

    /// The result's rows as a dictionary from the first `keys` columns to the others.
    static func rowsByKey(_ r: QueryResult, keys: Int) -> [[Value]: [Value]] {
        var out: [[Value]: [Value]] = [:]
        for i in 0..<r.rowCount {
            let all = r.columns.indices.map { r.value(row: i, column: $0) }
            out[Array(all[..<keys])] = Array(all[keys...])
        }
        return out
    }

    @Test func aKeyBesideAPlainlyEncodedKeyGetsItsStrings() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select a, u, count(*) from t group by a, u")[0]
        var want: [[Value]: [Value]] = [:]
        for i in 0..<Self.rows {
            let row = Self.row(i)
            want[[row.a.map(Value.string) ?? .null, .string(row.u)]] = [.int64(1)]
        }
        #expect(r.rowCount == Self.rows)
        #expect(Self.rowsByKey(r, keys: 2) == want)
    }

    @Test func tooManyCombinationsGroupTheDictionarysStrings() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select m, count(*), sum(n) from t group by m")[0]
        var counts: [[Value]: (Int64, Int64)] = [:]
        for i in 0..<Self.rows {
            let row = Self.row(i)
            let old = counts[[.string(row.m)]] ?? (0, 0)
            counts[[.string(row.m)]] = (old.0 + 1, old.1 + row.n)
        }
        #expect(Self.rowsByKey(r, keys: 1) == counts.mapValues { [.int64($0.0), .int64($0.1)] })
    }

    @Test func aKeyThatIsAlsoAnArgumentIsCopied() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select a, count(*), min(a), count(distinct a), max(length(a)) from t group by a")[0]
        var counts: [Value: Int64] = [:]
        for i in 0..<Self.rows { counts[Self.row(i).a.map(Value.string) ?? .null, default: 0] += 1 }
        var want: [[Value]: [Value]] = [:]
        for (a, n) in counts {
            let length: Value = if case .string(let s) = a { .int64(Int64(s.count)) } else { .null }
            want[[a]] = [.int64(n), a, .int64(a.isNull ? 0 : 1), length]
        }
        #expect(Self.rowsByKey(r, keys: 1) == want)
    }
}
