/// A column of UTF-8 strings stored as one byte buffer plus end offsets.
///
/// String `i` occupies `bytes[start(i) ..< ends[i]]` where `start(0) = 0` and `start(i) = ends[i-1]`.
/// A NULL string is stored as the empty string; validity lives in `Column`.
public struct StringArray: Sendable, Equatable {
    public var bytes: [UInt8]
    public var ends: [Int32]

    public init() {
        bytes = []
        ends = []
    }

    public init(bytes: [UInt8], ends: [Int32]) {
        self.bytes = bytes
        self.ends = ends
    }

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(s) }
    }

    public var count: Int { ends.count }

    @inlinable
    public func start(_ i: Int) -> Int { i == 0 ? 0 : Int(ends[i - 1]) }

    public mutating func reserve(count: Int, bytes byteCount: Int) {
        ends.reserveCapacity(count)
        bytes.reserveCapacity(byteCount)
    }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    @inlinable
    public mutating func append(_ utf8: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: utf8)
        ends.append(Int32(bytes.count))
    }

    public mutating func appendEmpty() {
        ends.append(Int32(bytes.count))
    }

    public subscript(i: Int) -> String {
        let s = start(i), e = Int(ends[i])
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[s..<e]), as: UTF8.self) }
    }

    /// Calls `body` with the bytes of string `i`; the pointer must not escape.
    @inlinable
    public func withUnsafeBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let s = start(i), e = Int(ends[i])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[s..<e])) }
    }
}
