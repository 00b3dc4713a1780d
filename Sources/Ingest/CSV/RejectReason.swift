import ColumnStore

/// Why an input row (or one of its fields) was not loaded. `description` is the human text stored
/// in the `_rejects` table. Field values are quoted as written (after unquoting), shortened to
/// 64 bytes with `…`, with control characters escaped and invalid UTF-8 shown as U+FFFD.
public enum RejectReason: Equatable, Sendable, CustomStringConvertible {
    /// The text is not a number of the column's numeric type: `INT64: '4x.5' is not a number`.
    case notANumber(ColumnType, String)
    /// A well-formed number with a non-zero fraction in an INT64 column: `INT64: '43.5' is not an integer`.
    case notAnInteger(String)
    /// A number outside the type's range: `INT64: '9223372036854775808' is out of range`,
    /// `FLOAT64: '1e999' is out of range`.
    case outOfRange(ColumnType, String)
    /// `BOOL: 'maybe' is not a boolean (true/false, t/f, yes/no, y/n, 1/0)`.
    case notABool(String)
    /// `DATE: '2024-02-30' is not a valid date (YYYY-MM-DD)`.
    case invalidDate(String)
    /// `TIMESTAMP: '2024-01-01 25:00' is not a valid timestamp (YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|UTC|±HH:MM])`.
    case invalidTimestamp(String)
    /// A STRING field that is not valid UTF-8; `offset` is the 0-based byte offset within the field
    /// of the first byte of the first invalid sequence: `invalid UTF-8 at byte 7`.
    case invalidUTF8(offset: Int)
    /// A row whose field count differs from the schema: `expected 12 fields, found 11`.
    case wrongFieldCount(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .notANumber(let type, let text): return "\(type.rawValue): '\(text)' is not a number"
        case .notAnInteger(let text): return "INT64: '\(text)' is not an integer"
        case .outOfRange(let type, let text): return "\(type.rawValue): '\(text)' is out of range"
        case .notABool(let text): return "BOOL: '\(text)' is not a boolean (true/false, t/f, yes/no, y/n, 1/0)"
        case .invalidDate(let text): return "DATE: '\(text)' is not a valid date (YYYY-MM-DD)"
        case .invalidTimestamp(let text):
            return "TIMESTAMP: '\(text)' is not a valid timestamp (YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|UTC|±HH:MM])"
        case .invalidUTF8(let offset): return "invalid UTF-8 at byte \(offset)"
        case .wrongFieldCount(let expected, let found):
            return "expected \(expected) field\(expected == 1 ? "" : "s"), found \(found)"
        }
    }

    /// The longest field text (in bytes) quoted in a message before it is cut with `…`.
    public static let maxQuotedBytes = 64

    /// A field's bytes as they are quoted in reject messages (see the type's documentation).
    public static func quote(_ bytes: UnsafeRawBufferPointer) -> String {
        var cut = bytes.count
        var truncated = false
        if cut > maxQuotedBytes {
            cut = maxQuotedBytes
            // Do not split a UTF-8 sequence: back up over continuation bytes.
            while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
            truncated = true
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<cut]), as: UTF8.self)
        var out = ""
        out.reserveCapacity(text.utf8.count + 4)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return truncated ? out + "…" : out
    }
}
