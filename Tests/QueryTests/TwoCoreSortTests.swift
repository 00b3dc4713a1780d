import Testing
@testable import Query

/// Large sorts split across two cores must give exactly the single-core order.
@Suite struct TwoCoreSortTests {
    /// Pseudo-random (key, position) pairs with many repeated keys, ordered by key then position.
    @Test(arguments: [10, TwoCoreSort.parallelCount - 1, TwoCoreSort.parallelCount, 300_001])
    func givesTheOrderOfASingleCoreSort(count: Int) {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        let input: [(key: UInt64, row: Int32)] = (0..<count).map { i in
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return (x % 5_000, Int32(i))
        }
        let less: ((key: UInt64, row: Int32), (key: UInt64, row: Int32)) -> Bool = { $0.key != $1.key ? $0.key < $1.key : $0.row < $1.row }
        var sorted = input
        TwoCoreSort.sort(&sorted, by: less)
        let expected = input.sorted(by: less)
        #expect(sorted.count == count)
        #expect(sorted.map(\.key) == expected.map(\.key) && sorted.map(\.row) == expected.map(\.row))
    }

    /// Equal elements keep their input order across the two halves (the merge takes the left first).
    @Test func equalElementsKeepTheirInputOrder() {
        let count = TwoCoreSort.parallelCount * 2
        let input = (0..<count).map { (key: ($0 * 31) % 7, row: $0) }
        var sorted = input
        TwoCoreSort.sort(&sorted) { $0.key < $1.key }
        #expect(sorted.map(\.row) == (0..<7).flatMap { k in input.filter { $0.key == k }.map(\.row) })
    }
}
