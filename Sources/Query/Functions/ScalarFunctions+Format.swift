import ColumnStore

/// FORMAT_DATE(format, date) and FORMAT_TIMESTAMP(format, timestamp), in UTC.
///
/// Supported elements: %Y %C %y %G %g %m %d %e %j %H %k %I %l %p %M %S %F %T %D %R %x %X %c %b %h %B
/// %a %A %u %w %U %W %V %Q %Z %z %s %n %t %% and %E4Y %E#S %E*S %Ez; any other element is a runtime
/// error ("unsupported format element"). For a DATE, time elements format midnight.
/// A format is compiled once and reused while consecutive rows share it (a constant format
/// compiles once per batch).
extension ScalarFunctions {
    static func formatEntry(_ name: String, _ type: ColumnType) -> Entry {
        Entry(["\(name)(STRING, \(type.rawValue))"]) { call in
            guard call.match([[.string, type]]) == 0 else { throw call.mismatch() }
            return call.resolved(.string, [.string, type]) { args, rows in
                let f = column(args, 0), v = column(args, 1)
                let validity = both(f.validity, v.validity)
                let timestamps: [Int64] = type == .timestamp ? int64s(v) : []
                let days: [Int32] = type == .date ? dates(v) : []
                var out = StringWriter(rows: rows, bytes: rows * 10)
                try withView(strings(f)) { formats in
                    var compiled: [FormatToken] = []
                    var compiledFrom: UnsafeBufferPointer<UInt8>? = nil
                    for i in 0..<rows {
                        defer { out.endRow() }
                        guard validity?[i] ?? true else { continue }
                        let format = formats[i]
                        if compiledFrom == nil || compareBytes(compiledFrom!, format) != 0 {
                            compiled = try compileFormat(format, function: name)
                            compiledFrom = format
                        }
                        if type == .date {
                            render(compiled, days: days[i], micros: 0, into: &out.bytes)
                        } else {
                            let (d, m) = Cal.split(timestamps[i])
                            render(compiled, days: d, micros: m, into: &out.bytes)
                        }
                    }
                }
                return out.finish(validity)
            }
        }
    }

    enum FormatToken {
        case literal([UInt8])
        case element(UInt8)
        /// %E#S (digits 0…9) or %E*S (digits -1: as many as needed, trailing zeros dropped).
        case seconds(digits: Int)
        /// %Ez: +00:00
        case colonOffset
    }

    static let formatElements = Set("YCyGgmdejHkIlpMSFTDRxXcbhBaAuwUWVQZzs".utf8)

    static func compileFormat(_ f: UnsafeBufferPointer<UInt8>, function: String) throws -> [FormatToken] {
        var tokens: [FormatToken] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = []
        }
        func unsupported(_ from: Int) -> QueryError {
            var end = from + 1
            while end < f.count && end < from + 2 { end += 1 }
            while end < f.count && isContinuation(f[end]) { end += 1 }
            let element = text(UnsafeBufferPointer(rebasing: f[from..<Swift.min(end, f.count)]))
            return QueryError.runtime(message: "unsupported format element \(element) in \(function)")
        }
        var i = 0
        while i < f.count {
            let b = f[i]
            guard b == UInt8(ascii: "%") else {
                literal.append(b)
                i += 1
                continue
            }
            guard i + 1 < f.count else { throw QueryError.runtime(message: "unsupported format element % (at the end of the format) in \(function)") }
            let c = f[i + 1]
            switch c {
            case UInt8(ascii: "%"): literal.append(c)
            case UInt8(ascii: "n"): literal.append(0x0A)
            case UInt8(ascii: "t"): literal.append(0x09)
            case UInt8(ascii: "E"):
                guard i + 2 < f.count else { throw unsupported(i) }
                let e = f[i + 2]
                if e == UInt8(ascii: "z") {
                    flush()
                    tokens.append(.colonOffset)
                    i += 3
                    continue
                }
                guard i + 3 < f.count else { throw unsupported(i) }
                let s = f[i + 3]
                if e == UInt8(ascii: "*") && s == UInt8(ascii: "S") {
                    flush()
                    tokens.append(.seconds(digits: -1))
                } else if e >= UInt8(ascii: "0") && e <= UInt8(ascii: "9") && s == UInt8(ascii: "S") {
                    flush()
                    tokens.append(.seconds(digits: Int(e - UInt8(ascii: "0"))))
                } else if e == UInt8(ascii: "4") && s == UInt8(ascii: "Y") {
                    flush()
                    tokens.append(.element(UInt8(ascii: "Y")))
                } else {
                    throw unsupported(i)
                }
                i += 4
                continue
            default:
                guard formatElements.contains(c) else { throw unsupported(i) }
                flush()
                tokens.append(.element(c))
            }
            i += 2
        }
        flush()
        return tokens
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"].map { Array($0.utf8) }
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"].map { Array($0.utf8) }

    /// Appends the formatted day `days` at `micros` into the day.
    static func render(_ tokens: [FormatToken], days: Int32, micros: Int64, into out: inout [UInt8]) {
        let c = CivilTime.civil(days: days)
        let seconds = Int(micros / 1_000_000), fraction = Int(micros % 1_000_000)
        let hour = seconds / 3600, minute = seconds / 60 % 60, second = seconds % 60
        let zero = UInt8(ascii: "0"), space = UInt8(ascii: " ")
        func two(_ v: Int) { appendPadded(v, 2, to: &out) }
        func spaced(_ v: Int) {
            if v < 10 { out.append(space) }
            appendPadded(v, 1, to: &out)
        }
        func sep(_ ch: Character) { out.append(ch.asciiValue!) }
        func element(_ e: UInt8) {
            switch e {
            case UInt8(ascii: "Y"): appendPadded(c.year, 4, to: &out)
            case UInt8(ascii: "C"): two(c.year / 100)
            case UInt8(ascii: "y"): two(c.year % 100)
            case UInt8(ascii: "G"): appendPadded(Cal.isoYear(days), 4, to: &out)
            case UInt8(ascii: "g"): two(Cal.isoYear(days) % 100)
            case UInt8(ascii: "m"): two(c.month)
            case UInt8(ascii: "d"): two(c.day)
            case UInt8(ascii: "e"): spaced(c.day)
            case UInt8(ascii: "j"): appendPadded(Cal.dayOfYear(days), 3, to: &out)
            case UInt8(ascii: "H"): two(hour)
            case UInt8(ascii: "k"): spaced(hour)
            case UInt8(ascii: "I"): two((hour + 11) % 12 + 1)
            case UInt8(ascii: "l"): spaced((hour + 11) % 12 + 1)
            case UInt8(ascii: "p"): out.append(contentsOf: hour < 12 ? "AM".utf8 : "PM".utf8)
            case UInt8(ascii: "M"): two(minute)
            case UInt8(ascii: "S"): two(second)
            case UInt8(ascii: "F"):
                element(UInt8(ascii: "Y")); sep("-"); two(c.month); sep("-"); two(c.day)
            case UInt8(ascii: "T"), UInt8(ascii: "X"):
                two(hour); sep(":"); two(minute); sep(":"); two(second)
            case UInt8(ascii: "D"), UInt8(ascii: "x"):
                two(c.month); sep("/"); two(c.day); sep("/"); two(c.year % 100)
            case UInt8(ascii: "R"):
                two(hour); sep(":"); two(minute)
            case UInt8(ascii: "c"):
                element(UInt8(ascii: "a")); sep(" "); element(UInt8(ascii: "b")); sep(" "); spaced(c.day); sep(" ")
                element(UInt8(ascii: "T")); sep(" "); appendPadded(c.year, 4, to: &out)
            case UInt8(ascii: "b"), UInt8(ascii: "h"): out.append(contentsOf: monthNames[c.month - 1].prefix(3))
            case UInt8(ascii: "B"): out.append(contentsOf: monthNames[c.month - 1])
            case UInt8(ascii: "a"): out.append(contentsOf: dayNames[Cal.weekday(days)].prefix(3))
            case UInt8(ascii: "A"): out.append(contentsOf: dayNames[Cal.weekday(days)])
            case UInt8(ascii: "u"): appendPadded((Cal.weekday(days) + 6) % 7 + 1, 1, to: &out)
            case UInt8(ascii: "w"): appendPadded(Cal.weekday(days), 1, to: &out)
            case UInt8(ascii: "U"): two((Cal.dayOfYear(days) - 1 + 7 - Cal.weekday(days)) / 7)
            case UInt8(ascii: "W"): two((Cal.dayOfYear(days) - 1 + 7 - (Cal.weekday(days) + 6) % 7) / 7)
            case UInt8(ascii: "V"): two(Cal.isoWeek(days))
            case UInt8(ascii: "Q"): appendPadded((c.month - 1) / 3 + 1, 1, to: &out)
            case UInt8(ascii: "Z"): out.append(contentsOf: "UTC".utf8)
            case UInt8(ascii: "z"): out.append(contentsOf: "+0000".utf8)
            case UInt8(ascii: "s"): appendDecimal(Int64(days) * 86_400 + Int64(seconds), to: &out)
            default: preconditionFailure("format element \(e) was not rejected at compile time")
            }
        }
        for token in tokens {
            switch token {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .element(let e): element(e)
            case .colonOffset: out.append(contentsOf: "+00:00".utf8)
            case .seconds(let digits):
                two(second)
                var frac: [UInt8] = []
                appendDigits(UInt64(fraction), minWidth: 6, to: &frac)
                if digits < 0 {
                    while frac.last == zero { frac.removeLast() }
                    if !frac.isEmpty {
                        out.append(UInt8(ascii: "."))
                        out.append(contentsOf: frac)
                    }
                } else if digits > 0 {
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: frac.prefix(digits))
                    for _ in Swift.min(digits, 6)..<digits { out.append(zero) }
                }
            }
        }
    }
}
