import ColumnStore
import Foundation
import HeapModule

/// Settings of the event-time windows.
public struct WindowConfiguration: Sendable {
    /// Tumbling window length in microseconds. Default: 1 minute.
    public var sizeMicros: Int64 = 60 * CivilTime.microsPerSecond
    /// Allowed lateness in microseconds: a partition's watermark is the latest event time it delivered
    /// minus this. Default: 2 minutes.
    public var latenessMicros: Int64 = 120 * CivilTime.microsPerSecond
    /// Seconds without a message after which a partition stops holding the watermark back. Default: 10.
    public var idleTimeoutSeconds: Double = 10

    public init() {}
}

/// Events and distinct users of one group (a genre or a country) in a window.
struct GroupCount: Codable, Equatable {
    var events: Int64 = 0
    var users = HashSet()
}

/// The window keys (actions, genres, countries) as small integers: the window state counts by these
/// instead of hashing and comparing `String`s for every event. Append-only: an id stays valid for the
/// life of the aggregator, and the table grows by one entry per distinct value seen since the start.
struct KeyTable {
    private(set) var names: [String] = []
    /// The UTF-8 bytes of each name (compared with `memcmp` on the per-event path).
    private var bytes: [[UInt8]] = []
    private var ids: [String: Int32] = [:]
    /// FNV-1a of the UTF-8 bytes → id (checked against the name's bytes, so a collision only costs a lookup).
    private var byHash: [UInt64: Int32] = [:]

    mutating func id(_ name: String) -> Int32 {
        if let i = ids[name] { return i }
        let i = Int32(names.count)
        names.append(name)
        bytes.append(Array(name.utf8))
        ids[name] = i
        return i
    }

    mutating func id(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let h = fnv1a64(bytes)
        if let i = byHash[h], self.bytes[Int(i)].withUnsafeBytes({ $0.count == bytes.count && (bytes.isEmpty || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0) }) { return i }
        let i = id(String(decoding: bytes, as: UTF8.self))
        if byHash[h] == nil { byHash[h] = i }
        return i
    }
}

/// One key's event count in a window.
struct KeyCount: Equatable {
    var key: Int32
    var events: Int64
}

/// One key's events and distinct users in a window.
struct KeyGroup: Equatable {
    var key: Int32
    var events: Int64
    var users: HashSet
    /// Users added since the window was last stored (`added.users`).
    var added = AddedIDs()
}

/// The running aggregates of one open window. Actions, genres and countries are `KeyTable` ids in small
/// arrays searched linearly (a window holds a handful of each).
struct WindowState: Equatable {
    var start: Int64
    var events: Int64 = 0
    var users = HashSet()
    var sessions = HashSet()
    var durationSum: Double = 0
    var durationCount: Int64 = 0
    var skips: Int64 = 0
    var actions: [KeyCount] = []
    var genres: [KeyGroup] = []
    var countries: [KeyGroup] = []
    /// Users and sessions added since the window was last stored (the next `WindowUpdate` takes them), kept
    /// only while `logging`.
    var added = AddedIDs()
    /// Whether the window has been stored (its next update can be additions, so `added` logs its new IDs).
    /// False until its first update is taken: that one is complete and shares the sets, so a window that is
    /// opened, stored once and closed (a sparse backfill) allocates no log. Not part of the window's value.
    var logging = false

    init(start: Int64) { self.start = start }

    static func == (a: WindowState, b: WindowState) -> Bool {
        a.start == b.start && a.events == b.events && a.users == b.users && a.sessions == b.sessions
            && a.durationSum == b.durationSum && a.durationCount == b.durationCount && a.skips == b.skips
            && a.actions == b.actions && a.genres == b.genres && a.countries == b.countries
    }

    /// The same JSON `JSONEncoder` would write for `StoredWindow` (read back with `JSONDecoder`): the window
    /// state format of earlier versions, still read on restart; chunks are now written by `WindowChunkCodec`,
    /// so this writer serves the tests of reading that format. `names` resolves the key ids.
    func json(names: [String]) -> String {
        var out = ""
        json(into: &out, names: names)
        return out
    }

    /// Appends `json(names:)` to `out` (one string for a whole chunk of windows, no intermediate strings).
    func json(into out: inout String, names: [String]) {
        func name(_ k: Int32) { out += JSONText.quoted(names[Int(k)]) }
        func groups(_ g: [KeyGroup]) {
            out += "{"
            for (i, group) in g.enumerated() {
                if i > 0 { out += "," }
                name(group.key)
                out += ":{\"events\":"
                out += String(group.events)
                out += ",\"users\":\""
                out += group.users.base64
                out += "\"}"
            }
            out += "}"
        }
        out += "{\"start\":"
        out += String(start)
        out += ",\"events\":"
        out += String(events)
        out += ",\"users\":\""
        out += users.base64
        out += "\",\"sessions\":\""
        out += sessions.base64
        out += "\",\"durationSum\":"
        out += "\(durationSum)"
        out += ",\"durationCount\":"
        out += String(durationCount)
        out += ",\"skips\":"
        out += String(skips)
        out += ",\"actions\":{"
        for (i, a) in actions.enumerated() {
            if i > 0 { out += "," }
            name(a.key)
            out += ":"
            out += String(a.events)
        }
        out += "},\"genres\":"
        groups(genres)
        out += ",\"countries\":"
        groups(countries)
        out += "}"
    }
}

/// An open window as persisted (one `window:<start>` state key each), with its keys by name.
struct StoredWindow: Codable, Equatable {
    var start: Int64
    var events: Int64 = 0
    var users = HashSet()
    var sessions = HashSet()
    var durationSum: Double = 0
    var durationCount: Int64 = 0
    var skips: Int64 = 0
    var actions: [String: Int64] = [:]
    var genres: [String: GroupCount] = [:]
    var countries: [String: GroupCount] = [:]

    init(_ w: WindowState, names: [String]) {
        start = w.start; events = w.events; users = w.users; sessions = w.sessions
        durationSum = w.durationSum; durationCount = w.durationCount; skips = w.skips
        for a in w.actions { actions[names[Int(a.key)]] = a.events }
        for g in w.genres { genres[names[Int(g.key)]] = GroupCount(events: g.events, users: g.users) }
        for c in w.countries { countries[names[Int(c.key)]] = GroupCount(events: c.events, users: c.users) }
    }

    func state(keys: inout KeyTable) -> WindowState {
        var w = WindowState(start: start)
        w.events = events; w.users = users; w.sessions = sessions
        w.durationSum = durationSum; w.durationCount = durationCount; w.skips = skips
        w.actions = actions.map { KeyCount(key: keys.id($0.key), events: $0.value) }
        w.genres = genres.map { KeyGroup(key: keys.id($0.key), events: $0.value.events, users: $0.value.users) }
        w.countries = countries.map { KeyGroup(key: keys.id($0.key), events: $0.value.events, users: $0.value.users) }
        return w
    }
}

/// What the window logic needs of one event (keys as ids of the aggregator's `keys`).
struct WindowEvent {
    var eventTime: Int64
    var user: UInt64
    var session: UInt64
    var action: Int32
    var genre: Int32
    var country: Int32
    var duration: Double?
    var isSkip: Bool
}

/// The persisted part of the window logic besides the open windows (stored in `windows:<n>` chunks,
/// `WindowStateChunks`).
struct WindowSnapshot: Codable {
    var watermark: Int64
    var partitionMax: [String: Int64]
    var open: [StoredWindow] = []
    /// The window size the state was written with (absent in state of earlier versions).
    var windowSize: Int64?
    /// The number of open windows when the state was written (absent in state of earlier versions).
    var openWindows: Int?
}

/// Event-time tumbling windows with a watermark combined over partitions.
///
/// Each partition's watermark is the latest event time it delivered minus the allowed lateness. The
/// stream's watermark is the minimum over assigned, non-idle partitions (a partition that delivered
/// nothing yet holds it at minus infinity until it turns idle); when every partition is idle it is the
/// maximum of their watermarks. It never moves back. A window [start, start + size) is finalized once
/// the watermark reaches its end; an event whose window is already finalized is late: it is counted
/// in `lateCounts`, not folded in.
struct WindowAggregator {
    let config: WindowConfiguration
    /// The names of the window keys (actions, genres, countries) by id.
    var keys = KeyTable()
    private(set) var open: [Int64: WindowState] = [:]
    private(set) var partitionMax: [Int32: Int64] = [:]
    private var lastActivity: [Int32: Double] = [:]
    /// The partition and time `add` last wrote to `lastActivity` (a run of events from one partition between
    /// two clock reads writes it once); cleared when `assign` writes `lastActivity` itself.
    private var lastActive: (partition: Int32, at: Double)?
    private var idle: Set<Int32> = []
    private(set) var assigned: Set<Int32> = []
    private(set) var watermark: Int64 = .min
    /// Starts of the open windows (the next to close on top): swift-collections' min-max heap.
    private var starts = Heap<Int64>()
    private var nextCloseAt: Int64 { starts.min.map { $0 + config.sizeMicros } ?? .max }
    /// Finalized windows not yet written, in the order they were finalized, and the wall time each was
    /// finalized (`closedAt`, same index). Two arrays, not one of pairs: `takeFinalized` hands both over
    /// whole, where building the batch's window list from pairs copied every window (retaining its sets).
    var closedWindows: [WindowState] = []
    var closedAt: [Double] = []
    /// The finalized windows not yet written with their finalize times (tests).
    var closed: [(window: WindowState, at: Double)] { Array(zip(closedWindows, closedAt)) }
    /// Late events per window start, not yet written.
    var lateCounts: [Int64: Int64] = [:]
    /// Starts of windows opened, changed or closed since the last `takeDirty`.
    private(set) var dirty: Set<Int64> = []
    /// Set by `markAllOpenDirty`: the next `takeDirty` returns complete updates.
    private var rewriteAll = false
    /// The start last added to `dirty` by `add` (consecutive events mostly fall in one window).
    private var lastDirty: Int64?
    /// Set when the partitions or the restored state changed since `advance` last ran: `add` then
    /// recomputes the watermark even when its partition was not the one holding it back.
    private var watermarkStale = true

    init(config: WindowConfiguration) { self.config = config }

    func windowStart(_ t: Int64) -> Int64 {
        let s = config.sizeMicros
        return t >= 0 ? t / s * s : ((t + 1) / s - 1) * s
    }

    // MARK: persistence

    /// The watermark, the partitions' latest event times and (for tests) the open windows.
    var snapshot: WindowSnapshot {
        WindowSnapshot(watermark: watermark,
                       partitionMax: Dictionary(uniqueKeysWithValues: partitionMax.map { (String($0.key), $0.value) }),
                       open: open.values.sorted { $0.start < $1.start }.map { StoredWindow($0, names: keys.names) })
    }

    /// The watermark and the partitions' latest event times, without the open windows (stored each in its
    /// own state key).
    var watermarkSnapshot: WindowSnapshot {
        WindowSnapshot(watermark: watermark,
                       partitionMax: Dictionary(uniqueKeysWithValues: partitionMax.map { (String($0.key), $0.value) }),
                       windowSize: config.sizeMicros, openWindows: open.count)
    }

    /// Marks every open window changed, so the next `takeDirty` returns them all (state compaction).
    mutating func markAllOpenDirty() {
        dirty.formUnion(open.keys)
        rewriteAll = true
    }

    mutating func restore(_ s: WindowSnapshot) {
        watermark = s.watermark
        partitionMax = [:]
        for (k, v) in s.partitionMax { if let p = Int32(k) { partitionMax[p] = v } }
        // Restored windows are stored: they log what they add, for updates of additions.
        open = Dictionary(uniqueKeysWithValues: s.open.map { w in
            var state = w.state(keys: &keys)
            state.logging = true
            return (w.start, state)
        })
        starts = Heap(open.keys)
        watermarkStale = true
        dirty = []
        lastDirty = nil
        rewriteAll = false
    }

    /// The windows changed since the last call, in start order: each start with what to store of it (the IDs
    /// it added since it was last stored; its complete state, sharing its sets, when it was never stored or
    /// after `markAllOpenDirty`), or nil when it was closed. Moves the added IDs out of the windows, so a
    /// batch of additions shares no set with them and the next event into a window does not copy its sets
    /// while the batch is being stored (a complete entry does share them: the first event after it copies
    /// the window's sets once, while they are at most one batch's IDs unless a compaction wrote them).
    mutating func takeDirty() -> [(start: Int64, window: WindowUpdate?)] {
        // A loop, not `map`: a closure capturing `self` made each window's in-place update copy `open`.
        var out: [(start: Int64, window: WindowUpdate?)] = []
        out.reserveCapacity(dirty.count)
        for start in dirty.sorted() {
            guard let i = open.index(forKey: start) else {
                out.append((start, nil))
                continue
            }
            if rewriteAll || !open.values[i].logging {
                out.append((start, WindowUpdate(complete: open.values[i])))
                Self.clearAdded(&open.values[i])
                open.values[i].logging = true
            } else {
                out.append((start, WindowUpdate(additionsOf: &open.values[i])))
            }
        }
        dirty = []
        lastDirty = nil
        rewriteAll = false
        return out
    }

    private static func clearAdded(_ w: inout WindowState) {
        guard w.logging else { return }
        w.added = AddedIDs()
        for i in w.genres.indices { w.genres[i].added = AddedIDs() }
        for i in w.countries.indices { w.countries[i].added = AddedIDs() }
    }

    // MARK: partitions

    mutating func assign(_ partitions: [Int32], now: Double) {
        for p in partitions {
            assigned.insert(p)
            lastActivity[p] = now
            idle.remove(p)
        }
        lastActive = nil
        watermarkStale = true
    }

    mutating func revoke(_ partitions: [Int32]) {
        for p in partitions {
            assigned.remove(p)
            idle.remove(p)
        }
        watermarkStale = true
    }

    /// Marks partitions idle that are caught up (`caughtUp`: nothing left to read) and have delivered
    /// nothing for the idle timeout, and moves the watermark accordingly. A partition with a backlog is
    /// never idle, however long the consumer takes to reach it.
    mutating func tick(now: Double, caughtUp: Set<Int32>) {
        var changed = false
        for p in assigned where !idle.contains(p) && caughtUp.contains(p) {
            if now - (lastActivity[p] ?? now) > config.idleTimeoutSeconds {
                idle.insert(p)
                changed = true
            }
        }
        if changed { advance(now: now) }
    }

    private func combinedWatermark() -> Int64 {
        var lowest = Int64.max, highest = Int64.min, any = false
        for p in assigned {
            let w = partitionMax[p].map { $0 &- config.latenessMicros } ?? .min
            if idle.contains(p) {
                highest = max(highest, w)
            } else {
                lowest = min(lowest, w)
                any = true
            }
        }
        if any { return lowest }
        return highest
    }

    private mutating func advance(now: Double) {
        watermarkStale = false
        let w = combinedWatermark()
        guard w > watermark else { return }
        watermark = w
        guard watermark >= nextCloseAt else { return }
        while let first = starts.min, first + config.sizeMicros <= watermark {
            _ = starts.popMin()
            closedWindows.append(open.removeValue(forKey: first)!)
            closedAt.append(now)
            dirty.insert(first)
        }
    }

    // MARK: events

    /// Adds one event from `partition`. Returns false when the event was late (its window is final).
    @discardableResult
    mutating func add(_ e: WindowEvent, partition: Int32, now: Double) -> Bool {
        let wasIdle = !idle.isEmpty && idle.remove(partition) != nil
        if lastActive?.partition != partition || lastActive?.at != now {
            lastActivity[partition] = now
            lastActive = (partition, now)
        }
        let previous = partitionMax[partition] ?? .min
        if e.eventTime > previous {
            partitionMax[partition] = e.eventTime
            // The combined watermark is the minimum over the non-idle partitions. When this partition was
            // non-idle and its watermark already above the stream's, it was not the minimum, so raising
            // it leaves the minimum (and the watermark) where the last `advance` put it.
            if wasIdle || watermarkStale || previous == .min || previous &- config.latenessMicros <= watermark {
                advance(now: now)
            }
        }
        let start = windowStart(e.eventTime)
        if start + config.sizeMicros <= watermark {
            lateCounts[start, default: 0] += 1
            return false
        }
        let index: Dictionary<Int64, WindowState>.Index
        if let i = open.index(forKey: start) {
            index = i
        } else {
            open[start] = WindowState(start: start)
            starts.insert(start)
            index = open.index(forKey: start)!
        }
        Self.fold(e, into: &open.values[index])
        if start != lastDirty {
            dirty.insert(start)
            lastDirty = start
        }
        return true
    }

    /// Folds one on-time event into its window, in place (the window stays in `open`: no copy).
    @inline(__always)
    private static func fold(_ e: WindowEvent, into w: inout WindowState) {
        w.events += 1
        let log = w.logging
        if w.users.insert(e.user) && log { w.added.users.append(e.user) }
        if w.sessions.insert(e.session) && log { w.added.sessions.append(e.session) }
        if let d = e.duration {
            w.durationSum += d
            w.durationCount += 1
        }
        if e.isSkip { w.skips += 1 }
        if let i = w.actions.firstIndex(where: { $0.key == e.action }) { w.actions[i].events += 1 } else { w.actions.append(KeyCount(key: e.action, events: 1)) }
        count(e.genre, user: e.user, in: &w.genres, log: log)
        count(e.country, user: e.user, in: &w.countries, log: log)
    }

    @inline(__always)
    private static func count(_ key: Int32, user: UInt64, in groups: inout [KeyGroup], log: Bool) {
        if let i = groups.firstIndex(where: { $0.key == key }) {
            groups[i].events += 1
            if groups[i].users.insert(user) && log { groups[i].added.users.append(user) }
        } else {
            var g = KeyGroup(key: key, events: 1, users: HashSet())
            g.users.insert(user)
            if log { g.added.users.append(user) }
            groups.append(g)
        }
    }

    /// Finalizes every open window (`nq consume --final`).
    mutating func closeAll(now: Double) {
        for start in open.keys.sorted() {
            closedWindows.append(open[start]!)
            closedAt.append(now)
            dirty.insert(start)
        }
        open = [:]
        starts = Heap()
    }

    /// Checks invariants (tests and debug builds).
    func verify() {
        for (start, w) in open {
            precondition(w.start == start && windowStart(start) == start, "window keyed by its aligned start")
            precondition(start + config.sizeMicros > watermark, "an open window ends after the watermark")
            precondition(w.events >= Int64(w.users.count), "no more users than events")
            w.users.verify()
            w.sessions.verify()
        }
        precondition(starts.unordered.sorted() == open.keys.sorted(), "the start heap mirrors the open windows")
    }
}

/// FNV-1a, 64 bits: the stable hash of identifiers used for distinct counts (persisted, so not `Hasher`).
@inline(__always)
func fnv1a64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xcbf29ce484222325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x100000001b3
    }
    return h
}
