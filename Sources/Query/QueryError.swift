import ColumnStore
import Foundation

/// The one error type of the Query module.
public enum QueryError: Error, CustomStringConvertible, Sendable {
    /// A syntax error at a place in the SQL text.
    case syntax(message: String, location: SourceLocation, sql: String)
    /// A construct outside nq's GoogleSQL subset, named.
    case notSupported(construct: String, location: SourceLocation?, sql: String)
    /// An unknown table or column, with the closest existing name when there is one.
    case unknownName(kind: String, name: String, suggestion: String?, location: SourceLocation?, sql: String)
    /// Operand types that do not fit, naming both.
    case type(message: String, location: SourceLocation?, sql: String)
    /// A runtime error (division by zero, bad cast, overflow), as BigQuery raises them.
    case runtime(message: String)
    case store(StoreError)
    /// A statement of a pipeline file failed (the underlying error says how); statement 0 = the file
    /// did not parse.
    indirect case pipeline(file: String, statement: Int, underlying: QueryError)
    /// A pipeline that cannot run at all (no files, a statement kind it does not allow, a busy lock).
    case pipelineSetup(String)

    public var description: String {
        switch self {
        case let .syntax(message, location, sql):
            return "syntax error at \(location): \(message)\n" + QueryError.caret(sql, location)
        case let .notSupported(construct, location, sql):
            return "not supported: \(construct)" + (location.map { " at \($0)\n" + QueryError.caret(sql, $0) } ?? "")
        case let .unknownName(kind, name, suggestion, location, sql):
            return "unknown \(kind) \(name)" + (suggestion.map { " (did you mean \($0)?)" } ?? "")
                + (location.map { " at \($0)\n" + QueryError.caret(sql, $0) } ?? "")
        case let .type(message, location, sql):
            return "type error: \(message)" + (location.map { " at \($0)\n" + QueryError.caret(sql, $0) } ?? "")
        case let .runtime(message):
            return "query failed: \(message)"
        case let .store(e):
            return e.description
        case let .pipeline(file, statement, underlying):
            return statement > 0 ? "\(file), statement \(statement): \(underlying)" : "\(file): \(underlying)"
        case let .pipelineSetup(message):
            return message
        }
    }

    /// The offending line of `sql` with a caret under `location`'s column.
    public static func caret(_ sql: String, _ location: SourceLocation) -> String {
        // Split on LF as a scalar: "\r\n" is one Character in Swift and would not match "\n".
        let lines = sql.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)).trimmingCharacters(in: ["\r"]) }
        guard location.line >= 1, location.line <= lines.count else { return "" }
        let line = String(lines[location.line - 1])
        return "  " + line + "\n  " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
    }
}
