import Foundation

/// Where the open windows' state lives in the store: each micro-batch writes the windows it changed
/// (and that are still open) as one state value, `windows:<n>` (`WindowChunkCodec`), instead
/// of one `window:<start>` key per window: one SQLite statement per batch instead of two per window.
///
/// A window's latest state is in the highest-numbered chunk that holds it. A chunk is removed (in the
/// same transaction) once none of its windows has its latest state there (each was closed or written
/// again later). A live chunk may still hold stale entries: windows written again later (a higher chunk
/// wins) or closed since (their end is at or before the stored watermark, so `restore` drops them).
/// When the stored entries exceed twice the open windows plus 1,024, the consumer rewrites every open
/// window into the next chunk (`needsCompaction`), which frees every older chunk.
///
/// `window:<start>` keys written by earlier versions are read, and removed when their window changes.
struct WindowStateChunks: Equatable {
    /// Open window start → number of the chunk holding its latest state (`legacy`: its own `window:` key).
    private(set) var home: [Int64: Int64] = [:]
    /// Chunk number → windows whose latest state it holds.
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
    /// writes: the new chunk (key and windows, in start order), if any window is still open, and the
    /// keys to remove.
    mutating func record(_ changed: [(start: Int64, window: WindowState?)]) -> (chunk: (key: String, windows: [WindowState])?, remove: [String]) {
        var remove = pendingRemovals
        pendingRemovals = []
        var written: [WindowState] = []
        for (start, window) in changed {
            if let h = home.removeValue(forKey: start) {
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
            if let window { written.append(window) }
        }
        guard !written.isEmpty else { return (nil, remove) }
        let n = next
        next += 1
        for w in written { home[w.start] = n }
        live[n] = written.count
        entries[n] = written.count
        storedEntries += written.count
        return ((Self.chunkKey(n), written), remove)
    }

    /// The open windows stored in `state` (a namespace's values): the latest state of each start found in
    /// `window:<start>` keys and `windows:<n>` chunks, without those that ended at or before `watermark`
    /// (closed windows left in a live chunk), and the bookkeeping that goes with them.
    /// - Throws: `StreamError.badState` naming the key that does not decode.
    static func restore(state: [String: String], namespace: String, watermark: Int64, windowSize: Int64) throws -> (windows: [StoredWindow], chunks: WindowStateChunks) {
        var latest: [Int64: (StoredWindow, Int64)] = [:]
        var chunks = WindowStateChunks()
        func decode<T: Decodable>(_ type: T.Type, _ key: String, _ value: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(value.utf8)) } catch {
                throw StreamError.badState(namespace: namespace, key: key, detail: "\(error)")
            }
        }
        for (k, v) in state where k.hasPrefix("window:") {
            let w = try decode(StoredWindow.self, k, v)
            latest[w.start] = (w, legacy)
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
            let ws: [StoredWindow]
            do { ws = try WindowChunkCodec.decode(v) } catch {
                throw StreamError.badState(namespace: namespace, key: chunkKey(n), detail: "\(error)")
            }
            chunks.entries[n] = ws.count
            chunks.storedEntries += ws.count
            for w in ws { latest[w.start] = (w, n) }
        }
        var windows: [StoredWindow] = []
        for (start, (w, n)) in latest where start &+ windowSize > watermark {
            windows.append(w)
            chunks.home[start] = n
            if n != legacy { chunks.live[n, default: 0] += 1 }
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
