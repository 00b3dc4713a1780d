import ColumnStore
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts the distinct rows of a stream of key columns (`COUNT(*)` over a `SELECT DISTINCT` or a
/// GROUP BY without aggregates) without encoding any key: each batch's keys are hashed column by
/// column (`hashes(_:rows:)`) and its rows are found in a table of (hash, row) pairs split in two by
/// a hash bit, so both cores fill one half each (a key lives in one half: no merge). Rows are
/// compared value by value only when their full 64-bit hashes agree, so the batches holding a
/// distinct key's first row are kept (as they are); a batch with no new key is dropped.
///
/// Keys are equal under GROUP BY / DISTINCT semantics, as `KeyEncoder` makes them: NULLs equal each
/// other and no value; -0.0 equals 0.0; every NaN is one value.
struct DistinctRowCounter {
    /// The key columns of each batch added; [] for a batch that holds no distinct key's first row.
    private var batches: [[Column]] = []
    private var halves = [HashRowTable(), HashRowTable()]
    private let hashMask: UInt64

    /// A counter whose row hashes keep only the bits of `hashMask` (tests force collisions with a
    /// small mask).
    init(hashMask: UInt64 = ~0) { self.hashMask = hashMask }

    /// The distinct rows added so far.
    var count: Int { halves[0].count + halves[1].count }

    /// Batches kept for their keys (tests check that batches of repeated keys are dropped).
    var keptBatches: Int { batches.reduce(0) { $0 + ($1.isEmpty ? 0 : 1) } }

    /// Adds batches of key columns (every batch has the same column types) whose rows' hashes
    /// (`hashes(_:rows:)`, perhaps computed on another core) are `rowHashes`: the two halves of the
    /// table take their rows as two tasks, and `alongside(0 ..< alongsideTasks)` (the next batches'
    /// scan and hashing) are more tasks run meanwhile on the same threads.
    mutating func add(_ columns: [[Column]], hashes rowHashes: [[UInt64]], alongsideTasks: Int = 0, alongside: (Int) -> Void = { _ in }) {
        precondition(batches.count + columns.count < Int(Int32.max), "too many batches for a DistinctRowCounter")
        let base = batches.count
        batches += columns
        let masked = hashMask == ~0 ? rowHashes : rowHashes.map { $0.map { $0 & hashMask } }
        var used = [[Bool]](repeating: [Bool](repeating: false, count: columns.count), count: 2)
        // The tables are moved out while `me` (read by both threads) is copied, so each stays uniquely
        // referenced and is mutated in place.
        var tables = halves
        halves = []
        defer { halves = tables }
        let me = self
        tables.withUnsafeMutableBufferPointer { halves in
            used.withUnsafeMutableBufferPointer { used in
                DispatchQueue.concurrentPerform(iterations: 2 + alongsideTasks) { w in
                    if w >= 2 { alongside(w - 2); return }
                    me.insert(masked, base: base, into: &halves[w], bit: w == 0 ? 0 : DistinctRowCounter.halfBit, used: &used[w])
                }
            }
        }
        for j in columns.indices where !used[0][j] && !used[1][j] { batches[base + j] = [] }
    }

    /// Convenience for tests and small inputs: adds one batch, hashing it here.
    mutating func add(_ columns: [Column], rows n: Int) {
        guard n > 0 else { return }
        add([columns], hashes: [DistinctRowCounter.hashes(columns, rows: n)])
    }

    /// The hash bit that picks a row's half of the table.
    private static let halfBit: UInt64 = 1 << 63

    /// Inserts into `table` the rows whose hash's `halfBit` is `bit` of the batches `base ..<` (whose
    /// row hashes are `hashes`), setting `used[j]` when batch `base + j` holds a new key.
    private func insert(_ hashes: [[UInt64]], base: Int, into table: inout HashRowTable, bit: UInt64, used: inout [Bool]) {
        var pending = [(hash: UInt64, ref: UInt64)](repeating: (0, 0), count: 16)
        for j in hashes.indices {
            let b = base + j
            let before = table.count
            hashes[j].withUnsafeBufferPointer { hs in
                var i = 0
                let n = hs.count
                while i < n {
                    // Up to 16 rows of this half: their home slots are read first, so the cache misses
                    // of a large table overlap, then each is found or inserted.
                    var k = 0
                    while i < n && k < 16 {
                        if hs[i] & DistinctRowCounter.halfBit == bit { pending[k] = (hs[i], UInt64(b) << 32 | UInt64(i)); k += 1 }
                        i += 1
                    }
                    pending.withUnsafeBufferPointer { table.touch($0, k) }
                    for p in 0..<k {
                        let (h, ref) = pending[p]
                        table.insert(hash: h, ref: ref) { held in self.sameRow(ref, held) }
                    }
                }
            }
            if table.count > before { used[j] = true }
        }
    }

    /// Whether the rows `a` and `b` (batch << 32 | row) have equal keys.
    private func sameRow(_ a: UInt64, _ b: UInt64) -> Bool {
        let x = batches[Int(a >> 32)], y = batches[Int(b >> 32)]
        let i = Int(a & 0xFFFF_FFFF), j = Int(b & 0xFFFF_FFFF)
        for c in x.indices where !DistinctRowCounter.equal(x[c], i, y[c], j) { return false }
        return true
    }

    /// Whether row `i` of `x` and row `j` of `y` (columns of one type) hold equal keys.
    static func equal(_ x: Column, _ i: Int, _ y: Column, _ j: Int) -> Bool {
        let vx = x.valid(i), vy = y.valid(j)
        guard vx && vy else { return vx == vy }
        switch (x.values, y.values) {
        case (.int64(let a), .int64(let b)), (.timestamp(let a), .timestamp(let b)): return a[i] == b[j]
        case (.float64(let a), .float64(let b)): return a[i] == b[j] || (a[i].isNaN && b[j].isNaN)
        case (.date(let a), .date(let b)): return a[i] == b[j]
        case (.bool(let a), .bool(let b)): return (a[i] != 0) == (b[j] != 0)
        case (.string(let a), .string(let b)):
            return a.withUnsafeBytes(i) { p in b.withUnsafeBytes(j) { q in p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) } }
        default: preconditionFailure("DISTINCT key columns of different types")
        }
    }

    /// Each row's hash of its keys, computed a column at a time. Equal keys (as `equal` compares them)
    /// have equal hashes: a FLOAT64 is hashed normalized (-0.0 as 0.0, every NaN as one NaN), a NULL
    /// as a mark of its own.
    static func hashes(_ columns: [Column], rows: Int) -> [UInt64] {
        var out = [UInt64](repeating: 0x9E37_79B9_7F4A_7C15, count: rows)
        // One column's value of each row as 64 bits, then mixed into the rows' hashes.
        var values = [UInt64](repeating: 0, count: rows)
        out.withUnsafeMutableBufferPointer { h in
            values.withUnsafeMutableBufferPointer { x in
                for c in columns {
                    switch c.values {
                    case .int64(let v), .timestamp(let v):
                        v.withUnsafeBufferPointer { v in for i in 0..<rows { x[i] = UInt64(bitPattern: v[i]) } }
                    case .float64(let v):
                        v.withUnsafeBufferPointer { v in
                            for i in 0..<rows {
                                var d = v[i]
                                if d == 0 { d = 0 }
                                if d.isNaN { d = .nan }
                                x[i] = d.bitPattern
                            }
                        }
                    case .date(let v):
                        v.withUnsafeBufferPointer { v in for i in 0..<rows { x[i] = UInt64(UInt32(bitPattern: v[i])) } }
                    case .bool(let v):
                        v.withUnsafeBufferPointer { v in for i in 0..<rows { x[i] = v[i] != 0 ? 1 : 0 } }
                    case .string(let s):
                        s.bytes.withUnsafeBytes { bytes in
                            s.ends.withUnsafeBufferPointer { ends in
                                var start = 0
                                for i in 0..<rows {
                                    let end = Int(ends[i])
                                    x[i] = KeyEncoder.hash(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                                    start = end
                                }
                            }
                        }
                    }
                    // A NULL row's value (whatever its slot holds) is the NULL mark.
                    if let validity = c.validity {
                        validity.withUnsafeBufferPointer { valid in
                            for i in 0..<rows where !valid[i] { x[i] = DistinctRowCounter.nullMark }
                        }
                    }
                    for i in 0..<rows { mix(&h[i], x[i]) }
                }
                for i in 0..<rows { h[i] = finalize(h[i]) }
            }
        }
        return out
    }

    /// Stands for a NULL key in a row's hash.
    private static let nullMark: UInt64 = 0x6A09_E667_F3BC_C909

    @inline(__always)
    private static func mix(_ h: inout UInt64, _ v: UInt64) {
        h = ((h << 27) | (h >> 37)) ^ v
        h = h &* 0xBF58_476D_1CE4_E5B9
    }

    /// murmur3's 64-bit finalizer: every bit of `h` reaches the top bit and the low bits.
    @inline(__always)
    private static func finalize(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

/// An open-addressed table (linear probing) of one row per distinct key, each slot the key's full
/// hash beside its row (batch << 32 | row, + 1; 0 = empty), side by side in one cache line. Doubles
/// when two thirds full, placing each row again by its kept hash.
private struct HashRowTable {
    /// Slot s is `words[2s]` (the hash) and `words[2s + 1]` (the row + 1).
    private var words = [UInt64](repeating: 0, count: 32)
    private var mask = 15
    private(set) var count = 0

    /// Reads the home slots of the hashes `pending[0..<k]`: the loads are independent, so the CPU
    /// overlaps their cache misses, and the inserts that follow hit the cache.
    @inline(__always)
    func touch(_ pending: UnsafeBufferPointer<(hash: UInt64, ref: UInt64)>, _ k: Int) {
        var any: UInt64 = 0
        words.withUnsafeBufferPointer { w in
            for j in 0..<k { any |= w[2 * (Int(truncatingIfNeeded: pending[j].hash) & mask) + 1] }
        }
        keepLoad(any)
    }

    /// Inserts row `ref` unless a held row with the same hash has its key (`sameKey(held)`).
    @inline(__always)
    mutating func insert(hash h: UInt64, ref: UInt64, sameKey: (UInt64) -> Bool) {
        let mask = self.mask
        let inserted: Bool = words.withUnsafeMutableBufferPointer { w in
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let e = w[2 * s + 1]
                if e == 0 {
                    w[2 * s] = h
                    w[2 * s + 1] = ref + 1
                    return true
                }
                if w[2 * s] == h && sameKey(e - 1) { return false }
                s = (s + 1) & mask
            }
        }
        guard inserted else { return }
        count += 1
        if count * 3 > (mask + 1) * 2 { grow() }
    }

    private mutating func grow() {
        let size = (mask + 1) * 2
        let old = words
        words = [UInt64](repeating: 0, count: 2 * size)
        mask = size - 1
        let mask = self.mask
        words.withUnsafeMutableBufferPointer { w in
            old.withUnsafeBufferPointer { old in
                for s in 0..<(old.count / 2) where old[2 * s + 1] != 0 {
                    var t = Int(truncatingIfNeeded: old[2 * s]) & mask
                    while w[2 * t + 1] != 0 { t = (t + 1) & mask }
                    w[2 * t] = old[2 * s]
                    w[2 * t + 1] = old[2 * s + 1]
                }
            }
        }
    }
}

/// Keeps a loaded value the optimizer would otherwise drop (`HashRowTable.touch`).
@inline(never) @_optimize(none)
private func keepLoad(_ value: UInt64) {}
