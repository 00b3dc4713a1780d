/// How `Ingester` treats a table that already exists.
public enum IngestMode: Sendable {
    /// Create the table; a file already loaded is skipped; a new file for a table that holds other
    /// files' data is an error (use `.append` or `.replace`).
    case create
    /// Add the file's rows to the table (a file already loaded is still skipped).
    case append
    /// Swap the table's contents for the files of this ingest, atomically.
    case replace
}

/// Settings of one `nq ingest`.
public struct IngestOptions: Sendable {
    /// Table name for every file. Default: `nil`, the file's name without `.csv`.
    public var table: String?
    /// Default: `.create`.
    public var mode: IngestMode = .create
    /// A directory of `CREATE TABLE` files that override the built-in schemas. Default: `nil`.
    public var schemaDirectory: String?
    /// Bytes of CSV parsed per parallel task (each task's rows become one segment). Default: 64 MiB.
    public var chunkBytes: Int = 64 << 20
    /// Records sampled to infer the types of a table without a schema. Default: 20,000.
    public var inferenceSampleRows: Int = 20_000

    public init(table: String? = nil, mode: IngestMode = .create, schemaDirectory: String? = nil) {
        self.table = table
        self.mode = mode
        self.schemaDirectory = schemaDirectory
    }
}

/// What happened to one input file.
public struct IngestFileResult: Sendable {
    public var path: String
    public var table: String
    public var rowsLoaded: Int
    public var rowsRejected: Int
    /// The file's content was already loaded into this table; nothing was done.
    public var skipped: Bool
    /// The table had no schema; its types were inferred from the file.
    public var inferredTypes: Bool
    public var bytes: Int
    public var sha256: String
}
