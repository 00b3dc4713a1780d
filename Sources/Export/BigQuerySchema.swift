import ColumnStore
import Foundation

/// Maps the catalog's column types to BigQuery's legacy type names (as tables.insert takes them) and back.
///
/// INT64→INTEGER, FLOAT64→FLOAT, STRING→STRING, BOOL→BOOLEAN, DATE→DATE, TIMESTAMP→TIMESTAMP.
/// Every column is NULLABLE.
public enum BigQuerySchema {
    public static func bigQueryType(_ t: ColumnType) -> String {
        switch t {
        case .int64: return "INTEGER"
        case .float64: return "FLOAT"
        case .string: return "STRING"
        case .bool: return "BOOLEAN"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        }
    }

    /// The catalog type of a BigQuery type name (legacy or standard spelling); nil for types nq lacks.
    public static func columnType(_ bigQueryType: String) -> ColumnType? {
        switch bigQueryType.uppercased() {
        case "INTEGER", "INT64": return .int64
        case "FLOAT", "FLOAT64": return .float64
        case "STRING": return .string
        case "BOOLEAN", "BOOL": return .bool
        case "DATE": return .date
        case "TIMESTAMP": return .timestamp
        default: return nil
        }
    }

    /// The `schema.fields` JSON of a table schema.
    public static func fields(_ schema: TableSchema) -> [[String: Any]] {
        schema.columns.map { ["name": $0.name, "type": bigQueryType($0.type), "mode": "NULLABLE"] }
    }

    /// What to do with an existing BigQuery table so that `schema` can be written into it.
    public enum Plan: Equatable {
        case unchanged
        /// Columns to append as NULLABLE (tables.patch with the existing fields plus these).
        case addColumns([String])
    }

    /// Compares the store's schema with the fields of the existing table.
    /// - Throws: `ExportError.incompatibleSchema` naming the first column whose type differs, or a
    ///   REQUIRED BigQuery column the store does not have.
    public static func plan(store schema: TableSchema, existing: [[String: Any]]) throws -> Plan {
        var remote: [String: (type: String, mode: String)] = [:]
        for f in existing {
            guard let name = f["name"] as? String else { continue }
            remote[name.lowercased()] = ((f["type"] as? String) ?? "", (f["mode"] as? String) ?? "NULLABLE")
        }
        var added: [String] = []
        for c in schema.columns {
            guard let r = remote[c.name.lowercased()] else { added.append(c.name); continue }
            if columnType(r.type) != c.type {
                throw ExportError.incompatibleSchema(table: schema.name, column: c.name,
                    detail: "BigQuery has type \(r.type), the store has \(c.type.rawValue) (\(bigQueryType(c.type)))")
            }
            if r.mode.uppercased() == "REPEATED" {
                throw ExportError.incompatibleSchema(table: schema.name, column: c.name, detail: "BigQuery has a REPEATED column, the store a scalar one")
            }
        }
        let local = Set(schema.columns.map { $0.name.lowercased() })
        for f in existing {
            if let name = f["name"] as? String, !local.contains(name.lowercased()), ((f["mode"] as? String) ?? "").uppercased() == "REQUIRED" {
                throw ExportError.incompatibleSchema(table: schema.name, column: name, detail: "BigQuery requires this column and the store has no such column")
            }
        }
        return added.isEmpty ? .unchanged : .addColumns(added)
    }
}
