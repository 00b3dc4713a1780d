import ColumnStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HashedKeys {
    init(rows: Int, encoded: EncodedKeys, hashes: [UInt64], packed: [PackedKey]?) {
        self.rows = rows
        self.encoded = encoded
        self.hashes = hashes
        self.packed = packed
    }

    /// Row `i`'s partition among `1 << bits`: the hash's top `bits` bits (hash tables index their
    /// slots by the low bits, so the rows of one partition still spread over all slots).
    @inline(__always)
    static func partition(_ hash: UInt64, bits: Int) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - bits)) }

    /// The rows of each of `1 << bits` partitions, in row order.
    func partitionRows(bits: Int) -> [[Int32]] {
        let n = 1 << bits
        var counts = [Int](repeating: 0, count: n)
        hashes.withUnsafeBufferPointer { h in
            for i in 0..<rows { counts[HashedKeys.partition(h[i], bits: bits)] += 1 }
        }
        var out = counts.map { c -> [Int32] in var a = [Int32](); a.reserveCapacity(c); return a }
        hashes.withUnsafeBufferPointer { h in
            for i in 0..<rows { out[HashedKeys.partition(h[i], bits: bits)].append(Int32(i)) }
        }
        return out
    }

    /// The keys of the rows `selection`, in that order, with their hashes.
    func gather(_ selection: [Int32]) -> HashedKeys {
        HashedKeys(rows: selection.count,
                   encoded: encoded.count == 0 ? encoded : encoded.gather(selection),
                   hashes: hashes.gathered(at: selection),
                   packed: packed.map { $0.gathered(at: selection) })
    }

    /// A rough count of the distinct keys (linear counting of the hashes over a 2^17-bit bitmap): good
    /// enough to tell a few thousand groups from tens of thousands in a 65,536-row batch.
    func estimatedDistinct() -> Int {
        let bits = 17, m = 1 << bits
        var words = [UInt64](repeating: 0, count: m / 64)
        var set = 0
        words.withUnsafeMutableBufferPointer { w in
            hashes.withUnsafeBufferPointer { h in
                for i in 0..<rows {
                    let b = Int(truncatingIfNeeded: h[i] & UInt64(m - 1))
                    let bit: UInt64 = 1 << UInt64(b & 63)
                    if w[b >> 6] & bit == 0 { w[b >> 6] |= bit; set += 1 }
                }
            }
        }
        if set >= m { return Int.max }
        return Int((-Double(m) * log(1 - Double(set) / Double(m))).rounded())
    }
}

extension EncodedKeys {
    /// The keys of the rows `selection`, in that order.
    func gather(_ selection: [Int32]) -> EncodedKeys {
        var total = 0
        for i in selection { total += offsets[Int(i) + 1] - offsets[Int(i)] }
        var newOffsets = [Int](repeating: 0, count: selection.count + 1)
        let newBytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            bytes.withUnsafeBufferPointer { src in
                var at = 0
                for (j, i) in selection.enumerated() {
                    let start = offsets[Int(i)], len = offsets[Int(i) + 1] - start
                    if len > 0 { (out.baseAddress! + at).initialize(from: src.baseAddress! + start, count: len) }
                    at += len
                    newOffsets[j + 1] = at
                }
            }
            initialized = total
        }
        return EncodedKeys(bytes: newBytes, offsets: newOffsets,
                           hasNull: hasNull.count == count ? hasNull.gathered(at: selection) : [],
                           hasNaN: hasNaN.count == count ? hasNaN.gathered(at: selection) : [])
    }
}
