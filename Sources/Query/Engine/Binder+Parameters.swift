import ColumnStore

extension Binder {
    /// Binds a named query parameter (`@name`) to the typed literal its value gives; the value never
    /// passes through the SQL text, so it cannot change the statement's shape.
    /// - Throws: `QueryError.notSupported` for positional parameters (`?`), `QueryError.unknownName`
    ///   for a name without a value.
    func bindParameter(_ name: String, _ loc: SourceLocation) throws -> BoundExpr {
        guard name != "?" else {
            throw QueryError.notSupported(construct: "positional query parameter ?", location: loc, sql: sql)
        }
        guard let value = planner.parameters[name.lowercased()] else {
            let known = planner.parameters.keys.sorted()
            throw QueryError.unknownName(kind: "query parameter", name: "@" + name,
                                         suggestion: closestName(to: name.lowercased(), in: known).map { "@" + $0 },
                                         location: loc, sql: sql)
        }
        return .literal(value, Binder.literalType(value))
    }
}
