import ColumnStore
import Foundation

/// Writes store rows as BigQuery JSON objects (one per row, for NDJSON loads and insertAll).
///
/// INT64 and FLOAT64 are JSON numbers (NaN and ±Infinity as the strings BigQuery accepts), BOOL
/// true/false, DATE `YYYY-MM-DD`, TIMESTAMP `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC), STRING a JSON string;
/// NULL cells are left out of the object.
public struct RowEncoder: Sendable {
    public let schema: TableSchema
    private let keys: [[UInt8]]

    public init(schema: TableSchema) {
        self.schema = schema
        keys = schema.columns.map { Array((JSONText.quoted($0.name) + ":").utf8) }
    }

    /// Appends row `row` of `columns` as one JSON object to `out`.
    public func append(row: Int, of columns: [Column], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (c, column) in columns.enumerated() where !column.isNull(row) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += keys[c]
            switch column.values {
            case .int64(let v): out += String(v[row]).utf8
            case .float64(let v):
                let d = v[row]
                if d.isNaN { out += "\"NaN\"".utf8 } else if d.isInfinite { out += (d < 0 ? "\"-Infinity\"" : "\"Infinity\"").utf8 } else { out += "\(d)".utf8 }
            case .bool(let v): out += (v[row] != 0 ? "true" : "false").utf8
            case .date(let v): out += ("\"" + CivilTime.formatDate(v[row]) + "\"").utf8
            case .timestamp(let v): out += ("\"" + CivilTime.formatTimestamp(v[row]) + "\"").utf8
            case .string(let v): out += JSONText.quoted(v[row]).utf8
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// One row as a JSON object.
    public func encode(row: Int, of columns: [Column]) -> [UInt8] {
        var out: [UInt8] = []
        append(row: row, of: columns, to: &out)
        return out
    }
}
