/// What one micro-batch stores of one changed open window (`WindowChunkCodec`, `nqw2`): its counters as they
/// are now and the distinct IDs added since the window was last stored, or (`complete`) all of them.
///
/// A restart rebuilds a window from its chain of updates (`WindowStateChunks`): the last complete one (or
/// nothing) and the additions after it, counters from the latest. So a batch writes what the batch added,
/// not the whole window: with dense event times one window takes every event for a minute, and rewriting
/// its full distinct-ID sets each batch made the stream's cost quadratic in the window's length.
///
/// A window's first update is complete and shares the window's sets (`UpdateIDs.set`, no copy, no log): a
/// window only logs its additions (`WindowState.logging`) once it has been stored, so a window that takes a
/// few events and closes (a sparse backfill) pays nothing for the log.
struct WindowUpdate: Equatable {
    /// True: `users`, `sessions` and the groups' users are the window's complete sets (replace what is stored).
    /// False: they are the IDs added since the window was last stored (union with what is stored).
    var complete: Bool
    var start: Int64
    var events: Int64 = 0
    var durationSum: Double = 0
    var durationCount: Int64 = 0
    var skips: Int64 = 0
    var users: UpdateIDs = []
    var sessions: UpdateIDs = []
    /// Every action of the window (its complete count).
    var actions: [KeyCount] = []
    /// Every genre and country of the window: its complete event count, and its users as `complete` says.
    var genres: [KeyAdditions] = []
    var countries: [KeyAdditions] = []

    /// The complete state of `w`, sharing its sets (a window's first store, or a compaction).
    init(complete w: WindowState) {
        complete = true
        start = w.start
        events = w.events; durationSum = w.durationSum; durationCount = w.durationCount; skips = w.skips
        users = .set(w.users)
        sessions = .set(w.sessions)
        actions = w.actions
        genres = w.genres.map { KeyAdditions(key: $0.key, events: $0.events, users: .set($0.users)) }
        countries = w.countries.map { KeyAdditions(key: $0.key, events: $0.events, users: .set($0.users)) }
    }

    /// The counters of `w` and the IDs it logged since it was last stored; clears that log.
    init(additionsOf w: inout WindowState) {
        complete = false
        start = w.start
        events = w.events; durationSum = w.durationSum; durationCount = w.durationCount; skips = w.skips
        users = .list(w.added.take(\.users))
        sessions = .list(w.added.take(\.sessions))
        actions = w.actions
        genres = w.genres.indices.map { i in KeyAdditions(key: w.genres[i].key, events: w.genres[i].events, users: .list(w.genres[i].added.take(\.users))) }
        countries = w.countries.indices.map { i in
            KeyAdditions(key: w.countries[i].key, events: w.countries[i].events, users: .list(w.countries[i].added.take(\.users)))
        }
    }
}

/// One genre's or country's event count and users (complete or added, as its `WindowUpdate` says).
struct KeyAdditions: Equatable {
    var key: Int32
    var events: Int64
    var users: UpdateIDs
}

/// The IDs of one set in a `WindowUpdate`: a window's set itself (shared copy-on-write, a complete entry) or
/// a list (the IDs logged since the window was last stored). Equal when they hold the same values.
enum UpdateIDs: Equatable, ExpressibleByArrayLiteral, Sequence {
    case set(HashSet)
    case list([UInt64])

    init(arrayLiteral values: UInt64...) { self = .list(values) }

    var count: Int {
        switch self {
        case .set(let s): s.count
        case .list(let l): l.count
        }
    }

    var isEmpty: Bool { count == 0 }

    func makeIterator() -> AnyIterator<UInt64> {
        switch self {
        case .set(let s): AnyIterator(s.makeIterator())
        case .list(let l): AnyIterator(l.makeIterator())
        }
    }

    /// Calls `body` with each value (the encoder's loop, without an iterator box).
    @inline(__always)
    func forEachID(_ body: (UInt64) -> Void) {
        switch self {
        case .set(let s): for v in s { body(v) }
        case .list(let l): for v in l { body(v) }
        }
    }

    static func == (a: UpdateIDs, b: UpdateIDs) -> Bool { Set(a) == Set(b) }
}

/// The distinct IDs a window (or a group of it) gained since it was last stored, in insertion order: the
/// next `WindowUpdate` moves them out. Bookkeeping, not part of the window's value: `==` ignores it.
struct AddedIDs: Equatable {
    var users: [UInt64] = []
    var sessions: [UInt64] = []

    static func == (_: AddedIDs, _: AddedIDs) -> Bool { true }

    /// The IDs at `field`, leaving it empty.
    mutating func take(_ field: WritableKeyPath<AddedIDs, [UInt64]>) -> [UInt64] {
        defer { self[keyPath: field] = [] }
        return self[keyPath: field]
    }
}
