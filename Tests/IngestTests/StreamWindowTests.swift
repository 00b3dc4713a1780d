import ColumnStore
import Foundation
import Testing
@testable import Ingest

/// Event-time windows and the watermark combined over partitions, checked against hand-computed values.
@Suite struct StreamWindowTests {
    static let minute: Int64 = 60_000_000

    /// An event with its keys by name (interned by `WindowAggregator.add(_:partition:now:)` below).
    struct NamedEvent {
        var eventTime: Int64, user: UInt64, session: UInt64, action: String, genre: String, country: String
        var duration: Double?, isSkip: Bool
    }

    func event(_ minute: Double, user: UInt64 = 1, session: UInt64 = 1, action: String = "started",
               genre: String = "Drama", country: String = "USA", duration: Double? = nil, skip: Bool = false) -> NamedEvent {
        NamedEvent(eventTime: Int64(minute * 60_000_000), user: user, session: session, action: action, genre: genre,
                   country: country, duration: duration, isSkip: skip)
    }

    func aggregator(idle: Double = 10) -> WindowAggregator {
        var c = WindowConfiguration()
        c.idleTimeoutSeconds = idle
        return WindowAggregator(config: c)
    }

    @Test func aWindowClosesOnlyWhenTheSlowestPartitionsWatermarkPassesItsEnd() {
        var a = aggregator()
        a.assign([0, 1], now: 0)
        a.add(event(0.5), partition: 0, now: 0)
        a.add(event(10), partition: 0, now: 0)   // partition 0 far ahead
        #expect(a.closed.isEmpty)                // partition 1 has delivered nothing: watermark -inf
        a.add(event(2.5), partition: 1, now: 0)  // partition 1 at 2.5 min: watermark 0.5 min
        #expect(a.closed.isEmpty)
        a.add(event(3.0), partition: 1, now: 0)  // watermark 1.0 min = end of window [0, 1)
        #expect(a.closed.map(\.window.start) == [0])
        #expect(a.closed.first?.window.events == 1)
        #expect(a.watermark == Self.minute)
        a.verify()
    }

    @Test func eventsBehindTheWatermarkAreCountedLateAndNotFolded() {
        var a = aggregator()
        a.assign([0], now: 0)
        a.add(event(0.2), partition: 0, now: 0)
        a.add(event(5), partition: 0, now: 0)    // watermark 3 min: [0,1) [1,2) [2,3) final
        #expect(a.closed.map(\.window.start) == [0])
        #expect(a.add(event(2.9), partition: 0, now: 0) == false)
        #expect(a.add(event(0.1), partition: 0, now: 0) == false)
        #expect(a.add(event(3.1), partition: 0, now: 0) == true)   // [3,4) still open
        #expect(a.lateCounts == [2 * Self.minute: 1, 0: 1])
        #expect(a.closed.first?.window.events == 1)
    }

    @Test func anIdlePartitionStopsHoldingTheWatermarkBack() {
        var a = aggregator(idle: 10)
        a.assign([0, 1], now: 100)
        a.add(event(0.5), partition: 1, now: 100)
        a.add(event(10), partition: 0, now: 100)
        #expect(a.closed.isEmpty)
        a.tick(now: 105, caughtUp: [1])
        #expect(a.closed.isEmpty)                // not idle yet
        a.add(event(10.5), partition: 0, now: 111)
        a.tick(now: 111, caughtUp: [])            // silent for 11 s but with a backlog: not idle
        #expect(a.closed.isEmpty)
        a.tick(now: 111, caughtUp: [1])           // caught up and silent for 11 s: idle
        #expect(a.closed.map(\.window.start) == [0])
        #expect(a.watermark == Int64(8.5 * 60_000_000))
    }

    @Test func aPartitionsLatestEventTimesItsIdlenessEvenWhenAnAssignmentStampedItLater() {
        // The consumer stamps events with the clock read before its poll, and a rebalance inside the poll
        // stamps the assignment with a later reading: the events after it still count from their own time.
        var a = aggregator(idle: 10)
        a.assign([0, 1], now: 100)
        a.add(event(10), partition: 0, now: 100)
        a.add(event(0.5), partition: 1, now: 100)
        a.assign([1], now: 103)
        a.add(event(0.6), partition: 1, now: 100)
        a.add(event(10.1), partition: 0, now: 112)
        a.tick(now: 111, caughtUp: [1])           // partition 1 silent since 100: idle, 0 alone holds the watermark
        #expect(a.closed.map(\.window.start) == [0])
        #expect(a.closed.first?.window.events == 2)
        #expect(a.watermark == 606_000_000 - 120_000_000)
        a.verify()
    }

    @Test func theWatermarkNeverMovesBack() {
        var a = aggregator()
        a.assign([0], now: 0)
        a.add(event(10), partition: 0, now: 0)
        let w = a.watermark
        a.assign([1], now: 0)
        a.add(event(1), partition: 1, now: 0)
        #expect(a.watermark == w)
    }

    @Test func closedWindowRowsFollowTheMetricDefinitions() {
        var a = aggregator()
        a.assign([0], now: 0)
        a.add(event(0.1, user: 1, session: 10, action: "started", genre: "Drama", country: "USA", duration: 30), partition: 0, now: 0)
        a.add(event(0.2, user: 1, session: 10, action: "stopped", genre: "Drama", country: "USA", duration: 10, skip: true), partition: 0, now: 0)
        a.add(event(0.3, user: 2, session: 11, action: "stopped", genre: "Comedy", country: "Canada", duration: nil), partition: 0, now: 0)
        a.add(event(0.4, user: 3, session: 12, action: "completed", genre: "Comedy", country: "USA", duration: 50), partition: 0, now: 0)
        a.add(event(3.5), partition: 0, now: 0)
        var eng = TableBatch(StreamTables.engagement), types = TableBatch(StreamTables.eventTypes)
        var genres = TableBatch(StreamTables.topGenres), countries = TableBatch(StreamTables.topCountries)
        var late = TableBatch(StreamTables.lateEvents)
        _ = a.drainClosed(engagement: &eng, eventTypes: &types, genres: &genres, countries: &countries, late: &late)
        let e = eng.take()
        #expect(e.map { $0.value(at: 0) } == [.timestamp(0), .timestamp(Self.minute), .int64(3), .int64(4), .int64(3), .float64(30), .int64(1)])
        let t = types.take()
        #expect((0..<t[0].count).map { [t[2].value(at: $0), t[3].value(at: $0)] } == [[.string("completed"), .int64(1)], [.string("started"), .int64(1)], [.string("stopped"), .int64(2)]])
        let g = genres.take()
        // Tie on events (2 each): the genre name decides; Comedy has 2 users, Drama 1.
        #expect((0..<g[0].count).map { [g[2].value(at: $0), g[3].value(at: $0), g[4].value(at: $0), g[5].value(at: $0)] }
                == [[.string("Comedy"), .int64(2), .int64(2), .int64(1)], [.string("Drama"), .int64(2), .int64(1), .int64(2)]])
        let c = countries.take()
        #expect((0..<c[0].count).map { [c[2].value(at: $0), c[3].value(at: $0), c[4].value(at: $0)] }
                == [[.string("Canada"), .int64(1), .int64(1)], [.string("USA"), .int64(3), .int64(2)]])
    }

    @Test func aBatchBuildsTheRtRowsOfTheWindowsItFinalizesAndOfItsLateEvents() {
        var a = aggregator()
        a.assign([0], now: 0)
        a.add(event(0.1, user: 1, session: 10, action: "stopped", genre: "Drama", country: "USA", duration: 30), partition: 0, now: 0)
        a.add(event(0.2, user: 2, session: 11, action: "started", genre: "Comedy", country: "Canada", duration: 10), partition: 0, now: 0)
        a.add(event(3.5), partition: 0, now: 0)
        a.add(event(0.5), partition: 0, now: 0)   // late: window 0 ended at or before the watermark (1.5 min)
        let (finalized, at, late) = a.takeFinalized()
        #expect(a.closed.isEmpty && a.lateCounts.isEmpty && at == [0])
        var batch = StreamBatch(namespace: "stream:t", group: "g")
        batch.finalizedWindows = finalized
        batch.lateCounts = late
        batch.windowSize = Self.minute
        batch.keyNames = a.keys.names
        let tables = batch.windowTables()
        #expect(tables.map(\.schema.name) == ["rt_engagement", "rt_event_types", "rt_top_genres", "rt_top_countries", "rt_late_events"])
        func rows(_ i: Int) -> [[Value]] {
            let c = tables[i].columns
            return (0..<c[0].count).map { r in c.map { $0.value(at: r) } }
        }
        let w: [Value] = [.timestamp(0), .timestamp(Self.minute)]
        #expect(rows(0) == [w + [.int64(2), .int64(2), .int64(2), .float64(20), .int64(0)]])
        #expect(rows(1) == [w + [.string("started"), .int64(1)], w + [.string("stopped"), .int64(1)]])
        #expect(rows(2) == [w + [.string("Comedy"), .int64(1), .int64(1), .int64(1)], w + [.string("Drama"), .int64(1), .int64(1), .int64(2)]])
        #expect(rows(3) == [w + [.string("Canada"), .int64(1), .int64(1)], w + [.string("USA"), .int64(1), .int64(1)]])
        #expect(rows(4) == [w + [.int64(1)]])
    }

    @Test func theSnapshotRestoresOpenWindowsAndPartitionTimes() throws {
        var a = aggregator()
        a.assign([0, 2], now: 0)
        a.add(event(1.5, user: 0xFFFF_FFFF_FFFF_FFF1, session: 7, action: "a\"b", genre: "Sci-Fi \\ \u{e9}", duration: 2.25), partition: 0, now: 0)
        a.add(event(1.6, user: 9, session: 8, duration: 0.1), partition: 0, now: 0)
        a.add(event(1.7, user: 3, session: 8), partition: 2, now: 0)
        // The open windows are stored one by one with the hand-written JSON; the rest with JSONEncoder.
        var snapshot = a.snapshot
        let windows = try a.open.values.map { try JSONDecoder().decode(StoredWindow.self, from: Data($0.json(names: a.keys.names).utf8)) }
        snapshot.open = []
        var restored = try JSONDecoder().decode(WindowSnapshot.self, from: try JSONEncoder().encode(snapshot))
        restored.open = windows
        var b = aggregator()
        b.restore(restored)
        #expect(b.snapshot.open == a.snapshot.open)
        #expect(b.partitionMax == a.partitionMax)
        #expect(b.watermark == a.watermark)
        b.assign([0, 2], now: 0)
        b.add(event(4, user: 1), partition: 0, now: 0)
        b.add(event(4, user: 1), partition: 2, now: 0)
        #expect(b.closed.map(\.window.start) == [Self.minute])
        #expect(b.closed.first?.window.users.values == [0xFFFF_FFFF_FFFF_FFF1, 9, 3])
        #expect(b.closed.first.map { StoredWindow($0.window, names: b.keys.names).actions } == ["a\"b": 1, "started": 2])
    }

    @Test func windowsCloseInStartOrderWhateverOrderTheyOpenedIn() {
        // One event in each of 300 one-minute windows, in a scrambled order (k * 37 mod 300): an event whose
        // window ended at or before the watermark (latest minute - 2) is late; the others open windows,
        // which close in ascending order, and every intermediate state passes verify().
        var a = aggregator()
        a.assign([0], now: 0)
        var latest = -Double.infinity
        var opened: [Int64] = []
        for k in 0..<300 {
            let m = Double((k * 37) % 300) + 0.5
            latest = max(latest, m)
            if (m.rounded(.down) + 1) > latest - 2 { opened.append(Int64(m.rounded(.down))) }
            a.add(event(m), partition: 0, now: 0)
            a.verify()
        }
        let watermark = latest - 2
        #expect(a.closed.map(\.window.start) == opened.filter { Double($0 + 1) <= watermark }.sorted().map { $0 * Self.minute })
        a.closeAll(now: 0)
        #expect(a.closed.map(\.window.start) == opened.sorted().map { $0 * Self.minute })
        a.verify()
    }
}

extension WindowAggregator {
    @discardableResult
    mutating func add(_ e: StreamWindowTests.NamedEvent, partition: Int32, now: Double) -> Bool {
        add(WindowEvent(eventTime: e.eventTime, user: e.user, session: e.session, action: keys.id(e.action),
                        genre: keys.id(e.genre), country: keys.id(e.country), duration: e.duration, isSkip: e.isSkip),
            partition: partition, now: now)
    }
}
