/// Expressions, by precedence climbing over GoogleSQL's operator levels (lowest first):
/// OR; AND; NOT; comparison (=, !=, <>, <, <=, >, >=, [NOT] LIKE, [NOT] BETWEEN, [NOT] IN, IS [NOT] ...),
/// which does not associate; `|`; `^`; `&`; `<<` `>>` (the bitwise levels are recognized and not
/// supported); `+` `-`; `*` `/` `||`; unary `-` `+` `~`; then field access and subscripts.
extension Parser {
    enum Precedence {
        static let or = 1, and = 2, not = 3, comparison = 4, bitOr = 5, bitXor = 6, bitAnd = 7, shift = 8
        static let additive = 9, multiplicative = 10
    }

    enum InfixOperator {
        case binary(BinaryOperator)
        /// IS, LIKE, BETWEEN, IN, with or without a NOT before them.
        case keywordComparison
        case bitwise(String)
    }

    /// A full expression (one nesting level).
    func parseExpression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        return try parseBinary(Precedence.or)
    }

    /// The infix operator at the current token and its precedence, if any.
    func infixOperator() -> (Int, InfixOperator)? {
        let t = current
        switch t.kind {
        case .word:
            switch t.upper {
            case "OR": return (Precedence.or, .binary(.or))
            case "AND": return (Precedence.and, .binary(.and))
            case "IS", "LIKE", "BETWEEN", "IN": return (Precedence.comparison, .keywordComparison)
            case "NOT":
                let next = peek()
                if next.isKeyword("LIKE") || next.isKeyword("BETWEEN") || next.isKeyword("IN") {
                    return (Precedence.comparison, .keywordComparison)
                }
                return nil
            default: return nil
            }
        case .symbol:
            switch t.text {
            case "=": return (Precedence.comparison, .binary(.equal))
            case "!=", "<>": return (Precedence.comparison, .binary(.notEqual))
            case "<": return (Precedence.comparison, .binary(.less))
            case "<=": return (Precedence.comparison, .binary(.lessEqual))
            case ">": return (Precedence.comparison, .binary(.greater))
            case ">=": return (Precedence.comparison, .binary(.greaterEqual))
            case "|": return (Precedence.bitOr, .bitwise("|"))
            case "^": return (Precedence.bitXor, .bitwise("^"))
            case "&": return (Precedence.bitAnd, .bitwise("&"))
            case "<<", ">>": return (Precedence.shift, .bitwise(t.text))
            case "+": return (Precedence.additive, .binary(.add))
            case "-": return (Precedence.additive, .binary(.subtract))
            case "*": return (Precedence.multiplicative, .binary(.multiply))
            case "/": return (Precedence.multiplicative, .binary(.divide))
            case "||": return (Precedence.multiplicative, .binary(.concat))
            default: return nil
            }
        default:
            return nil
        }
    }

    /// An expression whose operators all bind at least as tightly as `minPrecedence`.
    func parseBinary(_ minPrecedence: Int) throws -> Expr {
        var left: Expr
        if minPrecedence <= Precedence.not && atKeyword("NOT") {
            let notToken = advance()
            try enter()
            let operand = try parseBinary(Precedence.not)
            depth -= 1
            if case .exists(let query, false, _) = operand {
                left = .exists(query, negated: true, notToken.location)
            } else {
                left = .unary(.not, operand, notToken.location)
            }
        } else {
            left = try parseUnary()
        }
        var sawComparison = false
        // Each operator applied deepens the tree by one level on the left: count it toward the nesting
        // limit, so that no expression tree (and no recursive walk over it) gets deeper than the limit.
        var applied = 0
        defer { depth -= applied }
        while let (precedence, op) = infixOperator(), precedence >= minPrecedence {
            let opToken = current
            if case .bitwise(let symbol) = op { throw notSupported("bitwise operator \(symbol)", at: opToken.location) }
            if precedence == Precedence.comparison {
                if sawComparison {
                    throw syntaxError("comparison operators do not associate: add parentheses around one comparison",
                                      at: opToken.location)
                }
                sawComparison = true
            }
            try enter()
            applied += 1
            if case .binary(let binary) = op {
                advance()
                // All binary operators are left-associative: the right operand binds tighter.
                let right = try parseBinary(precedence + 1)
                left = .binary(binary, left, right, left.location)
            } else {
                left = try parseKeywordComparison(left)
            }
        }
        return left
    }

    /// `a IS [NOT] DISTINCT FROM b`, written with the nodes it means: `IS NOT DISTINCT FROM` is
    /// `COALESCE(a = b, FALSE) OR (a IS NULL AND b IS NULL)` (never NULL); `IS DISTINCT FROM` its negation.
    static func isDistinctFrom(_ a: Expr, _ b: Expr, negated: Bool, _ l: SourceLocation) -> Expr {
        let equalOrFalse = Expr.function(name: "COALESCE", args: [.binary(.equal, a, b, l), .literal(.bool(false), l)],
                                         distinct: false, star: false, l)
        let bothNull = Expr.binary(.and, .isNull(a, negated: false, l), .isNull(b, negated: false, l), l)
        let notDistinct = Expr.binary(.or, equalOrFalse, bothNull, l)
        return negated ? notDistinct : .unary(.not, notDistinct, l)
    }

    /// `IS [NOT] NULL|TRUE|FALSE`, `IS [NOT] DISTINCT FROM`, `[NOT] LIKE p`, `[NOT] BETWEEN lo AND hi`, `[NOT] IN (...)` after `left`.
    func parseKeywordComparison(_ left: Expr) throws -> Expr {
        let location = left.location
        if acceptKeyword("IS") {
            let negated = acceptKeyword("NOT")
            let t = current
            if t.isKeyword("NULL") {
                advance()
                return .isNull(left, negated: negated, location)
            }
            if t.isKeyword("TRUE") || t.isKeyword("FALSE") {
                advance()
                return .isBool(left, value: t.upper == "TRUE", negated: negated, location)
            }
            if t.isKeyword("DISTINCT") {
                advance()
                try expectKeyword("FROM")
                let right = try parseBinary(Precedence.bitOr)
                return Parser.isDistinctFrom(left, right, negated: negated, location)
            }
            throw expected("NULL, TRUE or FALSE after IS")
        }
        let negated = acceptKeyword("NOT")
        let opToken = advance()
        switch opToken.upper {
        case "LIKE":
            for quantifier in ["ANY", "SOME", "ALL"] where atKeyword(quantifier) {
                throw notSupported("LIKE \(quantifier)", at: opToken.location)
            }
            let pattern = try parseBinary(Precedence.bitOr)
            return .like(left, pattern: pattern, negated: negated, location)
        case "BETWEEN":
            let low = try parseBinary(Precedence.bitOr)
            try expectKeyword("AND")
            let high = try parseBinary(Precedence.bitOr)
            return .between(left, low: low, high: high, negated: negated, location)
        default:  // IN
            if atKeyword("UNNEST") { throw notSupported("IN UNNEST", at: current.location) }
            try expectSymbol("(")
            if atKeyword("SELECT") || atKeyword("WITH") {
                let query = try parseQuery()
                try expectSymbol(")")
                return .inSubquery(left, query, negated: negated, location)
            }
            var list: [Expr] = []
            repeat {
                list.append(try parseExpression())
            } while acceptSymbol(",")
            try expectSymbol(")")
            return .inList(left, list, negated: negated, location)
        }
    }

    /// Unary `-`, `+` (`~` is not supported), then a primary with postfix operators. A `-` directly
    /// before a number is folded into a negative literal (so -9223372036854775808 is an INT64).
    func parseUnary() throws -> Expr {
        let t = current
        if t.kind == .symbol && (t.text == "-" || t.text == "+" || t.text == "~") {
            advance()
            if t.text == "~" { throw notSupported("bitwise operator ~", at: t.location) }
            let next = current
            if t.text == "-" && (next.kind == .integer || next.kind == .float) {
                advance()
                return try parsePostfix(try numberLiteral(next, negative: true, location: t.location))
            }
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return .unary(t.text == "-" ? .negate : .plus, operand, t.location)
        }
        return try parsePostfix(try parsePrimary())
    }

    /// Field access and array subscripts after a primary are not supported.
    func parsePostfix(_ expr: Expr) throws -> Expr {
        if atSymbol(".") {
            let next = peek()
            if next.isSymbol("*") { return expr }  // `expr.*` in a select list, rejected there
            if next.kind == .word || next.kind == .quotedIdentifier {
                throw notSupported("field access .\(next.text)", at: current.location)
            }
            throw expected("expression")
        }
        if atSymbol("[") { throw notSupported("array subscript [...]", at: current.location) }
        return expr
    }

    func parsePrimary() throws -> Expr {
        let t = current
        switch t.kind {
        case .integer, .float:
            advance()
            return try numberLiteral(t, negative: false, location: t.location)
        case .string:
            advance()
            return .literal(.string(t.text), t.location)
        case .bytes:
            throw notSupported("BYTES literal", at: t.location)
        case .namedParameter:
            advance()
            return .parameter(name: t.text, t.location)
        case .positionalParameter:
            advance()
            return .parameter(name: "?", t.location)
        case .systemVariable:
            throw notSupported("system variable @@\(t.text)", at: t.location)
        case .symbol:
            switch t.text {
            case "(": return try parseParenthesized()
            case "[": throw notSupported("array literal [...]", at: t.location)
            case "{": throw notSupported("JSON/PROTO literal {...}", at: t.location)
            default: throw expected("expression")
            }
        case .end:
            throw expected("expression")
        case .word, .quotedIdentifier:
            return try parseNamePrimary()
        }
    }

    /// `( query )` as a scalar subquery, or `( expr )`.
    func parseParenthesized() throws -> Expr {
        let open = advance()
        if atKeyword("SELECT") || atKeyword("WITH") {
            let query = try parseQuery()
            try expectSymbol(")")
            return .scalarSubquery(query, open.location)
        }
        let inner = try parseExpression()
        if atSymbol(",") { throw notSupported("STRUCT (tuple) constructor (a, b, ...)", at: open.location) }
        try expectSymbol(")")
        return inner
    }

    /// A primary starting with a word: literals spelled as keywords, CASE/CAST/EXTRACT/EXISTS,
    /// typed literals, function calls and column references. (Split in three to keep the stack frames
    /// on the recursive paths small.)
    func parseNamePrimary() throws -> Expr {
        let t = current
        if t.kind == .word {
            switch t.upper {
            case "CASE": return try parseCase()
            case "CAST": return try parseCast()
            case "EXTRACT": return try parseExtract()
            case "EXISTS": return try parseExists()
            default: if let e = try parseKeywordPrimary() { return e }
            }
        }
        return try parsePathPrimary()
    }

    /// A primary spelled with a keyword, or nil when the word at the current token is an ordinary name.
    func parseKeywordPrimary() throws -> Expr? {
        let t = current
        let next = peek()
        switch t.upper {
        case "NULL":
            advance()
            return .literal(.null, t.location)
        case "TRUE", "FALSE":
            advance()
            return .literal(.bool(t.upper == "TRUE"), t.location)
        case "SAFE_CAST" where next.isSymbol("("): return try parseCast()
        case "INTERVAL": throw notSupported("INTERVAL literal", at: t.location)
        case "ARRAY", "STRUCT", "UNNEST", "NEW", "RANGE":
            throw notSupported(t.upper, at: t.location)
        case "WITH" where next.isSymbol("("):
            throw notSupported("WITH expression", at: t.location)
        case "ANY", "SOME", "ALL":
            if next.isSymbol("(") { throw notSupported("\(t.upper) subquery comparison", at: t.location) }
        case "DATE", "TIMESTAMP":
            if next.kind == .string { return try parseTypedLiteral() }
        case "DATETIME", "TIME", "NUMERIC", "BIGNUMERIC", "DECIMAL", "BIGDECIMAL", "JSON":
            if next.kind == .string { throw notSupported("\(t.upper) literal", at: t.location) }
        case "CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_DATETIME", "CURRENT_TIME":
            if !next.isSymbol("(") && !next.isSymbol(".") {
                advance()
                return .function(name: t.upper, args: [], distinct: false, star: false, t.location)
            }
        default:
            break
        }
        if t.isReserved {
            if Keywords.reservedFunctions.contains(t.upper) && next.isSymbol("(") {
                advance()
                return try parseFunctionCall(name: t.upper, location: t.location)
            }
            throw expected("expression")
        }
        return nil
    }

    /// A path: `name`, `qualifier.name`, or the name of a function call.
    func parsePathPrimary() throws -> Expr {
        let location = current.location
        var parts = [advance().text]
        while atSymbol("."), peek().kind == .word || peek().kind == .quotedIdentifier {
            advance()
            parts.append(advance().text)
        }
        if atSymbol("(") {
            if parts.count == 2 && parts[0].uppercased() == "SAFE" { throw unsupportedPath("SAFE. prefix (SAFE.", parts[1], ")", location) }
            return try parseFunctionCall(name: parts.joined(separator: ".").uppercased(), location: location)
        }
        switch parts.count {
        case 1: return .column(qualifier: nil, name: parts[0], location)
        case 2: return .column(qualifier: parts[0], name: parts[1], location)
        default: throw unsupportedPath("field access ", parts.joined(separator: "."), "", location)
        }
    }

    @inline(never)
    func unsupportedPath(_ prefix: String, _ name: String, _ suffix: String, _ location: SourceLocation) -> QueryError {
        notSupported(prefix + (prefix.hasPrefix("SAFE") ? name.uppercased() : name) + suffix, at: location)
    }

    /// `CASE [operand] WHEN w THEN r ... [ELSE e] END`
    func parseCase() throws -> Expr {
        let caseToken = advance()
        var operand: Expr? = nil
        if atKeyword("END") { throw expected("WHEN") }
        if !atKeyword("WHEN") { operand = try parseExpression() }
        var whens: [CaseBranch] = []
        while acceptKeyword("WHEN") {
            let when = try parseExpression()
            try expectKeyword("THEN")
            let then = try parseExpression()
            whens.append(CaseBranch(when: when, then: then))
        }
        if whens.isEmpty { throw expected("WHEN") }
        var elseResult: Expr? = nil
        if acceptKeyword("ELSE") { elseResult = try parseExpression() }
        try expectKeyword("END")
        return .caseWhen(operand: operand, whens: whens, elseResult: elseResult, caseToken.location)
    }

    /// `[NOT] EXISTS ( query )` (NOT is folded in by `parseBinary`).
    func parseExists() throws -> Expr {
        let existsToken = advance()
        try expectSymbol("(")
        guard startsQuery() else { throw expected("a subquery (SELECT ...) after EXISTS (") }
        let query = try parseQuery()
        try expectSymbol(")")
        return .exists(query, negated: false, existsToken.location)
    }
}
