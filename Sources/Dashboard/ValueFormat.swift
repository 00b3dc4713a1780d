import ColumnStore
import Foundation

/// Text and number forms of query values for charts, pages and JSON.
enum ValueFormat {
    /// The value as text (`nil` for NULL): dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC).
    static func text(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .int64(let i): return String(i)
        case .float64(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return CivilTime.formatDate(d)
        case .timestamp(let t): return CivilTime.formatTimestamp(t)
        case .string(let s): return s
        }
    }

    /// The value as a number for plotting: dates as days, timestamps as microseconds since 1970.
    static func number(_ v: Value) -> Double? {
        switch v {
        case .int64(let i): return Double(i)
        case .float64(let d): return d.isFinite ? d : nil
        case .date(let d): return Double(d)
        case .timestamp(let t): return Double(t)
        case .bool(let b): return b ? 1 : 0
        case .null, .string: return nil
        }
    }

    /// The value as a JSON value.
    static func json(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .int64(let i): return String(i)
        case .float64(let d): return d.isFinite ? String(d) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .date, .timestamp, .string: return jsonString(text(v) ?? "")
        }
    }

    static func jsonString(_ s: String) -> String { JSONText.quoted(s, escapingHTML: true) }

    /// HTML-escaped text for element content and attribute values.
    static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A short human form of a number for axis ticks and tooltips (1.2k, 3.5M, 0.25).
    static func short(_ x: Double) -> String {
        let a = abs(x)
        if a >= 1_000_000 { return trim(x / 1_000_000) + "M" }
        if a >= 10_000 { return trim(x / 1_000) + "k" }
        if a >= 100 || x == x.rounded() { return String(Int(x.rounded())) }
        if a >= 1 { return String(format: "%.1f", x) }
        return String(format: "%.2f", x)
    }

    private static func trim(_ x: Double) -> String {
        let s = String(format: "%.1f", x)
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }
}
