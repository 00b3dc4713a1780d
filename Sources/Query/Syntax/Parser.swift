/// Parses nq's subset of GoogleSQL (BigQuery's dialect) into the AST of `AST.swift`.
///
/// Errors are `QueryError.syntax` (with the location of the offending token; at the end of the input,
/// the location just past the last token) or `QueryError.notSupported` naming a construct GoogleSQL
/// has and nq does not run.
public enum SQLParser {
    /// Parses a script of statements separated by semicolons (a trailing semicolon is fine; an input
    /// of only whitespace and comments gives no statements).
    public static func parse(_ sql: String) throws -> [Statement] {
        let parser = try Parser(sql)
        return try parser.parseScript()
    }

    /// Parses exactly one statement (optionally followed by a semicolon).
    public static func parseStatement(_ sql: String) throws -> Statement {
        let parser = try Parser(sql)
        let statement = try parser.parseStatement()
        _ = parser.acceptSymbol(";")
        guard parser.current.kind == .end else { throw parser.expected("end of input") }
        return statement
    }
}

/// The recursive-descent parser over the token array. Expressions are in `Parser+Expressions.swift`,
/// queries in `Parser+Query.swift`, function-call forms in `Parser+Functions.swift`, literals in
/// `Parser+Literals.swift`.
final class Parser {
    let sql: String
    let tokens: [Token]
    var index = 0
    var depth = 0

    /// Deepest nesting of expressions, subqueries and parenthesized joins.
    static let maxDepth = 256

    init(_ sql: String) throws {
        self.sql = sql
        self.tokens = try Lexer.tokenize(sql)
    }

    // MARK: - Token cursor

    var current: Token { tokens[index] }

    func peek(_ n: Int = 1) -> Token { tokens[min(index + n, tokens.count - 1)] }

    @discardableResult
    func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    func atKeyword(_ k: String) -> Bool { current.isKeyword(k) }
    func atSymbol(_ s: String) -> Bool { current.isSymbol(s) }

    func acceptKeyword(_ k: String) -> Bool {
        guard current.isKeyword(k) else { return false }
        advance()
        return true
    }

    func acceptSymbol(_ s: String) -> Bool {
        guard current.isSymbol(s) else { return false }
        advance()
        return true
    }

    @discardableResult
    func expectKeyword(_ k: String) throws -> Token {
        guard current.isKeyword(k) else { throw expected(k) }
        return advance()
    }

    @discardableResult
    func expectSymbol(_ s: String) throws -> Token {
        guard current.isSymbol(s) else { throw expected("\"\(s)\"") }
        return advance()
    }

    // MARK: - Errors

    /// `expected <what>, found <current token>` at the current token.
    func expected(_ what: String) -> QueryError {
        syntaxError("expected \(what), found \(current.description)", at: current.location)
    }

    func syntaxError(_ message: String, at location: SourceLocation) -> QueryError {
        .syntax(message: message, location: location, sql: sql)
    }

    func notSupported(_ construct: String, at location: SourceLocation) -> QueryError {
        .notSupported(construct: construct, location: location, sql: sql)
    }

    /// Enters one nesting level; callers `defer { depth -= 1 }` after it returns.
    func enter() throws {
        guard depth < Parser.maxDepth else {
            throw syntaxError("expression nested too deeply (more than \(Parser.maxDepth) levels)", at: current.location)
        }
        depth += 1
    }

    // MARK: - Names

    /// An identifier (a non-reserved word or a backquoted name), as written.
    func parseIdentifier(_ what: String = "identifier") throws -> String {
        guard current.isIdentifier else { throw expected(what) }
        return advance().text
    }

    /// A table name: `name`, `dataset.table`, `` `project.dataset.table` `` (parts joined with dots).
    func parseTableName() throws -> String {
        var parts = [try parseIdentifier("table name")]
        while atSymbol("."), peek().kind == .word || peek().kind == .quotedIdentifier {
            advance()
            parts.append(advance().text)
        }
        return parts.joined(separator: ".")
    }

    /// `[AS] alias`: with AS an identifier must follow; without, only an identifier is taken.
    func parseOptionalAlias() throws -> String? {
        if acceptKeyword("AS") { return try parseIdentifier("alias") }
        if current.isIdentifier { return advance().text }
        return nil
    }

    // MARK: - Statements

    func parseScript() throws -> [Statement] {
        var statements: [Statement] = []
        while current.kind != .end {
            statements.append(try parseStatement())
            if current.kind == .end { break }
            guard acceptSymbol(";") else { throw expected("\";\" or end of input") }
        }
        return statements
    }

    func parseStatement() throws -> Statement {
        let t = current
        guard t.kind == .word else {
            if t.isSymbol("(") { return .query(try parseQuery()) }
            throw expected("a statement (SELECT, WITH, EXPLAIN, CREATE TABLE, DROP TABLE)")
        }
        switch t.upper {
        case "SELECT", "WITH":
            return .query(try parseQuery())
        case "EXPLAIN":
            advance()
            if current.isKeyword("ANALYZE") { throw notSupported("EXPLAIN ANALYZE", at: t.location) }
            return .explain(try parseQuery())
        case "CREATE":
            return try parseCreate()
        case "DROP":
            return try parseDrop()
        default:
            if Keywords.unsupportedStatements.contains(t.upper) {
                throw notSupported("\(t.upper) statement", at: t.location)
            }
            throw expected("a statement (SELECT, WITH, EXPLAIN, CREATE TABLE, DROP TABLE)")
        }
    }

    /// Words that qualify the object kind in CREATE/DROP (`CREATE MATERIALIZED VIEW`, `DROP SNAPSHOT TABLE`).
    static let objectModifiers: Set<String> = [
        "MATERIALIZED", "EXTERNAL", "SNAPSHOT", "TEMP", "TEMPORARY", "SEARCH", "VECTOR", "ROW", "AGGREGATE", "PUBLIC", "PRIVATE",
    ]

    /// The object kind named after CREATE/DROP, for "not supported" messages: `VIEW`, `TEMP TABLE`.
    func objectKindName() -> String {
        var words: [String] = []
        var i = 0
        while peek(i).kind == .word && words.count < 3 {
            let w = peek(i).upper
            words.append(w)
            guard Parser.objectModifiers.contains(w) else { break }
            i += 1
        }
        return words.joined(separator: " ")
    }

    func parseCreate() throws -> Statement {
        let create = advance()
        var orReplace = false
        if acceptKeyword("OR") {
            try expectKeyword("REPLACE")
            orReplace = true
        }
        guard atKeyword("TABLE") else {
            let kind = objectKindName()
            if kind.isEmpty { throw expected("TABLE") }
            throw notSupported("CREATE \(kind)", at: create.location)
        }
        advance()
        var ifNotExists = false
        if atKeyword("IF") {
            let ifToken = advance()
            try expectKeyword("NOT")
            try expectKeyword("EXISTS")
            if orReplace {
                throw syntaxError("CREATE OR REPLACE and IF NOT EXISTS cannot be used together", at: ifToken.location)
            }
            ifNotExists = true
        }
        let name = try parseTableName()
        if atSymbol("(") { throw notSupported("CREATE TABLE with a column list", at: current.location) }
        for clause in ["LIKE", "COPY", "CLONE"] where atKeyword(clause) {
            throw notSupported("CREATE TABLE \(clause)", at: current.location)
        }
        if atKeyword("DEFAULT") { throw notSupported("CREATE TABLE DEFAULT COLLATE", at: current.location) }
        if atKeyword("PARTITION") || atKeyword("CLUSTER") || atKeyword("OPTIONS") {
            throw notSupported("CREATE TABLE \(current.upper)\(atKeyword("OPTIONS") ? "" : " BY")", at: current.location)
        }
        guard atKeyword("AS") else {
            if current.kind == .end || atSymbol(";") { throw notSupported("CREATE TABLE without AS query", at: create.location) }
            throw expected("AS")
        }
        advance()
        let query = try parseQuery()
        return .createTableAs(name: name, query: query, orReplace: orReplace, ifNotExists: ifNotExists)
    }

    func parseDrop() throws -> Statement {
        let drop = advance()
        guard atKeyword("TABLE") else {
            let kind = objectKindName()
            if kind.isEmpty { throw expected("TABLE") }
            throw notSupported("DROP \(kind)", at: drop.location)
        }
        advance()
        var ifExists = false
        if acceptKeyword("IF") {
            try expectKeyword("EXISTS")
            ifExists = true
        }
        let name = try parseTableName()
        return .dropTable(name: name, ifExists: ifExists)
    }
}
