/// Accumulates the values of one column, one row at a time, then yields a `Column`.
///
/// Call exactly one `append…` per row; the typed append must match the builder's type
/// (checked with a precondition in debug builds).
public struct ColumnBuilder {
    public let type: ColumnType
    @usableFromInline var ints: [Int64] = []
    @usableFromInline var doubles: [Double] = []
    @usableFromInline var bools: [UInt8] = []
    @usableFromInline var dates: [Int32] = []
    @usableFromInline var strings = StringArray()
    @usableFromInline var validity: [Bool]? = nil
    @usableFromInline var _count = 0
    public var count: Int { _count }

    public init(type: ColumnType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .int64, .timestamp: ints.reserveCapacity(capacity)
        case .float64: doubles.reserveCapacity(capacity)
        case .bool: bools.reserveCapacity(capacity)
        case .date: dates.reserveCapacity(capacity)
        case .string: strings.ends.reserveCapacity(capacity)
        }
    }

    public mutating func appendNull() {
        if validity == nil {
            validity = [Bool](repeating: true, count: count)
            validity!.reserveCapacity(Swift.max(count * 2, 1024))
        }
        validity!.append(false)
        switch type {
        case .int64, .timestamp: ints.append(0)
        case .float64: doubles.append(0)
        case .bool: bools.append(0)
        case .date: dates.append(0)
        case .string: strings.appendEmpty()
        }
        _count += 1
    }

    @inlinable @inline(__always) mutating func markValid() {
        if validity != nil { validity!.append(true) }
        _count += 1
    }

    /// Appends an INT64 value, or a TIMESTAMP in microseconds since the epoch.
    @inlinable
    public mutating func appendInt64(_ v: Int64) {
        assert(type == .int64 || type == .timestamp)
        ints.append(v)
        markValid()
    }

    @inlinable
    public mutating func appendDouble(_ v: Double) {
        assert(type == .float64)
        doubles.append(v)
        markValid()
    }

    @inlinable
    public mutating func appendBool(_ v: Bool) {
        assert(type == .bool)
        bools.append(v ? 1 : 0)
        markValid()
    }

    /// Appends a DATE as days since 1970-01-01.
    @inlinable
    public mutating func appendDate(_ days: Int32) {
        assert(type == .date)
        dates.append(days)
        markValid()
    }

    /// Appends a STRING from UTF-8 bytes (the caller has validated them).
    @inlinable
    public mutating func appendString(_ utf8: UnsafeRawBufferPointer) {
        assert(type == .string)
        strings.append(utf8)
        markValid()
    }

    public mutating func appendString(_ s: String) {
        assert(type == .string)
        strings.append(s)
        markValid()
    }

    /// Appends a scalar; `.null` appends NULL. The value's type must match the builder's.
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .int64(let v): appendInt64(v)
        case .timestamp(let v): appendInt64(v)
        case .float64(let v): appendDouble(v)
        case .bool(let v): appendBool(v)
        case .date(let v): appendDate(v)
        case .string(let v): appendString(v)
        }
    }

    /// Removes the last row (used when a later field of the same CSV row is rejected).
    public mutating func removeLast() {
        precondition(count > 0)
        switch type {
        case .int64, .timestamp: ints.removeLast()
        case .float64: doubles.removeLast()
        case .bool: bools.removeLast()
        case .date: dates.removeLast()
        case .string:
            strings.ends.removeLast()
            strings.bytes.removeSubrange(Int(strings.ends.last ?? 0)...)
        }
        if validity != nil { validity!.removeLast() }
        _count -= 1
    }

    /// The finished column; the builder is left empty.
    public mutating func finish() -> Column {
        let values: ColumnValues
        switch type {
        case .int64: values = .int64(ints)
        case .timestamp: values = .timestamp(ints)
        case .float64: values = .float64(doubles)
        case .bool: values = .bool(bools)
        case .date: values = .date(dates)
        case .string: values = .string(strings)
        }
        let column = Column(values: values, validity: validity)
        self = ColumnBuilder(type: type)
        return column
    }
}
