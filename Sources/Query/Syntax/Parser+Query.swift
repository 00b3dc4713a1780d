/// Queries: WITH, set operations, SELECT and its clauses, FROM items and joins, ORDER BY, LIMIT.
extension Parser {
    /// Whether the tokens from `index + offset` start a query: SELECT or WITH after any number of `(`.
    func startsQuery(at offset: Int = 0) -> Bool {
        var i = offset
        // Bounded: deeper nesting fails the depth limit anyway.
        while peek(i).isSymbol("(") && i < offset + Parser.maxDepth + 2 { i += 1 }
        return peek(i).isKeyword("SELECT") || peek(i).isKeyword("WITH")
    }

    /// `[WITH ctes] body [ORDER BY items] [LIMIT n [OFFSET m]]`.
    func parseQuery() throws -> Query {
        try enter()
        defer { depth -= 1 }
        var with: [CommonTableExpression] = []
        if atKeyword("WITH") {
            advance()
            if atKeyword("RECURSIVE") { throw notSupported("WITH RECURSIVE", at: current.location) }
            repeat {
                let name = try parseIdentifier("a common table expression name")
                if atSymbol("(") { throw notSupported("column list in WITH", at: current.location) }
                try expectKeyword("AS")
                try expectSymbol("(")
                let query = try parseQuery()
                try expectSymbol(")")
                with.append(CommonTableExpression(name: name, query: query))
            } while acceptSymbol(",")
        }
        let body = try parseSetOperations()
        var query = Query(with: with, body: body)
        if atKeyword("ORDER") {
            query.orderBy = try parseOrderBy()
        }
        if acceptKeyword("LIMIT") {
            query.limit = try parseExpression()
            if current.isKeyword("OFFSET") {
                advance()
                query.offset = try parseExpression()
            }
        }
        return query
    }

    /// `term (set-operator term)*`, left-associative; each operation is located at the first token
    /// of its left operand.
    func parseSetOperations() throws -> QueryBody {
        let location = current.location
        var left = try parseQueryTerm()
        var applied = 0  // each operation deepens the tree: count it toward the nesting limit
        defer { depth -= applied }
        while current.kind == .word, ["UNION", "INTERSECT", "EXCEPT"].contains(current.upper) {
            try enter()
            applied += 1
            let opToken = advance()
            if atKeyword("ALL") || atKeyword("DISTINCT") {
                let quantifier = advance().upper
                let op: SetOperator
                switch (opToken.upper, quantifier) {
                case ("UNION", "ALL"): op = .unionAll
                case ("UNION", _): op = .unionDistinct
                case ("INTERSECT", "DISTINCT"): op = .intersectDistinct
                case ("EXCEPT", "DISTINCT"): op = .exceptDistinct
                default: throw notSupported("\(opToken.upper) ALL", at: opToken.location)
                }
                if atKeyword("BY") || atKeyword("CORRESPONDING") || atKeyword("STRICT") {
                    throw notSupported("\(opToken.upper) \(quantifier) \(current.upper)", at: opToken.location)
                }
                let right = try parseQueryTerm()
                left = .setOperation(op: op, left: left, right: right, location: location)
            } else {
                throw expected("ALL or DISTINCT after \(opToken.upper)")
            }
        }
        return left
    }

    /// `SELECT ...` or `( query )`.
    func parseQueryTerm() throws -> QueryBody {
        if atKeyword("SELECT") { return .select(try parseSelect()) }
        if atSymbol("(") {
            advance()
            let query = try parseQuery()
            try expectSymbol(")")
            return .nested(query)
        }
        throw expected("SELECT or \"(\"")
    }

    // MARK: - SELECT

    func parseSelect() throws -> Select {
        let selectToken = try expectKeyword("SELECT")
        if atKeyword("AS") {
            let next = peek()
            if next.isKeyword("STRUCT") || next.isKeyword("VALUE") {
                throw notSupported("SELECT AS \(next.upper)", at: current.location)
            }
        }
        var select = Select(items: [], location: selectToken.location)
        if acceptKeyword("DISTINCT") {
            select.distinct = true
        } else {
            _ = acceptKeyword("ALL")
        }
        select.items = try parseSelectItems()
        if acceptKeyword("FROM") {
            select.from = try parseFromClause()
        }
        if acceptKeyword("WHERE") {
            select.whereClause = try parseExpression()
        }
        if atKeyword("GROUP") {
            advance()
            try expectKeyword("BY")
            select.groupBy = try parseGroupBy()
        }
        if acceptKeyword("HAVING") {
            select.having = try parseExpression()
        }
        if acceptKeyword("QUALIFY") {
            select.qualify = try parseExpression()
        }
        if atKeyword("WINDOW") { throw notSupported("WINDOW clause", at: current.location) }
        return select
    }

    /// Keywords that end a select list (so a trailing comma before them is allowed, as in GoogleSQL).
    static let selectListEnd: Set<String> = [
        "FROM", "WHERE", "GROUP", "HAVING", "QUALIFY", "WINDOW", "ORDER", "LIMIT", "UNION", "INTERSECT", "EXCEPT",
    ]

    func parseSelectItems() throws -> [SelectItem] {
        var items: [SelectItem] = []
        repeat {
            if !items.isEmpty {
                let t = current
                if t.kind == .end || t.isSymbol(")") || t.isSymbol(";") || (t.kind == .word && Parser.selectListEnd.contains(t.upper)) {
                    break
                }
            }
            items.append(try parseSelectItem())
        } while acceptSymbol(",")
        return items
    }

    func parseSelectItem() throws -> SelectItem {
        let start = current
        if start.isSymbol("*") {
            advance()
            return .star(qualifier: nil, except: try parseStarModifiers(), location: start.location)
        }
        // `a.b.*`: a path of identifiers ending in `.*`.
        if start.isIdentifier {
            var i = 0
            var parts: [String] = []
            while peek(i).kind == .quotedIdentifier || (peek(i).kind == .word && (i > 0 || peek(i).isIdentifier)),
                  peek(i + 1).isSymbol(".") {
                parts.append(peek(i).text)
                if peek(i + 2).isSymbol("*") {
                    index += i + 3
                    return .star(qualifier: parts.joined(separator: "."), except: try parseStarModifiers(), location: start.location)
                }
                i += 2
            }
        }
        let expr = try parseExpression()
        if atSymbol(".") && peek().isSymbol("*") { throw notSupported("expression.*", at: current.location) }
        return .expr(expr, alias: try parseOptionalAlias())
    }

    /// `EXCEPT (a, b)` after a star; `REPLACE (...)` is not supported.
    func parseStarModifiers() throws -> [String] {
        if atKeyword("REPLACE") { throw notSupported("SELECT * REPLACE", at: current.location) }
        guard atKeyword("EXCEPT"), peek().isSymbol("(") else { return [] }
        advance()
        advance()
        var names: [String] = []
        repeat {
            names.append(try parseIdentifier("a column name"))
        } while acceptSymbol(",")
        try expectSymbol(")")
        if atKeyword("REPLACE") { throw notSupported("SELECT * REPLACE", at: current.location) }
        return names
    }

    func parseGroupBy() throws -> [Expr] {
        for construct in ["ROLLUP", "CUBE"] where atKeyword(construct) {
            throw notSupported("GROUP BY \(construct)", at: current.location)
        }
        if atKeyword("GROUPING") && peek().isKeyword("SETS") { throw notSupported("GROUP BY GROUPING SETS", at: current.location) }
        if atKeyword("ALL") { throw notSupported("GROUP BY ALL", at: current.location) }
        if atSymbol("(") && peek().isSymbol(")") { throw notSupported("GROUP BY ()", at: current.location) }
        var exprs: [Expr] = []
        repeat {
            exprs.append(try parseExpression())
        } while acceptSymbol(",")
        return exprs
    }

    /// `ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST], ...`
    func parseOrderBy() throws -> [OrderItem] {
        try expectKeyword("ORDER")
        try expectKeyword("BY")
        var items: [OrderItem] = []
        repeat {
            let expr = try parseExpression()
            if atKeyword("COLLATE") { throw notSupported("COLLATE", at: current.location) }
            var item = OrderItem(expr: expr)
            if acceptKeyword("DESC") {
                item.descending = true
            } else {
                _ = acceptKeyword("ASC")
            }
            if acceptKeyword("NULLS") {
                if acceptKeyword("FIRST") {
                    item.nullsFirst = true
                } else if acceptKeyword("LAST") {
                    item.nullsFirst = false
                } else {
                    throw expected("FIRST or LAST after NULLS")
                }
            }
            items.append(item)
        } while acceptSymbol(",")
        return items
    }

    // MARK: - FROM

    /// `from_item (join | , from_item)*`, left-associative.
    func parseFromClause() throws -> FromItem {
        var left = try parseFromPrimary()
        var joins = 0  // each join deepens the tree: count it toward the nesting limit
        defer { depth -= joins }
        while true {
            let t = current
            if t.isSymbol(",") {
                try enter()
                joins += 1
                advance()
                let right = try parseFromPrimary()
                left = .join(left: left, right: right, kind: .cross, on: nil, using: [], location: fromLocation(left))
                continue
            }
            guard t.kind == .word else { break }
            let kind: JoinKind
            switch t.upper {
            case "JOIN", "INNER": kind = .inner
            case "LEFT": kind = .left
            case "RIGHT": kind = .right
            case "FULL": kind = .full
            case "CROSS": kind = .cross
            case "NATURAL": throw notSupported("NATURAL JOIN", at: t.location)
            default: return left
            }
            try enter()
            joins += 1
            if t.upper != "JOIN" {
                advance()
                if kind == .left || kind == .right || kind == .full { _ = acceptKeyword("OUTER") }
            }
            if atKeyword("HASH") || atKeyword("LOOKUP") { throw notSupported("\(current.upper) JOIN", at: current.location) }
            try expectKeyword("JOIN")
            let right = try parseFromPrimary()
            var on: Expr? = nil
            var using: [String] = []
            if kind == .cross {
                if atKeyword("ON") || atKeyword("USING") {
                    throw syntaxError("CROSS JOIN cannot have an \(current.upper) clause", at: current.location)
                }
            } else if acceptKeyword("ON") {
                on = try parseExpression()
            } else if acceptKeyword("USING") {
                try expectSymbol("(")
                repeat {
                    using.append(try parseIdentifier("a column name"))
                } while acceptSymbol(",")
                try expectSymbol(")")
            } else {
                throw expected("ON or USING after \(kind.rawValue) JOIN")
            }
            left = .join(left: left, right: right, kind: kind, on: on, using: using, location: fromLocation(left))
        }
        return left
    }

    func fromLocation(_ item: FromItem) -> SourceLocation {
        switch item {
        case .table(_, _, let l), .subquery(_, _, let l), .join(_, _, _, _, _, let l): return l
        }
    }

    /// A table, `( query ) [alias]` or `( joins )`.
    func parseFromPrimary() throws -> FromItem {
        let start = current
        if start.isSymbol("(") {
            if startsQuery(at: 1) {
                advance()
                let query = try parseQuery()
                try expectSymbol(")")
                let alias = try parseFromAlias()
                return .subquery(query, alias: alias, location: start.location)
            }
            try enter()
            defer { depth -= 1 }
            advance()
            let inner = try parseFromClause()
            try expectSymbol(")")
            if atKeyword("AS") || current.isIdentifier { throw syntaxError("a parenthesized join cannot have an alias", at: current.location) }
            return inner
        }
        if start.kind == .word {
            switch start.upper {
            case "UNNEST": throw notSupported("UNNEST", at: start.location)
            case "LATERAL": throw notSupported("LATERAL", at: start.location)
            default: break
            }
        }
        if start.kind == .namedParameter || start.kind == .positionalParameter {
            throw notSupported("table parameter", at: start.location)
        }
        let name = try parseTableName()
        if atSymbol("(") { throw notSupported("table-valued function \(name)", at: start.location) }
        if atKeyword("FOR") && peek().isKeyword("SYSTEM_TIME") { throw notSupported("FOR SYSTEM_TIME AS OF", at: current.location) }
        let alias = try parseFromAlias()
        return .table(name: name, alias: alias, location: start.location)
    }

    func parseFromAlias() throws -> String? {
        if (atKeyword("PIVOT") || atKeyword("UNPIVOT") || atKeyword("MATCH_RECOGNIZE")) && peek().isSymbol("(") {
            throw notSupported(current.upper, at: current.location)
        }
        let alias = try parseOptionalAlias()
        if atKeyword("TABLESAMPLE") { throw notSupported("TABLESAMPLE", at: current.location) }
        if (atKeyword("PIVOT") || atKeyword("UNPIVOT")) && peek().isSymbol("(") {
            throw notSupported(current.upper, at: current.location)
        }
        if atKeyword("WITH") && peek().isKeyword("OFFSET") { throw notSupported("WITH OFFSET", at: current.location) }
        return alias
    }
}
