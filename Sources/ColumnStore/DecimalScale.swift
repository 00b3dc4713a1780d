/// FLOAT64 values with few decimal digits stored as integers: value = Double(i) / 10^e, where the
/// encoder has checked, for every value, that this very expression gives back its bit pattern.
/// Byte layout: docs/segment-format.md ("Decimal FLOAT64").
struct DecimalScale {
    /// The exponent e; values are `Double(integers[i]) / powers[e]`.
    let exponent: Int
    let integers: [Int64]
    let frame: FrameOfReference

    /// Largest exponent tried (and accepted by the reader).
    static let maxExponent = 4
    static let powers: [Double] = [1, 10, 100, 1_000, 10_000]

    /// `v · p` rounded when that integer divided by `p` is bit for bit `v` and |v · p| < 2^53; else nil
    /// (NaN, ±inf, −0.0 and values with more digits never qualify).
    @inline(__always)
    static func scaled(_ v: Double, by p: Double) -> Int64? {
        let s = v * p
        guard abs(s) < 9_007_199_254_740_992 else { return nil }
        let i = Int64(s.rounded())
        return (Double(i) / p).bitPattern == v.bitPattern ? i : nil
    }

    /// The smallest exponent in 0...maxExponent at which every value qualifies, with the integers and
    /// their frame; nil when there is none or the integers span more than 32 bits.
    ///
    /// The first value picks the starting exponent (a block of other doubles usually stops there, before
    /// anything is allocated). Then one pass per exponent tried: a value that fails moves straight to the
    /// smallest exponent at which it qualifies, and the pass restarts there (at most `maxExponent + 1`
    /// passes; usually one).
    static func fitting(_ values: UnsafeBufferPointer<Double>) -> DecimalScale? {
        let n = values.count
        guard n > 0 else { return nil }
        var e = 0
        while e <= maxExponent, scaled(values[0], by: powers[e]) == nil { e += 1 }
        guard e <= maxExponent else { return nil }
        var integers = [Int64](repeating: 0, count: n)
        while true {
            let p = powers[e]
            var lo = Int64.max, hi = Int64.min, failed = -1
            integers.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    guard let x = scaled(values[i], by: p) else { failed = i; return }
                    out[i] = x
                    lo = Swift.min(lo, x); hi = Swift.max(hi, x)
                }
            }
            if failed < 0 {
                guard let frame = FrameOfReference(min: lo, max: hi) else { return nil }
                return DecimalScale(exponent: e, integers: integers, frame: frame)
            }
            var next = e + 1
            while next <= maxExponent, scaled(values[failed], by: powers[next]) == nil { next += 1 }
            guard next <= maxExponent else { return nil }
            e = next
        }
    }

    /// Size of the encoded values: exponent byte plus the packed integers.
    var size: Int { 1 + frame.size(count: integers.count) }

    func write(to w: inout BinaryWriter) {
        w.u8(UInt8(exponent))
        integers.withUnsafeBufferPointer { frame.write($0, to: &w) }
    }

    /// Reads the exponent and packed integers of `count` values and widens them to doubles.
    static func decode(_ r: inout BinaryReader, count: Int) throws -> [Double] {
        let e = Int(try r.u8())
        guard e <= maxExponent else { throw r.fail("decimal exponent \(e) out of range 0...\(maxExponent)") }
        let (frame, distances) = try FrameOfReference.read(&r, count: count)
        let p = powers[e]
        // Divide once per distinct distance when the block repeats values a lot (four rows or more per
        // table entry, table at most 16 384 entries = 128 KiB); the same expression, so the same bits.
        let tableLimit = Swift.min(count / 4, 16_384)
        if let values = frame.unpackThroughTable(distances, count: count, tableLimit: tableLimit, { Double($0) / p }) { return values }
        return frame.unpack(distances, count: count) { Double($0) / p }
    }
}
