import ColumnStore
import Testing
@testable import Query

/// GROUP BY over inputs with many groups, which `HashAggregateOperator` splits by key hash into
/// partitions (`PartitionedAggregate`), checked against the aggregates computed row by row in Swift,
/// groups in the order of their first row (the order one partial over the whole input gives).
@Suite struct PartitionedAggregateTests {
    /// Hands out fixed batches.
    final class Batches: Operator {
        let outputTypes: [ColumnType]
        var batches: [Batch]
        init(_ batches: [Batch], types: [ColumnType]) { self.batches = batches; outputTypes = types }
        func next() throws -> Batch? { batches.isEmpty ? nil : batches.removeFirst() }
        func explain(_ depth: Int) -> [String] { [] }
    }

    static let rowCount = 300_000

    /// Row `i`'s non-key values: n (INT64), x (FLOAT64), s (STRING), b (BOOL), each NULL at times.
    static func n(_ i: Int) -> Int64? { i % 13 == 0 ? nil : Int64(i % 1000) - 500 }
    static func x(_ i: Int) -> Double? { i % 17 == 0 ? nil : Double(i % 29) * 0.1 }
    static func s(_ i: Int) -> String? { i % 11 == 0 ? nil : "v\(i % 31)" }
    static func b(_ i: Int) -> Bool? { i % 7 == 0 ? nil : i % 3 == 0 }

    /// Columns: the keys (of `keyTypes`, from `key`), then n, x, s, b; 65,536 rows a batch.
    static func batches(keyTypes: [ColumnType], rows: Int = rowCount, key: (Int) -> [Value]) -> [Batch] {
        var out: [Batch] = []
        var start = 0
        while start < rows {
            let end = min(rows, start + SegmentFormat.defaultBlockRows)
            var kb = keyTypes.map { ColumnBuilder(type: $0) }
            var nb = ColumnBuilder(type: .int64), xb = ColumnBuilder(type: .float64), sb = ColumnBuilder(type: .string), bb = ColumnBuilder(type: .bool)
            for i in start..<end {
                for (k, v) in key(i).enumerated() { kb[k].append(v) }
                nb.append(n(i).map(Value.int64) ?? .null)
                xb.append(x(i).map(Value.float64) ?? .null)
                sb.append(s(i).map(Value.string) ?? .null)
                bb.append(b(i).map(Value.bool) ?? .null)
            }
            out.append(Batch(columns: kb.indices.map { kb[$0].finish() } + [nb.finish(), xb.finish(), sb.finish(), bb.finish()], count: end - start))
            start = end
        }
        return out
    }

    /// COUNT(*), COUNT(n), SUM(n), AVG(x), MIN(s), MAX(s), COUNTIF(b), ANY_VALUE(s), MIN(n), MAX(x) over
    /// the columns after `keyCount` keys.
    static func aggregates(keyCount k: Int) -> [AggregateSpec] {
        [AggregateSpec(kind: .countStar, argument: nil, resultType: .int64),
         AggregateSpec(kind: .count, argument: .column(k, .int64), resultType: .int64),
         AggregateSpec(kind: .sum, argument: .column(k, .int64), resultType: .int64),
         AggregateSpec(kind: .avg, argument: .column(k + 1, .float64), resultType: .float64),
         AggregateSpec(kind: .min, argument: .column(k + 2, .string), resultType: .string),
         AggregateSpec(kind: .max, argument: .column(k + 2, .string), resultType: .string),
         AggregateSpec(kind: .countIf, argument: .column(k + 3, .bool), resultType: .int64),
         AggregateSpec(kind: .anyValue, argument: .column(k + 2, .string), resultType: .string),
         AggregateSpec(kind: .min, argument: .column(k, .int64), resultType: .int64),
         AggregateSpec(kind: .max, argument: .column(k + 1, .float64), resultType: .float64)]
    }

    /// The aggregates of one group, row by row.
    struct Expected {
        var count: Int64 = 0, countN: Int64 = 0, sumN: Int64 = 0, sumX: Double = 0, countX: Int64 = 0
        var minS: String?, maxS: String?, trues: Int64 = 0, anyS: String?, minN: Int64?, maxX: Double?

        mutating func add(_ i: Int) {
            count += 1
            if let n = PartitionedAggregateTests.n(i) { countN += 1; sumN += n; minN = Swift.min(minN ?? n, n) }
            if let x = PartitionedAggregateTests.x(i) { sumX += x; countX += 1; maxX = Swift.max(maxX ?? x, x) }
            if let s = PartitionedAggregateTests.s(i) {
                minS = Swift.min(minS ?? s, s); maxS = Swift.max(maxS ?? s, s)
                if anyS == nil { anyS = s }
            }
            if PartitionedAggregateTests.b(i) == true { trues += 1 }
        }

        var row: [Value] {
            [.int64(count), .int64(countN), countN == 0 ? .null : .int64(sumN), countX == 0 ? .null : .float64(sumX / Double(countX)),
             minS.map(Value.string) ?? .null, maxS.map(Value.string) ?? .null, .int64(trues), anyS.map(Value.string) ?? .null,
             minN.map(Value.int64) ?? .null, maxX.map(Value.float64) ?? .null]
        }
    }

    /// The expected output rows (keys then aggregates), groups in the order of their first row.
    static func expected(rows: Int = rowCount, key: (Int) -> [Value]) -> [[Value]] {
        var index: [[Value]: Int] = [:]
        var keys: [[Value]] = []
        var states: [Expected] = []
        for i in 0..<rows {
            let k = key(i)
            let g: Int
            if let known = index[k] { g = known } else {
                g = keys.count
                index[k] = g
                keys.append(k)
                states.append(Expected())
            }
            states[g].add(i)
        }
        return keys.indices.map { keys[$0] + states[$0].row }
    }

    /// Runs the GROUP BY of `keyTypes` keys over `batches` and returns its rows and whether it split
    /// the groups by hash.
    static func run(_ batches: [Batch], keyTypes: [ColumnType]) throws -> (rows: [[Value]], split: Bool) {
        let types = keyTypes + [.int64, .float64, .string, .bool]
        let op = HashAggregateOperator(child: Batches(batches, types: types), keys: keyTypes.indices.map { .column($0, keyTypes[$0]) },
                                       aggregates: aggregates(keyCount: keyTypes.count))
        var rows: [[Value]] = []
        while let b = try op.next() {
            for r in 0..<b.count { rows.append(b.columns.map { $0.value(at: r) }) }
        }
        return (rows, op.splitByHash)
    }

    /// `rows` equal `want` row for row, except that AVG (after `keyCount` keys) may differ from the
    /// row-by-row average in the last digits: the partitions add FLOAT64 sums in the two halves the
    /// two-partial path adds them in (`twoPathsRoundAlike` checks those exactly).
    static func expectMatches(_ rows: [[Value]], _ want: [[Value]], keyCount k: Int) {
        func exact(_ r: [Value]) -> [Value] { var r = r; r.remove(at: k + 3); return r }
        #expect(rows.count == want.count)
        #expect(rows.map(exact) == want.map(exact))
        for (r, w) in zip(rows, want) {
            switch (r[k + 3], w[k + 3]) {
            case (.null, .null): continue
            case (.float64(let a), .float64(let b)): #expect(abs(a - b) <= 1e-12 * abs(b))
            default: Issue.record("AVG \(r[k + 3]) for \(w[k + 3])")
            }
        }
    }

    static func stringKey(_ i: Int) -> [Value] {
        if i % 1009 == 0 { return [.null] }
        // Every fifth key is longer than a packed key holds (15 bytes).
        return [.string(i % 5 == 0 ? "a-user-name-longer-than-fifteen-\(i % 90_000)" : "u\(i % 90_000)")]
    }

    @Test("many STRING keys, short, long and NULL, are split by hash and match a row-by-row computation in first-row order")
    func stringKeys() throws {
        let (rows, split) = try Self.run(Self.batches(keyTypes: [.string], key: Self.stringKey), keyTypes: [.string])
        #expect(split)
        Self.expectMatches(rows, Self.expected(key: Self.stringKey), keyCount: 1)
    }

    static func intKey(_ i: Int) -> [Value] { i % 1009 == 0 ? [.null] : [.int64(Int64((i &* 7919) % 100_003) - 50_000)] }

    @Test("many INT64 keys with NULLs are split by hash and match a row-by-row computation in first-row order")
    func intKeys() throws {
        let (rows, split) = try Self.run(Self.batches(keyTypes: [.int64], key: Self.intKey), keyTypes: [.int64])
        #expect(split)
        Self.expectMatches(rows, Self.expected(key: Self.intKey), keyCount: 1)
    }

    static func twoKeys(_ i: Int) -> [Value] { [i % 1009 == 0 ? .null : .int64(Int64(i % 600)), i % 2003 == 0 ? .null : .string("w\(i % 701)")] }

    @Test("many (INT64, STRING) key pairs are split by hash and match a row-by-row computation in first-row order")
    func twoKeyColumns() throws {
        let (rows, split) = try Self.run(Self.batches(keyTypes: [.int64, .string], key: Self.twoKeys), keyTypes: [.int64, .string])
        #expect(split)
        Self.expectMatches(rows, Self.expected(key: Self.twoKeys), keyCount: 2)
    }

    static func floatKey(_ i: Int) -> [Value] { i % 1013 == 0 ? [.null] : [.float64(Double(i % 70_001) * 0.5)] }

    @Test("many FLOAT64 keys (not packed) are split by hash and match a row-by-row computation")
    func floatKeys() throws {
        let (rows, split) = try Self.run(Self.batches(keyTypes: [.float64], key: Self.floatKey), keyTypes: [.float64])
        #expect(split)
        Self.expectMatches(rows, Self.expected(key: Self.floatKey), keyCount: 1)
    }

    static func fewKeys(_ i: Int) -> [Value] { i % 97 == 0 ? [.null] : [.string("g\(i % 40)")] }

    @Test("a GROUP BY with few groups keeps the two-partial path and its result")
    func fewGroupsAreNotSplit() throws {
        let (rows, split) = try Self.run(Self.batches(keyTypes: [.string], key: Self.fewKeys), keyTypes: [.string])
        #expect(!split)
        // The two partials' sums are added in another order: AVG (column 4) may differ in the last digits.
        func exact(_ r: [Value]) -> [Value] { var r = r; r.remove(at: 4); return r }
        let want = Self.expected(key: Self.fewKeys)
        #expect(Set(rows.map(exact)) == Set(want.map(exact)))
        var avg: [Value: Double] = [:]
        for r in want { if case .float64(let a) = r[4] { avg[r[0]] = a } }
        for r in rows {
            guard case .float64(let a) = r[4], let w = avg[r[0]] else { Issue.record("no AVG for \(r[0])"); continue }
            #expect(abs(a - w) <= 1e-12 * abs(w))
        }
    }

    @Test("a SUM that overflows in one partition fails the query")
    func sumOverflowThrows() throws {
        // Key i % 50,000 over 200,000 rows; n is Int64.max in every row of key 7.
        var kb = ColumnBuilder(type: .int64), nb = ColumnBuilder(type: .int64)
        for i in 0..<200_000 {
            kb.append(.int64(Int64(i % 50_000)))
            nb.append(.int64(i % 50_000 == 7 ? .max : 1))
        }
        let keys = kb.finish(), values = nb.finish()
        let batches = stride(from: 0, to: 200_000, by: 65_536).map { start in
            let r = start..<min(200_000, start + 65_536)
            return Batch(columns: [keys.slice(r), values.slice(r)], count: r.count)
        }
        let op = HashAggregateOperator(child: Batches(batches, types: [.int64, .int64]), keys: [.column(0, .int64)],
                                       aggregates: [AggregateSpec(kind: .sum, argument: .column(1, .int64), resultType: .int64)])
        #expect(throws: QueryError.self) { while try op.next() != nil {} }
    }

    @Test("the partitions' SUM and AVG of FLOAT64 equal those of two partials merged, to the last digit")
    func twoPathsRoundAlike() throws {
        // Keys with few rows each, so most groups have rows in both halves.
        let key: (Int) -> [Value] = { i in [.int64(Int64(i % 40_000))] }
        let batches = Self.batches(keyTypes: [.int64], key: key)
        let aggregates = [AggregateSpec(kind: .sum, argument: .column(2, .float64), resultType: .float64),
                          AggregateSpec(kind: .avg, argument: .column(2, .float64), resultType: .float64),
                          AggregateSpec(kind: .avg, argument: .column(1, .int64), resultType: .float64)]
        let input = AggregateInput(keys: [.column(0, .int64)], aggregates: aggregates)
        var p = PartitionedAggregate(input: input)
        try p.add(round: batches)
        p.finishAdding()
        // The two-partial path over one round: the first half of its batches, then the second, merged.
        var first = PartialAggregate(input: input), second = PartialAggregate(input: input)
        for (j, b) in batches.enumerated() { if j < batches.count / 2 { try first.add(b) } else { try second.add(b) } }
        try first.merge(second)
        func rows(_ b: Batch) -> Set<[Value]> { Set((0..<b.count).map { r in b.columns.map { $0.value(at: r) } }) }
        #expect(p.groupCount == 40_000)
        #expect(rows(p.batch(groups: 0..<p.groupCount)) == rows(first.batch(groups: 0..<first.groupCount)))
    }

    @Test("a partitioned aggregate of no rows has no groups")
    func emptyInput() throws {
        let input = AggregateInput(keys: [.column(0, .string)], aggregates: Self.aggregates(keyCount: 1))
        var p = PartitionedAggregate(input: input)
        try p.add(round: [])
        try p.add(round: Self.batches(keyTypes: [.string], rows: 0, key: Self.stringKey))
        p.finishAdding()
        #expect(p.groupCount == 0)
        let b = p.batch(groups: 0..<0)
        #expect(b.count == 0)
        #expect(b.columns.count == 11)
    }

    @Test("COUNT(DISTINCT) in a partitioned aggregate counts each group's distinct non-NULL values")
    func countDistinct() throws {
        let input = AggregateInput(keys: [.column(0, .string)],
                                   aggregates: [AggregateSpec(kind: .countDistinct, argument: .column(3, .string), resultType: .int64),
                                                AggregateSpec(kind: .countDistinct, argument: .column(1, .int64), resultType: .int64)])
        var p = PartitionedAggregate(input: input)
        let batches = Self.batches(keyTypes: [.string], rows: 100_000, key: { i in [.string("k\(i % 3_000)")] })
        try p.add(round: Array(batches[..<1]))
        try p.add(round: Array(batches[1...]))
        p.finishAdding()
        var want: [String: (Set<String>, Set<Int64>)] = [:]
        var order: [String] = []
        for i in 0..<100_000 {
            let k = "k\(i % 3_000)"
            if want[k] == nil { order.append(k); want[k] = ([], []) }
            if let s = Self.s(i) { want[k]!.0.insert(s) }
            if let n = Self.n(i) { want[k]!.1.insert(n) }
        }
        let b = p.batch(groups: 0..<p.groupCount)
        let got = (0..<b.count).map { r in b.columns.map { $0.value(at: r) } }
        #expect(got == order.map { [.string($0), .int64(Int64(want[$0]!.0.count)), .int64(Int64(want[$0]!.1.count))] })
    }
}
