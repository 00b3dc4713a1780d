import ArgumentParser
import ColumnStore
import Foundation
import TextTable

/// How a command prints rows.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown
}

/// Rows of text cells with a header, printed in any `OutputFormat`.
struct TextRows {
    var header: [String]
    var rows: [[String?]]
    /// Per column: true when the values are numbers (unquoted in JSON, right-aligned in tables).
    var numeric: [Bool]

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table, .markdown:
            let cells = rows.map { $0.map { $0 ?? "NULL" } }
            let table = TextTable<[String]> { row in
                row.enumerated().map { i, v in
                    Column(title: header[i], value: v, align: numeric[i] ? .right : .left)
                }
            }
            if cells.isEmpty { return header.joined(separator: "  ") + "\n(0 rows)\n" }
            return table.string(for: cells, style: format == .markdown ? Style.pipe : Style.psql) ?? ""
        case .csv:
            var out = header.map(csvEscape).joined(separator: ",") + "\n"
            for r in rows { out += r.map { $0.map(csvEscape) ?? "" }.joined(separator: ",") + "\n" }
            return out
        case .json:
            let objects = rows.map { r -> String in
                let fields = r.enumerated().map { i, v -> String in
                    let value: String
                    if let v { value = numeric[i] && Double(v) != nil && v != "NaN" && !v.contains("inity") ? v : jsonString(v) } else { value = "null" }
                    return jsonString(header[i]) + ":" + value
                }
                return "{" + fields.joined(separator: ",") + "}"
            }
            return "[" + objects.joined(separator: ",\n ") + "]\n"
        }
    }
}

func csvEscape(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

func jsonString(_ s: String) -> String { JSONText.quoted(s) }
