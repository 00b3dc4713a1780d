import ColumnStore
import Testing
@testable import Query

/// COUNT(DISTINCT) per group, checked against a Swift set of (group, value) per group: packed pairs
/// (short values, small group ids) and unpacked ones (long strings, large group ids) never count a
/// value twice, NULLs count nothing, -0.0 is 0.0 and every NaN is one value.
@Suite struct DistinctCounterTests {
    /// Counts `batches` with a fresh counter, each batch's groups added first.
    static func count(_ batches: [(groups: [Int32], values: Column)], groups: Int, hashMask: UInt64 = ~0,
                      packedGroups: Int = 1 << 24, bufferedPairs: Int = 1 << 18, parallelPairs: Int = 1 << 14) -> DistinctCounter {
        var c = DistinctCounter(hashMask: hashMask, packedGroups: packedGroups, bufferedPairs: bufferedPairs, parallelPairs: parallelPairs)
        c.addGroups(groups)
        for b in batches { c.add(groups: b.groups, values: b.values) }
        c.finishAdding()
        return c
    }

    /// Strings around the 12-byte boundary sharing prefixes, with embedded zero bytes, the empty
    /// string and NULL, over many groups and three batches; with forced collisions and without, and
    /// with the groups past 300 unpacked; and with the packed pairs inserted a few hundred at a time,
    /// on several cores (the last two numbers: pairs buffered, fewest inserted in parallel).
    static let stringCases: [(UInt64, Int, Int, Int)] = [
        (UInt64.max, 16_777_216, 262_144, 16_384), (0x1F, 16_777_216, 262_144, 16_384), (0xFF, 300, 262_144, 16_384),
        (UInt64.max, 16_777_216, 700, 100), (0x1F, 300, 333, 1),
    ]
    @Test(arguments: stringCases)
    func stringsOfEveryLengthCountAsASetPerGroup(hashMask: UInt64, packedGroups: Int, bufferedPairs: Int, parallelPairs: Int) {
        let groupCount = 1_000
        func value(_ i: Int) -> [UInt8]? {
            if i % 17 == 0 { return nil }
            var s = Array("user_\(i % 97)".utf8)
            s += [UInt8](repeating: i % 5 == 0 ? 0 : 0x61, count: i % 11)
            return Array(s.prefix(i % 23))  // 0...22 bytes: the empty string, and prefixes of longer ones
        }
        var expected = [Set<[UInt8]>](repeating: [], count: groupCount)
        var batches: [(groups: [Int32], values: Column)] = []
        for b in 0..<3 {
            var groups: [Int32] = []
            var builder = ColumnBuilder(type: .string)
            for j in 0..<20_000 {
                let i = b * 7_000 + j, g = (i * 31) % groupCount
                groups.append(Int32(g))
                if let v = value(i) {
                    expected[g].insert(v)
                    builder.append(.string(String(decoding: v, as: UTF8.self)))
                } else { builder.append(.null) }
            }
            batches.append((groups, builder.finish()))
        }
        let c = Self.count(batches, groups: groupCount, hashMask: hashMask, packedGroups: packedGroups,
                           bufferedPairs: bufferedPairs, parallelPairs: parallelPairs)
        #expect(c.counts == expected.map { Int64($0.count) })
        let long = expected.indices.reduce(0) { n, g in n + (g >= packedGroups ? expected[g].count : expected[g].filter { $0.count > 12 }.count) }
        #expect(c.unpackedCount == long && c.packedCount + long == expected.reduce(0) { $0 + $1.count })
    }

    /// Groups added between batches, counts read, then more pairs added: the next `finishAdding()`
    /// counts them all again, each pair once.
    @Test func countsReadBetweenBatchesAreCompleteEachTime() {
        var c = DistinctCounter(bufferedPairs: 5, parallelPairs: 2)
        c.addGroups(1)
        c.add(groups: [0, 0, 0, 0], values: Column(values: .int64([1, 2, 2, 3])))
        c.finishAdding()
        #expect(c.counts == [3])
        c.addGroups(2)
        c.add(groups: [0, 1, 2, 2, 1, 0, 2, 2, 2, 2, 2, 2], values: Column(values: .int64([3, 3, 4, 5, 3, 4, 6, 7, 8, 9, 10, 4])))
        c.finishAdding()
        #expect(c.counts == [4, 1, 7])
        #expect(c.packedCount == 12)
    }

    @Test func floatZerosAreOneValueAndNaNsAnother() {
        let v = Column(values: .float64([0.0, -0.0, .nan, -.nan, Double(bitPattern: 0x7FF8_0000_0000_0001), 1.5, 1.5, 2]),
                       validity: [true, true, true, true, true, true, true, false])
        let c = Self.count([([0, 0, 0, 0, 0, 0, 1, 1], v)], groups: 2)
        #expect(c.counts == [3, 1])
    }

    @Test func integersDatesTimestampsAndBoolsCountDistinctNonNullValues() {
        let g: [Int32] = [0, 0, 1, 1, 1, 0]
        let valid = [true, true, true, true, false, true]
        let cases: [(ColumnValues, [Int64])] = [
            (.int64([5, 5, 5, -1, 9, Int64.min]), [2, 2]),
            (.timestamp([0, 1, 0, 0, 0, 1]), [2, 1]),
            (.date([-3, -3, 7, 8, 9, 7]), [2, 2]),
            (.bool([1, 0, 1, 1, 0, 1]), [2, 1]),
        ]
        for (values, expected) in cases {
            #expect(Self.count([(g, Column(values: values, validity: valid))], groups: 2, hashMask: 0x3).counts == expected)
        }
    }

    @Test func anEmptyStringIsAValueAndNullIsNot() {
        let v = Column(values: .string(StringArray(["", "", "a", ""])), validity: [true, false, false, true])
        #expect(Self.count([([0, 0, 0, 1], v)], groups: 2).counts == [1, 1])
    }

    /// With a dictionary block, only the first row of each (group, code) is looked up; the counts are
    /// those of the strings, NULL rows included in the block.
    @Test func dictionaryCodesGiveTheCountsOfTheStrings() {
        let entries = StringArray(["a", "bb", String(repeating: "long", count: 5), ""])
        var codes: [UInt16] = [], groups: [Int32] = [], validity: [Bool] = []
        for i in 0..<4_000 { codes.append(UInt16(i * 7 % 4)); groups.append(Int32(i % 3)); validity.append(i % 10 != 3) }
        let d = DictionaryColumn(entries: entries, codes: codes, validity: validity)
        let column = d.materialize(nil)
        var withCodes = DistinctCounter(hashMask: 0x7)
        withCodes.addGroups(3)
        withCodes.add(groups: groups, values: column, dictionary: d)
        withCodes.finishAdding()
        let byStrings = Self.count([(groups, column)], groups: 3)
        #expect(withCodes.counts == byStrings.counts && withCodes.counts == [4, 4, 4])
        #expect(DistinctCounter.firstRows(groups: groups, values: column, dictionary: d, groupCount: 3)?.count == 12)
    }
}
