import ColumnStore

/// The column loops the function families share: typed-array access, validity masks, element-wise
/// maps that skip NULL rows, string views and a string column writer.
extension ScalarFunctions {
    // MARK: - Arguments

    /// The column of value (or interval) argument `i`.
    static func column(_ args: [FunctionArgument], _ i: Int) -> Column {
        switch args[i] {
        case .value(let c), .interval(let c, _): return c
        case .part(let p): preconditionFailure("argument \(i) is the date part \(p.rawValue), expected a value")
        }
    }

    /// The date part of argument `i` (a bare part or an interval's part).
    static func part(_ args: [FunctionArgument], _ i: Int) -> DatePart {
        switch args[i] {
        case .part(let p), .interval(_, let p): return p
        case .value: preconditionFailure("argument \(i) is a value, expected a date part")
        }
    }

    static func int64s(_ c: Column) -> [Int64] {
        switch c.values {
        case .int64(let v), .timestamp(let v): return v
        default: preconditionFailure("expected an INT64 or TIMESTAMP column, got \(c.type.rawValue)")
        }
    }

    static func float64s(_ c: Column) -> [Double] {
        guard case .float64(let v) = c.values else { preconditionFailure("expected a FLOAT64 column, got \(c.type.rawValue)") }
        return v
    }

    static func bools(_ c: Column) -> [UInt8] {
        guard case .bool(let v) = c.values else { preconditionFailure("expected a BOOL column, got \(c.type.rawValue)") }
        return v
    }

    static func dates(_ c: Column) -> [Int32] {
        guard case .date(let v) = c.values else { preconditionFailure("expected a DATE column, got \(c.type.rawValue)") }
        return v
    }

    static func strings(_ c: Column) -> StringArray {
        guard case .string(let v) = c.values else { preconditionFailure("expected a STRING column, got \(c.type.rawValue)") }
        return v
    }

    // MARK: - Validity

    /// Rows valid in both masks (`nil` = all valid).
    static func both(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        guard let a else { return b }
        guard let b else { return a }
        var out = a
        for i in out.indices where !b[i] { out[i] = false }
        return out
    }

    /// Rows valid in every column.
    static func allValid(_ columns: [Column]) -> [Bool]? {
        columns.reduce(nil as [Bool]?) { both($0, $1.validity) }
    }

    /// A column of `rows` NULLs.
    static func nulls(_ type: ColumnType, _ rows: Int) -> Column {
        var b = ColumnBuilder(type: type, capacity: rows)
        for _ in 0..<rows { b.appendNull() }
        return b.finish()
    }

    // MARK: - Element-wise maps (NULL rows are skipped and hold `zero`)

    @inline(__always)
    static func map<A, R>(_ a: [A], _ valid: [Bool]?, _ zero: R, _ f: (A) throws -> R) rethrows -> [R] {
        var out = [R]()
        out.reserveCapacity(a.count)
        try a.withUnsafeBufferPointer { pa in
            if let valid {
                for i in 0..<pa.count { out.append(valid[i] ? try f(pa[i]) : zero) }
            } else {
                for i in 0..<pa.count { out.append(try f(pa[i])) }
            }
        }
        return out
    }

    @inline(__always)
    static func map<A, B, R>(_ a: [A], _ b: [B], _ valid: [Bool]?, _ zero: R, _ f: (A, B) throws -> R) rethrows -> [R] {
        precondition(a.count == b.count, "argument columns differ in length")
        var out = [R]()
        out.reserveCapacity(a.count)
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                if let valid {
                    for i in 0..<pa.count { out.append(valid[i] ? try f(pa[i], pb[i]) : zero) }
                } else {
                    for i in 0..<pa.count { out.append(try f(pa[i], pb[i])) }
                }
            }
        }
        return out
    }

    /// Like `map`, where `f` returning `nil` makes the row NULL.
    @inline(__always)
    static func mapOptional<A, R>(_ a: [A], _ valid: [Bool]?, _ zero: R, _ f: (A) throws -> R?) rethrows -> (values: [R], validity: [Bool]?) {
        var out = [R]()
        out.reserveCapacity(a.count)
        var mask = valid
        try a.withUnsafeBufferPointer { pa in
            for i in 0..<pa.count {
                if let valid, !valid[i] {
                    out.append(zero)
                } else if let r = try f(pa[i]) {
                    out.append(r)
                } else {
                    out.append(zero)
                    if mask == nil { mask = [Bool](repeating: true, count: pa.count) }
                    mask![i] = false
                }
            }
        }
        return (out, mask)
    }

    @inline(__always)
    static func mapOptional<A, B, R>(_ a: [A], _ b: [B], _ valid: [Bool]?, _ zero: R,
                                     _ f: (A, B) throws -> R?) rethrows -> (values: [R], validity: [Bool]?) {
        precondition(a.count == b.count, "argument columns differ in length")
        var out = [R]()
        out.reserveCapacity(a.count)
        var mask = valid
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                for i in 0..<pa.count {
                    if let valid, !valid[i] {
                        out.append(zero)
                    } else if let r = try f(pa[i], pb[i]) {
                        out.append(r)
                    } else {
                        out.append(zero)
                        if mask == nil { mask = [Bool](repeating: true, count: pa.count) }
                        mask![i] = false
                    }
                }
            }
        }
        return (out, mask)
    }

    /// For conversions: `f` returning `nil` is a failure, which makes the row NULL when `safe` and
    /// otherwise throws `QueryError.runtime(message(value))`.
    @inline(__always)
    static func convert<A, R>(_ a: [A], _ valid: [Bool]?, _ zero: R, safe: Bool, _ f: (A) -> R?,
                              _ message: (A) -> String) throws -> (values: [R], validity: [Bool]?) {
        try mapOptional(a, valid, zero) { x in
            if let r = f(x) { return r }
            if safe { return nil }
            throw QueryError.runtime(message: message(x))
        }
    }

    // MARK: - Strings

    /// Read access to the strings of a `StringArray` without copying.
    struct StringsView {
        let bytes: UnsafeBufferPointer<UInt8>
        let ends: UnsafeBufferPointer<Int32>

        var count: Int { ends.count }

        @inline(__always)
        subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
            let s = i == 0 ? 0 : Int(ends[i - 1])
            return UnsafeBufferPointer(rebasing: bytes[s..<Int(ends[i])])
        }
    }

    @inline(__always)
    static func withView<R>(_ s: StringArray, _ body: (StringsView) throws -> R) rethrows -> R {
        try s.bytes.withUnsafeBufferPointer { b in
            try s.ends.withUnsafeBufferPointer { e in try body(StringsView(bytes: b, ends: e)) }
        }
    }

    @inline(__always)
    static func withViews<R>(_ a: StringArray, _ b: StringArray, _ body: (StringsView, StringsView) throws -> R) rethrows -> R {
        try withView(a) { va in try withView(b) { vb in try body(va, vb) } }
    }

    /// Builds a STRING column row by row: append bytes, then `endRow()`.
    struct StringWriter {
        var bytes: [UInt8] = []
        var ends: [Int32] = []

        init(rows: Int, bytes byteCapacity: Int = 0) {
            ends.reserveCapacity(rows)
            bytes.reserveCapacity(byteCapacity)
        }

        @inline(__always) mutating func append(_ p: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: p) }
        @inline(__always) mutating func append(_ b: UInt8) { bytes.append(b) }
        @inline(__always) mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }
        @inline(__always) mutating func append(_ a: [UInt8]) { bytes.append(contentsOf: a) }

        @inline(__always) mutating func endRow() {
            precondition(bytes.count <= Int(Int32.max), "a STRING column exceeds 2 GiB")
            ends.append(Int32(truncatingIfNeeded: bytes.count))
        }

        @inline(__always) mutating func appendRow(_ p: UnsafeBufferPointer<UInt8>) {
            append(p)
            endRow()
        }

        func finish(_ validity: [Bool]?) -> Column {
            Column(values: .string(StringArray(bytes: bytes, ends: ends)), validity: validity)
        }
    }

    /// `s` as a Swift string (for messages and Unicode-aware slow paths).
    static func text(_ p: UnsafeBufferPointer<UInt8>) -> String { String(decoding: p, as: UTF8.self) }

    @inline(__always)
    static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    /// The number of Unicode scalars (BigQuery's characters) in UTF-8 bytes.
    @inline(__always)
    static func scalarCount(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in p where !isContinuation(b) { n += 1 }
        return n
    }

    /// The byte offset of scalar `k` (0-based) in `p`, or `p.count` when `p` has `k` scalars or fewer.
    @inline(__always)
    static func byteOffset(ofScalar k: Int, in p: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int {
        var i = start, seen = 0
        while i < p.count {
            if !isContinuation(p[i]) {
                if seen == k { return i }
                seen += 1
            }
            i += 1
        }
        return p.count
    }

    /// The scalar starting at byte `i` and its length in bytes (the bytes are valid UTF-8).
    @inline(__always)
    static func decodeScalar(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0, i + 1 < p.count { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
        if b0 < 0xF0, i + 2 < p.count {
            return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        }
        if i + 3 < p.count {
            return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F), 4)
        }
        return (0xFFFD, 1)
    }

    /// Byte-wise equality of two ranges.
    @inline(__always)
    static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard aStart >= 0, aStart + b.count <= a.count else { return false }
        var k = 0
        while k < b.count {
            if a[aStart + k] != b[k] { return false }
            k += 1
        }
        return true
    }

    /// The byte offset of the first occurrence of `needle` in `haystack` at or after `from`.
    @inline(__always)
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        let n = needle.count, h = haystack.count
        if n == 0 { return from <= h ? from : nil }
        if n > h - from { return nil }
        let first = needle[0]
        var i = from
        let last = h - n
        while i <= last {
            if haystack[i] == first && equalBytes(haystack, i, needle) { return i }
            i += 1
        }
        return nil
    }

    /// Lexicographic byte comparison (BigQuery orders STRING by code point, which UTF-8 preserves).
    @inline(__always)
    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = Swift.min(a.count, b.count)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    // MARK: - Decimal digits without String allocation

    /// Appends the decimal form of `v`.
    @inline(__always)
    static func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(v.magnitude, minWidth: 1, pad: UInt8(ascii: "0"), to: &out)
    }

    /// Appends `v` in decimal, left-padded with `pad` to `minWidth`.
    @inline(__always)
    static func appendDigits(_ v: UInt64, minWidth: Int, pad: UInt8 = UInt8(ascii: "0"), to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { buf in
            var n = 0
            var x = v
            repeat {
                buf[n] = UInt8(ascii: "0") + UInt8(x % 10)
                x /= 10
                n += 1
            } while x != 0
            if n < minWidth { for _ in n..<minWidth { out.append(pad) } }
            while n > 0 {
                n -= 1
                out.append(buf[n])
            }
        }
    }

    /// Appends a signed value left-padded with zeros to `width` digits (the sign comes first).
    @inline(__always)
    static func appendPadded(_ v: Int, _ width: Int, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(v.magnitude), minWidth: width, to: &out)
    }
}
