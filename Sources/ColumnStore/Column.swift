/// The typed values of a column; NULL slots hold a zero value (0, 0.0, false, "").
public enum ColumnValues: Sendable, Equatable {
    case int64([Int64])
    case float64([Double])
    case bool([UInt8])
    case date([Int32])
    case timestamp([Int64])
    case string(StringArray)

    public var type: ColumnType {
        switch self {
        case .int64: return .int64
        case .float64: return .float64
        case .bool: return .bool
        case .date: return .date
        case .timestamp: return .timestamp
        case .string: return .string
        }
    }

    public var count: Int {
        switch self {
        case .int64(let v), .timestamp(let v): return v.count
        case .float64(let v): return v.count
        case .bool(let v): return v.count
        case .date(let v): return v.count
        case .string(let v): return v.count
        }
    }

    /// An empty value array of the given type.
    public static func empty(_ type: ColumnType) -> ColumnValues {
        switch type {
        case .int64: return .int64([])
        case .float64: return .float64([])
        case .bool: return .bool([])
        case .date: return .date([])
        case .timestamp: return .timestamp([])
        case .string: return .string(StringArray())
        }
    }
}

/// A column vector: typed values plus a validity mask where `nil` means "every row is valid".
public struct Column: Sendable, Equatable {
    public var values: ColumnValues
    /// `validity[i] == false` marks row `i` NULL. `nil` means no NULLs.
    public var validity: [Bool]?

    public init(values: ColumnValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }

    public var type: ColumnType { values.type }
    public var count: Int { values.count }

    @inlinable
    public func isNull(_ i: Int) -> Bool { validity.map { !$0[i] } ?? false }

    public var nullCount: Int { validity?.reduce(0) { $0 + ($1 ? 0 : 1) } ?? 0 }

    /// The value at row `i` as a scalar.
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch values {
        case .int64(let v): return .int64(v[i])
        case .float64(let v): return .float64(v[i])
        case .bool(let v): return .bool(v[i] != 0)
        case .date(let v): return .date(v[i])
        case .timestamp(let v): return .timestamp(v[i])
        case .string(let v): return .string(v[i])
        }
    }

    /// Checks the internal invariants; used by tests and debug builds after construction.
    public func verify() {
        if let validity { precondition(validity.count == count, "validity mask length differs from value count") }
        if case .string(let s) = values {
            var previous: Int32 = 0
            for e in s.ends {
                precondition(e >= previous, "string offsets must not decrease")
                previous = e
            }
            precondition(Int(previous) == s.bytes.count, "last string offset must equal the byte count")
        }
    }
}

/// A single value of any column type, used for zone maps, statistics and row-at-a-time APIs.
public enum Value: Sendable, Hashable {
    case null
    case int64(Int64)
    case float64(Double)
    case bool(Bool)
    case date(Int32)
    case timestamp(Int64)
    case string(String)

    public var isNull: Bool { if case .null = self { return true } else { return false } }
}
