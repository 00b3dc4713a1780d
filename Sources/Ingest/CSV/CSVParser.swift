#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fast RFC 4180 CSV parser over an in-memory buffer (comma delimiter, `"` quote).
///
/// Dialect, decided edge cases (kept identical in `CSVChunker`, so a chunked parse always equals a
/// sequential one, even on malformed input):
/// - **Line endings**: `\n` and `\r\n` end a record. A `\r` that is not followed by `\n` outside
///   quotes is ordinary data (old Mac `\r`-only files are not supported). Inside quotes every byte,
///   including `\r`, `\n` and `\r\n`, is kept as written.
/// - **Line numbers** count physical lines (`\n`), so a record after a quoted field containing two
///   newlines starts two lines later than it would otherwise.
/// - **BOM**: not skipped by the parser; slice it off with `skipBOM(_:)` first (the first header
///   field would otherwise start with the three BOM bytes).
/// - **Quoted fields**: a field is quoted iff its *first* byte is `"`. Inside, `""` is a literal
///   quote; the next lone `"` closes the field. Commas and newlines inside are data.
/// - **Text after a closing quote** (`"ab"c,`) is appended literally to the value (`abc`), like
///   Python's `csv` module; any further `"` in that field is literal.
/// - **Stray quote inside an unquoted field** (`ab"c`) is a literal character and does not start
///   quoting (Python `csv`, BigQuery and Go's lazy mode do the same).
/// - **Empty fields**: `a,,b` has an empty middle field; `a,b,` has a trailing empty third field.
/// - **Blank lines**: a completely empty line (`\n` or `\r\n` right at a record start) is skipped
///   and produces no record, like DuckDB and pandas. A line holding only spaces is a record.
///   (Consequence: in a one-column file an empty value cannot be written as an empty line; write
///   `""` or rely on the NULL-by-default of a missing column.)
/// - **Last line** may lack a line ending; a buffer ending in `\n` has no extra empty record.
/// - **Unterminated quote**: a quoted field still open at the end of the buffer throws a
///   `CSVError` naming the physical line where that field starts. Records before it have already
///   been delivered.
public enum CSVParser {
    /// The number of bytes to skip at the start of a file: 3 for a UTF-8 byte-order mark, else 0.
    @inlinable
    public static func skipBOM(_ buffer: UnsafeRawBufferPointer) -> Int {
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { return 3 }
        return 0
    }

    /// Calls `body` once per record of `buffer`, in order.
    ///
    /// - Parameters:
    ///   - buffer: CSV bytes starting at a record boundary (the file start after `skipBOM`, or a
    ///     range from `CSVChunker.split`). Not modified, not retained.
    ///   - firstLine: the 1-based physical line of the file at which `buffer` starts.
    ///   - body: receives a borrowed view of each record, valid only during the call. Errors it
    ///     throws stop the parse and are rethrown.
    /// - Throws: `CSVError` for an unterminated quoted field (after delivering the records
    ///   before it), or whatever `body` throws.
    ///
    /// Per record there is no allocation: field positions go into a reusable table and only quoted
    /// fields containing `""` (or text after the closing quote) are copied, into a reusable scratch
    /// buffer. Unquoted lines are split with `memchr` plus a SWAR comma scan.
    public static func forEachRecord(
        in buffer: UnsafeRawBufferPointer, firstLine: Int,
        _ body: (CSVRecord) throws -> Void
    ) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var state = CSVParserState(base: base, count: buffer.count)
        defer { state.deallocate() }
        try state.run(firstLine: firstLine, body)
    }
}

// MARK: - Byte helpers shared by the parser and the chunker

@usableFromInline let csvLF: UInt8 = 0x0A
@usableFromInline let csvCR: UInt8 = 0x0D
@usableFromInline let csvQuote: UInt8 = 0x22
@usableFromInline let csvComma: UInt8 = 0x2C

enum CSVBytes {
    /// The offset of the first `byte` in `base[from..<to]`, or `to` if there is none.
    @inline(__always)
    static func find(_ byte: UInt8, _ base: UnsafeRawPointer, _ from: Int, _ to: Int) -> Int {
        guard from < to, let p = memchr(base + from, Int32(byte), to - from) else { return to }
        return UnsafeRawPointer(p) - base
    }

    /// A word with the high bit set in exactly the bytes of `w` that are zero (no cross-byte carries).
    @inline(__always)
    static func zeroBytes(_ w: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((w & low7) &+ low7) | w) & ~low7
    }

    /// The number of `\n` bytes in `base[from..<to]` (SWAR, 8 bytes per step).
    @inline(__always)
    static func countNewlines(_ base: UnsafeRawPointer, _ from: Int, _ to: Int) -> Int {
        var i = from
        var n = 0
        let lfs: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while i + 8 <= to {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            n &+= zeroBytes(w ^ lfs).nonzeroBitCount
            i &+= 8
        }
        while i < to {
            if base.load(fromByteOffset: i, as: UInt8.self) == csvLF { n &+= 1 }
            i &+= 1
        }
        return n
    }
}

// MARK: - Parser state

/// The parser's reusable tables; one per `forEachRecord` call, freed at its end.
struct CSVParserState {
    let base: UnsafeRawPointer
    let end: Int
    var spans: UnsafeMutablePointer<CSVFieldSpan>
    var spanCapacity: Int
    var fieldCount = 0
    var scratch: UnsafeMutableRawPointer
    var scratchCapacity: Int
    var scratchUsed = 0

    init(base: UnsafeRawPointer, count: Int) {
        self.base = base
        self.end = count
        spanCapacity = 64
        spans = .allocate(capacity: spanCapacity)
        scratchCapacity = 256
        scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
    }

    func deallocate() {
        spans.deallocate()
        scratch.deallocate()
    }

    @inline(__always)
    func at(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    @inline(__always)
    mutating func addField(_ start: Int, _ end: Int, _ flags: Int) {
        if fieldCount == spanCapacity { growSpans() }
        spans[fieldCount] = CSVFieldSpan(start: start, end: end, flags: flags)
        fieldCount &+= 1
    }

    @inline(never)
    mutating func growSpans() {
        let bigger = UnsafeMutablePointer<CSVFieldSpan>.allocate(capacity: spanCapacity * 2)
        bigger.moveInitialize(from: spans, count: fieldCount)
        spans.deallocate()
        spans = bigger
        spanCapacity *= 2
    }

    /// Appends `base[from..<to]` to the scratch buffer.
    @inline(__always)
    mutating func appendScratch(_ from: Int, _ to: Int) {
        let n = to - from
        if n <= 0 { return }
        if scratchUsed + n > scratchCapacity { growScratch(scratchUsed + n) }
        (scratch + scratchUsed).copyMemory(from: base + from, byteCount: n)
        scratchUsed += n
    }

    @inline(never)
    mutating func growScratch(_ needed: Int) {
        var cap = scratchCapacity * 2
        while cap < needed { cap *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 16)
        bigger.copyMemory(from: scratch, byteCount: scratchUsed)
        scratch.deallocate()
        scratch = bigger
        scratchCapacity = cap
    }

    /// Splits the quote-free content `[from, to)` at commas into fields (SWAR scan, 8 bytes a step).
    @inline(__always)
    mutating func splitUnquoted(_ from: Int, _ to: Int) {
        var fieldStart = from
        var i = from
        let commas: UInt64 = 0x2C2C_2C2C_2C2C_2C2C
        while i + 8 <= to {
            var m = CSVBytes.zeroBytes(base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ commas)
            while m != 0 {
                let at = i &+ (m.trailingZeroBitCount >> 3)
                addField(fieldStart, at, 0)
                fieldStart = at &+ 1
                m &= m &- 1
            }
            i &+= 8
        }
        while i < to {
            if at(i) == csvComma {
                addField(fieldStart, i, 0)
                fieldStart = i &+ 1
            }
            i &+= 1
        }
        addField(fieldStart, to, 0)
    }

    mutating func run(firstLine: Int, _ body: (CSVRecord) throws -> Void) throws {
        var p = 0
        var line = firstLine
        while p < end {
            // Skip completely empty lines.
            let c0 = at(p)
            if c0 == csvLF {
                p &+= 1
                line &+= 1
                continue
            }
            if c0 == csvCR, p + 1 < end, at(p + 1) == csvLF {
                p &+= 2
                line &+= 1
                continue
            }
            let recordLine = line
            fieldCount = 0
            scratchUsed = 0
            let nl = CSVBytes.find(csvLF, base, p, end)
            let contentEnd: Int
            let next: Int
            if CSVBytes.find(csvQuote, base, p, nl) == nl {
                // Fast path: a line without any quote.
                contentEnd = (nl < end && at(nl - 1) == csvCR) ? nl - 1 : nl
                splitUnquoted(p, contentEnd)
                if nl < end {
                    next = nl + 1
                    line &+= 1
                } else {
                    next = end
                }
            } else {
                (contentEnd, next) = try parseGeneral(from: p, line: &line)
            }
            try body(CSVRecord(lineNumber: recordLine, fieldCount: fieldCount, base: base,
                               scratch: UnsafeRawPointer(scratch), spans: UnsafePointer(spans),
                               rawStart: p, rawEnd: contentEnd))
            p = next
        }
    }

    /// The general state machine for a record that contains a quote somewhere on its first line.
    /// Returns the end of the record's content (before its line ending) and where the next record
    /// starts; advances `line` past every newline consumed.
    mutating func parseGeneral(from p: Int, line: inout Int) throws -> (contentEnd: Int, next: Int) {
        var i = p
        while true {
            var j: Int  // the delimiter after the field: ',', '\n', or end
            if i < end && at(i) == csvQuote {
                let openLine = line
                var segStart = i + 1
                var search = i + 1
                var useScratch = false
                let scratchStart = scratchUsed
                var close: Int
                while true {
                    let c = CSVBytes.find(csvQuote, base, search, end)
                    if c == end {
                        throw CSVError(line: openLine, message: "unterminated quoted field starting at line \(openLine)")
                    }
                    line &+= CSVBytes.countNewlines(base, search, c)
                    if c + 1 < end && at(c + 1) == csvQuote {
                        appendScratch(segStart, c + 1)  // keeps one of the two quotes
                        useScratch = true
                        segStart = c + 2
                        search = c + 2
                        continue
                    }
                    close = c
                    break
                }
                j = close + 1
                if j < end, at(j) != csvComma, at(j) != csvLF, !(at(j) == csvCR && j + 1 < end && at(j + 1) == csvLF) {
                    // Text after the closing quote: appended literally up to the next ',' or line end.
                    appendScratch(segStart, close)
                    useScratch = true
                    var k = j
                    while k < end {
                        let b = at(k)
                        if b == csvComma || b == csvLF { break }
                        k &+= 1
                    }
                    let tailEnd = (k < end && at(k) == csvLF && at(k - 1) == csvCR) ? k - 1 : k
                    appendScratch(j, tailEnd)
                    j = k
                } else if useScratch {
                    appendScratch(segStart, close)
                }
                if useScratch {
                    addField(scratchStart, scratchUsed, CSVFieldSpan.quoted | CSVFieldSpan.inScratch)
                } else {
                    addField(i + 1, close, CSVFieldSpan.quoted)
                }
                if j < end && at(j) == csvCR { j += 1 }  // CRLF after the closing quote
            } else {
                var k = i
                while k < end {
                    let b = at(k)
                    if b == csvComma || b == csvLF { break }
                    k &+= 1
                }
                let fieldEnd = (k < end && at(k) == csvLF && k > i && at(k - 1) == csvCR) ? k - 1 : k
                addField(i, fieldEnd, 0)
                j = k
            }
            if j >= end { return (end, end) }
            if at(j) == csvComma {
                i = j + 1
                continue
            }
            // at(j) == '\n'
            line &+= 1
            let contentEnd = (j > p && at(j - 1) == csvCR) ? j - 1 : j
            return (contentEnd, j + 1)
        }
    }
}
