/// Encodes a slice of a column into the uncompressed body of a block, and back.
/// The byte layout is specified in docs/segment-format.md ("Block body").
enum BlockCodec {
    static let plain: UInt8 = 0
    static let dictionary: UInt8 = 1
    /// INT64, TIMESTAMP and DATE as a base and 1-, 2- or 4-byte distances (`FrameOfReference`).
    static let frameOfReference: UInt8 = 2
    /// FLOAT64 as decimal-scaled integers in a frame of reference (`DecimalScale`).
    static let decimal: UInt8 = 3

    /// Largest dictionary a block may use (codes are UInt8 up to 256 entries, UInt16 beyond).
    static let maxDictionarySize = 65_535

    static func encode(_ column: Column, range: Range<Int>) -> [UInt8] {
        let n = range.count
        var w = BinaryWriter(capacity: n * 8 + 64)
        let isString: Bool
        if case .string = column.values { isString = true } else { isString = false }
        var dict: StringDictionary? = nil
        if isString, case .string(let s) = column.values { dict = StringDictionary.build(s, range: range) }
        let numeric = NumericPacking.choose(column.values, range: range)
        switch numeric {
        case .plain: w.u8(dict == nil ? plain : dictionary)
        case .frame: w.u8(frameOfReference)
        case .decimal: w.u8(decimal)
        }
        // Validity bitmap: bit i (LSB first) set = row i valid.
        if let v = column.validity, v[range].contains(false) {
            w.u8(1)
            var bitmap = [UInt8](repeating: 0, count: (n + 7) / 8)
            for (j, i) in range.enumerated() where v[i] { bitmap[j >> 3] |= 1 << UInt8(j & 7) }
            w.raw(bitmap)
        } else {
            w.u8(0)
        }
        switch (numeric, column.values) {
        case (.frame(let f), .int64(let a)), (.frame(let f), .timestamp(let a)):
            a[range].withUnsafeBufferPointer { f.write($0, to: &w) }
        case (.frame(let f), .date(let a)):
            a[range].withUnsafeBufferPointer { f.write($0, to: &w) }
        case (.decimal(let d), _):
            d.write(to: &w)
        case (.frame, _):
            preconditionFailure("frame of reference chosen for a \(column.type) column")
        case (.plain, .int64(let a)), (.plain, .timestamp(let a)): w.array(Array(a[range]))
        case (.plain, .float64(let a)): w.array(Array(a[range]))
        case (.plain, .bool(let a)): w.array(Array(a[range]))
        case (.plain, .date(let a)): w.array(Array(a[range]))
        case (.plain, .string(let s)):
            if let dict {
                w.u32(UInt32(dict.entries.count))
                w.array(dict.entries.ends)
                w.raw(dict.entries.bytes)
                if dict.entries.count <= 256 {
                    w.u8(1)
                    w.array(dict.codes.map { UInt8(truncatingIfNeeded: $0) })
                } else {
                    w.u8(2)
                    w.array(dict.codes)
                }
            } else {
                let base = Int32(s.start(range.lowerBound))
                let end = Int(s.ends[range.upperBound - 1])
                w.array(s.ends[range].map { $0 - base })
                s.bytes.withUnsafeBytes { w.raw(UnsafeRawBufferPointer(rebasing: $0[Int(base)..<end])) }
            }
        }
        return w.bytes
    }

    static func decode(_ body: UnsafeRawBufferPointer, type: ColumnType, rows n: Int, path: String, what: String) throws -> Column {
        try decodeBlock(body, type: type, rows: n, path: path, what: what).materialize(nil)
    }

    /// Decodes a block body, keeping a dictionary-encoded STRING block as its dictionary and codes.
    static func decodeBlock(_ body: UnsafeRawBufferPointer, type: ColumnType, rows n: Int, path: String, what: String) throws -> BlockColumn {
        var r = BinaryReader(body, path: path, what: what)
        let encoding = try r.u8()
        let hasNulls = try r.u8()
        var validity: [Bool]? = nil
        if hasNulls == 1 {
            validity = expandValidity(try r.raw((n + 7) / 8), count: n)
        } else if hasNulls != 0 {
            throw r.fail("bad null flag \(hasNulls)")
        }
        let values: ColumnValues
        switch (type, encoding) {
        case (.int64, plain): values = .int64(try r.array(Int64.self, count: n))
        case (.timestamp, plain): values = .timestamp(try r.array(Int64.self, count: n))
        case (.float64, plain): values = .float64(try r.array(Double.self, count: n))
        case (.bool, plain): values = .bool(try r.array(UInt8.self, count: n))
        case (.date, plain): values = .date(try r.array(Int32.self, count: n))
        case (.int64, frameOfReference), (.timestamp, frameOfReference):
            let (frame, distances) = try FrameOfReference.read(&r, count: n)
            let a = frame.unpack(distances, count: n) { $0 }
            values = type == .int64 ? .int64(a) : .timestamp(a)
        case (.date, frameOfReference):
            let (frame, distances) = try FrameOfReference.read(&r, count: n)
            values = .date(frame.unpack(distances, count: n) { Int32(truncatingIfNeeded: $0) })
        case (.float64, decimal): values = .float64(try DecimalScale.decode(&r, count: n))
        case (.string, plain):
            let ends = try r.array(Int32.self, count: n)
            let total = Int(ends.last ?? 0)
            try checkOffsets(ends, byteCount: total, reader: r)
            values = .string(StringArray(bytes: Array(try r.raw(total)), ends: ends))
        case (.string, dictionary):
            let count = Int(try r.u32())
            guard count <= maxDictionarySize else { throw r.fail("dictionary of \(count) entries") }
            let ends = try r.array(Int32.self, count: count)
            let total = Int(ends.last ?? 0)
            try checkOffsets(ends, byteCount: total, reader: r)
            let dictBytes = try r.raw(total)
            let width = try r.u8()
            let codes: [UInt16]
            var largest = 0
            switch width {
            case 1:
                // Widened in one pass that also finds the largest code.
                let narrow = try r.raw(n)
                codes = [UInt16](unsafeUninitializedCapacity: n) { out, initialized in
                    var m: UInt8 = 0
                    for i in 0..<n { let c = narrow[i]; out[i] = UInt16(c); m = Swift.max(m, c) }
                    largest = Int(m)
                    initialized = n
                }
            case 2:
                codes = try r.array(UInt16.self, count: n)
                largest = Int(codes.max() ?? 0)
            default: throw r.fail("bad dictionary code width \(width)")
            }
            // Check codes and the expanded size before anything is expanded (a few codes can name long entries).
            guard n == 0 || largest < count else {
                let c = Int(codes.first { Int($0) >= count }!)
                throw r.fail("dictionary code \(c) out of range \(count)")
            }
            var longest = 0, previous: Int32 = 0
            for e in ends { longest = Swift.max(longest, Int(e - previous)); previous = e }
            if longest * n > SegmentFormat.maxBlockBytes {
                // Only then is the exact expanded size worth a pass over the codes.
                var expanded = 0
                for c16 in codes {
                    let c = Int(c16)
                    expanded += Int(ends[c]) - (c == 0 ? 0 : Int(ends[c - 1]))
                }
                guard expanded <= SegmentFormat.maxBlockBytes else { throw r.fail("dictionary strings expand beyond \(SegmentFormat.maxBlockBytes) bytes") }
            }
            guard r.remaining == 0 else { throw r.fail("\(r.remaining) unexpected trailing bytes") }
            let entries = StringArray(bytes: Array(dictBytes), ends: ends)
            return .dictionary(DictionaryColumn(entries: entries, codes: codes, validity: validity))
        default:
            throw r.fail("unknown encoding \(encoding) for \(type.rawValue)")
        }
        guard r.remaining == 0 else { throw r.fail("\(r.remaining) unexpected trailing bytes") }
        if type == .bool, case .bool(let b) = values, b.contains(where: { $0 > 1 }) { throw r.fail("bool byte other than 0/1") }
        return .plain(Column(values: values, validity: validity))
    }

    /// Eight `Bool`s (bytes 0 or 1) per bitmap byte value: byte j of entry b is bit j of b.
    private static let spreadBits: [UInt8] = (0..<2048).map { UInt8(($0 >> 3) >> ($0 & 7) & 1) }

    /// Row `i` is valid when bit `i mod 8` of `bitmap[i / 8]` is set; eight rows are copied at a time
    /// from `spreadBits`, the last `count mod 8` one by one.
    static func expandValidity(_ bitmap: UnsafeRawBufferPointer, count n: Int) -> [Bool] {
        [Bool](unsafeUninitializedCapacity: n) { out, initialized in
            let whole = n / 8
            spreadBits.withUnsafeBytes { spread in
                if whole > 0, let dst = out.baseAddress.map(UnsafeMutableRawPointer.init) {
                    for k in 0..<whole { (dst + 8 * k).copyMemory(from: spread.baseAddress! + 8 * Int(bitmap[k]), byteCount: 8) }
                }
            }
            for i in (whole * 8)..<n { out[i] = bitmap[i >> 3] & (1 << UInt8(i & 7)) != 0 }
            initialized = n
        }
    }

    private static func checkOffsets(_ ends: [Int32], byteCount: Int, reader: BinaryReader) throws {
        var previous: Int32 = 0
        for e in ends {
            guard e >= previous else { throw reader.fail("string offsets decrease") }
            previous = e
        }
        guard byteCount <= reader.remaining else { throw reader.fail("string bytes truncated") }
    }
}

/// The distinct strings of a block slice and each row's code, when few enough to pay off.
struct StringDictionary {
    var entries = StringArray()
    var codes: [UInt16] = []

    /// Builds a dictionary when the slice has at most `maxDictionarySize` distinct values and the
    /// dictionary form is smaller than the plain one; otherwise nil.
    static func build(_ s: StringArray, range: Range<Int>) -> StringDictionary? {
        let n = range.count
        guard n > 0 else { return nil }
        var d = StringDictionary()
        d.codes.reserveCapacity(n)
        var capacity = 1024
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes: [Int] = []
        let limit = Swift.min(BlockCodec.maxDictionarySize, Swift.max(16, n / 2))
        let ok: Bool = s.bytes.withUnsafeBytes { all in
            func bytes(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: all[s.start(i)..<Int(s.ends[i])]) }
            for i in range {
                let b = bytes(i)
                var h = Hasher()
                h.combine(bytes: b)
                let hash = h.finalize()
                var slot = hash & (capacity - 1)
                while true {
                    let e = slots[slot]
                    if e < 0 {
                        if d.entries.count >= limit { return false }
                        slots[slot] = Int32(d.entries.count)
                        d.codes.append(UInt16(d.entries.count))
                        d.entries.append(b)
                        hashes.append(hash)
                        break
                    }
                    if hashes[Int(e)] == hash {
                        let es = Int(e) == 0 ? 0 : Int(d.entries.ends[Int(e) - 1])
                        let match = d.entries.bytes.withUnsafeBytes { eb in
                            let cand = UnsafeRawBufferPointer(rebasing: eb[es..<Int(d.entries.ends[Int(e)])])
                            return cand.count == b.count && (b.count == 0 || memcmp(cand.baseAddress!, b.baseAddress!, b.count) == 0)
                        }
                        if match { d.codes.append(UInt16(e)); break }
                    }
                    slot = (slot + 1) & (capacity - 1)
                }
                if d.entries.count * 2 > capacity {
                    capacity *= 2
                    slots = [Int32](repeating: -1, count: capacity)
                    for (k, hk) in hashes.enumerated() {
                        var sl = hk & (capacity - 1)
                        while slots[sl] >= 0 { sl = (sl + 1) & (capacity - 1) }
                        slots[sl] = Int32(k)
                    }
                }
            }
            return true
        }
        guard ok else { return nil }
        let plainSize = n * 4 + (Int(s.ends[range.upperBound - 1]) - s.start(range.lowerBound))
        let dictSize = d.entries.count * 4 + d.entries.bytes.count + n * (d.entries.count <= 256 ? 1 : 2)
        return dictSize < plainSize ? d : nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
