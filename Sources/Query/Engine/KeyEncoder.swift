import ColumnStore

/// Encodes the values of several columns at one row into bytes that are equal exactly when the
/// values are equal under GROUP BY / DISTINCT / join-key semantics (NULLs equal each other for
/// grouping; -0.0 equals 0.0; every NaN is one value).
struct KeyEncoder {
    static func encode(_ columns: [Column], row i: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for c in columns {
            guard c.valid(i) else { out.append(0); continue }
            out.append(1)
            switch c.values {
            case .int64(let v), .timestamp(let v): append(v[i], &out)
            case .float64(let v):
                var d = v[i]
                if d == 0 { d = 0 }
                if d.isNaN { d = .nan }
                append(d.bitPattern, &out)
            case .bool(let v): out.append(v[i])
            case .date(let v): append(v[i], &out)
            case .string(let s):
                let start = s.start(i), end = Int(s.ends[i])
                append(UInt32(end - start), &out)
                out.append(contentsOf: s.bytes[start..<end])
            }
        }
    }

    @inline(__always) static func append<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
}

/// Assigns a dense group id to each distinct key.
struct GroupTable {
    private var ids: [[UInt8]: Int32] = [:]
    private var scratch: [UInt8] = []
    var count: Int { ids.count }

    /// The group id of each row of `keys` (new ids are numbered in first-seen order); `isNew` is
    /// called with the row of each new group.
    mutating func groupIDs(_ keys: [Column], rows: Int, isNew: (Int) -> Void) -> [Int32] {
        var out = [Int32](repeating: 0, count: rows)
        if keys.isEmpty {
            if ids.isEmpty { ids[[]] = 0; isNew(0) }
            return out
        }
        for i in 0..<rows {
            KeyEncoder.encode(keys, row: i, into: &scratch)
            if let id = ids[scratch] {
                out[i] = id
            } else {
                let id = Int32(ids.count)
                ids[scratch] = id
                out[i] = id
                isNew(i)
            }
        }
        return out
    }
}
