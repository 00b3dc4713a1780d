/// Little-endian byte appends used by the segment writer.
struct BinaryWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func u8(_ v: UInt8) { bytes.append(v) }
    @inline(__always) mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inline(__always) mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inline(__always) mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inline(__always) mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    @inline(__always) mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func raw(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// A short string: u16 length then UTF-8 bytes.
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u16(UInt16(utf8.count))
        raw(utf8)
    }

    /// Appends the raw memory of an array of trivial values (little-endian host assumed; checked at start-up).
    mutating func array<T>(_ a: [T]) {
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}

/// Bounds-checked little-endian reads; every failure is a `StoreError.corruptSegment` naming the file.
struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    let path: String
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, path: String, what: String, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.path = path
        self.what = what
    }

    var remaining: Int { bytes.count - offset }

    func fail(_ detail: String) -> StoreError {
        .corruptSegment(path: path, detail: "\(what): \(detail) at byte \(offset)")
    }

    mutating func need(_ n: Int) throws {
        guard n >= 0, n <= remaining else { throw fail("truncated (need \(n) bytes, \(remaining) left)") }
    }

    mutating func u8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
        try need(MemoryLayout<T>.size)
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func u16() throws -> UInt16 { try load(UInt16.self) }
    mutating func u32() throws -> UInt32 { try load(UInt32.self) }
    mutating func u64() throws -> UInt64 { try load(UInt64.self) }
    mutating func i64() throws -> Int64 { try load(Int64.self) }
    mutating func f64() throws -> Double { Double(bitPattern: try load(UInt64.self)) }

    mutating func raw(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    mutating func string() throws -> String {
        let n = Int(try u16())
        return String(decoding: try raw(n), as: UTF8.self)
    }

    /// Reads `count` trivial values.
    mutating func array<T>(_: T.Type, count: Int) throws -> [T] {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow else { throw fail("array length \(count) too large") }
        let src = try raw(size)
        return [T](unsafeUninitializedCapacity: count) { buf, initialized in
            if size > 0 { UnsafeMutableRawBufferPointer(buf).copyMemory(from: src) }
            initialized = count
        }
    }
}
