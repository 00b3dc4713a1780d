/// A hash set of 16-byte keys, each a pair of UInt64 words whose first word is never zero (a zero
/// first word marks an empty slot). Keys sit in the slots themselves (open addressing, linear
/// probing), so a probe compares two words in place: no key arena, no offsets, one cache line. It
/// holds the (group, value) pairs of COUNT(DISTINCT) that fit in 16 bytes (`DistinctCounter`).
struct FixedPairSet {
    /// Slot `s` is `words[2s]` (0 when empty) and `words[2s + 1]`.
    private var words: [UInt64] = Array(repeating: 0, count: 32)
    private var mask = 15
    private(set) var count = 0
    /// ANDed into every hash: all ones, or few bits in tests to force collisions.
    private let hashMask: UInt64

    /// A set whose hashes keep only the bits of `hashMask` (tests force collisions with a small mask).
    init(hashMask: UInt64 = ~0) { self.hashMask = hashMask }

    /// Slots (a power of two; the set doubles them when more than half are full).
    var capacity: Int { mask + 1 }

    /// A 64-bit hash of the key (`lo`, `hi`): the folded 128-bit product of the two words, each
    /// offset by a constant (wyhash's mix: every bit of both words reaches the middle bits of the
    /// product), its upper half then folded into the lower bits that pick the slot.
    @inline(__always)
    static func hash(_ lo: UInt64, _ hi: UInt64) -> UInt64 {
        let p = (lo ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: hi ^ 0xD6E8_FEB8_6659_FD93)
        let h = p.high ^ p.low
        return h ^ (h >> 32)
    }

    /// Inserts the key (`lo`, `hi`); whether it was absent. `lo` must not be zero.
    @inline(__always)
    mutating func insert(_ lo: UInt64, _ hi: UInt64) -> Bool {
        var inserted = false
        [lo, hi].withUnsafeBufferPointer { k in insert(k) { _ in inserted = true } }
        return inserted
    }

    /// Whether the set holds the key (`lo`, `hi`).
    func contains(_ lo: UInt64, _ hi: UInt64) -> Bool {
        words.withUnsafeBufferPointer { w in
            var s = Int(truncatingIfNeeded: FixedPairSet.hash(lo, hi) & hashMask) & mask
            while true {
                let l = w[2 &* s]
                if l == 0 { return false }
                if l == lo && w[2 &* s &+ 1] == hi { return true }
                s = (s &+ 1) & mask
            }
        }
    }

    /// Which of `DistinctCounter.partitions` (8) sets a key belongs to: the top 3 bits of its unmasked
    /// hash, which the slot (the low bits) does not use. A key always falls in the same partition,
    /// also when tests mask the hash.
    @inline(__always)
    static func partition(_ lo: UInt64, _ hi: UInt64) -> Int { Int(truncatingIfNeeded: hash(lo, hi) >> 61) }

    /// Calls `body` with the first word of every key in the set.
    func forEachFirstWord(_ body: (UInt64) -> Void) {
        words.withUnsafeBufferPointer { w in
            for s in 0..<capacity where w[2 &* s] != 0 { body(w[2 &* s]) }
        }
    }

    /// Inserts the keys `pairs[2i], pairs[2i + 1]` in order, calling `isNew` with the first word of
    /// each key that was absent (once per key, even when `pairs` holds it twice). No first word may
    /// be zero.
    mutating func insert(_ pairs: UnsafeBufferPointer<UInt64>, isNew: (UInt64) -> Void) {
        let n = pairs.count / 2
        var i = 0
        while i < n {
            // Inserts until the set must grow (more than half the slots full) or the keys run out.
            let limit = capacity / 2
            var c = count
            let m = mask, hm = hashMask
            words.withUnsafeMutableBufferPointer { w in
                while i < n && c <= limit {
                    let lo = pairs[2 &* i], hi = pairs[2 &* i &+ 1]
                    var s = Int(truncatingIfNeeded: FixedPairSet.hash(lo, hi) & hm) & m
                    while true {
                        let l = w[2 &* s]
                        if l == 0 {
                            w[2 &* s] = lo
                            w[2 &* s &+ 1] = hi
                            c &+= 1
                            isNew(lo)
                            break
                        }
                        if l == lo && w[2 &* s &+ 1] == hi { break }
                        s = (s &+ 1) & m
                    }
                    i &+= 1
                }
            }
            count = c
            if count > limit { grow() }
        }
    }

    /// Doubles the slots, placing each key again by its hash.
    private mutating func grow() {
        let old = words
        let size = capacity * 2
        words = Array(repeating: 0, count: 2 * size)
        mask = size - 1
        let m = mask, hm = hashMask
        words.withUnsafeMutableBufferPointer { w in
            old.withUnsafeBufferPointer { o in
                for j in 0..<(o.count / 2) where o[2 &* j] != 0 {
                    let lo = o[2 &* j], hi = o[2 &* j &+ 1]
                    var s = Int(truncatingIfNeeded: FixedPairSet.hash(lo, hi) & hm) & m
                    while w[2 &* s] != 0 { s = (s &+ 1) & m }
                    w[2 &* s] = lo
                    w[2 &* s &+ 1] = hi
                }
            }
        }
    }
}

#if DEBUG
extension FixedPairSet {
    /// Checks the set's invariants (tests call it after inserts): `count` keys, no key twice, each
    /// reachable from its home slot without crossing an empty one, at most half the slots full after
    /// the last insert's growth.
    func verify() {
        var seen = Set<[UInt64]>()
        for s in 0..<capacity where words[2 * s] != 0 {
            let lo = words[2 * s], hi = words[2 * s + 1]
            precondition(seen.insert([lo, hi]).inserted, "key in two slots")
            var t = Int(truncatingIfNeeded: FixedPairSet.hash(lo, hi) & hashMask) & mask
            while t != s { precondition(words[2 * t] != 0, "key cut off from its home slot"); t = (t + 1) & mask }
        }
        precondition(seen.count == count && count * 2 <= capacity)
    }
}
#endif
