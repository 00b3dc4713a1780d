import ColumnStore
import Testing
@testable import Query

/// `TopOneOperator` on its own, over hand-made batches whose first rows per partition are worked out
/// by hand in each test: ties, NULL partition keys, NULL ORDER BY values ascending and descending,
/// several kept columns, empty input, and the rows counted without holding the input when no input
/// column is read above.
@Suite struct TopOneOperatorTests {
    /// Rows (k, o, p): partition key, ORDER BY value, a payload string naming the row.
    typealias Row = (k: String?, o: Int64?, p: String)

    /// Three input batches. Per key: a → o 3, 5, 5 (the two 5s tie); NULL → 1, 7; b → NULL, 2, 2
    /// (tie); c → NULL, NULL (tie).
    static let batches: [[Row]] = [
        [("a", 3, "a3"), (nil, 1, "n1"), ("b", nil, "bN"), ("a", 5, "a5")],
        [("b", 2, "b2"), ("a", 5, "a5-later"), (nil, 7, "n7"), ("c", nil, "cN")],
        [("c", nil, "cN-later"), ("b", 2, "b2-later")],
    ]

    static func source(_ batches: [[Row]]) -> BatchSource {
        let types: [ColumnType] = [.string, .int64, .string]
        return BatchSource(types: types, batches: batches.map { rows in
            var b = types.map { ColumnBuilder(type: $0) }
            for r in rows {
                b[0].append(r.k.map(Value.string) ?? .null)
                b[1].append(r.o.map(Value.int64) ?? .null)
                b[2].append(.string(r.p))
            }
            return Batch(columns: b.indices.map { b[$0].finish() }, count: rows.count)
        }, label: "rows")
    }

    static func call(descending: Bool, nullsFirst: Bool) -> WindowCall {
        WindowCall(kind: .rowNumber, arguments: [], partitionBy: [.column(0, .string)],
                   orderBy: [SortKey(expr: .column(1, .int64), descending: descending, nullsFirst: nullsFirst)], resultType: .int64)
    }

    /// Every output row's values, column by column (the ROW_NUMBER last).
    static func run(_ call: WindowCall, _ batches: [[Row]] = batches, read: [Bool]? = nil) throws -> [[Value]] {
        let op = TopOneOperator(child: source(batches), call: call)
        op.outputRead = read
        let out = try op.drain()
        return (0..<out.count).map { r in out.columns.map { $0.value(at: r) } }
    }

    @Test("descending keeps each key's largest value, NULLs last, the earlier of tied rows, in input order")
    func descendingNullsLast() throws {
        let got = try Self.run(Self.call(descending: true, nullsFirst: false))
        #expect(got == [[.string("a"), .int64(5), .string("a5"), .int64(1)],
                        [.string("b"), .int64(2), .string("b2"), .int64(1)],
                        [.null, .int64(7), .string("n7"), .int64(1)],
                        [.string("c"), .null, .string("cN"), .int64(1)]])
    }

    @Test("ascending keeps each key's smallest value with NULLs first, the NULL key as one partition")
    func ascendingNullsFirst() throws {
        let got = try Self.run(Self.call(descending: false, nullsFirst: true))
        #expect(got.map { $0[2] } == [.string("a3"), .string("n1"), .string("bN"), .string("cN")])
    }

    @Test("ascending with NULLS LAST and descending with NULLS FIRST")
    func explicitNullPlacement() throws {
        let ascLast = try Self.run(Self.call(descending: false, nullsFirst: false))
        #expect(ascLast.map { $0[2] } == [.string("a3"), .string("n1"), .string("b2"), .string("cN")])
        let descFirst = try Self.run(Self.call(descending: true, nullsFirst: true))
        #expect(descFirst.map { $0[2] } == [.string("bN"), .string("a5"), .string("n7"), .string("cN")])
    }

    @Test("with one input column read, the read column keeps the chosen rows' values")
    func oneReadColumnKeepsTheChosenRows() throws {
        let got = try Self.run(Self.call(descending: true, nullsFirst: false), read: [false, false, true])
        #expect(got.map { $0[2] } == [.string("a5"), .string("b2"), .string("n7"), .string("cN")])
    }

    @Test("with no input column read, one row per distinct key, NULL key included")
    func countsKeysWhenNothingIsRead() throws {
        let got = try Self.run(Self.call(descending: true, nullsFirst: false), read: [false, false, false])
        #expect(got.count == 4)
        #expect(got.allSatisfy { $0 == [.null, .null, .null, .int64(1)] })
    }

    @Test("empty input gives no rows", arguments: [nil, [false, false, false]] as [[Bool]?])
    func emptyInput(read: [Bool]?) throws {
        #expect(try Self.run(Self.call(descending: true, nullsFirst: false), [], read: read).isEmpty)
        #expect(try Self.run(Self.call(descending: true, nullsFirst: false), [[]], read: read).isEmpty)
    }

    @Test("without ORDER BY the first input row of each key, across groups")
    func noOrderKeepsTheFirstRow() throws {
        let call = WindowCall(kind: .rowNumber, arguments: [], partitionBy: [.column(0, .string)], orderBy: [], resultType: .int64)
        let got = try Self.run(call)
        #expect(got.map { $0[2] } == [.string("a3"), .string("n1"), .string("bN"), .string("cN")])
    }

    @Test("two ORDER BY keys: ties on the first are broken by the second, a later better row replaces an earlier one")
    func secondKeyBreaksTies() throws {
        let call = WindowCall(kind: .rowNumber, arguments: [], partitionBy: [.column(0, .string)],
                              orderBy: [SortKey(expr: .column(1, .int64), descending: true, nullsFirst: false),
                                        SortKey(expr: .column(2, .string), descending: true, nullsFirst: false)], resultType: .int64)
        let got = try Self.run(call)
        // a: "a5-later" > "a5"; b: "b2-later" > "b2"; c: both NULL, "cN-later" > "cN"; NULL key: 7.
        #expect(got.map { $0[2] } == [.string("a5-later"), .string("n7"), .string("cN-later"), .string("b2-later")])
    }

    @Test("many keys over many batches: the first rows match a dictionary's, and counting without reading matches its size")
    func manyKeysAgainstADictionary() throws {
        // 40 batches of 50 rows, key i % 301 (NULL for i % 97 == 0), o = (i * 37) % 11 (NULL for i % 13 == 0).
        let rows: [Row] = (0..<2_000).map { (i: Int) -> Row in
            let k: String? = i % 97 == 0 ? nil : "key\(i % 301)"
            let o: Int64? = i % 13 == 0 ? nil : Int64((i * 37) % 11)
            return (k: k, o: o, p: "row\(i)")
        }
        let batches = stride(from: 0, to: rows.count, by: 50).map { Array(rows[$0..<($0 + 50)]) }
        var best: [String: (Int, Int64?)] = [:]  // key → (row, o), descending NULLS LAST, earliest of ties
        for (i, r) in rows.enumerated() {
            let key = r.k ?? "\u{0}NULL"
            if let (_, o) = best[key] {
                let better: Bool
                switch (r.o, o) {
                case (nil, _): better = false
                case (_?, nil): better = true
                case let (x?, y?): better = x > y
                }
                if !better { continue }
            }
            best[key] = (i, r.o)
        }
        let want = best.values.map(\.0).sorted().map { Value.string("row\($0)") }
        let got = try Self.run(Self.call(descending: true, nullsFirst: false), batches)
        #expect(got.map { $0[2] } == want)
        let counted = try Self.run(Self.call(descending: true, nullsFirst: false), batches, read: [false, false, false])
        #expect(counted.count == best.count)
    }
}
