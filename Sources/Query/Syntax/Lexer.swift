/// Splits GoogleSQL text into tokens, following BigQuery's lexical rules: case-insensitive keywords,
/// backquoted identifiers, '…' "…" '''…''' """…""" strings with backslash escapes, raw (r'…') and
/// bytes (b'…') prefixes, decimal and hex integers, floats (`1.5`, `.5`, `1e3`), `@name` and `?`
/// parameters, and `--`, `#` and `/* */` comments.
///
/// Locations: 1-based line, 1-based column counted in `Character`s of the line, UTF-8 offset.
struct Lexer {
    let sql: String
    let bytes: [UInt8]
    var pos = 0
    var line = 1
    var lineStart = 0
    // Memo for column counting: the column of `memoOffset` (on the current line).
    var memoOffset = 0
    var memoColumn = 1
    var tokens: [Token] = []
    var lastEnd: SourceLocation = SourceLocation(line: 1, column: 1, offset: 0)

    init(_ sql: String) {
        self.sql = sql
        self.bytes = Array(sql.utf8)
    }

    /// All tokens of `sql`, ending with one `.end` token.
    static func tokenize(_ sql: String) throws -> [Token] {
        var lexer = Lexer(sql)
        try lexer.run()
        return lexer.tokens
    }

    mutating func run() throws {
        // A byte-order mark at the start is not part of the text; columns count from after it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            pos = 3
            lineStart = 3
            memoOffset = 3
            lastEnd = SourceLocation(line: 1, column: 1, offset: 3)
        }
        while true {
            try skipWhitespaceAndComments()
            guard pos < bytes.count else { break }
            let start = pos
            let location = self.location(start)
            let (kind, text) = try scanToken(location)
            tokens.append(Token(kind: kind, text: text, location: location, end: pos))
            lastEnd = self.location(pos)
        }
        tokens.append(Token(kind: .end, text: "", location: lastEnd, end: lastEnd.offset))
    }

    // MARK: - Positions

    /// The location of `offset`, which must lie on the current line at or after the last located offset
    /// (or anywhere on the current line, recounting from its start).
    mutating func location(_ offset: Int) -> SourceLocation {
        if memoOffset < lineStart || memoOffset > offset {
            memoOffset = lineStart
            memoColumn = 1
        }
        if offset > memoOffset {
            memoColumn += String(decoding: bytes[memoOffset..<offset], as: UTF8.self).count
            memoOffset = offset
        }
        return SourceLocation(line: line, column: memoColumn, offset: offset)
    }

    mutating func error(_ message: String, at offset: Int) -> QueryError {
        .syntax(message: message, location: location(offset), sql: sql)
    }

    func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    mutating func newline(at i: Int) {
        line += 1
        lineStart = i + 1
    }

    // MARK: - Whitespace and comments

    mutating func skipWhitespaceAndComments() throws {
        while pos < bytes.count {
            let b = bytes[pos]
            switch b {
            case 0x0A:
                newline(at: pos)
                pos += 1
            case 0x20, 0x09, 0x0D, 0x0B, 0x0C:
                pos += 1
            case UInt8(ascii: "#"):
                skipLineComment()
            case UInt8(ascii: "-") where byte(pos + 1) == UInt8(ascii: "-"):
                skipLineComment()
            case UInt8(ascii: "/") where byte(pos + 1) == UInt8(ascii: "*"):
                let start = pos
                let startLocation = location(start)
                pos += 2
                var closed = false
                while pos < bytes.count {
                    if bytes[pos] == UInt8(ascii: "*") && byte(pos + 1) == UInt8(ascii: "/") {
                        pos += 2
                        closed = true
                        break
                    }
                    if bytes[pos] == 0x0A { newline(at: pos) }
                    pos += 1
                }
                if !closed {
                    throw QueryError.syntax(message: "unterminated comment: expected */, found end of input",
                                            location: startLocation, sql: sql)
                }
            default:
                return
            }
        }
    }

    mutating func skipLineComment() {
        while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 }
    }

    // MARK: - Tokens

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }
    static func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    /// Whether a `.` here may start a number: not right after something a field name could follow.
    var dotMayStartNumber: Bool {
        guard let last = tokens.last, last.end == pos else { return true }
        switch last.kind {
        case .word, .quotedIdentifier: return false
        case .symbol: return !(last.text == ")" || last.text == "]")
        default: return true
        }
    }

    mutating func scanToken(_ location: SourceLocation) throws -> (TokenKind, String) {
        let b = bytes[pos]
        if Lexer.isIdentifierStart(b) {
            let start = pos
            while pos < bytes.count && Lexer.isIdentifierPart(bytes[pos]) { pos += 1 }
            let word = String(decoding: bytes[start..<pos], as: UTF8.self)
            if let q = byte(pos), q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") {
                switch word.lowercased() {
                case "r": return (.string, try scanString(raw: true, bytes: false, location))
                case "b": return (.bytes, try scanString(raw: false, bytes: true, location))
                case "rb", "br": return (.bytes, try scanString(raw: true, bytes: true, location))
                default: break
                }
            }
            return (.word, word)
        }
        if Lexer.isDigit(b) || (b == UInt8(ascii: ".") && byte(pos + 1).map(Lexer.isDigit) == true && dotMayStartNumber) {
            return try scanNumber()
        }
        switch b {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return (.string, try scanString(raw: false, bytes: false, location))
        case UInt8(ascii: "`"):
            return (.quotedIdentifier, try scanQuotedIdentifier(location))
        case UInt8(ascii: "?"):
            pos += 1
            return (.positionalParameter, "?")
        case UInt8(ascii: "@"):
            return try scanParameter()
        default:
            return try scanSymbol()
        }
    }

    static let twoCharSymbols: Set<String> = ["!=", "<>", "<=", ">=", "||", "<<", ">>", "->", "=>"]
    static let oneCharSymbols: Set<UInt8> = Set("(),.;*+-/=<>|^&~[]{}:".utf8)

    mutating func scanSymbol() throws -> (TokenKind, String) {
        if let next = byte(pos + 1) {
            let two = String(decoding: [bytes[pos], next], as: UTF8.self)
            if Lexer.twoCharSymbols.contains(two) {
                pos += 2
                return (.symbol, two)
            }
        }
        let b = bytes[pos]
        if Lexer.oneCharSymbols.contains(b) {
            pos += 1
            return (.symbol, String(UnicodeScalar(b)))
        }
        throw error("unexpected character \(describeCharacter(at: pos))", at: pos)
    }

    func describeCharacter(at i: Int) -> String {
        var end = i + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        let s = String(decoding: bytes[i..<end], as: UTF8.self)
        if let scalar = s.unicodeScalars.first, scalar.value < 0x20 || scalar.value == 0x7F {
            return "U+" + String(scalar.value, radix: 16, uppercase: true)
        }
        return "'\(s)'"
    }

    mutating func scanParameter() throws -> (TokenKind, String) {
        let start = pos
        pos += 1
        var kind = TokenKind.namedParameter
        if byte(pos) == UInt8(ascii: "@") {
            kind = .systemVariable
            pos += 1
        }
        if byte(pos) == UInt8(ascii: "`") {
            let location = self.location(pos)
            return (kind, try scanQuotedIdentifier(location))
        }
        guard let b = byte(pos), Lexer.isIdentifierStart(b) else {
            throw error("expected a parameter name after @", at: start)
        }
        let nameStart = pos
        while pos < bytes.count && Lexer.isIdentifierPart(bytes[pos]) { pos += 1 }
        return (kind, String(decoding: bytes[nameStart..<pos], as: UTF8.self))
    }

    mutating func scanNumber() throws -> (TokenKind, String) {
        let start = pos
        var kind = TokenKind.integer
        if bytes[pos] == UInt8(ascii: "0"), let x = byte(pos + 1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            pos += 2
            let digits = pos
            while pos < bytes.count && Lexer.isHexDigit(bytes[pos]) { pos += 1 }
            if pos == digits { throw error("invalid hexadecimal literal: expected hex digits after 0x", at: start) }
        } else {
            while pos < bytes.count && Lexer.isDigit(bytes[pos]) { pos += 1 }
            if byte(pos) == UInt8(ascii: ".") {
                kind = .float
                pos += 1
                while pos < bytes.count && Lexer.isDigit(bytes[pos]) { pos += 1 }
            }
            if let e = byte(pos), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                kind = .float
                pos += 1
                if let sign = byte(pos), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { pos += 1 }
                let digits = pos
                while pos < bytes.count && Lexer.isDigit(bytes[pos]) { pos += 1 }
                if pos == digits { throw error("invalid number: expected digits in the exponent", at: start) }
            }
        }
        if let b = byte(pos), Lexer.isIdentifierPart(b) || b == UInt8(ascii: ".") && kind == .float {
            throw error("expected whitespace after the number \(String(decoding: bytes[start..<pos], as: UTF8.self))", at: pos)
        }
        return (kind, String(decoding: bytes[start..<pos], as: UTF8.self))
    }

    // MARK: - Strings and quoted identifiers

    /// Scans a string literal at `pos` (after any prefix) and returns its value. With `bytes`, the
    /// content need not be UTF-8 (the value is then only used for an error message).
    mutating func scanString(raw: Bool, bytes isBytes: Bool, _ location: SourceLocation) throws -> String {
        let quote = bytes[pos]
        let triple = byte(pos + 1) == quote && byte(pos + 2) == quote
        pos += triple ? 3 : 1
        var value: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                throw QueryError.syntax(message: "unterminated string literal", location: location, sql: sql)
            }
            let b = bytes[pos]
            if b == quote {
                if !triple {
                    pos += 1
                    break
                }
                if byte(pos + 1) == quote && byte(pos + 2) == quote {
                    pos += 3
                    break
                }
            }
            if b == 0x0A {
                if !triple {
                    throw QueryError.syntax(message: "unterminated string literal (a newline needs a triple-quoted string)",
                                            location: location, sql: sql)
                }
                newline(at: pos)
            }
            if b == UInt8(ascii: "\\") {
                if raw {
                    // A backslash keeps the next character, which then cannot end the string.
                    value.append(b)
                    pos += 1
                    if let next = byte(pos), next != 0x0A || triple {
                        if next == 0x0A { newline(at: pos) }
                        value.append(next)
                        pos += 1
                    }
                    continue
                }
                try scanEscape(into: &value)
                continue
            }
            value.append(b)
            pos += 1
        }
        if isBytes { return String(decoding: value, as: UTF8.self) }
        guard let s = String(validating: value, as: UTF8.self) else {
            throw QueryError.syntax(message: "string literal is not valid UTF-8", location: location, sql: sql)
        }
        return s
    }

    /// Decodes the escape sequence at `pos` (a backslash) into `value`.
    mutating func scanEscape(into value: inout [UInt8]) throws {
        let start = pos
        guard let c = byte(pos + 1), c != 0x0A else { throw error("invalid escape sequence at the end of a line", at: start) }
        pos += 2
        switch c {
        case UInt8(ascii: "a"): value.append(0x07)
        case UInt8(ascii: "b"): value.append(0x08)
        case UInt8(ascii: "f"): value.append(0x0C)
        case UInt8(ascii: "n"): value.append(0x0A)
        case UInt8(ascii: "r"): value.append(0x0D)
        case UInt8(ascii: "t"): value.append(0x09)
        case UInt8(ascii: "v"): value.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            value.append(c)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            // Exactly three octal digits, at most \377.
            var v = 0
            for i in 0..<3 {
                guard let d = byte(start + 1 + i), d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else {
                    throw error("invalid octal escape: expected three octal digits", at: start)
                }
                v = v * 8 + Int(d - UInt8(ascii: "0"))
            }
            guard v <= 0xFF else { throw error("invalid octal escape: value above \\377", at: start) }
            pos = start + 4
            value.append(UInt8(v))
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            let v = try hexValue(digits: 2, at: start + 2, escapeStart: start)
            value.append(UInt8(v))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            let v = try hexValue(digits: count, at: start + 2, escapeStart: start)
            guard let scalar = UInt32(exactly: v).flatMap(Unicode.Scalar.init) else {
                throw error("invalid Unicode escape: not a Unicode scalar value", at: start)
            }
            value.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw error("invalid escape sequence \\\(String(decoding: [c], as: UTF8.self))", at: start)
        }
    }

    mutating func hexValue(digits: Int, at i: Int, escapeStart: Int) throws -> Int {
        var v = 0
        for k in 0..<digits {
            guard let d = byte(i + k), Lexer.isHexDigit(d) else {
                throw error("invalid escape: expected \(digits) hex digits", at: escapeStart)
            }
            v = v * 16 + Int(d <= 0x39 ? d - 0x30 : (d | 0x20) - 0x61 + 10)
        }
        pos = i + digits
        return v
    }

    mutating func scanQuotedIdentifier(_ location: SourceLocation) throws -> String {
        pos += 1
        var value: [UInt8] = []
        while true {
            guard pos < bytes.count, bytes[pos] != 0x0A else {
                throw QueryError.syntax(message: "unterminated quoted identifier", location: location, sql: sql)
            }
            let b = bytes[pos]
            if b == UInt8(ascii: "`") {
                pos += 1
                break
            }
            if b == UInt8(ascii: "\\") {
                try scanEscape(into: &value)
                continue
            }
            value.append(b)
            pos += 1
        }
        guard !value.isEmpty else {
            throw QueryError.syntax(message: "empty quoted identifier", location: location, sql: sql)
        }
        guard let s = String(validating: value, as: UTF8.self) else {
            throw QueryError.syntax(message: "quoted identifier is not valid UTF-8", location: location, sql: sql)
        }
        return s
    }
}
