import Foundation

/// A small, fast, seedable PRNG (Steele, Lea & Flood's SplitMix64).
///
/// The generator derives one independent stream per (table, chunk, purpose) with `derive`, so that
/// chunks can be generated in any order, on any number of threads, and still give identical bytes.
struct SplitMix64 {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A stream for `seed` and a path of tags (table, chunk, purpose…), decorrelated by the finalizer.
    init(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) {
        state = SplitMix64.derive(seed, a, b, c)
    }

    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func derive(_ seed: UInt64, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> UInt64 {
        var h = finalize(seed &+ golden)
        h = finalize(h ^ (a &* golden &+ 0x632B_E59B_D9B4_E019))
        h = finalize(h ^ (b &* golden &+ 0x8CB9_2BA7_2F3D_8DD7))
        h = finalize(h ^ (c &* golden &+ 0xD6E8_FEB8_6659_FD93))
        return h
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= SplitMix64.golden
        return SplitMix64.finalize(state)
    }

    /// Uniform in `0..<bound` (multiply-high; the bias is below 2^-32 for the bounds used here).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(truncatingIfNeeded: bound)) >> 32)
    }

    /// Uniform in `lower...upper`.
    @inline(__always)
    mutating func between(_ lower: Int, _ upper: Int) -> Int {
        lower + below(upper - lower + 1)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1], safe for `log`.
    @inline(__always)
    mutating func openUnit() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A standard normal deviate (Box–Muller, one of the pair).
    mutating func normal() -> Double {
        let r = (-2.0 * Foundation.log(openUnit())).squareRoot()
        return r * Foundation.cos(2.0 * Double.pi * unit())
    }

    /// Gamma(shape 2, `scale`): the sum of two exponentials, one `log`.
    @inline(__always)
    mutating func gamma2(scale: Double) -> Double {
        -scale * Foundation.log(openUnit() * openUnit())
    }

    /// Poisson(`mean`) by Knuth's product method (small means only).
    mutating func poisson(mean: Double) -> Int {
        let limit = Foundation.exp(-mean)
        var product = unit()
        var k = 0
        while product > limit {
            k += 1
            product *= unit()
        }
        return k
    }

    /// Fisher–Yates shuffle.
    mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }
}
