/// The one error type of the ColumnStore module. Every case carries the context a user needs to act:
/// the file, the block, the SQL statement, the C function and its code.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// A C call into SQLite failed.
    case sqlite(function: String, code: Int32, message: String, sql: String?)
    /// A file operation failed.
    case io(operation: String, path: String, errno: Int32, message: String)
    /// A segment's bytes are not what its checksums or structure promise.
    case corruptSegment(path: String, detail: String)
    /// A block's checksum differs from the one stored in its frame.
    case checksumMismatch(path: String, column: String, block: Int, offset: Int, expected: UInt32, actual: UInt32)
    /// The store directory is missing, unreadable, or not an nq store.
    case badStore(path: String, reason: String)
    case noSuchTable(String, suggestion: String?)
    case tableExists(String)
    case schemaMismatch(String)
    /// Another process holds the store's write lock.
    case locked(path: String)

    public var description: String {
        switch self {
        case let .sqlite(function, code, message, sql):
            return "catalog error: \(function) failed with code \(code): \(message)" + (sql.map { " (in: \($0))" } ?? "")
        case let .io(operation, path, errno, message):
            return "\(operation) \(path) failed: \(message) (errno \(errno))"
        case let .corruptSegment(path, detail):
            return "corrupt segment \(path): \(detail)"
        case let .checksumMismatch(path, column, block, offset, expected, actual):
            return "corrupt segment \(path): block \(block) of column \(column) at offset \(offset): checksum mismatch, expected \(hex(expected)), found \(hex(actual))"
        case let .badStore(path, reason):
            return "cannot use store \(path): \(reason)"
        case let .noSuchTable(name, suggestion):
            return "table not found: \(name)" + (suggestion.map { " (did you mean \($0)?)" } ?? "")
        case let .tableExists(name):
            return "table already exists: \(name)"
        case let .schemaMismatch(message):
            return message
        case let .locked(path):
            return "store \(path) is locked by another writer"
        }
    }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
}
