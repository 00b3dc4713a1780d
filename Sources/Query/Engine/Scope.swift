import ColumnStore

/// A column visible to expressions: where it comes from and what it is called.
struct ScopeColumn {
    var qualifier: String?
    var name: String
    var type: ColumnType
    /// Hidden from `*` (the two sides of a USING column; ORDER BY helper columns).
    var hiddenFromStar = false
    /// Other qualifiers that also name this column (a USING column answers to both sides' names).
    var aliases: [String] = []
    /// A bare NULL with no type of its own (shown as INT64); UNION ALL gives it the other side's type.
    var untypedNull = false
}

/// The columns an expression can name, in the positions of the operator's output.
struct Scope {
    var columns: [ScopeColumn]
    /// Columns of the underlying tables that the scan does not read (the statement never names
    /// them); used only to suggest a name in "unknown column" errors.
    var unreadColumns: [(qualifier: String?, name: String)] = []

    static let empty = Scope(columns: [])

    /// The position of `qualifier.name` (or `name`), or an error naming it with a suggestion.
    func resolve(_ qualifier: String?, _ name: String, location: SourceLocation, sql: String) throws -> Int {
        let lname = name.lowercased()
        var matches: [Int] = []
        for (i, c) in columns.enumerated() where c.name.lowercased() == lname {
            if let q = qualifier?.lowercased() {
                if c.qualifier?.lowercased() == q || c.aliases.contains(where: { $0.lowercased() == q }) { matches.append(i) }
            } else {
                matches.append(i)
            }
        }
        if matches.count > 1 {
            // `a.k` after `a JOIN b USING (k)` is a's own k (NULL where an outer join found no a row),
            // not the merged k that answers to both names.
            if let q = qualifier?.lowercased() {
                let own = matches.filter { columns[$0].qualifier?.lowercased() == q }
                if own.count == 1 { return own[0] }
            }
            let visible = matches.filter { !columns[$0].hiddenFromStar }
            if visible.count == 1 { return visible[0] }
            if qualifier == nil {
                throw QueryError.type(message: "column name \(name) is ambiguous", location: location, sql: sql)
            }
        }
        if let m = matches.first { return m }
        if let q = qualifier, !columns.contains(where: { $0.qualifier?.lowercased() == q.lowercased() || $0.aliases.contains { $0.lowercased() == q.lowercased() } }) {
            let qualifiers = Array(Set(columns.compactMap(\.qualifier)))
            throw QueryError.unknownName(kind: "table alias", name: q, suggestion: closestName(to: q, in: qualifiers), location: location, sql: sql)
        }
        let all = columns.map { ($0.qualifier, $0.name) } + unreadColumns.map { ($0.qualifier, $0.name) }
        let candidates = all.filter { qualifier == nil || $0.0?.lowercased() == qualifier!.lowercased() }.map(\.1)
        let full = qualifier.map { "\($0).\(name)" } ?? name
        throw QueryError.unknownName(kind: "column", name: full, suggestion: closestName(to: name, in: candidates), location: location, sql: sql)
    }

    var types: [ColumnType] { columns.map(\.type) }
}
