import Foundation
import Testing
@testable import Ingest

/// A record copied out of the parser callback.
struct ParsedCSVRecord: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    var quoted: [Bool]
    var raw: String

    var description: String { "\(line): \(fields) quoted=\(quoted) raw=\(raw.debugDescription)" }
}

/// Parses bytes sequentially; returns the records and the error, if any.
func parseCSV(_ bytes: [UInt8], firstLine: Int = 1) -> (records: [ParsedCSVRecord], error: CSVError?) {
    var records: [ParsedCSVRecord] = []
    var error: CSVError?
    bytes.withUnsafeBytes { buffer in
        do {
            try CSVParser.forEachRecord(in: buffer, firstLine: firstLine) { r in
                records.append(ParsedCSVRecord(
                    line: r.lineNumber, fields: r.strings, quoted: (0..<r.fieldCount).map { r.fieldIsQuoted($0) },
                    raw: String(decoding: r.rawLine, as: UTF8.self)))
            }
        } catch let e as CSVError {
            error = e
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
    return (records, error)
}

func parseCSV(_ text: String, firstLine: Int = 1) -> (records: [ParsedCSVRecord], error: CSVError?) {
    parseCSV(Array(text.utf8), firstLine: firstLine)
}

/// Splits into `chunks` ranges and parses them one after another, as the parallel loader would.
func parseCSVChunked(_ bytes: [UInt8], chunks: Int, firstLine: Int = 1)
    -> (records: [ParsedCSVRecord], error: CSVError?, ranges: [(range: Range<Int>, firstLine: Int)])
{
    bytes.withUnsafeBytes { buffer in
        let ranges = CSVChunker.split(buffer, into: chunks, firstLine: firstLine)
        var records: [ParsedCSVRecord] = []
        for (range, line) in ranges {
            let part = parseCSV(Array(buffer[range]), firstLine: line)
            records += part.records
            if let error = part.error { return (records, error, ranges) }
        }
        return (records, nil, ranges)
    }
}

/// SplitMix64: a tiny seeded generator so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct CSVParserTests {
    // MARK: RFC 4180 and dialect cases

    static let dialectCases: [(String, String, [[String]])] = [
        ("simple rows", "a,b,c\n1,2,3\n", [["a", "b", "c"], ["1", "2", "3"]]),
        ("CRLF line endings", "a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]]),
        ("last line without newline", "a,b\n1,2", [["a", "b"], ["1", "2"]]),
        ("last line without newline after CRLF rows", "a\r\nb", [["a"], ["b"]]),
        ("quoted field with commas", "\"a,b\",c\n", [["a,b", "c"]]),
        ("doubled quotes unescape", "\"he said \"\"hi\"\"\",x\n", [["he said \"hi\"", "x"]]),
        ("a field that is only an escaped quote", "\"\"\"\"\n", [["\""]]),
        ("empty middle field", "a,,b\n", [["a", "", "b"]]),
        ("trailing empty field", "a,b,\n", [["a", "b", ""]]),
        ("trailing empty field at end of input", "a,b,", [["a", "b", ""]]),
        ("trailing empty field before CRLF", "a,b,\r\n", [["a", "b", ""]]),
        ("a line of commas", ",,\n", [["", "", ""]]),
        ("quoted empty string", "\"\",x\n", [["", "x"]]),
        ("quoted empty string at end of input", "a,\"\"", [["a", ""]]),
        ("blank lines are skipped", "a\n\nb\n\r\n\n c\n", [["a"], ["b"], [" c"]]),
        ("leading blank lines are skipped", "\n\r\na\n", [["a"]]),
        ("a line of spaces is a record", " \n", [[" "]]),
        ("quoted newline", "\"a\nb\",c\nd,e\n", [["a\nb", "c"], ["d", "e"]]),
        ("quoted CRLF is kept", "\"a\r\nb\"\r\nc\r\n", [["a\r\nb"], ["c"]]),
        ("lone CR inside quotes is kept", "\"a\rb\",c\n", [["a\rb", "c"]]),
        ("lone CR outside quotes is data", "a\rb,c\n", [["a\rb", "c"]]),
        ("lone CR at the end of input is data", "a,b\r", [["a", "b\r"]]),
        ("stray quote inside an unquoted field is literal", "ab\"c,d\n", [["ab\"c", "d"]]),
        ("stray quotes do not open quoting", "a\"b,c\"d\ne,f\n", [["a\"b", "c\"d"], ["e", "f"]]),
        ("text after a closing quote is appended", "\"ab\"c,d\n", [["abc", "d"]]),
        ("text after a closing quote keeps later quotes", "\"ab\"c\"d,e\n", [["abc\"d", "e"]]),
        ("text after closing quote before CRLF", "\"ab\" \r\nx\r\n", [["ab "], ["x"]]),
        ("quoted field followed by CRLF", "\"a\"\r\nb\r\n", [["a"], ["b"]]),
        ("unquoted and quoted mixed", "1,\"two, 2\",3,\"\",,\"x\"\"y\"\n", [["1", "two, 2", "3", "", "", "x\"y"]]),
        ("single field", "x", [["x"]]),
        ("empty input", "", []),
        ("only a newline", "\n", []),
        ("only CRLF", "\r\n", []),
        ("UTF-8 passes through", "café,\"naïve, 日本\"\n", [["café", "naïve, 日本"]]),
    ]

    @Test("parses RFC 4180 and dialect edge cases into the expected fields", arguments: dialectCases)
    func parsesDialectCases(name: String, input: String, expected: [[String]]) {
        let (records, error) = parseCSV(input)
        #expect(error == nil, "\(name)")
        #expect(records.map(\.fields) == expected, "\(name)")
    }

    @Test("marks exactly the quoted fields as quoted")
    func marksQuotedFields() {
        let (records, _) = parseCSV("a,\"b\",,\"\",\"e\"\"\"x\n")
        #expect(records.map(\.quoted) == [[false, true, false, true, true]])
    }

    @Test("counts physical lines, including newlines inside quotes and skipped blank lines")
    func countsPhysicalLines() {
        let input = "h\n\"x\ny\nz\",1\n\n\"q\"\r\n\"multi\r\nline\",2\nlast"
        let (records, error) = parseCSV(input)
        #expect(error == nil)
        #expect(records.map(\.line) == [1, 2, 6, 7, 9])
        #expect(records.map { $0.fields[0] } == ["h", "x\ny\nz", "q", "multi\r\nline", "last"])
    }

    @Test("starts counting lines at firstLine")
    func startsAtFirstLine() {
        let (records, _) = parseCSV("a\n\"b\nc\"\nd\n", firstLine: 100)
        #expect(records.map(\.line) == [100, 101, 103])
    }

    @Test("rawLine is the record's bytes without its final line ending, across lines")
    func rawLineSpansRecord() {
        let (records, _) = parseCSV("a,\"b,c\"\r\n\"x\ny\",1\nlast,\"q\"\"\"\r\nz\r")
        #expect(records.map(\.raw) == ["a,\"b,c\"", "\"x\ny\",1", "last,\"q\"\"\"", "z\r"])
    }

    static let unterminatedCases: [(String, Int, Int)] = [
        ("a,b\n\"c,d\ne\n", 2, 1),
        ("\"a\nb\",c\nx,\"yy\n", 3, 1),
        ("\"", 1, 0),
        ("a,\"b\"\"", 1, 0),
        ("x\ny\n\n\"open", 4, 2),
    ]

    @Test("an unterminated quoted field throws a CSVError naming the line where it starts",
          arguments: unterminatedCases)
    func unterminatedQuoteThrows(input: String, line: Int, recordsBefore: Int) {
        let (records, error) = parseCSV(input)
        #expect(error?.line == line)
        #expect(error?.message == "unterminated quoted field starting at line \(line)")
        #expect(error?.description == "line \(line): unterminated quoted field starting at line \(line)")
        #expect(records.count == recordsBefore)
    }

    @Test("skipBOM reports the UTF-8 byte-order mark and parsing after it gives clean headers")
    func skipsBOM() {
        let withBOM: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\r\n1,x\r\n".utf8)
        withBOM.withUnsafeBytes { buffer in
            let offset = CSVParser.skipBOM(buffer)
            #expect(offset == 3)
            let (records, _) = parseCSV(Array(buffer[offset...]))
            #expect(records.map(\.fields) == [["id", "name"], ["1", "x"]])
        }
        for bytes: [UInt8] in [Array("id".utf8), [0xEF, 0xBB], [], [0xEF, 0xBB, 0xBE]] {
            #expect(bytes.withUnsafeBytes { CSVParser.skipBOM($0) } == 0)
        }
    }

    @Test("handles records wider than the initial field table and long escaped fields")
    func growsTables() {
        let wide = (0..<300).map { "f\($0)" }
        let longEscaped = String(repeating: "ab\"\"", count: 500)
        let input = wide.joined(separator: ",") + "\n\"" + longEscaped + "\",\"" + longEscaped + "\"x\n"
        let (records, error) = parseCSV(input)
        #expect(error == nil)
        #expect(records.count == 2)
        #expect(records.first?.fields == wide)
        let unescaped = String(repeating: "ab\"", count: 500)
        #expect(records.last?.fields == [unescaped, unescaped + "x"])
    }

    @Test("withField and field(_:) give the same unescaped bytes")
    func withFieldMatchesField() throws {
        let bytes = Array("plain,\"q\"\"uoted\"\n".utf8)
        try bytes.withUnsafeBytes { buffer in
            try CSVParser.forEachRecord(in: buffer, firstLine: 1) { r in
                #expect(r.fieldCount == 2)
                #expect(r.withField(0) { Array($0) } == Array("plain".utf8))
                #expect(r.withField(1) { Array($0) } == Array("q\"uoted".utf8))
                #expect(Array(r.field(1)) == Array("q\"uoted".utf8))
            }
        }
    }

    @Test("errors thrown by the callback stop the parse and propagate")
    func callbackErrorsPropagate() {
        struct Stop: Error {}
        var seen = 0
        let bytes = Array("a\nb\nc\n".utf8)
        #expect(throws: Stop.self) {
            try bytes.withUnsafeBytes { buffer in
                try CSVParser.forEachRecord(in: buffer, firstLine: 1) { _ in
                    seen += 1
                    if seen == 2 { throw Stop() }
                }
            }
        }
        #expect(seen == 2)
    }

    // MARK: Chunker

    @Test("chunker ranges tile the buffer and start at the right physical lines")
    func chunkerRangesTileTheBuffer() {
        let bytes = Array((0..<1000).map { "row\($0),\"v\n\($0)\",x\n" }.joined().utf8)
        bytes.withUnsafeBytes { buffer in
            for count in [1, 2, 3, 4, 8, 64] {
                let ranges = CSVChunker.split(buffer, into: count, firstLine: 5)
                #expect(ranges.count == count)
                #expect(ranges.first?.range.lowerBound == 0)
                #expect(ranges.last?.range.upperBound == buffer.count)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.range.upperBound == b.range.lowerBound) }
                for (range, line) in ranges {
                    let newlinesBefore = buffer[..<range.lowerBound].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    #expect(line == 5 + newlinesBefore)
                    // Every record here spans two lines, so a boundary lands on an even line offset.
                    #expect(newlinesBefore % 2 == 0)
                }
            }
        }
    }

    @Test("chunker returns fewer ranges when there are fewer record boundaries")
    func chunkerFewerBoundaries() {
        let oneRecord = Array("\"a\nb\nc\nd\ne\nf\"".utf8)
        oneRecord.withUnsafeBytes { #expect(CSVChunker.split($0, into: 4, firstLine: 1).map(\.range) == [0..<oneRecord.count]) }
        let empty: [UInt8] = []
        empty.withUnsafeBytes { #expect(CSVChunker.split($0, into: 4, firstLine: 1).isEmpty) }
        let unterminated = Array("a\nb\n\"c\nd\ne\nf\ng\n".utf8)
        unterminated.withUnsafeBytes { buffer in
            let ranges = CSVChunker.split(buffer, into: 8, firstLine: 1)
            #expect(ranges.last?.range.upperBound == buffer.count)
            #expect(ranges.allSatisfy { $0.range.upperBound <= 4 || $0.range.upperBound == buffer.count })
        }
    }

    /// A random RFC 4180 CSV: fields drawn from an alphabet heavy in commas, quotes, CR and LF,
    /// quoted (with `""` escapes) when needed or at random; LF or CRLF; blank lines; optional final newline.
    static func randomRFC4180(_ g: inout SeededGenerator) -> [UInt8] {
        let alphabet: [String] = ["a", "b", "7", " ", ",", "\"", "\n", "\r", "\r\n", "é"]
        var out = ""
        let records = Int.random(in: 0...25, using: &g)
        let crlf = Bool.random(using: &g)
        for r in 0..<records {
            let fields = Int.random(in: 1...6, using: &g)
            for f in 0..<fields {
                if f > 0 { out += "," }
                var value = ""
                for _ in 0..<Int.random(in: 0...6, using: &g) { value += alphabet.randomElement(using: &g)! }
                let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                if needsQuotes || Int.random(in: 0..<5, using: &g) == 0 {
                    out += "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                } else {
                    out += value
                }
            }
            if fields == 1 && out.hasSuffix("\n") || out.isEmpty { out += "\"\"" }  // avoid a blank line
            if r < records - 1 || Bool.random(using: &g) { out += crlf ? "\r\n" : "\n" }
            if Int.random(in: 0..<8, using: &g) == 0 { out += crlf ? "\r\n" : "\n" }
        }
        return Array(out.utf8)
    }

    /// Random bytes from a CSV-hostile alphabet: stray quotes, lone CRs, unterminated quotes.
    static func randomMalformed(_ g: inout SeededGenerator) -> [UInt8] {
        let alphabet: [UInt8] = Array("a\",\n\r\"x,\n".utf8)
        return (0..<Int.random(in: 0...80, using: &g)).map { _ in alphabet.randomElement(using: &g)! }
    }

    @Test("chunked parsing equals sequential parsing for random RFC 4180 inputs", arguments: [1, 2, 3])
    func chunkedEqualsSequentialRFC4180(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            let bytes = Self.randomRFC4180(&g)
            let sequential = parseCSV(bytes)
            #expect(sequential.error == nil)
            // On RFC 4180 input a boundary is exactly a newline preceded by an even number of quotes.
            for chunks in 2...7 {
                let chunked = parseCSVChunked(bytes, chunks: chunks)
                #expect(chunked.records == sequential.records, "\(String(decoding: bytes, as: UTF8.self).debugDescription) in \(chunks) chunks")
                #expect(chunked.error == nil)
                for (range, _) in chunked.ranges where range.lowerBound > 0 {
                    let quotes = bytes[..<range.lowerBound].reduce(0) { $0 + ($1 == 0x22 ? 1 : 0) }
                    #expect(bytes[range.lowerBound - 1] == 0x0A && quotes % 2 == 0)
                }
            }
        }
    }

    @Test("chunked parsing equals sequential parsing even for malformed inputs", arguments: [11, 12, 13])
    func chunkedEqualsSequentialMalformed(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            let bytes = Self.randomMalformed(&g)
            let sequential = parseCSV(bytes)
            for chunks in 2...6 {
                let chunked = parseCSVChunked(bytes, chunks: chunks)
                #expect(chunked.records == sequential.records, "\(String(decoding: bytes, as: UTF8.self).debugDescription) in \(chunks) chunks")
                #expect(chunked.error == sequential.error)
            }
        }
    }

    // MARK: Real sample

    @Test("reviews.csv from the kaggle sample parses into 15,450 rows of 12 fields with quoted commas intact", .enabled(if: RealSample.isPresent, RealSample.absenceNote))
    func parsesKaggleReviews() throws {
        let url = RealSample.directory.appendingPathComponent("reviews.csv")
        let data = try #require(FileManager.default.contents(atPath: url.path))
        let bytes = [UInt8](data)
        let (records, error) = parseCSV(bytes)
        #expect(error == nil)
        #expect(records.count == 15_451)  // header + 15,450 data rows
        #expect(records.first?.fields.count == 12)
        #expect(records.first?.fields[9] == "review_text")
        let rows = records.dropFirst()
        #expect(rows.count == 15_450)
        #expect(rows.allSatisfy { $0.fields.count == 12 })
        #expect(rows.last?.line == 15_451)
        let quoted = rows.filter { $0.quoted.contains(true) }
        #expect(quoted.count == 212)
        #expect(quoted.allSatisfy { $0.quoted == (0..<12).map { $0 == 9 } && $0.fields[9].contains(",") })
        let r51 = rows.first { $0.fields[0] == "review_000051" }
        #expect(r51?.fields[9] == "Boring storyline, couldn't finish watching.")
        #expect(r51?.fields[10] == "negative")
        #expect(r51?.fields[11] == "")
        let chunked = parseCSVChunked(bytes, chunks: 4)
        #expect(chunked.ranges.count == 4)
        #expect(chunked.records == records)
    }
}
