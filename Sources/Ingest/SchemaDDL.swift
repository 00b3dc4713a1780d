import ColumnStore

/// Reads the `CREATE TABLE name (column TYPE, ...)` statements of `schemas/`.
///
/// Accepts `--` comments, optional backquotes around names, an optional dataset qualifier
/// (`dataset.table`), column options after the type (`NOT NULL`, `OPTIONS(...)`) which are ignored, and a
/// final semicolon. Anything else is an error naming the statement.
public enum SchemaDDL {
    public static func parse(_ sql: String, source: String) throws -> TableSchema {
        let text = sql.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                if let r = line.range(of: "--") { return line[..<r.lowerBound] }
                return line
            }
            .joined(separator: "\n")
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close else {
            throw IngestError.badSchema(path: source, message: "expected CREATE TABLE name (column TYPE, ...)")
        }
        let head = text[..<open].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard head.count >= 3, head[0].uppercased() == "CREATE", head[head.count - 2].uppercased() == "TABLE" || head.contains(where: { $0.uppercased() == "TABLE" }) else {
            throw IngestError.badSchema(path: source, message: "expected CREATE TABLE name (column TYPE, ...)")
        }
        let qualified = String(head[head.count - 1]).replacingOccurrences(of: "`", with: "")
        let name = String(qualified.split(separator: ".").last ?? Substring(qualified))
        var columns: [ColumnSchema] = []
        for part in splitTopLevel(text[text.index(after: open)..<close]) {
            let words = part.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            guard words.count >= 2 else {
                if words.isEmpty { continue }
                throw IngestError.badSchema(path: source, message: "column definition '\(part.trimmingCharacters(in: .whitespacesAndNewlines))' lacks a type")
            }
            let columnName = String(words[0]).replacingOccurrences(of: "`", with: "")
            guard let type = ColumnType(sqlName: String(words[1])) else {
                throw IngestError.badSchema(path: source, message: "column \(columnName): unsupported type \(words[1]) (use STRING, INT64, FLOAT64, BOOL, DATE or TIMESTAMP)")
            }
            guard !columns.contains(where: { $0.name.lowercased() == columnName.lowercased() }) else {
                throw IngestError.badSchema(path: source, message: "column \(columnName) is defined twice")
            }
            columns.append(ColumnSchema(name: columnName, type: type))
        }
        guard !columns.isEmpty else { throw IngestError.badSchema(path: source, message: "table \(name) has no columns") }
        return TableSchema(name: name, columns: columns)
    }

    /// Splits on commas that are not inside parentheses.
    private static func splitTopLevel(_ s: Substring) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for ch in s {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 { parts.append(current); current = "" } else { current.append(ch) }
        }
        parts.append(current)
        return parts
    }

    /// The built-in schemas (schemas/*.sql, embedded at build time), by table name.
    public static func builtin() -> [String: TableSchema] {
        var out: [String: TableSchema] = [:]
        for (name, sql) in builtinSchemaSQL {
            // The embedded files are checked by tests; a parse failure here is a build defect.
            out[name] = try! parse(sql, source: "schemas/\(name).sql")
        }
        return out
    }
}

import Foundation
