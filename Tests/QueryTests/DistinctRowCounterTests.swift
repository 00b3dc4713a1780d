import ColumnStore
import Testing
@testable import Query

/// `COUNT(*)` over a `SELECT DISTINCT` counts the distinct rows by their column-wise hashes, comparing
/// rows value by value only when hashes agree; checked against a set of the rows' values built in Swift.
@Suite struct DistinctRowCounterTests {
    /// The rows' keys as a Swift set would tell them apart under DISTINCT: every NaN as one value
    /// (Swift's `Double` already equals -0.0 and 0.0, and hashes them alike).
    static func expectedCount(_ batches: [[Column]]) -> Int {
        var seen = Set<[Value]>()
        for columns in batches {
            for r in 0..<(columns.first?.count ?? 0) {
                seen.insert(columns.map { c in
                    if case .float64(let d) = c.value(at: r), d.isNaN { return .string("NaN") }
                    return c.value(at: r)
                })
            }
        }
        return seen.count
    }

    static func count(_ batches: [[Column]], hashMask: UInt64 = ~0) -> Int {
        var counter = DistinctRowCounter(hashMask: hashMask)
        for b in batches { counter.add(b, rows: b.first?.count ?? 0) }
        return counter.count
    }

    /// Batches of `GroupTableTests.columns()` (200 keys of every type, NULLs in each column) cut at
    /// uneven places, so each key recurs in several batches.
    static func batches() -> [[Column]] {
        let columns = GroupTableTests.columns()
        return [0..<7, 7..<300, 300..<301, 301..<1_000].map { r in columns.map { $0.slice(r) } }
    }

    /// Hash masks: the full hash; a few values in both halves of the table (most rows collide with
    /// rows of other keys, so keys are told apart by comparing their values); one value for all.
    @Test(arguments: [~UInt64(0), 0x8000_0000_0000_0003, 0])
    func countsMatchASetOfTheRowsValues(hashMask: UInt64) {
        let batches = Self.batches()
        #expect(Self.expectedCount(batches) == 200)
        #expect(Self.count(batches, hashMask: hashMask) == 200)
    }

    @Test(arguments: [~UInt64(0), 0x8000_0000_0000_0001])
    func nullsEqualEachOtherAndNoEmptyStringOrZero(hashMask: UInt64) {
        var s = ColumnBuilder(type: .string), i = ColumnBuilder(type: .int64)
        for (sv, iv) in [(nil, nil), ("", 0), (nil, 0), ("", nil), (nil, nil), ("", 0), ("a", 1), (nil, 0)] as [(String?, Int64?)] {
            if let sv { s.appendString(sv) } else { s.appendNull() }
            if let iv { i.appendInt64(iv) } else { i.appendNull() }
        }
        #expect(Self.count([[s.finish(), i.finish()]], hashMask: hashMask) == 5)
    }

    /// A NULL's slot may hold any value (as an expression leaves it): NULLs are equal all the same.
    @Test func nullsAreEqualWhateverTheirSlotsHold() {
        let columns = [Column(values: .int64([5, 6, 5]), validity: [false, false, true]),
                       Column(values: .string(StringArray(["a", "b", "a"])), validity: [false, false, true])]
        #expect(Self.count([columns]) == 2)
    }

    @Test(arguments: [~UInt64(0), 0])
    func negativeZeroEqualsZeroAndEveryNaNIsOneValue(hashMask: UInt64) {
        var f = ColumnBuilder(type: .float64)
        for d in [-0.0, 0.0, Double.nan, -Double.nan, Double(bitPattern: 0x7FF8_0000_0000_0001), 1.5] { f.appendDouble(d) }
        f.appendNull()
        #expect(Self.count([[f.finish()]], hashMask: hashMask) == 4)
    }

    /// Strings past 32 bytes that differ only in their last byte, or only in length.
    @Test(arguments: [~UInt64(0), 0])
    func longStringsAreComparedWhole(hashMask: UInt64) {
        let base = String(repeating: "x", count: 100)
        var s = ColumnBuilder(type: .string)
        for v in [base + "a", base + "b", base + "a", base, base + "aa", base + "b"] { s.appendString(v) }
        #expect(Self.count([[s.finish()]], hashMask: hashMask) == 4)
    }

    @Test func emptyInputHasNoRowsAndOneRowIsOne() {
        #expect(DistinctRowCounter().count == 0)
        #expect(Self.count([[Column(values: .int64([])), Column(values: .string(StringArray()))]]) == 0)
        #expect(Self.count([[Column(values: .int64([7])), Column(values: .string(StringArray(["x"])))]]) == 1)
    }

    /// 300,000 rows over 150,000 keys of two columns (the table doubles many times), in 5 batches; also
    /// with 32-bit hashes in both halves (some keys share a hash; a smaller mask would pile the keys
    /// into a few long probe runs, which the small tests above cover).
    @Test(arguments: [~UInt64(0), 0x8000_0000_FFFF_FFFF])
    func manyKeysMatchASetOfTheRowsValues(hashMask: UInt64) {
        let n = 300_000
        var batches: [[Column]] = []
        for start in stride(from: 0, to: n, by: 60_000) {
            var a = ColumnBuilder(type: .int64), b = ColumnBuilder(type: .string)
            for r in start..<(start + 60_000) {
                let k = (r &* 7_919) % 150_000
                if k % 1_000 == 0 { a.appendNull() } else { a.appendInt64(Int64(k / 3)) }
                b.appendString("k\(k % 3)")
            }
            batches.append([a.finish(), b.finish()])
        }
        #expect(Self.count(batches, hashMask: hashMask) == Self.expectedCount(batches))
    }

    /// A batch whose every row repeats an earlier key is not kept (only rows are compared against
    /// kept batches).
    @Test func batchesOfRepeatedKeysAreDropped() {
        let batch = [Column(values: .int64([1, 2, 3, 2]))]
        var counter = DistinctRowCounter()
        counter.add(batch, rows: 4)
        counter.add(batch, rows: 4)
        counter.add([Column(values: .int64([3, 4]))], rows: 2)
        counter.add(batch, rows: 4)
        #expect(counter.count == 4)
        #expect(counter.keptBatches == 2)
    }
}
