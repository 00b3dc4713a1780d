import ColumnStore

extension QueryEngine {
    /// Parses and runs every statement of `sql` with values for its named query parameters
    /// (`@name`, as in BigQuery's GoogleSQL). Each value is bound as a typed literal after parsing:
    /// no value is ever spliced into the SQL text.
    /// - Parameters:
    ///   - sql: one or more statements that may name `@parameters`.
    ///   - parameters: a value per parameter name, without `@`; names match case-insensitively.
    /// - Throws: everything `execute(_:)` throws, and `QueryError.unknownName` for a parameter
    ///   without a value.
    public func execute(_ sql: String, parameters: [String: Value]) throws -> [QueryResult] {
        let statements = try SQLParser.parse(sql)
        guard !statements.isEmpty else {
            throw QueryError.syntax(message: "no statement", location: SourceLocation(line: 1, column: 1, offset: 0), sql: sql)
        }
        var byName: [String: Value] = [:]
        for (k, v) in parameters { byName[k.lowercased()] = v }
        return try statements.map { try run($0, sql: sql, parameters: byName) }
    }
}
