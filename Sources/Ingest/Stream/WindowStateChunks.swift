import Foundation

/// Where the open windows' state lives in the store: each micro-batch writes the windows it changed
/// (and that are still open) as one state value, `windows:<n>` (`WindowChunkCodec`), instead
/// of one `window:<start>` key per window: one SQLite statement per batch instead of two per window.
///
/// A batch writes of each changed window a `WindowUpdate`: its counters and the distinct IDs it added
/// since it was last stored, so the bytes a batch writes do not grow with the window. A window's state
/// is therefore its chain: the chunk of its last complete entry (or of its first entry) and every chunk
/// with additions to it after that; `restore` replays them in chunk order (sets united, counters from the
/// latest). A chunk is removed (in the same transaction) once it is in no open window's chain (each of its
/// windows was closed or written complete again later). A live chunk may still hold stale entries:
/// windows written complete again later or closed since (their end is at or before the stored watermark,
/// so `restore` drops them). When the stored entries exceed twice the open windows plus 1,024 (stale ones
/// and long chains alike), the consumer writes every open window complete into the next chunk
/// (`needsCompaction`), which frees every older chunk.
///
/// `window:<start>` keys written by earlier versions are read, and removed when their window changes.
struct WindowStateChunks: Equatable {
    /// Open window start → numbers of the chunks holding its state, oldest first (`legacy`: its own
    /// `window:` key, always first).
    private(set) var home: [Int64: [Int64]] = [:]
    /// Chunk number → open windows whose chain holds it.
    private(set) var live: [Int64: Int] = [:]
    /// Chunk number → windows it holds, live or stale.
    private var entries: [Int64: Int] = [:]
    /// Window states held by all chunks, live or stale.
    private(set) var storedEntries = 0
    private var next: Int64 = 0
    /// Keys to remove with the next batch (chunks found empty by `restore`).
    private var pendingRemovals: [String] = []

    static let legacy: Int64 = -1
    static func chunkKey(_ n: Int64) -> String { "windows:\(n)" }
    static func legacyKey(_ start: Int64) -> String { "window:\(start)" }

    init() {}

    /// Whether so many stale states are stored that every open window should be written again.
    func needsCompaction(openWindows: Int) -> Bool { storedEntries > 2 * openWindows + 1024 }

    /// Records one batch's changed windows (`window` nil: closed) and returns what its transaction
    /// writes: the new chunk (key and window updates, in the given order), if any window is still open,
    /// and the keys to remove.
    mutating func record(_ changed: [(start: Int64, window: WindowUpdate?)]) -> (chunk: (key: String, windows: [WindowUpdate])?, remove: [String]) {
        var remove = pendingRemovals
        pendingRemovals = []
        var written: [WindowUpdate] = []
        for (start, window) in changed {
            if window?.complete ?? true, let chain = home.removeValue(forKey: start) {
                for h in chain {
                    if h == Self.legacy {
                        remove.append(Self.legacyKey(start))
                    } else {
                        live[h]! -= 1
                        if live[h] == 0 {
                            live[h] = nil
                            storedEntries -= entries.removeValue(forKey: h)!
                            remove.append(Self.chunkKey(h))
                        }
                    }
                }
            }
            if let window { written.append(window) }
        }
        guard !written.isEmpty else { return (nil, remove) }
        let n = next
        next += 1
        for w in written { home[w.start, default: []].append(n) }
        live[n] = written.count
        entries[n] = written.count
        storedEntries += written.count
        return ((Self.chunkKey(n), written), remove)
    }

    /// The open windows stored in `state` (a namespace's values): the state of each start found in
    /// `window:<start>` keys and `windows:<n>` chunks (its entries replayed in chunk order: a complete entry
    /// replaces, additions are united), without those that ended at or before `watermark` (closed windows
    /// left in a live chunk), and the bookkeeping that goes with them.
    /// - Throws: `StreamError.badState` naming the key that does not decode.
    static func restore(state: [String: String], namespace: String, watermark: Int64, windowSize: Int64) throws -> (windows: [StoredWindow], chunks: WindowStateChunks) {
        var latest: [Int64: (StoredWindow, [Int64])] = [:]
        var chunks = WindowStateChunks()
        func decode<T: Decodable>(_ type: T.Type, _ key: String, _ value: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(value.utf8)) } catch {
                throw StreamError.badState(namespace: namespace, key: key, detail: "\(error)")
            }
        }
        for (k, v) in state where k.hasPrefix("window:") {
            let w = try decode(StoredWindow.self, k, v)
            latest[w.start] = (w, [legacy])
        }
        var numbered: [(Int64, String)] = []
        for (k, v) in state where k.hasPrefix("windows:") {
            guard let n = Int64(k.dropFirst(8)), n >= 0 else {
                throw StreamError.badState(namespace: namespace, key: k, detail: "not a window chunk number")
            }
            numbered.append((n, v))
            chunks.next = max(chunks.next, n + 1)
        }
        numbered.sort { $0.0 < $1.0 }
        for (n, v) in numbered {
            let ws: [(complete: Bool, window: StoredWindow)]
            do { ws = try WindowChunkCodec.entries(v) } catch {
                throw StreamError.badState(namespace: namespace, key: chunkKey(n), detail: "\(error)")
            }
            chunks.entries[n] = ws.count
            chunks.storedEntries += ws.count
            for (complete, w) in ws {
                if !complete, var (stored, chain) = latest.removeValue(forKey: w.start) {
                    stored.add(w)
                    chain.append(n)
                    latest[w.start] = (stored, chain)
                } else {
                    latest[w.start] = (w, [n])
                }
            }
        }
        var windows: [StoredWindow] = []
        for (start, (w, chain)) in latest where start &+ windowSize > watermark {
            windows.append(w)
            chunks.home[start] = chain
            for n in chain where n != legacy { chunks.live[n, default: 0] += 1 }
        }
        for (n, _) in numbered where chunks.live[n] == nil {
            chunks.storedEntries -= chunks.entries.removeValue(forKey: n)!
            chunks.pendingRemovals.append(chunkKey(n))
        }
        windows.sort { $0.start < $1.start }
        return (windows, chunks)
    }

    /// The JSON array of `StoredWindow` that earlier versions stored as a chunk (each window as
    /// `WindowState.json` writes it); still read by `restore`, now written only by tests of that.
    static func json(_ windows: [WindowState], names: [String]) -> String {
        var out = "["
        out.reserveCapacity(windows.count * 512)
        for (i, w) in windows.enumerated() {
            if i > 0 { out += "," }
            w.json(into: &out, names: names)
        }
        out += "]"
        return out
    }
}

extension StoredWindow {
    /// Applies a later entry of additions: its counters replace these, its IDs are added to these sets.
    mutating func add(_ later: StoredWindow) {
        events = later.events; durationSum = later.durationSum; durationCount = later.durationCount; skips = later.skips
        for v in later.users { users.insert(v) }
        for v in later.sessions { sessions.insert(v) }
        actions = later.actions
        func unite(_ mine: inout [String: GroupCount], _ theirs: [String: GroupCount]) {
            for (k, g) in theirs {
                mine[k, default: GroupCount()].events = g.events
                for v in g.users { mine[k]!.users.insert(v) }
            }
        }
        unite(&genres, later.genres)
        unite(&countries, later.countries)
    }
}
