import Foundation
import Testing
@testable import Ingest

/// The windows' distinct-ID set: the same members as `Set<UInt64>` for any inserts (checked against it), and the
/// same persisted form as the `Set`-based one it replaced.
@Suite struct HashSetTests {
    /// Values whose multiply-shift hash lands in the same slot of a 4- and an 8-slot table (the first two sizes).
    static func colliding(_ n: Int) -> [UInt64] {
        var out: [UInt64] = []
        var v: UInt64 = 1
        while out.count < n {
            if (v &* 0x9E37_79B9_7F4A_7C15) >> 61 == 5 /* slot 5 of 8, slot 2 of 4 */ { out.append(v) }
            v += 1
        }
        return out
    }

    @Test func valuesThatShareAHomeSlotAreAllKeptOnceEach() {
        let vs = Self.colliding(6)
        var s = HashSet()
        for v in vs { let added = s.insert(v); #expect(added) }
        for v in vs { let added = s.insert(v); #expect(!added) }
        s.verify()
        #expect(s.count == 6 && s.values == Set(vs))
        for v in vs { #expect(s.contains(v)) }
        #expect(!s.contains(Self.colliding(7)[6]))
    }

    @Test func zeroAndTheLargestValueAreMembersLikeAnyOther() {
        var s = HashSet()
        #expect(s.isEmpty && !s.contains(0))
        let first = s.insert(0), second = s.insert(0)
        #expect(first && !second)
        #expect(s.count == 1 && s.contains(0) && Array(s) == [0])
        s.insert(.max)
        s.verify()
        #expect(s.values == [0, .max])
    }

    @Test func manyRandomInsertsWithRepeatsMatchASet() {
        var rng = SystemRandomNumberGenerator()
        var s = HashSet(), expected = Set<UInt64>()
        for _ in 0..<50_000 {
            // Small values repeat (duplicates), large ones are spread; the low bits alone would collide often.
            let v: UInt64 = Bool.random(using: &rng) ? UInt64.random(in: 0..<5_000, using: &rng) : UInt64.random(in: 0...UInt64.max, using: &rng) << 12
            let added = s.insert(v)
            #expect(added == expected.insert(v).inserted)
        }
        s.verify()
        #expect(s.count == expected.count && s.values == expected)
    }

    @Test func setsWithTheSameMembersAreEqualWhateverTheInsertOrder() {
        var a = HashSet(), b = HashSet()
        for v in 0..<100 as Range<UInt64> { a.insert(v * 7919) }
        for v in (0..<100 as Range<UInt64>).reversed() { b.insert(v * 7919) }
        b.reserveCapacity(1000)
        b.verify()
        #expect(a == b)
        b.insert(1)
        #expect(a != b)
    }

    @Test func persistsAsBase64OfLittleEndianValuesAndReadsTheSetBasedForm() throws {
        // The form the `Set<UInt64>`-based version wrote for {1, 2^64-1, 0}: little-endian values, any order.
        var bytes: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0] + Array(repeating: 0xFF, count: 8) + Array(repeating: 0, count: 8)
        let old = "\"" + Data(bytes).base64EncodedString() + "\""
        let s = try JSONDecoder().decode(HashSet.self, from: Data(old.utf8))
        #expect(s.values == [1, .max, 0])
        let again = try JSONDecoder().decode(HashSet.self, from: JSONEncoder().encode(s))
        #expect(again == s)
        let written = Data(base64Encoded: s.base64)!
        #expect(written.count == 24)
        bytes = Array(written)
        let read = Set((0..<3).map { k in bytes[(k * 8)..<(k * 8 + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } })
        #expect(read == [1, .max, 0])
        #expect(HashSet().base64 == "")
    }

    @Test("up to two values are kept without a table and move into one on the third; members, counts and lookups match a Set at every step")
    func smallSetsMatchASetAcrossTheInlineLimit() {
        for order in [[7, 7, 9, 0, 11, 9, 13], [0, 5, 5, 0, 6, 8], [3, 4, 3, 4, 0]] as [[UInt64]] {
            var s = HashSet(), expected = Set<UInt64>()
            for v in order {
                let added = s.insert(v)
                #expect(added == expected.insert(v).inserted)
                s.verify()
                #expect(s.count == expected.count && s.values == expected && Array(s).count == expected.count)
                for e in expected { #expect(s.contains(e)) }
                #expect(!s.contains(1_000) && (expected.contains(0) || !s.contains(0)))
            }
        }
    }

    @Test("a set kept inline equals a table set with the same members, and both persist the same values")
    func anInlineSetEqualsATableSetWithTheSameMembers() throws {
        var inline = HashSet(), table = HashSet()
        inline.insert(42); inline.insert(.max)
        table.reserveCapacity(64)
        table.insert(.max); table.insert(42)
        inline.verify(); table.verify()
        #expect(inline == table && table == inline)
        func persisted(_ s: HashSet) -> Set<UInt64> {
            let b = Array(Data(base64Encoded: s.base64)!)
            return Set(stride(from: 0, to: b.count, by: 8).map { k in b[k..<(k + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } })
        }
        #expect(persisted(inline) == [42, .max] && persisted(table) == [42, .max])
        let read = try JSONDecoder().decode(HashSet.self, from: JSONEncoder().encode(inline))
        #expect(read == table)
        var one = HashSet()
        one.insert(42)
        #expect(one != inline && inline != one)
    }
}
