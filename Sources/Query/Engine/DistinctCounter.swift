import ColumnStore
import Dispatch

/// Distinct (group, value) pairs for COUNT(DISTINCT x) over all groups at once, and each group's count.
///
/// A pair whose group id is below 2^24 and whose value fits in 12 bytes (every INT64, FLOAT64, DATE,
/// TIMESTAMP and BOOL, and strings of at most 12 bytes) is packed into 16 bytes and kept in a
/// `FixedPairSet`: the group in bytes 0–2, a tag in byte 3 (1 + the length for a string, 0x21–0x25
/// for the other types, never 0), the value in bytes 4–15, zero-padded. Other pairs (longer strings,
/// later groups) are encoded by `KeyEncoder` and kept in a `ByteKeyTable`. Whether a pair is packed
/// depends on the pair alone, so the two sets never hold the same pair and a group's count is the
/// number of its pairs in both.
///
/// The packed pairs are split by hash into `partitions` sets (`FixedPairSet.partition`); a pair
/// always falls in the same one, so no two sets hold the same pair either. Packed pairs are buffered
/// per partition and inserted `bufferedPairs` at a time, the partitions spread over the cores
/// (`concurrentPerform`): a thread takes the next partition when it is free, so a worker woken late
/// on a busy machine takes fewer and the calling thread does not sit waiting for it. No set counts
/// as it inserts; `finishAdding()` inserts the rest and counts each group's pairs in the sets.
struct DistinctCounter {
    private var packed: [FixedPairSet]
    private var others = ByteKeyTable()
    /// New pairs per group in `others` (as they are inserted).
    private var unpackedCounts: [Int64] = []
    /// Pairs per group in the packed sets, as `finishAdding()` last counted them.
    private var packedCounts: [Int64] = []
    /// Whether `packedCounts` is up to date (no pair added since `finishAdding()`).
    private var counted = true
    /// Packed pairs not inserted yet, two words each, by partition.
    private var buffered: [[UInt64]]
    private var bufferedPairCount: Int { buffered.reduce(0) { $0 + $1.count } / 2 }
    /// Pairs buffered before they are inserted, and the fewest inserted on several cores.
    private let bufferedPairs: Int
    private let parallelPairs: Int

    /// Sets of packed pairs, by the hash's top bits.
    static let partitions = 8

    /// Groups whose pairs are packed: ids below this (at most 2^24, the default).
    private let packedGroups: Int
    /// Longest string value that is packed.
    static let packedStringBytes = 12

    /// A counter whose packed sets keep only `hashMask`'s bits of each hash and pack the pairs of the
    /// first `packedGroups` groups (tests force collisions, unpacked groups, and buffer flushes and
    /// parallel inserts with small values).
    init(hashMask: UInt64 = ~0, packedGroups: Int = 1 << 24, bufferedPairs: Int = 1 << 18, parallelPairs: Int = 1 << 14) {
        precondition(packedGroups <= 1 << 24 && bufferedPairs > 0)
        packed = (0..<DistinctCounter.partitions).map { _ in FixedPairSet(hashMask: hashMask) }
        buffered = Array(repeating: [], count: DistinctCounter.partitions)
        self.packedGroups = packedGroups
        self.bufferedPairs = bufferedPairs
        self.parallelPairs = parallelPairs
    }

    mutating func addGroups(_ n: Int) {
        unpackedCounts += repeatElement(0, count: n)
        packedCounts += repeatElement(0, count: n)
    }

    /// The number of distinct values of group `g` (after `finishAdding()`).
    func count(group g: Int) -> Int64 {
        precondition(counted, "DistinctCounter read before finishAdding()")
        return packedCounts[g] + unpackedCounts[g]
    }

    /// Every group's count (after `finishAdding()`).
    var counts: [Int64] { (0..<packedCounts.count).map { count(group: $0) } }

    /// Inserts the buffered pairs and counts each group's packed pairs; the counts are complete after.
    mutating func finishAdding() {
        insertBuffered()
        guard !counted else { return }
        for g in packedCounts.indices { packedCounts[g] = 0 }
        packedCounts.withUnsafeMutableBufferPointer { cs in
            for set in packed { set.forEachFirstWord { lo in cs[Int(lo & 0xFF_FFFF)] += 1 } }
        }
        counted = true
    }

    /// Inserts the buffered pairs into their partitions' sets, on several cores when there are many.
    private mutating func insertBuffered() {
        let pairs = bufferedPairCount
        guard pairs > 0 else { return }
        let parallel = pairs >= parallelPairs
        packed.withUnsafeMutableBufferPointer { sets in
            buffered.withUnsafeBufferPointer { buffers in
                func fill(_ p: Int) { buffers[p].withUnsafeBufferPointer { sets[p].insert($0) { _ in } } }
                if parallel {
                    DispatchQueue.concurrentPerform(iterations: DistinctCounter.partitions, execute: fill)
                } else {
                    for p in 0..<DistinctCounter.partitions { fill(p) }
                }
            }
        }
        for p in buffered.indices { buffered[p].removeAll(keepingCapacity: true) }
    }

    /// Counts the non-NULL `values` of each row's group in `groups`. `dictionary`, when given, is the
    /// block `values` was copied from unfiltered (`Batch.dictionaries`): then only the first row of each
    /// (group, code) is looked up.
    mutating func add(groups: [Int32], values: Column, dictionary: DictionaryColumn? = nil) {
        if let dictionary, let firsts = DistinctCounter.firstRows(groups: groups, values: values, dictionary: dictionary,
                                                                  groupCount: packedCounts.count) {
            add(groups: groups, values: values, rows: firsts)
        } else {
            add(groups: groups, values: values, rows: nil)
        }
    }

    /// The first row of each distinct (group, code) among the non-NULL rows, or nil when the codes
    /// would not save much (a dictionary of more than half the rows, or too many groups × entries).
    static func firstRows(groups: [Int32], values: Column, dictionary d: DictionaryColumn, groupCount: Int) -> [Int32]? {
        let entries = d.entries.count
        let rows = groups.count
        guard d.codes.count == rows, entries > 0, entries * 2 <= rows, groupCount * entries <= 1 << 20 else { return nil }
        var seen = [UInt64](repeating: 0, count: (groupCount * entries + 63) / 64)
        var firsts: [Int32] = []
        let validity = values.validity
        d.codes.withUnsafeBufferPointer { codes in
            seen.withUnsafeMutableBufferPointer { seen in
                for i in 0..<rows where validity?[i] ?? true {
                    let k = Int(groups[i]) * entries + Int(codes[i])
                    let bit: UInt64 = 1 << UInt64(k & 63)
                    if seen[k >> 6] & bit == 0 { seen[k >> 6] |= bit; firsts.append(Int32(i)) }
                }
            }
        }
        return firsts
    }

    /// Counts the pairs of the rows `rows` (every row when nil).
    private mutating func add(groups: [Int32], values: Column, rows: [Int32]?) {
        let n = rows?.count ?? groups.count
        // Each pair goes to its partition's buffer (moved out of `self` while it grows, so that it stays
        // unique; the buffers keep their capacity between inserts).
        var buffers = buffered
        buffered = []
        @inline(__always) func put(_ lo: UInt64, _ hi: UInt64) {
            let p = FixedPairSet.partition(lo, hi)
            buffers[p].append(lo)
            buffers[p].append(hi)
        }
        var unpacked: [Int32] = []  // rows whose pair goes to `others`
        let validity = values.validity
        let packedGroups = self.packedGroups
        groups.withUnsafeBufferPointer { gs in
            /// Calls `body` with each non-NULL row (of `rows`) and its group, or records it as unpacked
            /// when its group is too large to pack.
            @inline(__always) func forEachRow(_ body: (Int, UInt64) -> Void) {
                for j in 0..<n {
                    let i = rows.map { Int($0[j]) } ?? j
                    guard validity?[i] ?? true else { continue }
                    let g = Int(gs[i])
                    if g < packedGroups { body(i, UInt64(g)) } else { unpacked.append(Int32(i)) }
                }
            }
            switch values.values {
            case .int64(let v): forEachRow { i, g in put(g | 0x21 << 24, UInt64(bitPattern: v[i])) }
            case .timestamp(let v): forEachRow { i, g in put(g | 0x22 << 24, UInt64(bitPattern: v[i])) }
            case .float64(let v):
                forEachRow { i, g in
                    var d = v[i]
                    if d == 0 { d = 0 }       // -0.0 is 0.0
                    if d.isNaN { d = .nan }   // every NaN is one value
                    put(g | 0x23 << 24, d.bitPattern)
                }
            case .date(let v): forEachRow { i, g in put(g | 0x24 << 24, UInt64(UInt32(bitPattern: v[i]))) }
            case .bool(let v): forEachRow { i, g in put(g | 0x25 << 24, UInt64(v[i])) }
            case .string(let s):
                s.bytes.withUnsafeBytes { src in
                    s.ends.withUnsafeBufferPointer { ends in
                        forEachRow { i, g in
                            let start = i == 0 ? 0 : Int(ends[i - 1]), len = Int(ends[i]) - start
                            guard len <= DistinctCounter.packedStringBytes else { unpacked.append(Int32(i)); return }
                            var key: (UInt64, UInt64) = (g | UInt64(1 + len) << 24, 0)
                            if len > 0 {
                                withUnsafeMutableBytes(of: &key) { k in
                                    (k.baseAddress! + 4).copyMemory(from: src.baseAddress! + start, byteCount: len)
                                }
                            }
                            put(key.0, key.1)
                        }
                    }
                }
            }
        }
        buffered = buffers
        let pairs = bufferedPairCount
        if pairs > 0 { counted = false }
        if pairs >= bufferedPairs { insertBuffered() }
        if !unpacked.isEmpty { addUnpacked(groups: groups.gathered(at: unpacked), values: values.gather(unpacked)) }
    }

    /// Counts the pairs (all non-NULL) that are not packed, by their `KeyEncoder` keys.
    private mutating func addUnpacked(groups: [Int32], values: Column) {
        let groupColumn = Column(values: .int64(groups.map(Int64.init)))
        let encoded = KeyEncoder.encode([groupColumn, values], rows: groups.count)
        encoded.bytes.withUnsafeBytes { buf in
            for (i, g) in groups.enumerated() where !encoded.hasNull[i] {
                if others.findOrInsert(encoded.key(i, in: buf)).inserted { unpackedCounts[Int(g)] += 1 }
            }
        }
    }

    /// Pairs kept packed and not packed (tests check which set a pair went to).
    var packedCount: Int { packed.reduce(0) { $0 + $1.count } }
    var unpackedCount: Int { others.count }
}
