import Foundation

/// A set of 64-bit identifier hashes (the distinct users and sessions of a window), persisted as base64 of its
/// little-endian values.
///
/// A flat open-addressing table with linear probing and a multiply-shift (Fibonacci) hash: the values are
/// already FNV-1a hashes, so one multiply spreads them, where `Set<UInt64>` runs SipHash on every insert (12 % of
/// the streaming reader's CPU). Slot value 0 means empty; the value 0 itself is kept in `hasZero`. The table
/// doubles when it would pass 3/4 full. Iteration order is the slot order (not stable across inserts), like
/// `Set`'s: the persisted forms list the values in iteration order and readers take any order.
///
/// Up to `inlineCapacity` non-zero values are kept inline (`small`) and the table is allocated only for the
/// next one: with 1-minute windows over sparse data most windows hold one user and one session, and each
/// window's sets (users, sessions, each genre's and country's users) then cost no allocation.
struct HashSet: Codable, Equatable, Sequence {
    /// Power-of-two count of slots, or empty while the values fit in `small`; 0 = empty slot.
    private var slots: [UInt64] = []
    /// The first `stored` non-zero values while `slots` is empty (insertion order); unused after.
    private var small: (UInt64, UInt64) = (0, 0)
    private var hasZero = false
    /// The non-zero values stored in `small` or `slots`.
    private var stored = 0
    static let inlineCapacity = 2

    init() {}

    /// The number of distinct values.
    var count: Int { stored + (hasZero ? 1 : 0) }
    var isEmpty: Bool { count == 0 }

    /// log2 of the slot count, as the right shift of the multiply-shift hash.
    @inline(__always)
    private static func slot(_ v: UInt64, shift: UInt64) -> Int { Int(truncatingIfNeeded: (v &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// Adds `v`; returns whether it was new.
    @inline(__always)
    @discardableResult
    mutating func insert(_ v: UInt64) -> Bool {
        if v == 0 {
            defer { hasZero = true }
            return !hasZero
        }
        if slots.isEmpty {
            if stored > 0 && small.0 == v || stored > 1 && small.1 == v { return false }
            if stored < Self.inlineCapacity {
                if stored == 0 { small.0 = v } else { small.1 = v }
                stored += 1
                return true
            }
        }
        if (stored + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        let shift = UInt64(64 - slots.count.trailingZeroBitCount)
        let added = slots.withUnsafeMutableBufferPointer { s -> Bool in
            var i = Self.slot(v, shift: shift)
            while true {
                let x = s[i]
                if x == v { return false }
                if x == 0 {
                    s[i] = v
                    return true
                }
                i = (i + 1) & mask
            }
        }
        if added { stored += 1 }
        return added
    }

    /// Whether `v` is in the set.
    func contains(_ v: UInt64) -> Bool {
        if v == 0 { return hasZero }
        guard !slots.isEmpty else { return stored > 0 && small.0 == v || stored > 1 && small.1 == v }
        let mask = slots.count - 1
        var i = Self.slot(v, shift: UInt64(64 - slots.count.trailingZeroBitCount))
        while true {
            let x = slots[i]
            if x == v { return true }
            if x == 0 { return false }
            i = (i + 1) & mask
        }
    }

    /// Room for `n` values without growing.
    mutating func reserveCapacity(_ n: Int) {
        if slots.isEmpty && n <= Self.inlineCapacity { return }
        var size = Swift.max(slots.count, 4)
        while n * 4 > size * 3 { size *= 2 }
        if size != slots.count { rehash(size) }
    }

    private mutating func grow() { rehash(slots.isEmpty ? 4 : slots.count * 2) }

    /// Moves the values into a table of `size` slots (from `small` when there is no table yet).
    private mutating func rehash(_ size: Int) {
        let old = slots.isEmpty ? [small.0, small.1].prefix(stored).map { $0 } : slots
        slots = Array(repeating: 0, count: size)
        small = (0, 0)
        stored = 0
        for v in old where v != 0 { insert(v) }
    }

    struct Iterator: IteratorProtocol {
        fileprivate var slots: [UInt64]
        fileprivate var small: (UInt64, UInt64)
        /// Inline values left to return (while `slots` is empty).
        fileprivate var smallLeft: Int
        fileprivate var at = 0
        fileprivate var zeroPending: Bool

        mutating func next() -> UInt64? {
            if zeroPending {
                zeroPending = false
                return 0
            }
            if smallLeft > 0 {
                defer { smallLeft -= 1; small.0 = small.1 }
                return small.0
            }
            while at < slots.count {
                defer { at += 1 }
                if slots[at] != 0 { return slots[at] }
            }
            return nil
        }
    }

    func makeIterator() -> Iterator {
        Iterator(slots: slots, small: small, smallLeft: slots.isEmpty ? stored : 0, zeroPending: hasZero)
    }
    var underestimatedCount: Int { count }

    /// The values as a `Set` (tests build and compare sets through this).
    var values: Set<UInt64> {
        get { Set(self) }
        set {
            self = HashSet()
            reserveCapacity(newValue.count)
            for v in newValue { insert(v) }
        }
    }

    static func == (a: HashSet, b: HashSet) -> Bool {
        a.count == b.count && a.allSatisfy { b.contains($0) }
    }

    init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad hash set"))
        }
        reserveCapacity(data.count / 8)
        data.withUnsafeBytes { raw in
            for k in 0..<(raw.count / 8) { insert(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self))) }
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(base64)
    }

    /// The values as base64 of their little-endian bytes (in iteration order).
    var base64: String {
        withUnsafeTemporaryAllocation(byteCount: Swift.max(count * 8, 1), alignment: 8) { raw in
            var k = 0
            for v in self {
                raw.storeBytes(of: v.littleEndian, toByteOffset: k, as: UInt64.self)
                k += 8
            }
            return Data(bytesNoCopy: raw.baseAddress!, count: k, deallocator: .none).base64EncodedString()
        }
    }

    /// Checks invariants (tests and debug builds): inline values non-zero and distinct; the slot count is a
    /// power of two at most 3/4 full, each value is reachable from its home slot without crossing an empty one, and none appears twice.
    func verify() {
        if slots.isEmpty {
            precondition(stored <= Self.inlineCapacity, "at most the inline capacity without a table")
            precondition(stored < 1 || small.0 != 0, "inline values are non-zero")
            precondition(stored < 2 || (small.1 != 0 && small.1 != small.0), "inline values are distinct")
            return
        }
        precondition((slots.count.nonzeroBitCount == 1 && stored * 4 <= slots.count * 3), "power-of-two table at most 3/4 full")
        precondition(slots.filter { $0 != 0 }.count == stored, "stored counts the non-zero slots")
        precondition(Set(slots.filter { $0 != 0 }).count == stored, "no value twice")
        for v in slots where v != 0 { precondition(contains(v), "each value reachable by probing") }
    }
}
