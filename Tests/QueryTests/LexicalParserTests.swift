import Testing
@testable import Query

/// The lexer: token kinds, comments, and locations (line, column in characters, UTF-8 offset).
@Suite struct LexicalParserTests: ParserTesting {
    func tokens(_ sql: String) throws -> [(TokenKind, String)] {
        try Lexer.tokenize(sql).map { ($0.kind, $0.text) }
    }

    @Test func wordsSymbolsNumbersStringsAndParametersAreTokens() throws {
        let t = try tokens("SELECT a.b, `x y`, 'é', 12, 1.5, @p, ?, @@v, <> != <= >= || -> => ( ) ;")
        let expected: [(TokenKind, String)] = [
            (.word, "SELECT"), (.word, "a"), (.symbol, "."), (.word, "b"), (.symbol, ","), (.quotedIdentifier, "x y"), (.symbol, ","),
            (.string, "é"), (.symbol, ","), (.integer, "12"), (.symbol, ","), (.float, "1.5"), (.symbol, ","),
            (.namedParameter, "p"), (.symbol, ","), (.positionalParameter, "?"), (.symbol, ","), (.systemVariable, "v"), (.symbol, ","),
            (.symbol, "<>"), (.symbol, "!="), (.symbol, "<="), (.symbol, ">="), (.symbol, "||"), (.symbol, "->"), (.symbol, "=>"),
            (.symbol, "("), (.symbol, ")"), (.symbol, ";"), (.end, ""),
        ]
        #expect(t.map(\.0) == expected.map(\.0))
        #expect(t.map(\.1) == expected.map(\.1))
    }

    @Test func allThreeCommentStylesAreSkipped() throws {
        let t = try tokens("a -- line\n# hash\nb /* block\n spanning */ c--end")
        #expect(t.map(\.1) == ["a", "b", "c", ""])
    }

    @Test func aDotAfterANameIsFieldAccessNotAFraction() throws {
        #expect(try tokens("t.5").map(\.0) == [.word, .symbol, .integer, .end])
        #expect(try tokens("x + .5").map(\.0) == [.word, .symbol, .float, .end])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let sql = "SELECT 'héllo', 😀x"
        let error = syntaxError(sql)
        #expect(error?.column == 17)
        #expect(error?.message == "unexpected character '😀'")
        let toks = try Lexer.tokenize("SELECT 'é', b")
        #expect(toks[3].location == SourceLocation(line: 1, column: 13, offset: 13))
    }

    @Test func linesAdvanceInsideBlockCommentsAndTripleQuotedStrings() throws {
        let toks = try Lexer.tokenize("a /* 1\n2 */ '''x\ny\nz''' b\n  c")
        #expect(toks.map(\.location.line) == [1, 2, 4, 5, 5])
        #expect(toks[2].location == SourceLocation(line: 4, column: 6, offset: 24))
        #expect(toks[3].location == SourceLocation(line: 5, column: 3, offset: 28))
        // The end token sits just past the last token, not after trailing space and comments.
        #expect(toks[4].kind == .end && toks[4].location == SourceLocation(line: 5, column: 4, offset: 29))
    }

    @Test func crlfLineEndsCountAsOneLineBreak() throws {
        let toks = try Lexer.tokenize("a\r\nb\r\n  c")
        #expect(toks.map(\.location.line) == [1, 2, 3, 3])
        #expect(toks[2].location.column == 3)
    }

    @Test func aLeadingByteOrderMarkIsSkipped() throws {
        let toks = try Lexer.tokenize("\u{FEFF}SELECT 1")
        #expect(toks.map(\.text) == ["SELECT", "1", ""])
        #expect(toks[0].location == SourceLocation(line: 1, column: 1, offset: 3))
    }

    @Test func keywordsAreCaseInsensitiveAndIdentifiersKeepTheirCase() throws {
        #expect(try parseQuery("sElEcT Foo FrOm Bar") == .of(.make(.item(.col("Foo")), from: .table("Bar"))))
    }

    @Test func anEmptyOrBlankInputHasOnlyTheEndToken() throws {
        #expect(try Lexer.tokenize("").map(\.kind) == [.end])
        let toks = try Lexer.tokenize("\n\n  -- x")
        #expect(toks.map(\.kind) == [.end])
        #expect(toks[0].location == SourceLocation(line: 1, column: 1, offset: 0))
    }
}
