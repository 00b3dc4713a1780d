import ColumnStore

/// Function calls and the special call forms: COUNT(*), DISTINCT arguments, date-part and INTERVAL
/// arguments, CAST / SAFE_CAST, EXTRACT, and window calls `f(...) OVER (...)`.
extension Parser {
    /// Functions whose arguments may be date parts or `INTERVAL n PART`: the index of the bare date-part
    /// argument, or -1 when they take an INTERVAL (and no bare part).
    static let datePartFunctions: [String: Int] = [
        "DATE_TRUNC": 1, "TIMESTAMP_TRUNC": 1, "DATETIME_TRUNC": 1, "TIME_TRUNC": 1, "LAST_DAY": 1,
        "DATE_DIFF": 2, "TIMESTAMP_DIFF": 2, "DATETIME_DIFF": 2, "TIME_DIFF": 2,
        "DATE_ADD": -1, "DATE_SUB": -1, "TIMESTAMP_ADD": -1, "TIMESTAMP_SUB": -1,
        "DATETIME_ADD": -1, "DATETIME_SUB": -1, "TIME_ADD": -1, "TIME_SUB": -1,
        "GENERATE_DATE_ARRAY": -1, "GENERATE_TIMESTAMP_ARRAY": -1,
    ]

    /// `name ( [DISTINCT] args | * ) [OVER (...)]`; the current token is the `(`.
    func parseFunctionCall(name: String, location: SourceLocation) throws -> Expr {
        try expectSymbol("(")
        var args: [Expr] = []
        var distinct = false
        var star = false
        if atSymbol(")") {
            // no arguments
        } else if name == "COUNT" && atSymbol("*") && peek().isSymbol(")") {
            advance()
            star = true
        } else {
            distinct = acceptKeyword("DISTINCT")
            let partPosition = Parser.datePartFunctions[name]
            repeat {
                if partPosition != nil && atKeyword("INTERVAL") {
                    args.append(try parseInterval())
                } else if partPosition == args.count {
                    args.append(try parseDatePart())
                } else {
                    args.append(try parseExpression())
                }
                if atSymbol("=>") { throw notSupported("named function argument =>", at: current.location) }
                if atSymbol("->") { throw notSupported("lambda ->", at: current.location) }
            } while acceptSymbol(",")
            try rejectAggregateModifiers(name)
        }
        try expectSymbol(")")
        let call = Expr.function(name: name, args: args, distinct: distinct, star: star, location)
        if atKeyword("OVER") { return try parseWindow(call) }
        if atKeyword("WITH") && peek().isKeyword("GROUP") { throw notSupported("WITH GROUP ROWS", at: current.location) }
        return call
    }

    /// `IGNORE NULLS`, `ORDER BY`, `LIMIT` and `HAVING MAX` inside a call's parentheses are not supported.
    @inline(never)
    func rejectAggregateModifiers(_ name: String) throws {
        let t = current
        guard t.kind == .word else { return }
        switch t.upper {
        case "IGNORE", "RESPECT": throw notSupported("\(t.upper) NULLS", at: t.location)
        case "ORDER": throw notSupported("ORDER BY inside \(name)(...)", at: t.location)
        case "LIMIT": throw notSupported("LIMIT inside \(name)(...)", at: t.location)
        case "HAVING": throw notSupported("HAVING MAX/MIN inside \(name)(...)", at: t.location)
        default: break
        }
    }

    /// A bare date part: `DAY`, `MONTH`, ... (`WEEK(MONDAY)` is not supported).
    func parseDatePart() throws -> Expr {
        let t = current
        guard t.kind == .word, let part = DatePart(rawValue: t.upper) else {
            throw expected("a date part (DAY, WEEK, MONTH, QUARTER, YEAR, ...)")
        }
        advance()
        if part == .week && atSymbol("(") {
            throw notSupported("date part WEEK(\(peek().kind == .word ? peek().upper : "..."))", at: t.location)
        }
        return .datePart(part, t.location)
    }

    /// `INTERVAL expr PART`
    func parseInterval() throws -> Expr {
        let intervalToken = advance()
        let value = try parseExpression()
        let t = current
        guard t.kind == .word, let part = DatePart(rawValue: t.upper) else {
            throw expected("a date part after the INTERVAL value")
        }
        advance()
        if atKeyword("TO") { throw notSupported("INTERVAL ... TO ...", at: intervalToken.location) }
        return .interval(value, part, intervalToken.location)
    }

    /// `CAST(x AS type)` / `SAFE_CAST(x AS type)`
    func parseCast() throws -> Expr {
        let castToken = advance()
        try expectSymbol("(")
        let value = try parseExpression()
        try expectKeyword("AS")
        let type = try parseTypeName()
        if atKeyword("FORMAT") { throw notSupported("CAST ... FORMAT", at: current.location) }
        try expectSymbol(")")
        return .cast(value, to: type, safe: castToken.upper == "SAFE_CAST", castToken.location)
    }

    /// GoogleSQL types nq does not have, rejected by name.
    static let unsupportedTypes: Set<String> = [
        "NUMERIC", "BIGNUMERIC", "DECIMAL", "BIGDECIMAL", "BYTES", "DATETIME", "TIME", "JSON", "INTERVAL",
        "GEOGRAPHY", "ARRAY", "STRUCT", "RANGE",
    ]

    func parseTypeName() throws -> ColumnType {
        let t = current
        guard t.kind == .word else { throw expected("a type name") }
        if Parser.unsupportedTypes.contains(t.upper) { throw notSupported("type \(t.upper)", at: t.location) }
        guard let type = ColumnType(sqlName: t.upper) else {
            throw syntaxError("unknown type \(t.text): expected STRING, INT64, FLOAT64, BOOL, DATE or TIMESTAMP", at: t.location)
        }
        advance()
        if atSymbol("(") { throw notSupported("parameterized type \(t.upper)(...)", at: t.location) }
        if atKeyword("COLLATE") { throw notSupported("COLLATE", at: current.location) }
        return type
    }

    /// `EXTRACT(part FROM x)`
    func parseExtract() throws -> Expr {
        let extractToken = advance()
        try expectSymbol("(")
        let t = current
        if t.kind == .word && (t.upper == "TIME" || t.upper == "DATETIME") {
            throw notSupported("EXTRACT(\(t.upper) FROM ...)", at: t.location)
        }
        guard case .datePart(let part, _) = try parseDatePart() else { throw expected("a date part") }
        try expectKeyword("FROM")
        let value = try parseExpression()
        if atKeyword("AT") { throw notSupported("AT TIME ZONE", at: current.location) }
        try expectSymbol(")")
        return .extract(part, from: value, extractToken.location)
    }

    // MARK: - Windows

    /// `call OVER ( [PARTITION BY ...] [ORDER BY ...] [ROWS|RANGE frame] )`
    func parseWindow(_ call: Expr) throws -> Expr {
        advance()  // OVER
        if current.isIdentifier {
            throw notSupported("named window OVER \(current.text)", at: current.location)
        }
        try expectSymbol("(")
        if current.isIdentifier {
            throw notSupported("named window reference \(current.text) in OVER (...)", at: current.location)
        }
        var spec = WindowSpec()
        if atKeyword("PARTITION") {
            advance()
            try expectKeyword("BY")
            repeat {
                spec.partitionBy.append(try parseExpression())
            } while acceptSymbol(",")
        }
        if atKeyword("ORDER") {
            spec.orderBy = try parseOrderBy()
        }
        if atKeyword("ROWS") || atKeyword("RANGE") {
            spec.frame = try parseFrame()
        } else if atKeyword("GROUPS") {
            throw notSupported("GROUPS window frame", at: current.location)
        }
        try expectSymbol(")")
        return .window(function: call, over: spec, call.location)
    }

    /// `ROWS|RANGE (BETWEEN bound AND bound | bound)`, returned as written.
    func parseFrame() throws -> String {
        let start = advance()
        if acceptKeyword("BETWEEN") {
            try parseFrameBound()
            try expectKeyword("AND")
            try parseFrameBound()
        } else {
            try parseFrameBound()
        }
        if atKeyword("EXCLUDE") { throw notSupported("EXCLUDE in a window frame", at: current.location) }
        let end = tokens[index - 1].end
        return String(decoding: sql.utf8.dropFirst(start.location.offset).prefix(end - start.location.offset), as: UTF8.self)
    }

    /// `UNBOUNDED PRECEDING|FOLLOWING`, `CURRENT ROW`, or `expr PRECEDING|FOLLOWING`.
    func parseFrameBound() throws {
        if acceptKeyword("UNBOUNDED") {
            guard acceptKeyword("PRECEDING") || acceptKeyword("FOLLOWING") else { throw expected("PRECEDING or FOLLOWING") }
            return
        }
        if acceptKeyword("CURRENT") {
            try expectKeyword("ROW")
            return
        }
        // Above AND, so that `BETWEEN 1 PRECEDING AND ...` cannot take the AND.
        try enter()
        defer { depth -= 1 }
        _ = try parseBinary(Precedence.bitOr)
        guard acceptKeyword("PRECEDING") || acceptKeyword("FOLLOWING") else { throw expected("PRECEDING or FOLLOWING") }
    }
}
