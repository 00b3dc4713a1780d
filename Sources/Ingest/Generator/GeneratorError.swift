/// Why `nq gen` could not write the data set.
public enum GeneratorError: Error, CustomStringConvertible, Equatable {
    /// `--events` was negative.
    case invalidEventCount(Int)
    /// The output path exists and is not a directory.
    case notADirectory(path: String)
    /// The output directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A CSV file could not be created or opened for writing.
    case cannotOpenFile(path: String, reason: String)
    /// Writing or closing a CSV file failed (disk full, I/O error…).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidEventCount(let events):
            return "invalid event count \(events): --events must be 0 or more"
        case .notADirectory(let path):
            return "cannot write into \(path): it exists and is not a directory"
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create directory \(path): \(reason)"
        case .cannotOpenFile(let path, let reason):
            return "cannot open \(path) for writing: \(reason)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
