import Testing
@testable import ColumnStore

@Suite struct ColumnSliceTests {
    /// A slice holds exactly the values of its rows, NULLs included, for every type and every kind of
    /// range (empty, first rows, middle, last rows, all), and slicing a slice works on its own offsets.
    @Test(arguments: ColumnType.allCases, [false, true])
    func aSliceHoldsTheValuesOfItsRows(type: ColumnType, withNulls: Bool) {
        let values = sampleValues(type, withNulls: withNulls)
        let column = makeColumn(type, values)
        for range in [0..<0, 0..<7, 14..<21, 13..<37, 40..<50, 0..<50, 25..<25] {
            let slice = column.slice(range)
            #expect(slice.count == range.count, "\(range)")
            #expect(identical(rows(of: slice), Array(values[range])), "\(type) \(range)")
            #expect(slice.validity == nil || slice.validity!.contains(false), "an all-valid slice has no validity mask")
        }
        let inner = column.slice(10..<40).slice(5..<20)
        #expect(identical(rows(of: inner), Array(values[15..<30])), "a slice of a slice")
    }
}
