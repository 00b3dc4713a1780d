import Foundation
import Testing
@testable import ColumnStore

/// STRING maxima longer than `ZoneMap.maxStringBound` bytes are not stored; their prefix is
/// (`ZoneMap.maxPrefix`), so that a merge with a zone whose maximum is known and larger keeps that maximum.
@Suite struct ZoneMapLongStringTests {
    static let bound = ZoneMap.maxStringBound

    static func zone(_ texts: [String?]) -> ZoneMap {
        let column = makeColumn(.string, texts.map { $0.map(Value.string) ?? .null })
        return ZoneMap.compute(column, range: 0..<column.count)
    }

    @Test func aLongMaximumKeepsItsFirstBytesCutAtACharacterBoundary() {
        let long = String(repeating: "a", count: Self.bound - 1) + "é" + "z"  // é spans bytes 64 and 65
        let z = Self.zone(["a", long, nil])
        #expect(z.max == nil)
        #expect(z.maxPrefix == String(repeating: "a", count: Self.bound - 1))
        #expect(Self.zone(["b", String(repeating: "c", count: Self.bound)]).max == .string(String(repeating: "c", count: Self.bound)))
        #expect(Self.zone(["b", String(repeating: "c", count: Self.bound)]).maxPrefix == nil)
    }

    @Test func aKnownMaximumAboveTheOtherZonesPrefixIsTheMaximumOfBoth() {
        let longC = Self.zone(["a", String(repeating: "c", count: 100)])
        let short = Self.zone(["d", "b"])
        for merged in [longC.merged(with: short), short.merged(with: longC)] {
            #expect(merged.max == .string("d"))
            #expect(merged.maxPrefix == nil)
            #expect(merged.min == .string("a"))
        }
    }

    @Test func aKnownMaximumBelowOrExtendingThePrefixLeavesTheMaximumUnknownWithThePrefix() {
        let p = String(repeating: "c", count: Self.bound)
        let longC = Self.zone([p + "ccc"])
        for other in [["b"], [p + "d"], [p]] {
            let merged = longC.merged(with: Self.zone(other))
            #expect(merged.max == nil, "\(other)")
            #expect(merged.maxPrefix == p, "\(other)")
        }
    }

    @Test func twoLongMaximaKeepTheLargerPrefixOrTheSharedOne() {
        let a = Self.zone([String(repeating: "a", count: 80)])
        let b = Self.zone([String(repeating: "b", count: 80)])
        #expect(a.merged(with: b).maxPrefix == String(repeating: "b", count: Self.bound))
        #expect(b.merged(with: a).maxPrefix == String(repeating: "b", count: Self.bound))
        let shared = Self.zone([String(repeating: "b", count: 70) + "a"])
        #expect(b.merged(with: shared).maxPrefix == String(repeating: "b", count: Self.bound))
    }

    @Test func anAllNullZoneOrAZoneWithoutPrefixInformation() {
        let longC = Self.zone([String(repeating: "c", count: 100)])
        #expect(longC.merged(with: Self.zone([nil, nil])).maxPrefix == longC.maxPrefix)
        #expect(Self.zone([nil]).merged(with: longC).maxPrefix == longC.maxPrefix)
        // A zone read from a store written before prefixes existed: the maximum stays unknown.
        let old = ZoneMap(rowCount: 1, nullCount: 0, min: .string("x"), max: nil)
        #expect(old.merged(with: Self.zone(["zz"])).max == nil)
        #expect(old.merged(with: Self.zone(["zz"])).maxPrefix == nil)
    }

    /// Random zones of short and long strings (shared prefixes, multi-byte characters): a merged maximum,
    /// when known, is the true maximum, and a merged prefix is a prefix of the true maximum.
    @Test func mergedBoundsAgreeWithTheTrueMaximumOfRandomZones() {
        var rng = XorShift(state: 0x2545_F491_4F6C_DD1D)
        let alphabet = ["a", "b", "é", "€", "z"]
        var known = 0
        for _ in 0..<400 {
            let zones: [[String]] = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
                (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                    let head = String(repeating: "b", count: [0, 40, 62, 63, 64].randomElement(using: &rng)!)
                    return head + (0..<Int.random(in: 0...30, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                }
            }
            let all = zones.flatMap { $0 }
            let trueMax = all.max { $0.utf8.lexicographicallyPrecedes($1.utf8) }!
            let m = zones.dropFirst().reduce(Self.zone(zones[0])) { $0.merged(with: Self.zone($1)) }
            if case .string(let s)? = m.max {
                #expect(s == trueMax)
                known += 1
            } else {
                let p = try! #require(m.maxPrefix, "a long maximum leaves its prefix: \(zones)")
                #expect(trueMax.utf8.starts(with: p.utf8), "\(p) is a prefix of \(trueMax)")
            }
            #expect(m.max != nil || all.contains { $0.utf8.count > Self.bound }, "only short strings: the maximum is known")
        }
        #expect(known > 50, "the cases include known maxima")
    }
}

/// Marsaglia's xorshift64, so that the random cases are the same on every run.
private struct XorShift: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
