/// Selecting rows of a column: used by scans (after a filter) and by every operator that reorders or
/// filters rows.
extension Column {
    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int32]) -> Column {
        let validity = self.validity.map { $0.gathered(at: indices) }
        let values: ColumnValues
        switch self.values {
        case .int64(let a): values = .int64(a.gathered(at: indices))
        case .timestamp(let a): values = .timestamp(a.gathered(at: indices))
        case .float64(let a): values = .float64(a.gathered(at: indices))
        case .bool(let a): values = .bool(a.gathered(at: indices))
        case .date(let a): values = .date(a.gathered(at: indices))
        case .string(let s):
            var ends = [Int32](repeating: 0, count: indices.count)
            var total = 0
            for (j, i) in indices.enumerated() {
                total += Int(s.ends[Int(i)]) - s.start(Int(i))
                ends[j] = Int32(total)
            }
            let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                if let dst = out.baseAddress {
                    s.bytes.withUnsafeBufferPointer { src in
                        var at = 0
                        for i in indices {
                            let start = s.start(Int(i)), len = Int(s.ends[Int(i)]) - start
                            if len > 0 { (dst + at).initialize(from: src.baseAddress! + start, count: len) }
                            at += len
                        }
                    }
                }
                initialized = total
            }
            let out = StringArray(bytes: bytes, ends: ends)
            values = .string(out)
        }
        return Column(values: values, validity: validity.flatMap { $0.contains(false) ? $0 : nil })
    }

    /// The rows `range`, in order: `gather` of consecutive rows, copied as whole runs.
    public func slice(_ range: Range<Int>) -> Column {
        if range == 0..<count { return self }
        let validity = self.validity.map { Array($0[range]) }
        let values: ColumnValues
        switch self.values {
        case .int64(let a): values = .int64(Array(a[range]))
        case .timestamp(let a): values = .timestamp(Array(a[range]))
        case .float64(let a): values = .float64(Array(a[range]))
        case .bool(let a): values = .bool(Array(a[range]))
        case .date(let a): values = .date(Array(a[range]))
        case .string(let s):
            let base = range.isEmpty ? 0 : s.start(range.lowerBound)
            let end = range.isEmpty ? 0 : Int(s.ends[range.upperBound - 1])
            let shift = Int32(base)
            values = .string(StringArray(bytes: Array(s.bytes[base..<end]), ends: s.ends[range].map { $0 - shift }))
        }
        return Column(values: values, validity: validity.flatMap { $0.contains(false) ? $0 : nil })
    }
}
