/// The logical type of a column, named as BigQuery's GoogleSQL names it.
///
/// Physical representation in memory and in segments:
/// - `int64`: Int64
/// - `float64`: Double (IEEE-754 binary64)
/// - `bool`: UInt8 (0 or 1)
/// - `date`: Int32 days since 1970-01-01 (proleptic Gregorian)
/// - `timestamp`: Int64 microseconds since 1970-01-01 00:00:00 UTC
/// - `string`: UTF-8 bytes with Int32 end offsets (see `StringArray`)
public enum ColumnType: String, Sendable, CaseIterable, Hashable, Codable {
    case string = "STRING"
    case int64 = "INT64"
    case float64 = "FLOAT64"
    case bool = "BOOL"
    case date = "DATE"
    case timestamp = "TIMESTAMP"

    /// The one-byte tag used in the segment format (docs/segment-format.md).
    public var tag: UInt8 {
        switch self {
        case .string: return 1
        case .int64: return 2
        case .float64: return 3
        case .bool: return 4
        case .date: return 5
        case .timestamp: return 6
        }
    }

    public init?(tag: UInt8) {
        guard let t = ColumnType.allCases.first(where: { $0.tag == tag }) else { return nil }
        self = t
    }

    /// Parses a GoogleSQL type name; accepts the aliases BigQuery accepts (INT, INTEGER, FLOAT, BOOLEAN, ...).
    public init?(sqlName: String) {
        switch sqlName.uppercased() {
        case "STRING": self = .string
        case "INT64", "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT": self = .int64
        case "FLOAT64", "FLOAT", "DOUBLE": self = .float64
        case "BOOL", "BOOLEAN": self = .bool
        case "DATE": self = .date
        case "TIMESTAMP": self = .timestamp
        default: return nil
        }
    }
}

/// One column of a table schema.
public struct ColumnSchema: Sendable, Hashable, Codable {
    public var name: String
    public var type: ColumnType
    public init(name: String, type: ColumnType) {
        self.name = name
        self.type = type
    }
}

/// The ordered columns of a table.
public struct TableSchema: Sendable, Hashable, Codable {
    public var name: String
    public var columns: [ColumnSchema]
    public init(name: String, columns: [ColumnSchema]) {
        self.name = name
        self.columns = columns
    }

    /// The index of the column with this name (case-insensitive, as GoogleSQL column names are).
    public func index(of column: String) -> Int? {
        let lower = column.lowercased()
        return columns.firstIndex { $0.name.lowercased() == lower }
    }
}
