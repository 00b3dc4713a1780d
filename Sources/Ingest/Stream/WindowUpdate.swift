/// What one micro-batch stores of one changed open window (`WindowChunkCodec`, `nqw2`): its counters as they
/// are now and the distinct IDs added since the window was last stored, or (`complete`) all of them.
///
/// A restart rebuilds a window from its chain of updates (`WindowStateChunks`): the last complete one (or
/// nothing) and the additions after it, counters from the latest. So a batch writes what the batch added,
/// not the whole window: with dense event times one window takes every event for a minute, and rewriting
/// its full distinct-ID sets each batch made the stream's cost quadratic in the window's length.
struct WindowUpdate: Equatable {
    /// True: `users`, `sessions` and the groups' users are the window's complete sets (replace what is stored).
    /// False: they are the IDs added since the window was last stored (union with what is stored).
    var complete: Bool
    var start: Int64
    var events: Int64 = 0
    var durationSum: Double = 0
    var durationCount: Int64 = 0
    var skips: Int64 = 0
    var users: [UInt64] = []
    var sessions: [UInt64] = []
    /// Every action of the window (its complete count).
    var actions: [KeyCount] = []
    /// Every genre and country of the window: its complete event count, and its users as `complete` says.
    var genres: [KeyAdditions] = []
    var countries: [KeyAdditions] = []

    /// The complete state of `w` (a compaction, or a window stored for the first time in a test).
    init(complete w: WindowState) {
        complete = true
        start = w.start
        events = w.events; durationSum = w.durationSum; durationCount = w.durationCount; skips = w.skips
        users = Array(w.users)
        sessions = Array(w.sessions)
        actions = w.actions
        genres = w.genres.map { KeyAdditions(key: $0.key, events: $0.events, users: Array($0.users)) }
        countries = w.countries.map { KeyAdditions(key: $0.key, events: $0.events, users: Array($0.users)) }
    }

    /// The counters of `w` and the IDs it logged since it was last stored; clears that log.
    init(additionsOf w: inout WindowState) {
        complete = false
        start = w.start
        events = w.events; durationSum = w.durationSum; durationCount = w.durationCount; skips = w.skips
        users = w.added.take(\.users)
        sessions = w.added.take(\.sessions)
        actions = w.actions
        genres = w.genres.indices.map { i in KeyAdditions(key: w.genres[i].key, events: w.genres[i].events, users: w.genres[i].added.take(\.users)) }
        countries = w.countries.indices.map { i in
            KeyAdditions(key: w.countries[i].key, events: w.countries[i].events, users: w.countries[i].added.take(\.users))
        }
    }
}

/// One genre's or country's event count and users (complete or added, as its `WindowUpdate` says).
struct KeyAdditions: Equatable {
    var key: Int32
    var events: Int64
    var users: [UInt64]
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
