/// The kinds of token the lexer produces.
enum TokenKind: Sendable, Equatable {
    /// An unquoted word: a keyword or an identifier (`text` as written, `upper` upper-cased).
    case word
    /// A backquoted identifier; `text` is the unescaped name.
    case quotedIdentifier
    /// A string literal ('…', "…", '''…''', r'…'); `text` is the decoded value.
    case string
    /// A bytes literal (b'…'): recognized so the parser can reject it by name.
    case bytes
    /// An integer literal as written (`123`, `0x1F`); converted (and range-checked) by the parser.
    case integer
    /// A floating-point literal as written (`1.5`, `.5`, `1e3`).
    case float
    /// `@name`; `text` is the name without `@`.
    case namedParameter
    /// `?`
    case positionalParameter
    /// `@@name`; `text` is the name without `@@`.
    case systemVariable
    /// Punctuation or an operator; `text` is the symbol (`(`, `<=`, `||`, ...).
    case symbol
    /// End of input; located just past the last token.
    case end
}

/// One token with its place in the SQL text. A class, so that the recursive-descent functions copy
/// a reference rather than the whole token: it keeps their stack frames, and so the stack needed for
/// the deepest nesting allowed, small.
final class Token: Sendable {
    let kind: TokenKind
    let text: String
    /// `text` upper-cased for `.word` tokens (keyword matching is case-insensitive); `text` otherwise.
    let upper: String
    let location: SourceLocation
    /// UTF-8 offset just past the token.
    let end: Int

    init(kind: TokenKind, text: String, location: SourceLocation, end: Int) {
        self.kind = kind
        self.text = text
        self.upper = kind == .word ? text.uppercased() : text
        self.location = location
        self.end = end
    }

    /// A reserved keyword of GoogleSQL (cannot be an unquoted identifier).
    var isReserved: Bool { kind == .word && Keywords.reserved.contains(upper) }

    /// An identifier: a non-reserved word or a backquoted name.
    var isIdentifier: Bool { kind == .quotedIdentifier || (kind == .word && !Keywords.reserved.contains(upper)) }

    func isKeyword(_ k: String) -> Bool { kind == .word && upper == k }
    func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }

    /// How error messages name this token: `keyword FROM`, `identifier foo`, `"("`, `end of input`.
    var description: String {
        switch kind {
        case .word: return isReserved ? "keyword \(upper)" : "identifier \(Token.clip(text))"
        case .quotedIdentifier: return "identifier `\(Token.clip(text))`"
        case .string: return "string '\(Token.clip(text))'"
        case .bytes: return "bytes literal"
        case .integer, .float: return "number \(Token.clip(text))"
        case .namedParameter: return "parameter @\(Token.clip(text))"
        case .positionalParameter: return "parameter ?"
        case .systemVariable: return "system variable @@\(Token.clip(text))"
        case .symbol: return "\"\(text)\""
        case .end: return "end of input"
        }
    }

    static func clip(_ s: String) -> String {
        var out = s.count > 24 ? String(s.prefix(24)) + "…" : s
        out = out.replacingNewlines()
        return out
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        guard contains(where: { $0.isNewline }) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }
}

enum Keywords {
    /// GoogleSQL's reserved keywords.
    static let reserved: Set<String> = [
        "ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "ASSERT_ROWS_MODIFIED", "AT", "BETWEEN", "BY", "CASE", "CAST",
        "COLLATE", "CONTAINS", "CREATE", "CROSS", "CUBE", "CURRENT", "DEFAULT", "DEFINE", "DESC", "DISTINCT", "ELSE",
        "END", "ENUM", "ESCAPE", "EXCEPT", "EXCLUDE", "EXISTS", "EXTRACT", "FALSE", "FETCH", "FOLLOWING", "FOR", "FROM",
        "FULL", "GROUP", "GROUPING", "GROUPS", "HASH", "HAVING", "IF", "IGNORE", "IN", "INNER", "INTERSECT", "INTERVAL",
        "INTO", "IS", "JOIN", "LATERAL", "LEFT", "LIKE", "LIMIT", "LOOKUP", "MERGE", "NATURAL", "NEW", "NO", "NOT",
        "NULL", "NULLS", "OF", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PRECEDING", "PROTO", "QUALIFY",
        "RANGE", "RECURSIVE", "RESPECT", "RIGHT", "ROLLUP", "ROWS", "SELECT", "SET", "SOME", "STRUCT", "TABLESAMPLE",
        "THEN", "TO", "TREAT", "TRUE", "UNBOUNDED", "UNION", "UNNEST", "USING", "WHEN", "WHERE", "WINDOW", "WITH",
        "WITHIN",
    ]

    /// Reserved words that are also function names (`IF(c, a, b)`, `LEFT(s, n)`, `RIGHT(s, n)`).
    static let reservedFunctions: Set<String> = ["IF", "LEFT", "RIGHT", "GROUPING"]

    /// Statements GoogleSQL has and nq does not run, rejected as "not supported" by name.
    static let unsupportedStatements: Set<String> = [
        "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "ALTER", "DECLARE", "SET", "BEGIN", "COMMIT", "ROLLBACK",
        "CALL", "EXECUTE", "GRANT", "REVOKE", "EXPORT", "LOAD", "ASSERT", "IF", "LOOP", "WHILE", "REPEAT", "FOR",
        "RAISE", "RETURN", "DESCRIBE", "SHOW", "UNDROP", "START", "BREAK", "LEAVE", "CONTINUE", "ITERATE", "CASE",
    ]
}
