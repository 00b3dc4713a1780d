import ColumnStore

/// One join key packed into 16 bytes: an INT64 / TIMESTAMP or DATE value, or a STRING of at most
/// `maxStringBytes` bytes (zero-padded, its length in the last byte). Two keys of the same column
/// type pack equal exactly when their values are equal.
struct PackedKey: Equatable {
    var lo: UInt64
    var hi: UInt64

    /// The longest STRING key that packs. Default: 15 bytes.
    static let maxStringBytes = 15

    @inline(__always)
    init(_ value: UInt64) {
        lo = value
        hi = 0
    }

    /// The `count` (at most `maxStringBytes`) bytes at `bytes`.
    @inline(__always)
    init(_ bytes: UnsafeRawPointer, count: Int) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { w in
            if count > 0 { w.baseAddress!.copyMemory(from: bytes, byteCount: count) }
            w[15] = UInt8(truncatingIfNeeded: count)
        }
        lo = words.0
        hi = words.1
    }

    /// A 64-bit hash (multiply-xor, then a murmur3 finalizer).
    @inline(__always)
    var hash: UInt64 {
        var h = lo ^ (hi &* 0x9E37_79B9_7F4A_7C15)
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Calls `body` with each row of `rows` whose value in `column` is valid and packs, with its key,
    /// in row order. Returns false (calling nothing) when the column's type does not pack.
    @inline(__always)
    static func forEach(in column: Column, rows: Int, _ body: (Int, PackedKey) -> Void) -> Bool {
        let validity = column.validity
        switch column.values {
        case .int64(let v), .timestamp(let v):
            v.withUnsafeBufferPointer { v in
                for i in 0..<rows where validity?[i] ?? true { body(i, PackedKey(UInt64(bitPattern: v[i]))) }
            }
        case .date(let v):
            v.withUnsafeBufferPointer { v in
                for i in 0..<rows where validity?[i] ?? true { body(i, PackedKey(UInt64(UInt32(bitPattern: v[i])))) }
            }
        case .string(let s):
            s.bytes.withUnsafeBytes { b in
                s.ends.withUnsafeBufferPointer { ends in
                    var start = 0
                    for i in 0..<rows {
                        let end = Int(ends[i])
                        defer { start = end }
                        let n = end - start
                        guard n <= maxStringBytes, validity?[i] ?? true else { continue }
                        // An empty string's bytes may have no address; any pointer does for zero bytes.
                        body(i, PackedKey(b.baseAddress.map { $0 + start } ?? UnsafeRawPointer(bitPattern: 1)!, count: n))
                    }
                }
            }
        case .float64, .bool:
            return false
        }
        return true
    }
}

/// Where a key's build rows are: none (`count` 0), one (`first` is the row), or several
/// (`rowsByKey[first ..< first + count]` of the table that gave it, in row order).
struct BuildMatch {
    var first: Int32
    var count: Int32
    static let none = BuildMatch(first: 0, count: 0)
}

/// The build side of a join on one key whose values pack into 16 bytes (`PackedKey`): open-addressed
/// slots (linear probing) that hold the key itself beside its match, so a probe of a key with one
/// build row reads one slot and nothing else (no key arena, no id → rows indirection).
struct JoinKeyTable {
    private struct Slot {
        var key: PackedKey
        var match: BuildMatch
    }
    private var slots: [Slot]
    private let mask: Int
    /// The build rows of keys with several, each key's together in row order.
    private(set) var rowsByKey: [Int32] = []
    /// The build key column's type: probe keys must pack from the same type.
    let type: ColumnType
    /// Distinct keys.
    private(set) var count = 0

    /// The table of `column`'s valid values; nil when its type does not pack or a valid STRING value
    /// is longer than `PackedKey.maxStringBytes`.
    init?(keys column: Column, rows: Int) {
        if case .string(let s) = column.values {
            var start = 0
            for i in 0..<rows {
                let end = Int(s.ends[i])
                if end - start > PackedKey.maxStringBytes && column.valid(i) { return nil }
                start = end
            }
        }
        type = column.type
        // Packed first, in row order; then inserted a group at a time (see `insert(_:rows:slotOf:)`).
        var keys: [PackedKey] = [], keyRows: [Int32] = []
        keys.reserveCapacity(rows)
        keyRows.reserveCapacity(rows)
        guard PackedKey.forEach(in: column, rows: rows, { i, key in keys.append(key); keyRows.append(Int32(i)) }) else { return nil }
        var size = 16
        while size < 2 * rows { size *= 2 }
        mask = size - 1
        slots = Array(repeating: Slot(key: PackedKey(0), match: .none), count: size)
        // Each build row's slot (-1: NULL); the table never grows, so slots stay put.
        var slotOf = [Int32](repeating: -1, count: rows)
        let severalKeys = insert(keys, rows: keyRows, slotOf: &slotOf)
        guard severalKeys > 0 else { return }
        // Keys of several rows: a range of rowsByKey each, filled in row order.
        var total: Int32 = 0
        for s in slots.indices where slots[s].match.count > 1 {
            slots[s].match.first = total
            total += slots[s].match.count
        }
        rowsByKey = [Int32](repeating: 0, count: Int(total))
        for (i, s) in slotOf.enumerated() where s >= 0 && slots[Int(s)].match.count > 1 {
            rowsByKey[Int(slots[Int(s)].match.first)] = Int32(i)
            slots[Int(s)].match.first += 1
        }
        for s in slots.indices where slots[s].match.count > 1 { slots[s].match.first -= slots[s].match.count }
    }

    /// Inserts `keys` (of build rows `rows`, in row order), setting each row's slot in `slotOf` and
    /// counting `count`; returns how many keys have several rows. A group of keys at a time: their home
    /// slots are read first, so the CPU overlaps those cache misses (a large build side misses on nearly
    /// every key), then the keys are inserted in order, each reading its slots again (from cache now,
    /// and seeing the group's earlier inserts).
    private mutating func insert(_ keys: [PackedKey], rows: [Int32], slotOf: inout [Int32]) -> Int {
        let mask = mask
        var distinct = 0, several = 0
        slots.withUnsafeMutableBufferPointer { slots in
            keys.withUnsafeBufferPointer { keys in
                rows.withUnsafeBufferPointer { rows in
                    slotOf.withUnsafeMutableBufferPointer { slotOf in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: JoinKeyTable.group) { homeCount in
                            JoinKeyTable.inGroups(keys, mask: mask) { i, at in
                                for k in at.indices { homeCount[k] = slots[at[k]].match.count }
                                for k in at.indices {
                                    let key = keys[i + k]
                                    var s = at[k]
                                    // An empty home slot stays empty unless an earlier key of the group took it.
                                    if homeCount[k] != 0 || slots[s].match.count != 0 {
                                        while slots[s].match.count != 0 && slots[s].key != key { s = (s + 1) & mask }
                                    }
                                    if slots[s].match.count == 0 {
                                        slots[s] = Slot(key: key, match: BuildMatch(first: rows[i + k], count: 1))
                                        distinct += 1
                                    } else {
                                        if slots[s].match.count == 1 { several += 1 }
                                        slots[s].match.count += 1
                                    }
                                    slotOf[Int(rows[i + k])] = Int32(s)
                                }
                            }
                        }
                    }
                }
            }
        }
        count = distinct
        return several
    }

    /// Keys handled together by `insert` and `find(_:into:)`.
    private static let group = 16

    /// Calls `body(i, at)` for each group of up to `group` keys `keys[i ..< i + at.count]`, `at[k]` being
    /// the home slot of key `i + k` (under `mask`): the caller reads all the group's home slots before
    /// it works on any key, so the CPU overlaps their cache misses instead of waiting for each in turn.
    @inline(__always)
    private static func inGroups(_ keys: UnsafeBufferPointer<PackedKey>, mask: Int, _ body: (Int, UnsafeBufferPointer<Int>) -> Void) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: group) { at in
            var i = 0
            while i < keys.count {
                let g = min(group, keys.count - i)
                for k in 0..<g { at[k] = Int(truncatingIfNeeded: keys[i + k].hash) & mask }
                body(i, UnsafeBufferPointer(rebasing: at[..<g]))
                i += g
            }
        }
    }

    /// The build rows of `key`.
    @inline(__always)
    func find(_ key: PackedKey) -> BuildMatch {
        slots.withUnsafeBufferPointer { slots in
            var s = Int(truncatingIfNeeded: key.hash) & mask
            while true {
                let slot = slots[s]
                if slot.match.count == 0 { return .none }
                if slot.key == key { return slot.match }
                s = (s + 1) & mask
            }
        }
    }

    /// The build rows of each of `keys`, into `out` (as many). Looks up a group of keys at a time,
    /// reading all their home slots first: the loads are independent, so the CPU overlaps their cache
    /// misses instead of waiting for each in turn (a large build side misses on nearly every probe).
    func find(_ keys: UnsafeBufferPointer<PackedKey>, into out: UnsafeMutableBufferPointer<BuildMatch>) {
        let mask = mask
        slots.withUnsafeBufferPointer { slots in
            withUnsafeTemporaryAllocation(of: Slot.self, capacity: JoinKeyTable.group) { home in
                JoinKeyTable.inGroups(keys, mask: mask) { i, at in
                    for k in at.indices { home[k] = slots[at[k]] }
                    for k in at.indices {
                        let key = keys[i + k]
                        var slot = home[k], s = at[k]
                        while slot.match.count != 0 && slot.key != key {
                            s = (s + 1) & mask
                            slot = slots[s]
                        }
                        out[i + k] = slot.match.count == 0 ? .none : slot.match
                    }
                }
            }
        }
    }
}
