/// The one error type of the Ingest module; each case names the file or table it is about.
public enum IngestError: Error, CustomStringConvertible {
    case missingFile(String)
    case emptyFile(String)
    case unreadable(path: String, reason: String)
    case headerMismatch(path: String, table: String, detail: String)
    case badCSV(path: String, line: Int, message: String)
    case badSchema(path: String, message: String)
    case noCSVFiles(String)
    case tableHasOtherData(table: String, path: String)
    case conflictingOptions(String)

    public var description: String {
        switch self {
        case .missingFile(let p): return "\(p): no such file or directory"
        case .emptyFile(let p): return "\(p): file is empty (expected a header line)"
        case let .unreadable(p, reason): return "\(p): cannot read: \(reason)"
        case let .headerMismatch(p, table, detail): return "\(p): header does not match the schema of \(table): \(detail)"
        case let .badCSV(p, line, message): return "\(p):\(line): \(message)"
        case let .badSchema(p, message): return "\(p): bad schema: \(message)"
        case .noCSVFiles(let p): return "\(p): no .csv files in this directory"
        case let .tableHasOtherData(table, p):
            return "\(p): table \(table) already holds data from other files; pass --append to add this file or --replace to swap the table's contents"
        case .conflictingOptions(let m): return m
        }
    }
}
