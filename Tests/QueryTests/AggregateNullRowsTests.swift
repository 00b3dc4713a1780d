import ColumnStore
import Testing
@testable import Query

/// SUM, AVG and COUNT(x) add NULL rows as identities instead of skipping them (no branch per row):
/// the results must be those of skipping them, bit for bit, whatever value a NULL row's slot holds.
@Suite struct AggregateNullRowsTests {
    static let groups: [Int32] = [0, 1, 0, 2, 1, 0, 2, 2, 1, 0]
    static let valid = [true, false, true, true, true, false, false, true, true, true]

    /// One state of `kind` over `argument`, its three groups' results.
    static func results(_ kind: AggregateKind, _ argument: Column, type: ColumnType) throws -> [Value] {
        var state = AggregateState(spec: AggregateSpec(kind: kind, argument: .column(0, argument.type), resultType: type))
        state.addGroups(3)
        try state.update(groups: groups, argument: argument)
        let out = state.finish(groups: 3)
        return (0..<3).map { out.value(at: $0) }
    }

    @Test("FLOAT64 sums and averages with NULL slots holding NaN, infinity and -0.0 equal the sums that skip them")
    func floatSumsEqualSkippingNulls() throws {
        let values: [Double] = [1.5, .nan, -0.0, 1e300, 0.1, .infinity, -.infinity, 0.2, 1e-300, 0.3]
        let column = Column(values: .float64(values), validity: Self.valid)
        var sums = [0.0, 0.0, 0.0], counts = [0, 0, 0]
        for (i, g) in Self.groups.enumerated() where Self.valid[i] {
            sums[Int(g)] += values[i]
            counts[Int(g)] += 1
        }
        let sum = try Self.results(.sum, column, type: .float64)
        let avg = try Self.results(.avg, column, type: .float64)
        for g in 0..<3 {
            guard case .float64(let s) = sum[g], case .float64(let a) = avg[g] else { Issue.record("group \(g): \(sum[g]) \(avg[g])"); continue }
            #expect(s.bitPattern == sums[g].bitPattern, "group \(g)")
            #expect(a.bitPattern == (sums[g] / Double(counts[g])).bitPattern, "group \(g)")
        }
    }

    @Test("a group whose rows are all NULL sums to NULL and counts 0")
    func anAllNullGroupIsNull() throws {
        let column = Column(values: .float64(Array(repeating: 7, count: 10)), validity: Self.groups.map { $0 != 2 })
        #expect(try Self.results(.sum, column, type: .float64)[2] == .null)
        #expect(try Self.results(.avg, column, type: .float64)[2] == .null)
        #expect(try Self.results(.count, column, type: .int64) == [.int64(4), .int64(3), .int64(0)])
    }

    @Test("INT64 sums ignore the value in a NULL slot, even one that would overflow")
    func intSumsIgnoreNullSlots() throws {
        let values: [Int64] = [5, .max, -2, 40, 7, .max, .min, 1, 3, 10]
        let column = Column(values: .int64(values), validity: Self.valid)
        // Valid rows: group 0: 5, -2, 10; group 1: 7, 3; group 2: 40, 1.
        #expect(try Self.results(.sum, column, type: .int64) == [.int64(13), .int64(10), .int64(41)])
        #expect(try Self.results(.avg, column, type: .float64) == [.float64(13.0 / 3), .float64(5), .float64(20.5)])
        #expect(try Self.results(.count, column, type: .int64) == [.int64(3), .int64(2), .int64(2)])
    }
}
