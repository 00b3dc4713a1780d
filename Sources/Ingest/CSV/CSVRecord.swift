/// Where one field of the current record lives: `start..<end` in the input buffer, or in the
/// parser's scratch buffer when `flags & CSVFieldSpan.inScratch != 0` (a quoted field that needed
/// unescaping, or one with text after its closing quote).
@usableFromInline
struct CSVFieldSpan {
    @usableFromInline var start: Int
    @usableFromInline var end: Int
    @usableFromInline var flags: Int

    @usableFromInline static let quoted = 1
    @usableFromInline static let inScratch = 2

    @inlinable
    init(start: Int, end: Int, flags: Int) {
        self.start = start
        self.end = end
        self.flags = flags
    }
}

/// One parsed CSV record, handed to the `CSVParser.forEachRecord` callback.
///
/// It is a *view*: the field bytes point into the caller's input buffer or into the parser's
/// reusable scratch and field tables, so a record and every pointer obtained from it are valid
/// only until the callback returns. Copy out what you need to keep (e.g. `string(_:)`).
///
/// Field bytes are the field's *value*: for a quoted field the surrounding quotes are removed and
/// each `""` is replaced by `"`; for an unquoted field they are the raw bytes between delimiters
/// (a `\r` immediately before the record's `\n` is part of the line ending, not of the field).
public struct CSVRecord {
    /// 1-based physical line on which the record starts, counted from the start of the *file*
    /// (the `firstLine` the parser was given plus every `\n` before the record, including
    /// newlines inside quoted fields and skipped blank lines).
    public var lineNumber: Int
    /// Number of fields; at least 1 (a non-blank line always has one field).
    public var fieldCount: Int

    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline let scratch: UnsafeRawPointer
    @usableFromInline let spans: UnsafePointer<CSVFieldSpan>
    @usableFromInline let rawStart: Int
    @usableFromInline let rawEnd: Int

    @inlinable
    init(lineNumber: Int, fieldCount: Int, base: UnsafeRawPointer, scratch: UnsafeRawPointer,
         spans: UnsafePointer<CSVFieldSpan>, rawStart: Int, rawEnd: Int) {
        self.lineNumber = lineNumber
        self.fieldCount = fieldCount
        self.base = base
        self.scratch = scratch
        self.spans = spans
        self.rawStart = rawStart
        self.rawEnd = rawEnd
    }

    /// The bytes of field `i` (unquoted, `""` unescaped); valid only inside the callback.
    @inlinable
    public func field(_ i: Int) -> UnsafeRawBufferPointer {
        precondition(i >= 0 && i < fieldCount, "CSV field index out of range")
        let s = spans[i]
        let b = (s.flags & CSVFieldSpan.inScratch) != 0 ? scratch : base
        return UnsafeRawBufferPointer(start: b + s.start, count: s.end - s.start)
    }

    /// Calls `body` with the bytes of field `i` (unquoted, `""` unescaped). The pointer must not escape.
    @inlinable
    public func withField<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(field(i))
    }

    /// Whether field `i` was written in quotes. An unquoted empty field is NULL on ingest, while a
    /// quoted empty field `""` is the empty string (see `FieldCoercer.append`).
    @inlinable
    public func fieldIsQuoted(_ i: Int) -> Bool {
        precondition(i >= 0 && i < fieldCount, "CSV field index out of range")
        return (spans[i].flags & CSVFieldSpan.quoted) != 0
    }

    /// The record's bytes as written in the file, without its final line ending (`\n` or `\r\n`).
    /// Spans several physical lines when a quoted field contains newlines. For the `_rejects` table.
    @inlinable
    public var rawLine: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + rawStart, count: rawEnd - rawStart)
    }

    /// Field `i` decoded as a `String` (invalid UTF-8 is repaired with U+FFFD). Allocates; meant for
    /// headers, messages and tests, not for the per-row hot path.
    public func string(_ i: Int) -> String {
        String(decoding: field(i), as: UTF8.self)
    }

    /// All fields as strings (see `string(_:)`).
    public var strings: [String] {
        (0..<fieldCount).map { string($0) }
    }
}

/// A malformed CSV input that the parser cannot recover from (an unterminated quoted field).
public struct CSVError: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based physical line of the file where the problem starts.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
