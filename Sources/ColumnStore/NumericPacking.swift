/// How `BlockCodec` stores the values of a numeric block: plain, or a narrower form when it is smaller.
enum NumericPacking {
    case plain
    /// INT64, TIMESTAMP or DATE values as distances from the block's minimum.
    case frame(FrameOfReference)
    /// FLOAT64 values as decimal-scaled integers.
    case decimal(DecimalScale)

    /// The smallest packing of `values[range]`: one pass for the minimum and maximum of integers, one
    /// or (rarely) a few passes to find the decimal exponent of doubles. Plain for other types.
    static func choose(_ values: ColumnValues, range: Range<Int>) -> NumericPacking {
        let n = range.count
        switch values {
        case .int64(let a), .timestamp(let a):
            guard let f = a[range].withUnsafeBufferPointer(FrameOfReference.fitting), f.size(count: n) < 8 * n else { return .plain }
            return .frame(f)
        case .date(let a):
            guard let f = a[range].withUnsafeBufferPointer(FrameOfReference.fitting), f.size(count: n) < 4 * n else { return .plain }
            return .frame(f)
        case .float64(let a):
            guard let d = a[range].withUnsafeBufferPointer(DecimalScale.fitting), d.size < 8 * n else { return .plain }
            return .decimal(d)
        case .bool, .string:
            return .plain
        }
    }
}
