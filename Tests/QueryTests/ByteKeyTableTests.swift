import Testing
@testable import Query

/// The hash set behind GROUP BY, DISTINCT, COUNT(DISTINCT) and join builds: dense ids in insertion
/// order, whatever the hashes do. Hashes are passed in, so collisions are forced rather than hoped for.
@Suite struct ByteKeyTableTests {
    /// Key `i`: its decimal digits repeated so keys are 1 to 60 bytes long (both comparison paths).
    static func key(_ i: Int) -> [UInt8] { Array(String(repeating: "\(i)-", count: 1 + i % 20).utf8) }

    @Test func keysWithOneHashKeepDistinctDenseIdsAcrossSeveralDoublings() {
        var table = ByteKeyTable()
        for i in 0..<3_000 {
            let r = Self.key(i).withUnsafeBytes { table.findOrInsert($0, hash: 0xDEAD_BEEF_0000_0007) }
            #expect(r.id == Int32(i) && r.inserted)
        }
        table.verify()
        #expect(table.count == 3_000)
        for i in stride(from: 2_999, through: 0, by: -1) {
            let k = Self.key(i)
            #expect(k.withUnsafeBytes { table.find($0, hash: 0xDEAD_BEEF_0000_0007) } == Int32(i))
            let again = k.withUnsafeBytes { table.findOrInsert($0, hash: 0xDEAD_BEEF_0000_0007) }
            #expect(again.id == Int32(i) && !again.inserted)
            #expect(table.withKey(i) { Array($0) } == k)
        }
        #expect(table.count == 3_000)
    }

    /// Hashes sharing their upper 32 bits (the tag kept in a slot) and most of the lower bits: the
    /// slots must tell keys apart by their bytes, and growth must place each by its own lower bits.
    @Test func keysWhoseTagsCollideAreFoundAfterGrowth() {
        var table = ByteKeyTable()
        func h(_ i: Int) -> UInt64 { 0x1234_5678_0000_0000 | UInt64(i % 7) << 20 }
        for i in 0..<5_000 { _ = Self.key(i).withUnsafeBytes { table.findOrInsert($0, hash: h(i)) } }
        table.verify()
        #expect(table.count == 5_000)
        #expect((0..<5_000).allSatisfy { i in Self.key(i).withUnsafeBytes { table.find($0, hash: h(i)) } == Int32(i) })
    }

    /// Same hash and same length, differing only in the last byte (inside an 8-byte word, in the
    /// byte tail, and past 32 bytes where memcmp compares); and a key that is a prefix of another.
    @Test func keysEqualInHashButNotInBytesAreDifferentKeys() {
        let bases = [7, 12, 45].map { [UInt8](repeating: 0x61, count: $0) }
        var keys: [[UInt8]] = []
        for b in bases { keys.append(b); var c = b; c[c.count - 1] = 0x62; keys.append(c); keys.append(b + [0x61]) }
        keys.append([])
        var table = ByteKeyTable()
        for (i, k) in keys.enumerated() {
            let r = k.withUnsafeBytes { table.findOrInsert($0, hash: 99) }
            #expect(r.id == Int32(i) && r.inserted)
        }
        for (i, k) in keys.enumerated() { #expect(k.withUnsafeBytes { table.find($0, hash: 99) } == Int32(i)) }
        #expect([UInt8](repeating: 0x63, count: 12).withUnsafeBytes { table.find($0, hash: 99) } == nil)
    }

    /// Without a hash given, the table hashes with `KeyEncoder.hash`, so both entry points agree.
    @Test func theHashingAndPrehashedEntryPointsAgree() {
        var table = ByteKeyTable()
        for i in 0..<1_000 { _ = Self.key(i).withUnsafeBytes { table.findOrInsert($0) } }
        table.verify()
        for i in 0..<1_000 {
            let k = Self.key(i)
            #expect(k.withUnsafeBytes { table.find($0, hash: KeyEncoder.hash($0)) } == Int32(i))
            #expect(k.withUnsafeBytes { table.find($0) } == Int32(i))
        }
        #expect(Self.key(1_000).withUnsafeBytes { table.find($0) } == nil)
    }
}
