import ColumnStore
import Testing
@testable import Query

/// The build side of a join on one key packed into 16 bytes: each key's build rows in row order,
/// NULLs never inserted, keys telling apart strings that share bytes, and no table at all when a
/// key does not pack (so the join falls back to encoded byte keys).
@Suite struct JoinKeyTableTests {
    static func strings(_ values: [String?]) -> Column {
        var b = ColumnBuilder(type: .string)
        for v in values { b.append(v.map(Value.string) ?? .null) }
        return b.finish()
    }

    /// The build rows `table` gives for `key`, whichever way it stores them.
    static func rows(_ table: JoinKeyTable, _ key: PackedKey) -> [Int32] {
        let m = table.find(key)
        if m.count <= 1 { return m.count == 0 ? [] : [m.first] }
        return Array(table.rowsByKey[Int(m.first)..<Int(m.first + m.count)])
    }

    static func packed(_ s: String) -> PackedKey {
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBytes { PackedKey($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: bytes.count) }
    }

    /// Strings sharing bytes: a prefix, a trailing NUL byte, the last of 15 bytes, the empty string.
    @Test func stringsThatShareBytesAreDifferentKeysWithTheirRowsInOrder() throws {
        let values: [String?] = ["ab", "ab\u{0}", "a", "", "123456789012345", "123456789012346", nil, "ab", "", nil, "ab"]
        let table = try #require(JoinKeyTable(keys: Self.strings(values), rows: values.count))
        #expect(table.count == 6)
        #expect(Self.rows(table, Self.packed("ab")) == [0, 7, 10])
        #expect(Self.rows(table, Self.packed("ab\u{0}")) == [1])
        #expect(Self.rows(table, Self.packed("a")) == [2])
        #expect(Self.rows(table, Self.packed("")) == [3, 8])
        #expect(Self.rows(table, Self.packed("123456789012345")) == [4])
        #expect(Self.rows(table, Self.packed("123456789012346")) == [5])
        #expect(Self.rows(table, Self.packed("b")).isEmpty)
        #expect(Self.rows(table, Self.packed("abc")).isEmpty)
    }

    @Test func aValidStringLongerThanFifteenBytesGivesNoTableButALongNULLDoesNot() {
        #expect(JoinKeyTable(keys: Self.strings(["short", "1234567890123456"]), rows: 2) == nil)
        #expect(JoinKeyTable(keys: Self.strings(["short", "123456789012345"]), rows: 2) != nil)
        // A NULL whose (unused) bytes are long.
        let column = Column(values: .string(StringArray(bytes: Array("short".utf8) + Array(repeating: 65, count: 20), ends: [5, 25])),
                            validity: [true, false])
        let table = JoinKeyTable(keys: column, rows: 2)
        #expect(table != nil)
        #expect(table.map { Self.rows($0, Self.packed("short")) } == [0])
        #expect(JoinKeyTable(keys: Column(values: .float64([1, 2])), rows: 2) == nil)
    }

    /// Many keys (long probe chains at half load), duplicates every 7th, NULLs every 11th, extremes.
    @Test func manyIntegerKeysWithDuplicatesAndNULLsAreEachFound() throws {
        let n = 100_000
        func key(_ i: Int) -> Int64 { i % 7 == 0 ? Int64(i / 7) * 1_000_003 : Int64(i) * -4_096 + (i % 2 == 0 ? .min / 2 : 0) }
        let values = (0..<n).map(key) + [.min, .max, 0]
        let validity = (0..<values.count).map { $0 % 11 != 0 || $0 >= n }
        let table = try #require(JoinKeyTable(keys: Column(values: .int64(values), validity: validity), rows: values.count))
        var expected: [Int64: [Int32]] = [:]
        for (i, v) in values.enumerated() where validity[i] { expected[v, default: []].append(Int32(i)) }
        #expect(table.count == expected.count)
        for (v, rows) in expected { #expect(Self.rows(table, PackedKey(UInt64(bitPattern: v))) == rows) }
        for v: Int64 in [1, -1, 7, 1_000_002, .max - 1] where expected[v] == nil {
            #expect(Self.rows(table, PackedKey(UInt64(bitPattern: v))).isEmpty)
        }
    }

    @Test func dateKeysPackTheirDays() throws {
        let table = try #require(JoinKeyTable(keys: Column(values: .date([-1, 0, 20_000, -1])), rows: 4))
        #expect(table.type == .date)
        #expect(Self.rows(table, PackedKey(UInt64(UInt32(bitPattern: -1)))) == [0, 3])
        #expect(Self.rows(table, PackedKey(UInt64(20_000))) == [2])
        #expect(Self.rows(table, PackedKey(UInt64(bitPattern: -1))).isEmpty)
    }

    /// Keys looked up a group at a time give what one at a time gives: hits, misses, duplicates, and a
    /// count that is not a multiple of the group (strings with shared prefixes, so probes run on).
    @Test func groupedLookupsAgreeWithSingleOnes() throws {
        let values: [String?] = (0..<5_000).map { $0 % 17 == 0 ? nil : "u\($0 % 3_001)" }
        let table = try #require(JoinKeyTable(keys: Self.strings(values), rows: values.count))
        let probes = (0..<4_099).map { Self.packed("u\($0 * 3 % 4_500)") }
        var got = [BuildMatch](repeating: .none, count: probes.count)
        probes.withUnsafeBufferPointer { p in got.withUnsafeMutableBufferPointer { table.find(p, into: $0) } }
        for (k, key) in probes.enumerated() {
            let one = table.find(key)
            #expect(got[k].count == one.count && (one.count == 0 || got[k].first == one.first))
        }
        #expect(got.contains { $0.count == 0 } && got.contains { $0.count == 1 } && got.contains { $0.count > 1 })
    }

    /// The build inserts a group of keys after reading their home slots: keys equal to an earlier key
    /// of the same group, keys sharing a home slot (a table of 16 slots for 8 rows), a group that is all
    /// one key, all NULLs, and no rows at all, checked against a dictionary of each key's rows.
    @Test(arguments: [
        [5, 5, 5, 5, 5, 5, 5, 5],
        [1, 2, 1, 3, 2, 1, 4, 4],
        [16, 32, 48, 0, 64, 80, 96, 112],
        [nil, nil, nil],
        [],
        [7, nil, 7, 8, nil, 9, 9, 7, 10, 11, 12, 13, 14, 15, 16, 7, 17, 18, 7, 19],
    ] as [[Int64?]])
    func keysInsertedAGroupAtATimeKeepEachKeysRowsInOrder(_ values: [Int64?]) throws {
        let column = Column(values: .int64(values.map { $0 ?? 0 }), validity: values.map { $0 != nil })
        let table = try #require(JoinKeyTable(keys: column, rows: values.count))
        var expected: [Int64: [Int32]] = [:]
        for (i, v) in values.enumerated() { if let v { expected[v, default: []].append(Int32(i)) } }
        #expect(table.count == expected.count)
        for (v, rows) in expected { #expect(Self.rows(table, PackedKey(UInt64(bitPattern: v))) == rows) }
        #expect(Self.rows(table, PackedKey(UInt64(1_000))).isEmpty)
        #expect(Self.rows(table, PackedKey(0)).isEmpty == (expected[0] == nil))
    }

}
