import ColumnStore
import Testing
@testable import Query

/// A join's probe gives the same pairs, in the same order, whichever way it finds a key's build rows:
/// through the probe batch's dictionary (each entry looked up once), through packed 16-byte keys, or
/// through encoded byte keys when a build key is too long to pack. Checked against a nested loop
/// over the rows, for batches with and without dictionaries, NULL rows whose codes point at a
/// matching entry, entries matching no, one and several build rows, and every join kind.
@Suite struct JoinProbeTests {
    static let long = "a key of twenty-two b"  // 21 bytes: too long to pack

    /// Build rows (key, j): "m1" three times, a NULL key, the empty string.
    static let buildKeys: [String?] = ["m0", "m1", "m1", nil, "", "m2", "m1"]

    /// Probe batches of (key, i) with i numbering the rows across batches; `dictionary` per batch.
    static func probeBatches() -> [(keys: [String?], dictionary: Bool)] {
        let entries = ["m1", "nomatch", "", "m0", long, "m9"]
        let first: [String?] = (0..<40).map { r in r % 9 == 4 ? nil : entries[(r * 7 + r / 3) % entries.count] }
        let plain: [String?] = (0..<30).map { r in r % 5 == 0 ? nil : ["m2", "x", "", long, "m1", "m0"][r % 6] }
        let once: [String?] = (0..<25).map { r in ["m0", "m2"][r % 2] }
        return [(first, true), (first, false), (plain, false), (once, true), ([nil, nil], true)]
    }

    static func strings(_ values: [String?]) -> Column {
        var b = ColumnBuilder(type: .string)
        for v in values { b.append(v.map(Value.string) ?? .null) }
        return b.finish()
    }

    /// `keys` as a dictionary block whose NULL rows carry code 0 (a matching entry, "m1" if present).
    static func dictionary(_ keys: [String?]) -> DictionaryColumn {
        var entries: [String] = [], codes: [UInt16] = []
        for k in keys {
            guard let k else { codes.append(0); continue }
            if let c = entries.firstIndex(of: k) { codes.append(UInt16(c)) } else { codes.append(UInt16(entries.count)); entries.append(k) }
        }
        if entries.isEmpty { entries = ["m1"] }
        let validity = keys.map { $0 != nil }
        return DictionaryColumn(entries: StringArray(entries), codes: codes, validity: validity.contains(false) ? validity : nil)
    }

    static func join(_ kind: JoinKind, build: [String?]) -> HashJoinOperator {
        var next: Int64 = 0
        let batches = probeBatches().map { p -> Batch in
            let ids = Column(values: .int64((0..<p.keys.count).map { _ in next += 1; return next - 1 }))
            guard p.dictionary else { return Batch(columns: [strings(p.keys), ids], count: p.keys.count) }
            let d = dictionary(p.keys)
            var b = Batch(columns: [d.materialize(nil), ids], count: p.keys.count)
            b.dictionaries = [d, nil]
            return b
        }
        let left = BatchSource(types: [.string, .int64], batches: batches, label: "probe")
        let right = BatchSource(types: [.string, .int64],
                                batches: [Batch(columns: [strings(build), Column(values: .int64((0..<build.count).map(Int64.init)))], count: build.count)],
                                label: "build")
        return HashJoinOperator(left: left, right: right, kind: kind, leftKeys: [.column(0, .string)], rightKeys: [.column(0, .string)], residual: nil)
    }

    /// The (i, j) pairs a nested loop gives: per probe batch its matches in row order (build rows in
    /// row order), then for LEFT / FULL its unmatched rows; for RIGHT / FULL the unmatched build rows last.
    static func expected(_ kind: JoinKind, build: [String?]) -> [[Int64?]] {
        var out: [[Int64?]] = [], next: Int64 = 0
        var buildMatched = [Bool](repeating: false, count: build.count)
        for p in probeBatches() {
            var unmatched: [[Int64?]] = []
            for k in p.keys {
                let i = next; next += 1
                let js = build.indices.filter { k != nil && build[$0] == k }
                for j in js { out.append([i, Int64(j)]); buildMatched[j] = true }
                if js.isEmpty { unmatched.append([i, nil]) }
            }
            if kind == .left || kind == .full { out += unmatched }
        }
        if kind == .right || kind == .full {
            for j in build.indices where !buildMatched[j] { out.append([nil, Int64(j)]) }
        }
        return out
    }

    static func pairs(_ join: HashJoinOperator) throws -> [[Int64?]] {
        var out: [[Int64?]] = []
        while let b = try join.next() {
            for r in 0..<b.count {
                out.append([1, 3].map { c in
                    guard b.columns[c].valid(r), case .int64(let v) = b.columns[c].values else { return nil }
                    return v[r]
                })
            }
        }
        return out
    }

    @Test(arguments: [JoinKind.inner, .left, .right, .full], [false, true])
    func pairsMatchANestedLoopWithAndWithoutPackedKeys(kind: JoinKind, longBuildKey: Bool) throws {
        let build = Self.buildKeys + (longBuildKey ? [Self.long, "m0"] : [])
        let join = Self.join(kind, build: build)
        let got = try Self.pairs(join)
        #expect(join.usesPackedKeys == !longBuildKey)
        #expect(got == Self.expected(kind, build: build))
        // The long key matches when the build side has it (byte keys), and nothing otherwise.
        #expect(got.contains { $0[0] != nil && $0[1] == 7 } == longBuildKey)
    }

    @Test(arguments: [false, true])
    func theDictionaryPathAppliesOnlyToBatchesWithADictionaryOfTheirRows(longBuildKey: Bool) throws {
        let join = Self.join(.inner, build: Self.buildKeys + (longBuildKey ? [Self.long] : []))
        _ = try Self.pairs(join)
        let d = Self.dictionary(["m1", nil, "nomatch", Self.long])
        var with = Batch(columns: [d.materialize(nil)], count: 4)
        with.dictionaries = [d]
        let probed = try #require(join.entryMatches(with))
        // Entries: "m1" (three build rows), "nomatch", the long key (one row when the build has it).
        #expect(probed.matches.map(\.count) == [3, 0, longBuildKey ? 1 : 0])
        #expect(join.entryMatches(Batch(columns: [d.materialize(nil)], count: 4)) == nil)
        var stale = Batch(columns: [Self.strings(["m1"])], count: 1)
        stale.dictionaries = [d]
        #expect(join.entryMatches(stale) == nil)
    }

    /// INT64 keys pack: NULLs on either side match nothing, a duplicated build key gives both rows.
    @Test func integerKeysJoinThroughPackedKeysWithNULLsAndDuplicates() throws {
        let build = Column(values: .int64([5, -1, 5, 0, 7]), validity: [true, true, true, false, true])
        let probe = Column(values: .int64([0, 5, 7, 9, -1, 5]), validity: [true, true, false, true, true, true])
        let left = BatchSource(types: [.int64], batches: [Batch(columns: [probe], count: 6)], label: "probe")
        let right = BatchSource(types: [.int64, .int64], batches: [Batch(columns: [build, Column(values: .int64([0, 1, 2, 3, 4]))], count: 5)], label: "build")
        let join = HashJoinOperator(left: left, right: right, kind: .inner, leftKeys: [.column(0, .int64)], rightKeys: [.column(0, .int64)], residual: nil)
        var got: [[Int64]] = []
        while let b = try join.next() {
            guard case .int64(let l) = b.columns[0].values, case .int64(let j) = b.columns[2].values else { continue }
            for r in 0..<b.count { got.append([l[r], j[r]]) }
        }
        #expect(join.usesPackedKeys)
        #expect(got == [[5, 0], [5, 2], [-1, 1], [5, 0], [5, 2]])
    }

    /// Dictionary probe pairs (`HashJoinOperator.pairs(of:matches:several:)`), with entries matching no,
    /// one, two and `rowsOfMost` build rows (1: a unique build key, room for one pair per row); NULL
    /// rows carry a code that matches.
    @Test("dictionary probe pairs equal a nested loop's", arguments: [1, 6])
    func dictionaryPairsEqualANestedLoop(rowsOfMost: Int) {
        // Entry 0: build rows 7, 8, ... (rowsOfMost of them); 1: none; 2: row 3; 3: rows 4, 5.
        let several = (0..<Int32(rowsOfMost)).map { 7 + $0 } + [4, 5]
        // With rowsOfMost 1: entry 0 is build row 9, entry 3 matches nothing.
        let unique = rowsOfMost == 1
        let matches = [unique ? BuildMatch(first: 9, count: 1) : BuildMatch(first: 0, count: Int32(rowsOfMost)), .none,
                       BuildMatch(first: 3, count: 1), unique ? .none : BuildMatch(first: Int32(rowsOfMost), count: 2)]
        let rowsOf: [[Int32]] = unique ? [[9], [], [3], []] : [Array(several[0..<rowsOfMost]), [], [3], [4, 5]]
        let codes: [UInt16] = [2, 0, 1, 3, 2, 0, 2, 3, 1, 2]
        let validity = [true, true, true, true, false, true, true, true, true, false]
        let d = DictionaryColumn(entries: StringArray(["a", "b", "c", "d"]), codes: codes, validity: validity)
        let got = HashJoinOperator.pairs(of: d, matches: matches, several: several)
        var li: [Int32] = [], ri: [Int32] = [], once = 0
        for i in codes.indices where validity[i] {
            let rows = rowsOf[Int(codes[i])]
            for r in rows { li.append(Int32(i)); ri.append(r) }
            if rows.count == 1 { once += 1 }
        }
        #expect(got.li == li)
        #expect(got.ri == ri)
        #expect(got.matchedOnce == once)
    }
}
