/// Frame-of-reference packing of integers: a base (the block's minimum) and each value's unsigned
/// distance from it in 1, 2 or 4 bytes. Byte layout: docs/segment-format.md ("Frame of reference").
struct FrameOfReference {
    /// The smallest value of the block; every value is `base + distance`.
    let base: Int64
    /// Bytes per distance: 1, 2 or 4.
    let width: Int

    /// Bytes the header (`base`, `width`) takes before the distances.
    static let headerSize = 9

    /// The narrowest frame for values from `min` to `max` (`min <= max`), or nil when the distance
    /// between them needs more than 32 bits.
    init?(min: Int64, max: Int64) {
        // Wrapping subtraction of max >= min is the exact unsigned distance (up to 2^64 − 1), never a trap.
        switch UInt64(bitPattern: max &- min) {
        case 0...0xFF: width = 1
        case 0...0xFFFF: width = 2
        case 0...0xFFFF_FFFF: width = 4
        default: return nil
        }
        base = min
    }

    /// The frame of the smallest and largest of `values`, or nil when empty or too wide.
    static func fitting<T: FixedWidthInteger & SignedInteger>(_ values: UnsafeBufferPointer<T>) -> FrameOfReference? {
        guard var lo = values.first else { return nil }
        var hi = lo
        for v in values { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        return FrameOfReference(min: Int64(lo), max: Int64(hi))
    }

    /// Size of the packed form of `count` values, header included.
    func size(count: Int) -> Int { Self.headerSize + count * width }

    /// Appends the header and each value's distance from `base` (values must lie in the frame).
    func write<T: FixedWidthInteger & SignedInteger>(_ values: UnsafeBufferPointer<T>, to w: inout BinaryWriter) {
        w.i64(base)
        w.u8(UInt8(width))
        let n = values.count, start = w.bytes.count
        w.bytes.append(contentsOf: repeatElement(0, count: n * width))
        let base = self.base
        w.bytes.withUnsafeMutableBytes { all in
            let out = all.baseAddress! + start
            switch width {
            case 1: for i in 0..<n { out.storeBytes(of: UInt8(truncatingIfNeeded: Int64(values[i]) &- base), toByteOffset: i, as: UInt8.self) }
            case 2: for i in 0..<n { out.storeBytes(of: UInt16(truncatingIfNeeded: Int64(values[i]) &- base).littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
            default: for i in 0..<n { out.storeBytes(of: UInt32(truncatingIfNeeded: Int64(values[i]) &- base).littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
            }
        }
    }

    /// Reads a header and `count` distances; fails with the reader's error on a bad width or a short body.
    static func read(_ r: inout BinaryReader, count: Int) throws -> (frame: FrameOfReference, distances: UnsafeRawBufferPointer) {
        let base = try r.i64()
        let width = Int(try r.u8())
        guard width == 1 || width == 2 || width == 4 else { throw r.fail("bad frame-of-reference width \(width)") }
        let (size, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw r.fail("frame-of-reference length \(count) too large") }
        let distances = try r.raw(size)
        return (FrameOfReference(base: base, width: width), distances)
    }

    private init(base: Int64, width: Int) {
        self.base = base
        self.width = width
    }

    /// The largest of `count` distances (0 when `count` is 0), in one pass.
    func largestDistance(_ distances: UnsafeRawBufferPointer, count n: Int) -> Int {
        guard n > 0 else { return 0 }
        let src = distances.baseAddress!
        switch width {
        case 1: var m: UInt8 = 0; for i in 0..<n { m = Swift.max(m, src.load(fromByteOffset: i, as: UInt8.self)) }; return Int(m)
        case 2: var m: UInt16 = 0; for i in 0..<n { m = Swift.max(m, UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }; return Int(m)
        default: var m: UInt32 = 0; for i in 0..<n { m = Swift.max(m, UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }; return Int(m)
        }
    }

    /// `count` values `transform(base + distance)` computed once per distance from 0 to the largest and
    /// then looked up per row, or nil when the largest distance is `tableLimit` or more. Worth it when
    /// `transform` is dear (a division) and the block has many more rows than distinct distances.
    func unpackThroughTable<Out: BitwiseCopyable>(_ distances: UnsafeRawBufferPointer, count n: Int, tableLimit: Int, _ transform: (Int64) -> Out) -> [Out]? {
        let largest = largestDistance(distances, count: n)
        guard n > 0, largest < tableLimit else { return nil }
        let base = self.base
        let table = [Out](unsafeUninitializedCapacity: largest + 1) { t, initialized in
            for d in 0...largest { (t.baseAddress! + d).initialize(to: transform(base &+ Int64(d))) }
            initialized = largest + 1
        }
        // Every distance is at most `largest`, so each lookup is inside the table.
        return table.withUnsafeBufferPointer { t in
            [Out](unsafeUninitializedCapacity: n) { out, initialized in
                let src = distances.baseAddress!, values = t.baseAddress!
                switch width {
                case 1: for i in 0..<n { out[i] = values[Int(src.load(fromByteOffset: i, as: UInt8.self))] }
                case 2: for i in 0..<n { out[i] = values[Int(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))] }
                default: for i in 0..<n { out[i] = values[Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))] }
                }
                initialized = n
            }
        }
    }

    /// `count` values `transform(base + distance)` widened from `distances` in one pass.
    @inline(__always)
    func unpack<Out: BitwiseCopyable>(_ distances: UnsafeRawBufferPointer, count n: Int, _ transform: (Int64) -> Out) -> [Out] {
        let base = self.base
        return [Out](unsafeUninitializedCapacity: n) { out, initialized in
            if n > 0 {
                let src = distances.baseAddress!
                switch width {
                case 1: for i in 0..<n { out[i] = transform(base &+ Int64(src.load(fromByteOffset: i, as: UInt8.self))) }
                case 2: for i in 0..<n { out[i] = transform(base &+ Int64(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
                default: for i in 0..<n { out[i] = transform(base &+ Int64(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))) }
                }
            }
            initialized = n
        }
    }
}
