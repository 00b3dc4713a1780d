#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ColumnStore

/// The keys of a batch's rows, encoded column by column into one buffer: row `i`'s key is
/// `bytes[offsets[i] ..< offsets[i + 1]]`. Two keys are equal exactly when the values are equal
/// under GROUP BY / DISTINCT / join-key semantics (NULLs equal each other; -0.0 equals 0.0; every
/// NaN is one value). Each column contributes a validity byte, then 8, 4 or 1 value bytes, or a
/// 4-byte length and the UTF-8 bytes of a string.
struct EncodedKeys {
    var bytes: [UInt8]
    var offsets: [Int]
    /// Rows whose key holds a NULL (join keys never match them).
    var hasNull: [Bool]
    /// Rows whose key holds a FLOAT64 NaN (NaN = NaN is FALSE, so join keys never match them).
    var hasNaN: [Bool]
    var count: Int { offsets.count - 1 }

    /// Row `i`'s key inside `buffer`, the buffer `bytes.withUnsafeBytes` gives.
    @inline(__always)
    func key(_ i: Int, in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[offsets[i]..<offsets[i + 1]])
    }
}

enum KeyEncoder {
    static func encode(_ columns: [Column], rows: Int) -> EncodedKeys {
        // Pass 1: each row's key length; pass 2: the bytes, column by column.
        var lengths = [Int](repeating: 0, count: rows)
        for c in columns {
            switch c.values {
            case .int64, .timestamp, .float64: for i in 0..<rows { lengths[i] += 9 }
            case .date: for i in 0..<rows { lengths[i] += 5 }
            case .bool: for i in 0..<rows { lengths[i] += 2 }
            case .string(let s):
                for i in 0..<rows { lengths[i] += 5 + (c.valid(i) ? Int(s.ends[i]) - s.start(i) : 0) }
            }
        }
        var offsets = [Int](repeating: 0, count: rows + 1)
        for i in 0..<rows { offsets[i + 1] = offsets[i] + lengths[i] }
        var bytes = [UInt8](repeating: 0, count: offsets[rows])
        var hasNull = [Bool](repeating: false, count: rows)
        var hasNaN = [Bool](repeating: false, count: rows)
        var cursor = offsets  // where the next column's bytes of each row go
        bytes.withUnsafeMutableBytes { out in
            for c in columns {
                let validity = c.validity
                switch c.values {
                case .int64(let v), .timestamp(let v):
                    for i in 0..<rows { put64(out, &cursor[i], validity, i, &hasNull, UInt64(bitPattern: v[i])) }
                case .float64(let v):
                    for i in 0..<rows {
                        var d = v[i]
                        if d == 0 { d = 0 }
                        if d.isNaN { d = .nan; if validity?[i] ?? true { hasNaN[i] = true } }
                        put64(out, &cursor[i], validity, i, &hasNull, d.bitPattern)
                    }
                case .date(let v):
                    for i in 0..<rows {
                        let valid = validity?[i] ?? true
                        out[cursor[i]] = valid ? 1 : 0
                        if valid { out.storeBytes(of: v[i].littleEndian, toByteOffset: cursor[i] + 1, as: Int32.self) } else { hasNull[i] = true }
                        cursor[i] += 5
                    }
                case .bool(let v):
                    for i in 0..<rows {
                        let valid = validity?[i] ?? true
                        out[cursor[i]] = valid ? 1 : 0
                        if valid { out[cursor[i] + 1] = v[i] } else { hasNull[i] = true }
                        cursor[i] += 2
                    }
                case .string(let s):
                    s.bytes.withUnsafeBytes { src in
                        for i in 0..<rows {
                            let valid = validity?[i] ?? true
                            out[cursor[i]] = valid ? 1 : 0
                            guard valid else { hasNull[i] = true; cursor[i] += 5; continue }
                            let start = s.start(i), n = Int(s.ends[i]) - start
                            out.storeBytes(of: UInt32(n).littleEndian, toByteOffset: cursor[i] + 1, as: UInt32.self)
                            if n > 0 {
                                (out.baseAddress! + cursor[i] + 5).copyMemory(from: src.baseAddress! + start, byteCount: n)
                            }
                            cursor[i] += 5 + n
                        }
                    }
                }
            }
        }
        return EncodedKeys(bytes: bytes, offsets: offsets, hasNull: hasNull, hasNaN: hasNaN)
    }

    @inline(__always)
    private static func put64(_ out: UnsafeMutableRawBufferPointer, _ at: inout Int, _ validity: [Bool]?, _ i: Int,
                              _ hasNull: inout [Bool], _ bits: UInt64) {
        let valid = validity?[i] ?? true
        out[at] = valid ? 1 : 0
        if valid { out.storeBytes(of: bits.littleEndian, toByteOffset: at + 1, as: UInt64.self) } else { hasNull[i] = true }
        at += 9
    }

    /// A 64-bit hash of `key` (8 bytes at a time, multiply-rotate, then a murmur3 finalizer).
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        let n = key.count
        while i + 8 <= n {
            let w = key.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h = (h << 31) | (h >> 33)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(key[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

/// A hash set of byte keys that numbers them densely in insertion order (0, 1, 2, ...). Keys live in
/// one contiguous arena, slots are open-addressed (linear probing), so an insert allocates nothing
/// but amortized growth. A slot holds the upper 32 bits of its key's hash beside the id, so a probe
/// touches the key's bytes only when those bits agree.
struct ByteKeyTable {
    private var arena: [UInt8] = []
    private var ends: [Int] = []          // key id → end offset in arena (start = previous end)
    /// 0 = empty; else the hash's upper 32 bits | (id + 1).
    private var slots: [UInt64] = Array(repeating: 0, count: 16)
    private var mask = 15
    private static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000
    var count: Int { ends.count }

    /// The id of `key`, inserting it when absent.
    @inline(__always)
    mutating func findOrInsert(_ key: UnsafeRawBufferPointer) -> (id: Int32, inserted: Bool) {
        let h = KeyEncoder.hash(key)
        let tag = h & ByteKeyTable.tagMask
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = slots[s]
            if e == 0 { break }
            if e & ByteKeyTable.tagMask == tag {
                let id = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                if equals(id, key) { return (Int32(id), false) }
            }
            s = (s + 1) & mask
        }
        let id = Int32(ends.count)
        arena.append(contentsOf: key)
        ends.append(arena.count)
        slots[s] = tag | UInt64(id + 1)
        if ends.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The id of `key`, or nil.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Int32? {
        let h = KeyEncoder.hash(key)
        let tag = h & ByteKeyTable.tagMask
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = slots[s]
            if e == 0 { return nil }
            if e & ByteKeyTable.tagMask == tag {
                let id = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                if equals(id, key) { return Int32(id) }
            }
            s = (s + 1) & mask
        }
    }

    /// Calls `body` with the bytes of key `id`; the pointer must not escape.
    func withKey<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = id == 0 ? 0 : ends[id - 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[id]])) }
    }

    /// Calls `body` with the bytes of each key of `ids`, in id order; the pointers must not escape.
    func withKeys(_ ids: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Void) {
        arena.withUnsafeBytes { a in
            for id in ids {
                let start = id == 0 ? 0 : ends[id - 1]
                body(UnsafeRawBufferPointer(rebasing: a[start..<ends[id]]))
            }
        }
    }

    @inline(__always)
    private func equals(_ id: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        let n = ends[id] - start
        guard n == key.count else { return false }
        if n == 0 { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start, key.baseAddress!, n) == 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        // Hashes are recomputed from the arena rather than kept (8 bytes a key saved).
        for id in 0..<ends.count {
            let h = withKey(id) { KeyEncoder.hash($0) }
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = (h & ByteKeyTable.tagMask) | UInt64(id + 1)
        }
    }
}

/// Assigns a dense group id to each distinct key.
struct GroupTable {
    fileprivate var table = ByteKeyTable()
    fileprivate var noKeys = false
    var count: Int { noKeys ? 1 : table.count }

    /// The group id of each row of `keys` (new ids are numbered in first-seen order); `isNew` is
    /// called with the row of each new group.
    mutating func groupIDs(_ keys: [Column], rows: Int, isNew: (Int) -> Void) -> [Int32] {
        var out = [Int32](repeating: 0, count: rows)
        if keys.isEmpty {
            if !noKeys { noKeys = true; isNew(0) }
            return out
        }
        let encoded = KeyEncoder.encode(keys, rows: rows)
        encoded.bytes.withUnsafeBytes { buf in
            for i in 0..<rows {
                let (id, inserted) = table.findOrInsert(encoded.key(i, in: buf))
                out[i] = id
                if inserted { isNew(i) }
            }
        }
        return out
    }
}

extension GroupTable {
    /// Adds the groups of `other` (those new here are numbered after this table's, in `other`'s order)
    /// and returns, for each of its group ids, the id here.
    mutating func merge(_ other: GroupTable) -> [Int32] {
        if noKeys || other.noKeys {
            if !noKeys && other.noKeys { noKeys = true; return [0] }
            return other.noKeys ? [0] : []
        }
        var mapping = [Int32](repeating: 0, count: other.table.count)
        for g in 0..<other.table.count {
            mapping[g] = other.table.withKey(g) { table.findOrInsert($0).id }
        }
        return mapping
    }
}

extension GroupTable {
    /// The key columns of the groups `range`, decoded from their encoded keys (`KeyEncoder.encode`'s
    /// layout; `types` are the types the keys were encoded from). A FLOAT64 key comes back normalized
    /// as it was compared: -0.0 as 0.0, every NaN as one NaN.
    func decodeKeys(_ range: Range<Int>, types: [ColumnType]) -> [Column] {
        var builders = types.map { ColumnBuilder(type: $0, capacity: range.count) }
        table.withKeys(range) { key in
            var at = 0
            for k in builders.indices {
                let valid = key[at] != 0
                switch types[k] {
                case .int64, .timestamp:
                    if valid { builders[k].appendInt64(Int64(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: Int64.self))) } else { builders[k].appendNull() }
                    at += 9
                case .float64:
                    if valid {
                        builders[k].appendDouble(Double(bitPattern: UInt64(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: UInt64.self))))
                    } else { builders[k].appendNull() }
                    at += 9
                case .date:
                    if valid { builders[k].appendDate(Int32(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: Int32.self))) } else { builders[k].appendNull() }
                    at += 5
                case .bool:
                    if valid { builders[k].appendBool(key[at + 1] != 0) } else { builders[k].appendNull() }
                    at += 2
                case .string:
                    let n = Int(UInt32(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
                    if valid { builders[k].appendString(UnsafeRawBufferPointer(rebasing: key[(at + 5)..<(at + 5 + n)])) } else { builders[k].appendNull() }
                    at += 5 + n
                }
            }
        }
        return builders.indices.map { builders[$0].finish() }
    }
}

/// Distinct (group, value) pairs for COUNT(DISTINCT x) over all groups at once: one table whose keys
/// are the encoded (group id, value) pairs.
struct DistinctCounter {
    private var pairs = ByteKeyTable()
    private(set) var counts: [Int64] = []

    mutating func addGroups(_ n: Int) { counts += repeatElement(0, count: n) }

    mutating func add(groups: [Int32], values: Column) {
        let groupColumn = Column(values: .int64(groups.map(Int64.init)))
        let encoded = KeyEncoder.encode([groupColumn, values], rows: groups.count)
        encoded.bytes.withUnsafeBytes { buf in
            for (i, g) in groups.enumerated() where !encoded.hasNull[i] {
                if pairs.findOrInsert(encoded.key(i, in: buf)).inserted { counts[Int(g)] += 1 }
            }
        }
    }
}
