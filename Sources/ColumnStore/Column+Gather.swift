/// Selecting rows of a column: used by scans (after a filter) and by every operator that reorders or
/// filters rows.
extension Column {
    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int32]) -> Column {
        let validity = self.validity.map { v in indices.map { v[Int($0)] } }
        let values: ColumnValues
        switch self.values {
        case .int64(let a): values = .int64(indices.map { a[Int($0)] })
        case .timestamp(let a): values = .timestamp(indices.map { a[Int($0)] })
        case .float64(let a): values = .float64(indices.map { a[Int($0)] })
        case .bool(let a): values = .bool(indices.map { a[Int($0)] })
        case .date(let a): values = .date(indices.map { a[Int($0)] })
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
}
