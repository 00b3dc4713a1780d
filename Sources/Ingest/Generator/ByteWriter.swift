/// A growable byte buffer for building CSV text without `String`: rows are formatted by hand
/// (integers, fixed decimals, dates from a table, precomputed value strings) straight into memory.
///
/// A plain struct over a manually managed allocation, so the hot loop pays neither reference
/// counting nor exclusivity checks; whoever creates one calls `deallocate()` exactly once.
struct ByteWriter {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var count: Int = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    mutating func removeAll() { count = 0 }

    /// Makes room for at least `extra` more bytes; call once per row with the row's bound.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    // MARK: Raw bytes (callers have reserved room)

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    @inline(__always)
    mutating func comma() { byte(UInt8(ascii: ",")) }

    @inline(__always)
    mutating func newline() { byte(UInt8(ascii: "\n")) }

    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        (base + count).update(from: source, count: length)
        count += length
    }

    /// Appends bytes of any length, growing as needed (for headers and copied rows).
    mutating func append(contentsOf source: UnsafeBufferPointer<UInt8>) {
        reserve(source.count)
        if let start = source.baseAddress { append(start, count: source.count) }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(_ table: ByteTable, _ index: Int) {
        let start = table.offsets[index]
        append(table.storage + Int(start), count: Int(table.offsets[index + 1] - start))
    }

    @inline(__always)
    mutating func bool(_ value: Bool) {
        if value {
            append(ByteWriter.trueBytes.storage, count: 4)
        } else {
            append(ByteWriter.falseBytes.storage, count: 5)
        }
    }

    static let trueBytes = ByteTable(["True"])
    static let falseBytes = ByteTable(["False"])

    // MARK: Numbers

    /// A non-negative integer in decimal.
    @inline(__always)
    mutating func integer(_ value: Int) {
        var v = value
        if v < 0 {
            byte(UInt8(ascii: "-"))
            v = -v
        }
        var digits = 1
        var probe = v
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var position = count + digits - 1
        repeat {
            base[position] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
            position -= 1
        } while v > 0
        count += digits
    }

    /// A non-negative integer zero-padded to at least `width` digits.
    @inline(__always)
    mutating func padded(_ value: Int, width: Int) {
        var digits = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        let total = max(digits, width)
        var v = value
        var position = count + total - 1
        for _ in 0..<total {
            base[position] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
            position -= 1
        }
        count += total
    }

    /// An integer written as a float the way pandas does for nullable integer columns: `43.0`.
    @inline(__always)
    mutating func integerAsFloat(_ value: Int) {
        integer(value)
        byte(UInt8(ascii: "."))
        byte(UInt8(ascii: "0"))
    }

    /// `units / 10^scale` in Python's shortest float form: trailing zeros dropped, at least one
    /// fractional digit (`36.1`, `36.06`, `0.0`, `-0.0` when `negativeZero`). `scale` is 1...3.
    @inline(__always)
    mutating func decimal(_ units: Int, scale: Int, negativeZero: Bool = false) {
        var u = units
        if u < 0 || (u == 0 && negativeZero) {
            byte(UInt8(ascii: "-"))
            u = -u
        }
        let divisor = scale == 1 ? 10 : scale == 2 ? 100 : 1000
        integer(u / divisor)
        byte(UInt8(ascii: "."))
        var fraction = u % divisor
        var digits = scale
        while digits > 1 && fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var position = count + digits - 1
        for _ in 0..<digits {
            base[position] = UInt8(truncatingIfNeeded: 48 + fraction % 10)
            fraction /= 10
            position -= 1
        }
        count += digits
    }

    /// `YYYY-MM-DD` for a day number inside `dates`.
    @inline(__always)
    mutating func date(_ days: Int32, _ dates: DateTable) {
        append(dates.storage + Int(days - dates.firstDay) * 10, count: 10)
    }

    /// `HH:MM:SS` for a second of the day.
    @inline(__always)
    mutating func timeOfDay(_ seconds: Int) {
        padded(seconds / 3600, width: 2)
        byte(UInt8(ascii: ":"))
        padded(seconds / 60 % 60, width: 2)
        byte(UInt8(ascii: ":"))
        padded(seconds % 60, width: 2)
    }
}
