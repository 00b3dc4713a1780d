import Foundation
import Testing
@testable import Ingest

/// The open windows' stored state as one `windows:<n>` chunk per batch: which keys each batch writes and
/// removes, and what a restart reads back, checked against hand-worked sequences.
@Suite struct WindowStateChunksTests {
    static let minute: Int64 = 60_000_000

    func window(_ minute: Int64, events: Int64 = 1) -> WindowState {
        var w = WindowState(start: minute * Self.minute)
        w.events = events
        w.users.values = [UInt64(minute)]
        return w
    }

    /// Applies batches' results to a key-value state as the transaction would.
    func apply(_ result: (chunk: (key: String, windows: [WindowState])?, remove: [String]), to state: inout [String: String]) {
        for k in result.remove { #expect(state.removeValue(forKey: k) != nil, "removes only stored keys: \(k)") }
        if let c = result.chunk { state[c.key] = WindowChunkCodec.encode(c.windows, names: []) }
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
        let old = StoredWindow(window(7), names: [])
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
        var batch: [(start: Int64, window: WindowState?)] = [(0, window(0))]
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
        let value = WindowChunkCodec.encode([fullWindow(), window(9)], names: names)
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
}
