import ColumnStore

/// The `_rejects` system table: one row per CSV row that could not be typed.
///
/// Columns: table_name, file, line_number (1-based physical line where the row starts), column_name
/// (NULL when the row as a whole is wrong, e.g. its field count), reason, raw_line (the row's bytes;
/// invalid UTF-8 is replaced by U+FFFD so the text stays valid).
public enum RejectsTable {
    public static let name = "_rejects"
    public static let schema = TableSchema(name: name, columns: [
        ColumnSchema(name: "table_name", type: .string),
        ColumnSchema(name: "file", type: .string),
        ColumnSchema(name: "line_number", type: .int64),
        ColumnSchema(name: "column_name", type: .string),
        ColumnSchema(name: "reason", type: .string),
        ColumnSchema(name: "raw_line", type: .string),
    ])
}

/// One rejected row.
public struct RejectedRow: Sendable, Equatable {
    public var table: String
    public var file: String
    public var line: Int
    public var column: String?
    public var reason: String
    public var rawLine: String

    /// The rows as the columns of `RejectsTable.schema`.
    static func columns(_ rows: [RejectedRow]) -> [Column] {
        var b = RejectsTable.schema.columns.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for r in rows {
            b[0].appendString(r.table)
            b[1].appendString(r.file)
            b[2].appendInt64(Int64(r.line))
            if let c = r.column { b[3].appendString(c) } else { b[3].appendNull() }
            b[4].appendString(r.reason)
            b[5].appendString(r.rawLine)
        }
        return b.indices.map { b[$0].finish() }
    }
}
