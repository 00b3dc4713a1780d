import ColumnStore
import Testing
@testable import Query

/// A GROUP BY of one INT64 / TIMESTAMP / DATE / STRING key keeps the keys that pack into 16 bytes in
/// a `PackedKeyTable`, the others (NULL, STRINGs over 15 bytes) in the byte-key table, under one
/// numbering. The expected ids come from a Swift dictionary of the values, numbered in first-seen
/// order; a hash mask forces collisions rather than hoping for them.
@Suite struct PackedKeyTableTests {
    /// Group ids numbered in first-seen order of `values` (a dictionary of the values themselves).
    static func expectedIDs(_ values: [Value]) -> (ids: [Int32], firsts: [Value]) {
        var seen: [Value: Int32] = [:]
        var firsts: [Value] = []
        let ids = values.map { v in
            if let id = seen[v] { return id }
            seen[v] = Int32(firsts.count)
            firsts.append(v)
            return Int32(firsts.count - 1)
        }
        return (ids, firsts)
    }

    static func column(_ type: ColumnType, _ values: [Value]) -> Column {
        var b = ColumnBuilder(type: type, capacity: values.count)
        for v in values { b.append(v) }
        return b.finish()
    }

    /// Strings on both sides of the 15-byte packing limit sharing prefixes, with embedded and
    /// trailing zero bytes, the empty string and NULL (which must not be the empty string).
    static let awkwardStrings: [Value] = {
        let fifteen = "abcdefghijklmno"
        let strings = ["", "\0", "\0\0", "a", "a\0", "ab", "ab\0", "ab\0\0", fifteen, fifteen + "p", fifteen + "q",
                       fifteen + "\0", String(fifteen.dropLast()) + "\0", String(repeating: "\0", count: 15),
                       String(repeating: "\0", count: 16), String(repeating: "é", count: 7), String(repeating: "é", count: 8),
                       String(repeating: "x", count: 200), String(repeating: "x", count: 201)]
        return strings.map { Value.string($0) } + [.null]
    }()

    @Test(arguments: [~UInt64(0), 0x3, 0])
    func stringKeysAcrossThePackingLimitGetOneIdPerDistinctValue(hashMask: UInt64) {
        let distinct = Self.awkwardStrings
        // Every value 7 times, interleaved (7 is prime to the 20 values).
        let values = (0..<(distinct.count * 7)).map { distinct[($0 * 7) % distinct.count] }
        let (expected, firsts) = Self.expectedIDs(values)
        var table = GroupTable(packedHashMask: hashMask)
        var newRows: [Int] = []
        let ids = table.groupIDs([Self.column(.string, values)], rows: values.count) { newRows.append($0) }
        #expect(ids == expected)
        #expect(table.count == distinct.count)
        #expect(newRows.map { values[$0] } == firsts)
        let decoded = table.decodeKeys(0..<table.count, types: [.string])[0]
        #expect((0..<table.count).map { decoded.value(at: $0) } == firsts)
    }

    /// Enough keys to double the slots many times, all colliding into 4 home slots under the mask.
    @Test(arguments: [ColumnType.int64, .timestamp, .date], [~UInt64(0), 0x3])
    func manyFixedWidthKeysSurviveGrowthAndCollisions(type: ColumnType, hashMask: UInt64) {
        let n = hashMask == 0x3 ? 3_000 : 50_000
        let values: [Value] = (0..<(2 * n)).map { r in
            let k = Int64((r * 7_919) % n) - Int64(n / 2)
            if r % 997 == 0 { return .null }
            switch type {
            case .date: return .date(Int32(k) * 3)
            case .timestamp: return .timestamp(k * 86_400_000_001)
            default: return .int64(k == 0 ? .min : k == 1 ? .max : k * 1_000_000_007)
            }
        }
        let (expected, firsts) = Self.expectedIDs(values)
        var table = GroupTable(packedHashMask: hashMask)
        // In batches, as the aggregation gives them.
        var ids: [Int32] = []
        for start in stride(from: 0, to: values.count, by: 4_096) {
            let part = Array(values[start..<min(values.count, start + 4_096)])
            ids += table.groupIDs([Self.column(type, part)], rows: part.count) { _ in }
        }
        #expect(ids == expected)
        let decoded = table.decodeKeys(0..<table.count, types: [type])[0]
        #expect(decoded.type == type)
        #expect((0..<table.count).map { decoded.value(at: $0) } == firsts)
    }

    @Test func emptyInputMakesNoGroups() {
        var table = GroupTable()
        let ids = table.groupIDs([Self.column(.string, [])], rows: 0) { _ in Issue.record("no row is new") }
        #expect(ids.isEmpty)
        #expect(table.count == 0)
        #expect(table.decodeKeys(0..<0, types: [.string])[0].count == 0)
    }

    /// The merge maps each of the other table's groups, packed or not, to the one group of its value.
    @Test(arguments: [~UInt64(0), 0x1])
    func mergingNumbersTheOtherTablesNewKeysAfterThisTables(hashMask: UInt64) {
        let all = Self.awkwardStrings + (0..<500).map { Value.string("user_\($0)") }
        let left = Array(all[..<300]), right = Array(all[150...]).reversed().map { $0 }
        var a = GroupTable(packedHashMask: hashMask), b = GroupTable(packedHashMask: hashMask)
        _ = a.groupIDs([Self.column(.string, left)], rows: left.count) { _ in }
        _ = b.groupIDs([Self.column(.string, right)], rows: right.count) { _ in }
        let mapping = a.merge(b)
        let (_, firsts) = Self.expectedIDs(left + right)
        #expect(a.count == firsts.count)
        let decoded = a.decodeKeys(0..<a.count, types: [.string])[0]
        #expect((0..<a.count).map { decoded.value(at: $0) } == firsts)
        #expect(mapping.map { decoded.value(at: Int($0)) } == right)
        // Into an empty table (a partial that saw no rows), and of an empty one.
        var empty = GroupTable(packedHashMask: hashMask)
        #expect(empty.merge(a) == Array(0..<Int32(a.count)))
        #expect(a.merge(GroupTable()) == [])
        #expect(empty.count == a.count)
    }

    /// A single FLOAT64 or BOOL key does not pack: its keys are compared encoded (-0.0 = 0.0, NaNs
    /// equal), as before.
    @Test func floatAndBoolKeysStayEncoded() {
        var table = GroupTable(packedHashMask: 0)
        let ids = table.groupIDs([Self.column(.float64, [.float64(-0.0), .float64(0.0), .float64(.nan), .null, .float64(-.nan)])],
                                 rows: 5) { _ in }
        #expect(ids == [0, 0, 1, 2, 1])
        var bools = GroupTable(packedHashMask: 0)
        #expect(bools.groupIDs([Self.column(.bool, [.bool(true), .null, .bool(false), .bool(true)])], rows: 4) { _ in } == [0, 1, 2, 0])
    }
}
