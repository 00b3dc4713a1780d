import ColumnStore
import Testing
@testable import Query

/// A join's build-side dictionary codes kept side by side per build row: gathered rows give each
/// column's own codes, in the order asked (repeats, any order, none), and one dictionary column alone
/// needs no side-by-side copy.
@Suite struct BuildRowCodesTests {
    static func dictionary(_ codes: [UInt16], _ entries: [String]) -> DictionaryColumn {
        DictionaryColumn(entries: StringArray(entries), codes: codes, validity: nil)
    }

    @Test func gatheredRowsGiveEachColumnsOwnCodes() throws {
        let a = Self.dictionary([0, 1, 2, 1, 0], ["x", "y", "z"])
        let b = Self.dictionary([3, 3, 0, 1, 2], ["p", "q", "r", "s"])
        let codes = try #require(BuildRowCodes([a, nil, b]))
        #expect(codes.columns == [0, 2])
        let got = codes.gather([4, 0, 0, 3, 2])
        #expect(got[0] == [0, 0, 0, 1, 2])
        #expect(got[2] == [2, 3, 3, 1, 0])
        #expect(got[1] == nil)
        #expect(codes.gather([]) == [0: [], 2: []])
    }

    @Test func fewerThanTwoDictionaryColumnsNeedNoCopy() {
        #expect(BuildRowCodes([Self.dictionary([0], ["x"]), nil]) == nil)
        #expect(BuildRowCodes([nil, nil]) == nil)
        #expect(BuildRowCodes([]) == nil)
    }
}
