import Testing
@testable import Query

/// The set of 16-byte keys behind COUNT(DISTINCT): a key is new exactly once, whatever the hashes do.
/// A hash mask forces collisions rather than hoping for them.
@Suite struct FixedPairSetTests {
    /// Key `i`: first words that differ only above bit 32 for some keys, second words that repeat.
    static func key(_ i: Int) -> (UInt64, UInt64) { (UInt64(i % 3 + 1) | UInt64(i / 3) << 32, UInt64(i % 5)) }

    @Test(arguments: [UInt64(0), 0x3, .max])
    func eachKeyIsNewOnceAcrossSeveralDoublings(hashMask: UInt64) {
        var set = FixedPairSet(hashMask: hashMask)
        let n = hashMask == 0 ? 600 : 5_000
        for i in 0..<n {
            let k = Self.key(i)
            let first = set.insert(k.0, k.1), second = set.insert(k.0, k.1)
            #expect(first && !second)
        }
        set.verify()
        #expect(set.count == n && set.capacity >= 2 * n)
        #expect((0..<n).allSatisfy { i in let k = Self.key(i); return set.contains(k.0, k.1) })
        #expect(!set.contains(1, 5) && !set.contains(UInt64(n) << 40 | 1, 0))
    }

    /// A bulk insert reports each absent key once, in order, even when the batch repeats it and
    /// the set grows in the middle of the batch.
    @Test func aBatchReportsEachNewKeyOnceInOrder() {
        var set = FixedPairSet(hashMask: 0xF)
        _ = set.insert(7, 7)
        var pairs: [UInt64] = []
        for i in 0..<1_000 { pairs += [UInt64(i % 400 + 1), UInt64(i % 400 * 3)] }
        var reported: [UInt64] = []
        pairs.withUnsafeBufferPointer { p in set.insert(p) { reported.append($0) } }
        set.verify()
        #expect(reported == (0..<400).map { UInt64($0 + 1) })
        #expect(set.count == 401)
        #expect(set.contains(7, 7) && !set.contains(7, 0))
    }

    /// Keys equal in one word and different in the other are different keys.
    @Test func keysSharingAWordAreDifferentKeys() {
        var set = FixedPairSet(hashMask: 0)
        let inserted = [set.insert(1, 2), set.insert(1, 3), set.insert(2, 2), set.insert(1, 0), set.insert(1, 2)]
        #expect(inserted == [true, true, true, true, false] && set.count == 4)
        set.verify()
    }
}
