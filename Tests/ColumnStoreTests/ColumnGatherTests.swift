import Testing
@testable import ColumnStore

@Suite struct ColumnGatherTests {
    /// Index lists: none, one row, rows out of order, rows repeated, every row, every row backwards.
    static let selections: [[Int32]] = [[], [7], [3, 49, 0, 12], [5, 5, 5, 0, 5], Array(0..<50), (0..<50).reversed().map { $0 }]

    @Test("a gather holds, in order, the values (NULLs included) of the rows it names, for every type",
          arguments: ColumnType.allCases, [false, true])
    func aGatherHoldsTheValuesOfItsRows(type: ColumnType, withNulls: Bool) {
        let values = sampleValues(type, withNulls: withNulls)
        let column = makeColumn(type, values)
        for indices in ColumnGatherTests.selections {
            let gathered = column.gather(indices)
            #expect(gathered.count == indices.count, "\(indices)")
            #expect(identical(rows(of: gathered), indices.map { values[Int($0)] }), "\(type) \(indices)")
            #expect(gathered.validity == nil || gathered.validity!.contains(false), "an all-valid gather has no validity mask")
        }
    }

    @Test("an array gathered at indices equals the elements picked one by one")
    func arrayGatheredEqualsPickingEachElement() {
        let words = ["a", "bb", "", "dddd", "e"]
        #expect(words.gathered(at: [4, 0, 0, 2]) == ["e", "a", "a", ""])
        #expect(words.gathered(at: []) == [])
        let codes: [UInt16] = [9, 8, 7]
        #expect(codes.gathered(at: [2, 1, 2]) == [7, 8, 7])
        #expect([Bool]().gathered(at: []) == [])
    }
}
