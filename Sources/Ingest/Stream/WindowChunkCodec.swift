import Foundation

/// The binary encoding of a `windows:<n>` chunk (the open windows a micro-batch changed), written instead of
/// the JSON array of `StoredWindow` that earlier versions wrote (still read: `decode` takes both).
///
/// With 1-minute windows over sparse data a batch stores thousands of window states, and the JSON (key names
/// quoted per window and group, base64 of each hash set through its own `Data`) was the committer's largest
/// cost. The binary form names each key once per chunk and copies the hash sets' values as they are.
///
/// The value is the text `nqw1:` followed by the standard base64 of these bytes (all integers little-endian;
/// `u32`/`u64`/`i64` 4 or 8 bytes; `f64` the IEEE 754 bit pattern as `u64`):
///
///     u32 name count N, then N times: u32 byte length, UTF-8 bytes      (the chunk's key names, index = position)
///     u32 window count W, then W times:
///         i64 start, i64 events, f64 durationSum, i64 durationCount, i64 skips
///         set users, set sessions                                       (set = u32 count C, C times u64)
///         u32 action count, then: u32 name index, i64 events
///         u32 genre count, then: u32 name index, i64 events, set users
///         u32 country count, then: u32 name index, i64 events, set users
///
/// `nqw2:` (written since branch streamlive) is the same with one byte before each window's `start`: 1 when the
/// window's sets are complete, 0 when they are only the IDs added since the window was last stored
/// (`WindowUpdate`); its action and group lists are always complete (a group's `set users` follows that byte).
///
/// Version history: `nqw2` since branch streamlive; `nqw1` since branch streamrate (still read, as complete
/// windows); before it, a JSON array of `StoredWindow` (still read).
enum WindowChunkCodec {
    static let prefix = "nqw1:"
    static let prefix2 = "nqw2:"

    /// The stored value (`nqw2`) of a chunk holding these window updates (key ids resolved through `names`).
    static func encode(updates: [WindowUpdate], names: [String]) -> String {
        prefix2 + base64(updates, names: names, completeFlags: true)
    }

    /// The stored value (`nqw1`, which nq no longer writes; tests make old stores with it) of a chunk
    /// holding `windows` (key ids resolved through `names`).
    static func encode(_ windows: [WindowState], names: [String]) -> String {
        prefix + base64(windows.map(WindowUpdate.init(complete:)), names: names, completeFlags: false)
    }

    /// The chunk's bytes in base64: `nqw2`'s layout with `completeFlags`, `nqw1`'s without.
    private static func base64(_ updates: [WindowUpdate], names: [String], completeFlags: Bool) -> String {
        // The chunk's own name table: each key id used by these windows, once.
        var local: [Int32: UInt32] = [:]
        var used: [Int32] = []
        func note(_ k: Int32) {
            if local[k] == nil {
                local[k] = UInt32(used.count)
                used.append(k)
            }
        }
        var size = 8
        for w in updates {
            size += (completeFlags ? 1 : 0) + 40 + 8 + 8 * (w.users.count + w.sessions.count) + 12
            size += 12 * w.actions.count
            for a in w.actions { note(a.key) }
            for g in w.genres { note(g.key); size += 16 + 8 * g.users.count }
            for c in w.countries { note(c.key); size += 16 + 8 * c.users.count }
        }
        let nameBytes = used.map { Array(names[Int($0)].utf8) }
        size += nameBytes.reduce(0) { $0 + 4 + $1.count }
        var data = Data(count: size)
        data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) -> Void in
            var at = 0
            func u32(_ v: UInt32) { raw.storeBytes(of: v.littleEndian, toByteOffset: at, as: UInt32.self); at += 4 }
            func u64(_ v: UInt64) { raw.storeBytes(of: v.littleEndian, toByteOffset: at, as: UInt64.self); at += 8 }
            func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
            func ids(_ s: UpdateIDs) {
                u32(UInt32(s.count))
                s.forEachID { u64($0) }
            }
            func groups(_ g: [KeyAdditions]) {
                u32(UInt32(g.count))
                for x in g {
                    u32(local[x.key]!)
                    i64(x.events)
                    ids(x.users)
                }
            }
            u32(UInt32(nameBytes.count))
            for b in nameBytes {
                u32(UInt32(b.count))
                for byte in b { raw[at] = byte; at += 1 }
            }
            u32(UInt32(updates.count))
            for w in updates {
                if completeFlags {
                    raw[at] = w.complete ? 1 : 0
                    at += 1
                }
                i64(w.start)
                i64(w.events)
                u64(w.durationSum.bitPattern)
                i64(w.durationCount)
                i64(w.skips)
                ids(w.users)
                ids(w.sessions)
                u32(UInt32(w.actions.count))
                for a in w.actions {
                    u32(local[a.key]!)
                    i64(a.events)
                }
                groups(w.genres)
                groups(w.countries)
            }
            precondition(at == size, "the chunk's size was computed exactly")
        }
        return data.base64EncodedString()
    }

    /// The windows of a stored chunk value, in any format (`nqw2:` and `nqw1:` binary, or an earlier version's
    /// JSON), without saying which hold only additions (`entries` does).
    /// - Throws: `DecodingError` as `entries`.
    static func decode(_ value: String) throws -> [StoredWindow] { try entries(value).map(\.window) }

    /// The windows of a stored chunk value, each with whether its sets are complete (always, except in
    /// `nqw2` entries of additions).
    /// - Throws: `DecodingError` when the value is neither a well-formed binary chunk nor a JSON array of
    ///   `StoredWindow`.
    static func entries(_ value: String) throws -> [(complete: Bool, window: StoredWindow)] {
        let version2 = value.hasPrefix(prefix2)
        guard version2 || value.hasPrefix(prefix) else {
            return try JSONDecoder().decode([StoredWindow].self, from: Data(value.utf8)).map { (true, $0) }
        }
        guard let data = Data(base64Encoded: String(value.dropFirst(prefix.count))) else { throw corrupt("not base64") }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> [(complete: Bool, window: StoredWindow)] in
            var at = 0
            func need(_ n: Int) throws { if n < 0 || raw.count - at < n { throw corrupt("truncated at byte \(at)") } }
            func u32() throws -> UInt32 {
                try need(4)
                defer { at += 4 }
                return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            }
            func u64() throws -> UInt64 {
                try need(8)
                defer { at += 8 }
                return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            }
            func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
            func count(_ width: Int) throws -> Int {
                let n = Int(try u32())
                try need(n * width)
                return n
            }
            func set() throws -> HashSet {
                var s = HashSet()
                let n = try count(8)
                s.reserveCapacity(n)
                for _ in 0..<n { s.insert(try u64()) }
                return s
            }
            var names: [String] = []
            let nameCount = try count(4)
            for _ in 0..<nameCount {
                let n = try count(1)
                names.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)]), as: UTF8.self))
                at += n
            }
            func name() throws -> String {
                let i = Int(try u32())
                guard i < names.count else { throw corrupt("name index \(i) of \(names.count)") }
                return names[i]
            }
            func groups() throws -> [String: GroupCount] {
                var g: [String: GroupCount] = [:]
                let n = try count(16)
                for _ in 0..<n {
                    let key = try name()
                    let events = try i64()
                    let users = try set()
                    g[key] = GroupCount(events: events, users: users)
                }
                return g
            }
            var windows: [(complete: Bool, window: StoredWindow)] = []
            let windowCount = try count(version2 ? 61 : 60)
            for _ in 0..<windowCount {
                var complete = true
                if version2 {
                    try need(1)
                    guard raw[at] <= 1 else { throw corrupt("window kind \(raw[at]) at byte \(at)") }
                    complete = raw[at] == 1
                    at += 1
                }
                let start = try i64()
                var w = StoredWindow(WindowState(start: start), names: [])
                w.events = try i64()
                let durationBits = try u64()
                w.durationSum = Double(bitPattern: durationBits)
                w.durationCount = try i64()
                w.skips = try i64()
                w.users = try set()
                w.sessions = try set()
                let actionCount = try count(12)
                for _ in 0..<actionCount {
                    let key = try name()
                    w.actions[key] = try i64()
                }
                w.genres = try groups()
                w.countries = try groups()
                windows.append((complete, w))
            }
            guard at == raw.count else { throw corrupt("\(raw.count - at) bytes after the last window") }
            return windows
        }
    }

    private static func corrupt(_ detail: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "binary window chunk: \(detail)"))
    }
}
