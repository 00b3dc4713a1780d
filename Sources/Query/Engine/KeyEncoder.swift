import ColumnStore

/// The keys of a batch's rows, encoded column by column into one buffer: row `i`'s key is
/// `bytes[offsets[i] ..< offsets[i + 1]]`. Two keys are equal exactly when the values are equal
/// under GROUP BY / DISTINCT / join-key semantics (NULLs equal each other; -0.0 equals 0.0; every
/// NaN is one value). Each column contributes a validity byte, then 8, 4 or 1 value bytes, or a
/// 4-byte length and the UTF-8 bytes of a string.
struct EncodedKeys {
    var bytes: [UInt8]
    var offsets: [Int]
    /// Rows whose key holds a NULL (join keys never match them).
    var hasNull: [Bool]
    /// Rows whose key holds a FLOAT64 NaN (NaN = NaN is FALSE, so join keys never match them).
    var hasNaN: [Bool]
    var count: Int { offsets.count - 1 }

    /// Row `i`'s key inside `buffer`, the buffer `bytes.withUnsafeBytes` gives.
    @inline(__always)
    func key(_ i: Int, in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[offsets[i]..<offsets[i + 1]])
    }
}

enum KeyEncoder {
    static func encode(_ columns: [Column], rows: Int) -> EncodedKeys {
        // Pass 1: each row's key length; pass 2: the bytes, column by column.
        var lengths = [Int](repeating: 0, count: rows)
        for c in columns {
            switch c.values {
            case .int64, .timestamp, .float64: for i in 0..<rows { lengths[i] += 9 }
            case .date: for i in 0..<rows { lengths[i] += 5 }
            case .bool: for i in 0..<rows { lengths[i] += 2 }
            case .string(let s):
                for i in 0..<rows { lengths[i] += 5 + (c.valid(i) ? Int(s.ends[i]) - s.start(i) : 0) }
            }
        }
        var offsets = [Int](repeating: 0, count: rows + 1)
        for i in 0..<rows { offsets[i + 1] = offsets[i] + lengths[i] }
        var bytes = [UInt8](repeating: 0, count: offsets[rows])
        var hasNull = [Bool](repeating: false, count: rows)
        var hasNaN = [Bool](repeating: false, count: rows)
        var cursor = offsets  // where the next column's bytes of each row go
        bytes.withUnsafeMutableBytes { out in
            for c in columns {
                let validity = c.validity
                switch c.values {
                case .int64(let v), .timestamp(let v):
                    for i in 0..<rows { put64(out, &cursor[i], validity, i, &hasNull, UInt64(bitPattern: v[i])) }
                case .float64(let v):
                    for i in 0..<rows {
                        var d = v[i]
                        if d == 0 { d = 0 }
                        if d.isNaN { d = .nan; if validity?[i] ?? true { hasNaN[i] = true } }
                        put64(out, &cursor[i], validity, i, &hasNull, d.bitPattern)
                    }
                case .date(let v):
                    for i in 0..<rows {
                        let valid = validity?[i] ?? true
                        out[cursor[i]] = valid ? 1 : 0
                        if valid { out.storeBytes(of: v[i].littleEndian, toByteOffset: cursor[i] + 1, as: Int32.self) } else { hasNull[i] = true }
                        cursor[i] += 5
                    }
                case .bool(let v):
                    for i in 0..<rows {
                        let valid = validity?[i] ?? true
                        out[cursor[i]] = valid ? 1 : 0
                        if valid { out[cursor[i] + 1] = v[i] } else { hasNull[i] = true }
                        cursor[i] += 2
                    }
                case .string(let s):
                    s.bytes.withUnsafeBytes { src in
                        for i in 0..<rows {
                            let valid = validity?[i] ?? true
                            out[cursor[i]] = valid ? 1 : 0
                            guard valid else { hasNull[i] = true; cursor[i] += 5; continue }
                            let start = s.start(i), n = Int(s.ends[i]) - start
                            out.storeBytes(of: UInt32(n).littleEndian, toByteOffset: cursor[i] + 1, as: UInt32.self)
                            if n > 0 {
                                (out.baseAddress! + cursor[i] + 5).copyMemory(from: src.baseAddress! + start, byteCount: n)
                            }
                            cursor[i] += 5 + n
                        }
                    }
                }
            }
        }
        return EncodedKeys(bytes: bytes, offsets: offsets, hasNull: hasNull, hasNaN: hasNaN)
    }

    @inline(__always)
    private static func put64(_ out: UnsafeMutableRawBufferPointer, _ at: inout Int, _ validity: [Bool]?, _ i: Int,
                              _ hasNull: inout [Bool], _ bits: UInt64) {
        let valid = validity?[i] ?? true
        out[at] = valid ? 1 : 0
        if valid { out.storeBytes(of: bits.littleEndian, toByteOffset: at + 1, as: UInt64.self) } else { hasNull[i] = true }
        at += 9
    }

    /// A 64-bit hash of `key` (8 bytes at a time, multiply-rotate, then a murmur3 finalizer).
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        let n = key.count
        while i + 8 <= n {
            let w = key.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h = (h << 31) | (h >> 33)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(key[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
