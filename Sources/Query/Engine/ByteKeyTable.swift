#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hash set of byte keys that numbers them densely in insertion order (0, 1, 2, ...). Keys live in
/// one contiguous arena, slots are open-addressed (linear probing), so an insert allocates nothing
/// but amortized growth. A slot holds the upper 32 bits of its key's hash beside the id, so a probe
/// touches the key's bytes only when those bits agree; the lower 32 bits (which pick the slot) are
/// kept per key, so growing the slots moves every key without reading its bytes or hashing it again.
struct ByteKeyTable {
    private var arena: [UInt8] = []
    private var ends: [Int] = []          // key id → end offset in arena (start = previous end)
    private var lowHashes: [UInt32] = []  // key id → the lower 32 bits of its hash
    /// 0 = empty; else the hash's upper 32 bits | (id + 1).
    private var slots: [UInt64] = Array(repeating: 0, count: 16)
    private var mask = 15
    private static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000
    var count: Int { ends.count }

    /// The id of `key`, inserting it when absent.
    @inline(__always)
    mutating func findOrInsert(_ key: UnsafeRawBufferPointer) -> (id: Int32, inserted: Bool) {
        findOrInsert(key, hash: KeyEncoder.hash(key))
    }

    /// The id of `key`, whose `KeyEncoder.hash` is `h` (computed ahead, perhaps on another thread),
    /// inserting it when absent. Every call for one table must hash the same way.
    @inline(__always)
    mutating func findOrInsert(_ key: UnsafeRawBufferPointer, hash h: UInt64) -> (id: Int32, inserted: Bool) {
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
        lowHashes.append(UInt32(truncatingIfNeeded: h))
        slots[s] = tag | UInt64(id + 1)
        if ends.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The id of `key`, or nil.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Int32? {
        find(key, hash: KeyEncoder.hash(key))
    }

    /// The id of `key`, whose `KeyEncoder.hash` is `h`, or nil.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash h: UInt64) -> Int32? {
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

    /// Whether key `id`'s bytes are `key`'s. Keys of up to 32 bytes (most GROUP BY and join keys) are
    /// compared 8 bytes at a time inline; longer ones by `memcmp`.
    @inline(__always)
    private func equals(_ id: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        let n = ends[id] - start
        guard n == key.count else { return false }
        if n == 0 { return true }
        return arena.withUnsafeBytes { a in
            let p = a.baseAddress! + start, q = key.baseAddress!
            if n > 32 { return memcmp(p, q, n) == 0 }
            var i = 0
            while i + 8 <= n {
                if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) != q.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            while i < n {
                if p.load(fromByteOffset: i, as: UInt8.self) != q.load(fromByteOffset: i, as: UInt8.self) { return false }
                i += 1
            }
            return true
        }
    }

    /// Doubles the slots, placing each key by its kept lower hash bits and the tag in its old slot.
    private mutating func grow() {
        let size = slots.count * 2
        let old = slots
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        let m = UInt64(mask)
        slots.withUnsafeMutableBufferPointer { out in
            lowHashes.withUnsafeBufferPointer { low in
                for e in old where e != 0 {
                    let id = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                    var s = Int(truncatingIfNeeded: UInt64(low[id]) & m)
                    while out[s] != 0 { s = (s + 1) & mask }
                    out[s] = e
                }
            }
        }
    }
}

#if DEBUG
extension ByteKeyTable {
    /// Checks the table's invariants (tests call it after inserts): every key is in exactly one slot,
    /// reachable from its home slot without crossing an empty one, and the slots are at most half full.
    func verify() {
        precondition(lowHashes.count == ends.count && ends.count * 2 <= slots.count)
        var seen = [Bool](repeating: false, count: ends.count)
        for (s, e) in slots.enumerated() where e != 0 {
            let id = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
            precondition(!seen[id], "key \(id) is in two slots")
            seen[id] = true
            var t = Int(lowHashes[id]) & mask
            while t != s { precondition(slots[t] != 0, "key \(id) is cut off from its home slot"); t = (t + 1) & mask }
        }
        precondition(!seen.contains(false), "a key has no slot")
    }
}
#endif
