import Testing
@testable import Ingest

/// Watermark alignment by read order (`PartitionAlignment`), against hand-computed orders.
@Suite struct StreamWindowAlignmentTests {
    static let minute: Int64 = 60_000_000
    /// Lateness 2 minutes plus a 1-minute window, as the consumer's defaults give.
    let alignment = PartitionAlignment(aheadLimit: 3 * minute, maxOpenWindows: 100)

    @Test("below the open-window limit every partition is read, furthest behind in event time first, a partition without events before all")
    func belowTheLimitAllPartitionsFurthestBehindFirst() {
        let order = alignment.order([0, 1, 2, 3], latest: [0: 50 * Self.minute, 1: 10 * Self.minute, 3: 10 * Self.minute],
                                    caughtUp: [], openWindows: 99)
        #expect(order == [2, 1, 3, 0])
    }

    @Test("at the limit a partition more than lateness plus a window ahead of the slowest other partition is left out; one exactly that far ahead is read")
    func atTheLimitAPartitionFarAheadIsLeftOut() {
        let latest: [Int32: Int64] = [0: 20 * Self.minute, 1: 10 * Self.minute, 2: 13 * Self.minute]
        #expect(alignment.order([0, 1, 2], latest: latest, caughtUp: [], openWindows: 100) == [1, 2])
        #expect(alignment.order([0, 1, 2], latest: latest, caughtUp: [], openWindows: 250) == [1, 2])
    }

    @Test("a partition far ahead is read again once the slow partition has nothing left to read")
    func theFastPartitionIsReadOnceTheSlowOneIsCaughtUp() {
        let latest: [Int32: Int64] = [0: 20 * Self.minute, 1: 10 * Self.minute]
        #expect(alignment.order([0, 1], latest: latest, caughtUp: [1], openWindows: 500) == [1, 0])
    }

    @Test("a partition that delivered nothing yet holds back every partition that did, at the limit")
    func aPartitionWithoutEventsHoldsTheOthersBack() {
        let latest: [Int32: Int64] = [0: 20 * Self.minute, 1: 10 * Self.minute]
        #expect(alignment.order([0, 1, 2], latest: latest, caughtUp: [], openWindows: 100) == [2])
        // Once it is caught up without having delivered anything, it holds nothing back.
        #expect(alignment.order([0, 1, 2], latest: latest, caughtUp: [2], openWindows: 100) == [2, 1])
    }

    @Test("with one partition it is always read")
    func aSinglePartitionIsAlwaysRead() {
        #expect(alignment.order([4], latest: [4: 1_000 * Self.minute], caughtUp: [], openWindows: 10_000) == [4])
        #expect(alignment.order([], latest: [:], caughtUp: [], openWindows: 10_000) == [])
    }
}
