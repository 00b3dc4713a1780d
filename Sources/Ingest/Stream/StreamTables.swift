import ColumnStore

/// The tables `nq consume` writes, with their exact columns (docs/streaming.md).
public enum StreamTables {
    private static func schema(_ name: String, _ cols: [(String, ColumnType)]) -> TableSchema {
        TableSchema(name: name, columns: cols.map { ColumnSchema(name: $0.0, type: $0.1) })
    }

    /// watch_history's columns plus the event time and the Kafka position of each message.
    public static let watchEvents = schema("watch_events", [
        ("session_id", .string), ("user_id", .string), ("movie_id", .string), ("watch_date", .date),
        ("device_type", .string), ("watch_duration_minutes", .float64), ("progress_percentage", .float64),
        ("action", .string), ("quality", .string), ("location_country", .string), ("is_download", .bool),
        ("user_rating", .int64), ("event_time", .timestamp), ("kafka_partition", .int64), ("kafka_offset", .int64),
    ])

    public static let deadLetters = schema("_dead_letters", [
        ("topic", .string), ("partition", .int64), ("offset", .int64), ("key", .string),
        ("payload", .string), ("reason", .string), ("received_at", .timestamp),
    ])

    public static let engagement = schema("rt_engagement", [
        ("window_start", .timestamp), ("window_end", .timestamp), ("active_users", .int64), ("events", .int64),
        ("sessions", .int64), ("avg_session_minutes", .float64), ("skips", .int64),
    ])

    public static let eventTypes = schema("rt_event_types", [
        ("window_start", .timestamp), ("window_end", .timestamp), ("action", .string), ("events", .int64),
    ])

    public static let topGenres = schema("rt_top_genres", [
        ("window_start", .timestamp), ("window_end", .timestamp), ("genre", .string), ("events", .int64),
        ("active_users", .int64), ("rank", .int64),
    ])

    public static let topCountries = schema("rt_top_countries", [
        ("window_start", .timestamp), ("window_end", .timestamp), ("country", .string), ("events", .int64),
        ("active_users", .int64),
    ])

    public static let lateEvents = schema("rt_late_events", [
        ("window_start", .timestamp), ("window_end", .timestamp), ("late_events", .int64),
    ])

    public static let all: [TableSchema] = [watchEvents, deadLetters, engagement, eventTypes, topGenres, topCountries, lateEvents]

    /// Creates the missing tables; checks the existing ones have these columns.
    static func ensure(in tx: CatalogTransaction) throws {
        for s in all {
            if let existing = try tx.table(s.name) {
                guard existing.schema.columns == s.columns else {
                    let have = existing.schema.columns.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", ")
                    throw StreamError.schemaMismatch(table: s.name, detail: "has (\(have))")
                }
            } else {
                try tx.createTable(s, source: "nq consume")
            }
        }
    }
}

/// Column builders for one table's rows of a micro-batch.
struct TableBatch {
    let schema: TableSchema
    var columns: [ColumnBuilder]

    init(_ schema: TableSchema) {
        self.schema = schema
        columns = schema.columns.map { ColumnBuilder(type: $0.type) }
    }

    var rows: Int { columns[0].count }

    /// Takes the built columns and starts empty builders.
    mutating func take() -> [Column] {
        defer { columns = schema.columns.map { ColumnBuilder(type: $0.type) } }
        return columns.indices.map { columns[$0].finish() }
    }
}
