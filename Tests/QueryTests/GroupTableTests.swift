import ColumnStore
import Testing
@testable import Query

/// The hash table of a GROUP BY keeps each group's key only in encoded form; the key columns a
/// GROUP BY returns are decoded from it.
@Suite struct GroupTableTests {
    /// 1,000 rows over 200 distinct keys of every column type, with NULLs in each column.
    static func columns() -> [Column] {
        var i64 = ColumnBuilder(type: .int64), f64 = ColumnBuilder(type: .float64), date = ColumnBuilder(type: .date)
        var bool = ColumnBuilder(type: .bool), ts = ColumnBuilder(type: .timestamp), str = ColumnBuilder(type: .string)
        for r in 0..<1_000 {
            let k = r % 200
            if k % 17 == 0 { i64.appendNull() } else { i64.appendInt64(Int64(k) * 1_000_003 - 90_000_000) }
            if k % 13 == 0 { f64.appendNull() } else { f64.appendDouble(Double(k) / 8 - 3) }
            if k % 11 == 0 { date.appendNull() } else { date.appendDate(Int32(k * 37) - 4_000) }
            if k % 7 == 0 { bool.appendNull() } else { bool.appendBool(k % 2 == 0) }
            if k % 5 == 0 { ts.appendNull() } else { ts.appendInt64(Int64(k) * 86_400_000_123) }
            if k % 3 == 0 { str.appendNull() } else { str.appendString(k % 10 == 1 ? "" : String(repeating: "é\(k)", count: k % 9)) }
        }
        return [i64.finish(), f64.finish(), date.finish(), bool.finish(), ts.finish(), str.finish()]
    }

    @Test func decodedKeysAreTheFirstRowOfEachGroupInIdOrder() {
        let columns = Self.columns()
        var table = GroupTable()
        var firstRows: [Int] = []
        let ids = table.groupIDs(columns, rows: 1_000) { firstRows.append($0) }
        #expect(table.count == 200)
        #expect(ids.enumerated().allSatisfy { Int($1) == $0 % 200 })
        let decoded = table.decodeKeys(0..<200, types: columns.map(\.type))
        for (c, column) in columns.enumerated() {
            #expect(decoded[c].type == column.type)
            #expect((0..<200).map { decoded[c].value(at: $0) } == firstRows.map { column.value(at: $0) })
        }
    }

    @Test func aRangeOfGroupsDecodesOnlyThoseGroups() {
        let columns = Self.columns()
        var table = GroupTable()
        _ = table.groupIDs(columns, rows: 1_000) { _ in }
        let all = table.decodeKeys(0..<200, types: columns.map(\.type))
        let part = table.decodeKeys(150..<180, types: columns.map(\.type))
        for c in columns.indices {
            #expect(part[c].count == 30)
            #expect((0..<30).map { part[c].value(at: $0) } == (150..<180).map { all[c].value(at: $0) })
        }
    }

    /// Keys are compared normalized (-0.0 equals 0.0, NaNs equal each other), and come back so.
    @Test func floatKeysComeBackNormalized() {
        var b = ColumnBuilder(type: .float64)
        for d in [-0.0, 0.0, Double.nan, -Double.nan, 1.5] { b.appendDouble(d) }
        var table = GroupTable()
        let ids = table.groupIDs([b.finish()], rows: 5) { _ in }
        #expect(ids == [0, 0, 1, 1, 2])
        let decoded = table.decodeKeys(0..<3, types: [.float64])[0]
        guard case .float64(let v) = decoded.values else { Issue.record("not FLOAT64"); return }
        #expect(v[0] == 0 && v[0].sign == .plus)
        #expect(v[1].isNaN)
        #expect(v[2] == 1.5)
    }
}
