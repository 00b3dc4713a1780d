import Foundation
import Testing
@testable import Ingest

/// The open windows' stored state as one `windows:<n>` chunk per batch: which keys each batch writes and
/// removes, and what a restart reads back, checked against hand-worked sequences.
@Suite struct WindowStateChunksTests {
    static let minute: Int64 = 60_000_000

    func windowState(_ minute: Int64, events: Int64 = 1) -> WindowState {
        var w = WindowState(start: minute * Self.minute)
        w.events = events
        w.users.values = [UInt64(minute)]
        return w
    }

    /// The complete update of `windowState(minute, events:)`.
    func window(_ minute: Int64, events: Int64 = 1) -> WindowUpdate { WindowUpdate(complete: windowState(minute, events: events)) }

    /// Applies batches' results to a key-value state as the transaction would.
    func apply(_ result: (chunk: (key: String, windows: [WindowUpdate])?, remove: [String]), to state: inout [String: String],
               names: [String] = []) {
        for k in result.remove { #expect(state.removeValue(forKey: k) != nil, "removes only stored keys: \(k)") }
        if let c = result.chunk { state[c.key] = WindowChunkCodec.encode(updates: c.windows, names: names) }
    }

    @Test func aBatchWritesItsChangedOpenWindowsAsOneChunkAndRemovesAChunkOnceNoneOfItsWindowsLivesThere() {
        var chunks = WindowStateChunks()
        var state: [String: String] = [:]
        apply(chunks.record([(0, window(0)), (Self.minute, window(1))]), to: &state)
        #expect(Set(state.keys) == ["windows:0"])
        // Window 0 changes again: chunk 0 still holds window 1's latest state.
        apply(chunks.record([(0, window(0, events: 2))]), to: &state)
        #expect(Set(state.keys) == ["windows:0", "windows:1"])
        // Window 1 closes: nothing lives in chunk 0 any more.
        apply(chunks.record([(Self.minute, nil)]), to: &state)
        #expect(Set(state.keys) == ["windows:1"])
        // Window 0 closes: no chunk is left, and a batch without open windows writes none.
        let last = chunks.record([(0, nil)])
        #expect(last.chunk == nil)
        apply(last, to: &state)
        #expect(state.isEmpty)
        #expect(chunks.storedEntries == 0)
    }

    @Test func aRestartReadsTheLatestStateOfEachOpenWindowAndDropsClosedOnesLeftInALiveChunk() throws {
        var chunks = WindowStateChunks()
        var state: [String: String] = [:]
        apply(chunks.record([(0, window(0)), (Self.minute, window(1)), (2 * Self.minute, window(2))]), to: &state)
        apply(chunks.record([(Self.minute, window(1, events: 5)), (0, nil)]), to: &state)
        // Chunk 0 still holds window 2's latest state, a stale window 1 and the closed window 0.
        #expect(Set(state.keys) == ["windows:0", "windows:1"])
        let (windows, restored) = try WindowStateChunks.restore(state: state, namespace: "stream:t", watermark: Self.minute,
                                                               windowSize: Self.minute)
        #expect(windows.map(\.start) == [Self.minute, 2 * Self.minute])
        #expect(windows.map(\.events) == [5, 1])
        #expect(restored.home == chunks.home)
        #expect(restored.live == chunks.live)
        // Carrying on from the restored bookkeeping removes the same keys as carrying on without a restart.
        var again = restored, stateAgain = state
        apply(again.record([(2 * Self.minute, nil)]), to: &stateAgain)
        apply(chunks.record([(2 * Self.minute, nil)]), to: &state)
        #expect(stateAgain == state)
        #expect(Set(state.keys) == ["windows:1"])
    }

    @Test func aChunkWhoseWindowsAllClosedBeforeTheRestartIsRemovedWithTheNextBatch() throws {
        var chunks = WindowStateChunks()
        var state: [String: String] = [:]
        apply(chunks.record([(0, window(0))]), to: &state)
        apply(chunks.record([(3 * Self.minute, window(3))]), to: &state)
        // Window 0 ended at or before the watermark (it was closed in a batch that also changed nothing else stored).
        let r = try WindowStateChunks.restore(state: state, namespace: "stream:t", watermark: 2 * Self.minute, windowSize: Self.minute)
        #expect(r.windows.map(\.start) == [3 * Self.minute])
        var restored = r.chunks
        let next = restored.record([(4 * Self.minute, window(4))])
        #expect(next.remove == ["windows:0"])
        #expect(next.chunk?.key == "windows:2")
    }

    @Test func earlierVersionsPerWindowKeysAreReadAndRemovedWhenTheirWindowChanges() throws {
        let old = StoredWindow(windowState(7), names: [])
        let state = ["window:\(7 * Self.minute)": String(decoding: try JSONEncoder().encode(old), as: UTF8.self)]
        let r = try WindowStateChunks.restore(state: state, namespace: "stream:t", watermark: .min, windowSize: Self.minute)
        #expect(r.windows == [old])
        var chunks = r.chunks
        let next = chunks.record([(7 * Self.minute, window(7, events: 2))])
        #expect(next.remove == ["window:\(7 * Self.minute)"])
        #expect(next.chunk?.key == "windows:0")
    }

    @Test func compactionIsAskedForOnceStaleStatesOutnumberTwiceTheOpenWindowsPlus1024() {
        var chunks = WindowStateChunks()
        // Window 0 stays open in chunk 0; 1,100 windows each written once and closed keep chunk 0... alive.
        var batch: [(start: Int64, window: WindowUpdate?)] = [(0, window(0))]
        for m in 1...1100 { batch.append((Int64(m) * Self.minute, window(Int64(m)))) }
        _ = chunks.record(batch)
        _ = chunks.record((1...1100).map { (Int64($0) * Self.minute, nil) })
        #expect(chunks.storedEntries == 1101)
        #expect(chunks.needsCompaction(openWindows: 1))
        #expect(!chunks.needsCompaction(openWindows: 100))
        // Writing the one open window again frees chunk 0.
        let r = chunks.record([(0, window(0))])
        #expect(r.remove == ["windows:0"])
        #expect(chunks.storedEntries == 1)
    }

    @Test func aCorruptChunkNamesItsKey() {
        #expect(throws: StreamError.self) {
            _ = try WindowStateChunks.restore(state: ["windows:3": "[{"], namespace: "stream:t", watermark: 0, windowSize: Self.minute)
        }
    }

    /// A window with every part filled: key ids 0 ("started"), 1 ("Drama"), 2 ("USA"), 3 ("stopped").
    func fullWindow() -> WindowState {
        var w = WindowState(start: 5 * Self.minute)
        w.events = 4
        w.users.values = [1, 0xFFFF_FFFF_FFFF_FFFF]
        w.sessions.values = [7]
        w.durationSum = 0.1 + 0.2
        w.durationCount = 3
        w.skips = 1
        w.actions = [KeyCount(key: 3, events: 1), KeyCount(key: 0, events: 3)]
        var drama = HashSet()
        drama.values = [1]
        var usa = HashSet()
        usa.values = [1, 0xFFFF_FFFF_FFFF_FFFF]
        w.genres = [KeyGroup(key: 1, events: 2, users: drama)]
        w.countries = [KeyGroup(key: 2, events: 4, users: usa)]
        return w
    }

    @Test func aBinaryChunkReadsBackEveryFieldOfItsWindowsByName() throws {
        let names = ["started", "Drama", "USA", "stopped", "never used"]
        let value = WindowChunkCodec.encode([fullWindow(), windowState(9)], names: names)
        #expect(value.hasPrefix("nqw1:"))
        let ws = try WindowChunkCodec.decode(value)
        #expect(ws.count == 2)
        let w = ws[0]
        #expect(w.start == 5 * Self.minute && w.events == 4 && w.durationCount == 3 && w.skips == 1)
        #expect(w.durationSum.bitPattern == (0.1 + 0.2).bitPattern)
        #expect(w.users.values == [1, 0xFFFF_FFFF_FFFF_FFFF] && w.sessions.values == [7])
        #expect(w.actions == ["started": 3, "stopped": 1])
        #expect(w.genres.mapValues(\.events) == ["Drama": 2] && w.genres["Drama"]?.users.values == [1])
        #expect(w.countries.mapValues(\.events) == ["USA": 4] && w.countries["USA"]?.users.values == [1, 0xFFFF_FFFF_FFFF_FFFF])
        #expect(ws[1].start == 9 * Self.minute && ws[1].users.values == [9] && ws[1].actions.isEmpty && ws[1].sessions.values.isEmpty)
    }

    @Test func aBinaryChunkHasTheDocumentedBytes() throws {
        var w = WindowState(start: 1)
        w.events = 2
        w.durationSum = 0.5
        w.durationCount = 1
        w.users.values = [3]
        w.actions = [KeyCount(key: 1, events: 2)]
        var bytes: [UInt8] = []
        func le(_ v: UInt64, _ width: Int) { for i in 0..<width { bytes.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
        le(1, 4); le(1, 4); bytes.append(0x78)               // one name: "x" (key id 1 is the chunk's name 0)
        le(1, 4)                                              // one window
        le(1, 8); le(2, 8); le(0x3FE0_0000_0000_0000, 8); le(1, 8); le(0, 8)  // start, events, 0.5, count, skips
        le(1, 4); le(3, 8); le(0, 4)                          // users {3}, no sessions
        le(1, 4); le(0, 4); le(2, 8)                          // action "x": 2
        le(0, 4); le(0, 4)                                    // no genres, no countries
        #expect(WindowChunkCodec.encode([w], names: ["unused", "x"]) == "nqw1:" + Data(bytes).base64EncodedString())
    }

    @Test func aJSONChunkOfAnEarlierVersionIsStillRead() throws {
        let names = ["started", "Drama", "USA", "stopped"]
        let state = ["windows:4": WindowStateChunks.json([fullWindow()], names: names)]
        let r = try WindowStateChunks.restore(state: state, namespace: "stream:t", watermark: .min, windowSize: Self.minute)
        let expected = try WindowChunkCodec.decode(WindowChunkCodec.encode([fullWindow()], names: names))
        #expect(r.windows == expected)
        #expect(r.windows.first?.actions == ["started": 3, "stopped": 1])
        var chunks = r.chunks
        #expect(chunks.record([(5 * Self.minute, nil)]).remove == ["windows:4"])
    }

    @Test func aTruncatedBinaryChunkNamesItsKey() {
        let value = WindowChunkCodec.encode([fullWindow()], names: ["started", "Drama", "USA", "stopped"])
        let cut = Data(base64Encoded: String(value.dropFirst(5)))!.dropLast(3)
        #expect(throws: StreamError.self) {
            _ = try WindowStateChunks.restore(state: ["windows:3": "nqw1:" + cut.base64EncodedString()], namespace: "stream:t",
                                              watermark: 0, windowSize: Self.minute)
        }
    }

    // MARK: additions (nqw2): a batch stores what each window added since it was last stored

    /// A stream of one partition into an aggregator, cut into batches the way `StreamConsumer.flush` cuts
    /// them: each batch's `takeDirty` recorded and applied to `state` as its transaction would.
    struct Stream {
        var aggregator: WindowAggregator
        var chunks = WindowStateChunks()
        var state: [String: String] = [:]
        /// The chunk value each batch wrote (nil: none).
        var written: [String?] = []
        var next: UInt64 = 1

        init() {
            aggregator = WindowAggregator(config: WindowConfiguration())   // 1-minute windows, 2 minutes' lateness
            aggregator.assign([0], now: 0)
        }

        /// Adds `count` events at `micros` with new sessions and users (every 3rd event's user is the one before's),
        /// alternating two genres and countries, some with NULL durations (`nil`) and some skips.
        mutating func add(_ count: Int, at micros: Int64) {
            for _ in 0..<count {
                let i = next
                next += 1
                let genre = aggregator.keys.id(i % 2 == 0 ? "Drama" : "Comedy")
                let country = aggregator.keys.id(i % 5 == 0 ? "USA" : "Canada")
                let action = aggregator.keys.id(i % 7 == 0 ? "stopped" : "started")
                let user = (i % 3 == 0 ? i - 1 : i) &* 0x9E37_79B9_7F4A_7C15
                let e = WindowEvent(eventTime: micros, user: user, session: i, action: action, genre: genre, country: country,
                                    duration: i % 4 == 0 ? nil : Double(i % 10), isSkip: i % 7 == 0)
                aggregator.add(e, partition: 0, now: 0)
            }
        }

        /// Cuts a batch: stores the changed windows and returns the keys it removed.
        @discardableResult
        mutating func batch() -> [String] {
            if chunks.needsCompaction(openWindows: aggregator.open.count) { aggregator.markAllOpenDirty() }
            let r = chunks.record(aggregator.takeDirty())
            for k in r.remove { state.removeValue(forKey: k) }
            let value = r.chunk.map { WindowChunkCodec.encode(updates: $0.windows, names: aggregator.keys.names) }
            if let c = r.chunk { state[c.key] = value }
            written.append(value)
            return r.remove
        }

        /// The open windows a restart reads back from `state`.
        func restored(watermark: Int64? = nil) throws -> (windows: [StoredWindow], chunks: WindowStateChunks) {
            try WindowStateChunks.restore(state: state, namespace: "stream:t", watermark: watermark ?? aggregator.watermark,
                                          windowSize: aggregator.config.sizeMicros)
        }
    }

    @Test func aRestartMidWindowReadsTheUnionOfTheWindowsAdditionsAcrossSeveralBatches() throws {
        var s = Stream()
        for b in 0..<6 {
            s.add(1_000, at: 10 * Self.minute + Int64(b))
            s.add(3, at: 11 * Self.minute)
            s.batch()
        }
        #expect(s.aggregator.open.count == 2)
        #expect(s.state.count == 6, "every batch's additions are still needed")
        let (windows, restored) = try s.restored()
        #expect(windows == s.aggregator.snapshot.open)
        #expect(windows.first?.sessions.count == 6_000)
        #expect(restored.home == s.chunks.home)
        #expect(restored.live == s.chunks.live)
        #expect(restored.storedEntries == s.chunks.storedEntries)
    }

    @Test func theCommittedStateAfterACrashBetweenBatchesIsTheStateOfTheLastCommittedBatch() throws {
        var s = Stream()
        var committed: (open: [StoredWindow], rest: WindowSnapshot)?
        for b in 0..<5 {
            s.add(500, at: 10 * Self.minute + Int64(b))
            if b == 3 { s.add(10, at: 12 * Self.minute) }
            s.batch()
            committed = (s.aggregator.snapshot.open, s.aggregator.watermarkSnapshot)
        }
        // Events read after the last commit (a batch cut but never committed) are not in the store: a restarted
        // consumer reads them again from the stored offsets, on top of exactly the committed windows.
        s.add(700, at: 12 * Self.minute + 5)
        _ = s.aggregator.takeDirty()
        let (windows, chunks) = try s.restored(watermark: committed!.rest.watermark)
        #expect(windows == committed!.open)
        #expect(windows != s.aggregator.snapshot.open)
        // Carrying on from the restored state (the uncommitted events read again) gives what carrying on gives.
        var again = Stream()
        again.aggregator.keys = s.aggregator.keys
        var snapshot = committed!.rest
        snapshot.open = windows
        again.aggregator.restore(snapshot)
        again.chunks = chunks
        again.state = s.state
        again.next = s.next - 700
        again.add(700, at: 12 * Self.minute + 5)
        again.batch()
        var reference = Stream()
        for b in 0..<5 {
            reference.add(500, at: 10 * Self.minute + Int64(b))
            if b == 3 { reference.add(10, at: 12 * Self.minute) }
            reference.batch()
        }
        reference.add(700, at: 12 * Self.minute + 5)
        reference.batch()
        #expect(try again.restored().windows == reference.aggregator.snapshot.open)
        #expect(Set(again.state.keys) == Set(reference.state.keys))
    }

    @Test func theBytesABatchWritesDoNotGrowWithTheWindow() throws {
        var s = Stream()
        for b in 0..<40 {
            s.add(2_000, at: 10 * Self.minute + Int64(b))
            s.batch()
        }
        let sizes = s.written.map { $0!.utf8.count }
        // Each batch adds 2,000 sessions and 1,333 or 1,334 users: about the same bytes every batch, where the
        // complete window (what a batch wrote before) grows to 40 times the first batch's.
        #expect(sizes.max()! - sizes.min()! <= 64, "\(sizes)")
        #expect(sizes.last! < sizes.first! * 11 / 10)
        let complete = WindowChunkCodec.encode(updates: s.aggregator.open.values.map { WindowUpdate(complete: $0) },
                                               names: s.aggregator.keys.names)
        #expect(complete.utf8.count > 30 * sizes.last!)
        #expect(try s.restored().windows == s.aggregator.snapshot.open)
    }

    @Test func finalizingAWindowRemovesEveryChunkOfItsChain() throws {
        var s = Stream()
        for b in 0..<4 {
            s.add(100, at: 10 * Self.minute + Int64(b))
            s.batch()
        }
        s.add(5, at: 11 * Self.minute + 1)
        s.batch()
        #expect(s.state.count == 5)
        // An event at 14:00 moves the watermark (2 minutes' lateness) to 12:00: windows 10 and 11 close; 14 stays open.
        s.add(1, at: 14 * Self.minute)
        #expect(s.aggregator.closed.map(\.window.start) == [10 * Self.minute, 11 * Self.minute])
        let removed = s.batch()
        #expect(Set(removed) == Set((0..<5).map(WindowStateChunks.chunkKey)))
        #expect(Set(s.state.keys) == ["windows:5"])
        #expect(s.chunks.storedEntries == 1)
        #expect(try s.restored().windows == s.aggregator.snapshot.open)
    }

    @Test func compactionWritesALongChainCompleteAndFreesItsChunks() throws {
        var s = Stream()
        var b = 0
        while !s.chunks.needsCompaction(openWindows: 1) {
            s.add(2, at: 10 * Self.minute + Int64(b))
            s.batch()
            b += 1
        }
        #expect(b == 1_027, "stored entries above 2 × 1 + 1,024")
        #expect(s.state.count == 1_027)
        s.add(1, at: 10 * Self.minute + Int64(b))
        let removed = s.batch()
        #expect(removed.count == 1_027)
        #expect(s.state.count == 1)
        #expect(try WindowChunkCodec.entries(s.state.values.first!).map(\.complete) == [true])
        #expect(try s.restored().windows == s.aggregator.snapshot.open)
        // Additions follow the complete entry again.
        s.add(3, at: 10 * Self.minute + Int64(b + 1))
        s.batch()
        #expect(s.state.count == 2)
        #expect(try s.restored().windows == s.aggregator.snapshot.open)
    }

    /// The kinds (complete or not) of the entries of the chunk the last batch wrote.
    func kinds(_ s: Stream) throws -> [Bool] { try WindowChunkCodec.entries(s.written.last!!).map(\.complete) }

    @Test func aWindowsFirstEntryIsCompleteWithoutALogAndItsLaterEntriesAreAdditions() throws {
        var s = Stream()
        s.add(10, at: 10 * Self.minute)
        let fresh = s.aggregator.open[10 * Self.minute]!
        #expect(!fresh.logging && fresh.added.users.isEmpty && fresh.added.sessions.isEmpty, "a window never stored keeps no log")
        #expect(fresh.genres.allSatisfy { $0.added.users.isEmpty })
        s.batch()
        #expect(try kinds(s) == [true])
        #expect(try WindowChunkCodec.entries(s.written.last!!)[0].window.sessions.count == 10)
        s.add(5, at: 10 * Self.minute + 1)
        s.add(2, at: 11 * Self.minute)
        #expect(s.aggregator.open[10 * Self.minute]!.added.sessions.count == 5, "a stored window logs what it adds")
        s.batch()
        // Window 10 adds to its chain; window 11 is new, so complete.
        #expect(try kinds(s) == [false, true])
        #expect(try WindowChunkCodec.entries(s.written.last!!)[0].window.sessions.count == 5)
        #expect(s.state.count == 2, "window 10's chain holds both chunks")
        #expect(try s.restored().windows == s.aggregator.snapshot.open)
    }

    @Test func eventsAfterACutDoNotChangeTheCompleteEntryTheCutTook() throws {
        var s = Stream()
        s.add(100, at: 10 * Self.minute)
        let r = s.chunks.record(s.aggregator.takeDirty())
        // The batch is encoded while the reader goes on folding events into the window it shares sets with.
        s.add(50, at: 10 * Self.minute + 1)
        let value = WindowChunkCodec.encode(updates: r.chunk!.windows, names: s.aggregator.keys.names)
        let entry = try WindowChunkCodec.entries(value)[0].window
        #expect(entry.sessions.count == 100 && entry.events == 100)
        #expect(s.aggregator.open[10 * Self.minute]!.sessions.count == 150)
        #expect(s.aggregator.open[10 * Self.minute]!.added.sessions.count == 50)
        s.state[r.chunk!.key] = value
        s.batch()
        #expect(try s.restored().windows == s.aggregator.snapshot.open)
    }

    @Test func aGroupFirstSeenAfterItsWindowWasStoredIsRestoredWithItsUsers() throws {
        var s = Stream()
        s.add(20, at: 10 * Self.minute)
        s.batch()
        let horror = s.aggregator.keys.id("Horror"), chile = s.aggregator.keys.id("Chile"), paused = s.aggregator.keys.id("paused")
        for u: UInt64 in [7, 8, 7, 0] {
            s.aggregator.add(WindowEvent(eventTime: 10 * Self.minute + 2, user: u, session: 1_000 + u, action: paused, genre: horror,
                                         country: chile, duration: nil, isSkip: false), partition: 0, now: 0)
        }
        s.batch()
        #expect(try kinds(s) == [false])
        let (windows, _) = try s.restored()
        #expect(windows == s.aggregator.snapshot.open)
        #expect(windows[0].genres["Horror"]?.users.values == [7, 8, 0] && windows[0].genres["Horror"]?.events == 4)
        #expect(windows[0].countries["Chile"]?.users.values == [7, 8, 0])
        #expect(windows[0].actions["paused"] == 4)
    }

    @Test func aSparseStreamOfOneEventPerWindowRestartsIntoTheSameWindowsAndCarriesOnWithAdditions() throws {
        var s = Stream()
        var minute: Int64 = 10
        for _ in 0..<30 {
            if minute > 10 { s.add(1, at: (minute - 1) * Self.minute + 1) }   // a second event into a window the last batch stored
            for _ in 0..<4 {
                s.add(1, at: minute * Self.minute)
                minute += 1
            }
            s.batch()
        }
        #expect(s.aggregator.open.count == 3, "2 minutes' lateness keeps the latest three windows open")
        let (windows, chunks) = try s.restored()
        #expect(windows == s.aggregator.snapshot.open)
        #expect(chunks.home == s.chunks.home && chunks.live == s.chunks.live)
        // A restarted consumer: its windows were stored, so what they add next is stored as additions.
        var again = Stream()
        again.aggregator.keys = s.aggregator.keys
        var snapshot = s.aggregator.watermarkSnapshot
        snapshot.open = windows
        again.aggregator.restore(snapshot)
        again.chunks = chunks
        again.state = s.state
        again.next = s.next
        #expect(again.aggregator.open.values.allSatisfy { $0.logging })
        again.add(3, at: (minute - 1) * Self.minute + 5)
        again.batch()
        #expect(try kinds(again) == [false])
        s.add(3, at: (minute - 1) * Self.minute + 5)
        s.batch()
        #expect(try again.restored().windows == s.aggregator.snapshot.open)
    }

    @Test func anAdditionsEntryReadsBackItsKindCountersAndAddedIDs() throws {
        var w = fullWindow()
        let names = ["started", "Drama", "USA", "stopped"]
        var u = WindowUpdate(additionsOf: &w)
        #expect(u.users.isEmpty, "a window built by hand logged no additions")
        u.users = [5, 0]
        u.genres[0].users = [0xFFFF_FFFF_FFFF_FFFF]
        let value = WindowChunkCodec.encode(updates: [u, WindowUpdate(complete: windowState(9))], names: names)
        #expect(value.hasPrefix("nqw2:"))
        let entries = try WindowChunkCodec.entries(value)
        #expect(entries.map(\.complete) == [false, true])
        let e = entries[0].window
        #expect(e.start == 5 * Self.minute && e.events == 4 && e.durationCount == 3 && e.skips == 1)
        #expect(e.users.values == [5, 0] && e.sessions.values.isEmpty)
        #expect(e.actions == ["started": 3, "stopped": 1])
        #expect(e.genres["Drama"]?.events == 2 && e.genres["Drama"]?.users.values == [0xFFFF_FFFF_FFFF_FFFF])
        #expect(e.countries["USA"]?.events == 4 && e.countries["USA"]?.users.values.isEmpty == true)
        #expect(entries[1].window.users.values == [9])
        // Applied onto the window it adds to: sets united, counters from the entry.
        var base = StoredWindow(fullWindow(), names: names)
        base.events = 1
        base.add(e)
        #expect(base.events == 4)
        #expect(base.users.values == [1, 0xFFFF_FFFF_FFFF_FFFF, 5, 0])
        #expect(base.genres["Drama"]?.users.values == [1, 0xFFFF_FFFF_FFFF_FFFF])
        #expect(base.countries["USA"]?.users.values == [1, 0xFFFF_FFFF_FFFF_FFFF])
    }

    @Test func aVersion2ChunkWithAnUnknownWindowKindNamesItsKey() {
        var bytes = Array(Data(base64Encoded: String(WindowChunkCodec.encode(updates: [window(3)], names: []).dropFirst(5)))!)
        bytes[8] = 2   // the kind byte of the first window (after the empty name table and the window count)
        #expect(throws: StreamError.self) {
            _ = try WindowStateChunks.restore(state: ["windows:0": "nqw2:" + Data(bytes).base64EncodedString()], namespace: "stream:t",
                                              watermark: 0, windowSize: Self.minute)
        }
    }

    @Test func aStoreOfTheEarlierFormatCarriesOnWithAdditions() throws {
        // A complete nqw1 chunk (main's format) restored, then a batch of additions on top of it.
        var w = windowState(4, events: 2)
        w.sessions.values = [40, 41]
        let state = ["windows:7": WindowChunkCodec.encode([w], names: [])]
        var (windows, chunks) = try WindowStateChunks.restore(state: state, namespace: "stream:t", watermark: 0, windowSize: Self.minute)
        #expect(windows == [StoredWindow(w, names: [])])
        var u = WindowUpdate(complete: w)
        u.complete = false
        u.events = 3
        u.users = [99]
        u.sessions = [42]
        var after = state
        let r = chunks.record([(4 * Self.minute, u)])
        #expect(r.remove.isEmpty && r.chunk?.key == "windows:8")
        after[r.chunk!.key] = WindowChunkCodec.encode(updates: r.chunk!.windows, names: [])
        (windows, _) = try WindowStateChunks.restore(state: after, namespace: "stream:t", watermark: 0, windowSize: Self.minute)
        #expect(windows.count == 1 && windows[0].events == 3)
        #expect(windows[0].users.values == [4, 99] && windows[0].sessions.values == [40, 41, 42])
    }
}
