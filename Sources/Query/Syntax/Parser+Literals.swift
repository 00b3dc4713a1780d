import ColumnStore

/// Number literals and the typed literals `DATE '…'` and `TIMESTAMP '…'`, validated here: a bad
/// literal is a syntax error at its location.
extension Parser {
    /// An INT64 or FLOAT64 literal from a number token, negated when a `-` came right before it.
    func numberLiteral(_ t: Token, negative: Bool, location: SourceLocation) throws -> Expr {
        let written = (negative ? "-" : "") + t.text
        if t.kind == .float {
            guard let v = Double(t.text), v.isFinite else {
                throw syntaxError("floating point literal \(Token.clip(written)) is out of range for FLOAT64", at: location)
            }
            return .literal(.float64(negative ? -v : v), location)
        }
        let magnitude: UInt64?
        if t.text.hasPrefix("0x") || t.text.hasPrefix("0X") {
            magnitude = UInt64(t.text.dropFirst(2), radix: 16)
        } else {
            magnitude = UInt64(t.text)
        }
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard let m = magnitude, m <= limit else {
            throw syntaxError("integer literal \(Token.clip(written)) is out of range for INT64", at: location)
        }
        let value: Int64 = negative ? (m == UInt64(Int64.max) + 1 ? Int64.min : -Int64(m)) : Int64(m)
        return .literal(.int64(value), location)
    }

    /// `DATE 'YYYY-[M]M-[D]D'` or `TIMESTAMP 'YYYY-[M]M-[D]D[( |T)[H]H:[M]M[:[S]S[.F{1,6}]]][zone]'`
    /// where the zone is `Z`, `UTC` or `±H[H][[:]MM]`, optionally after one space.
    func parseTypedLiteral() throws -> Expr {
        let keyword = advance()
        let text = advance().text
        if keyword.upper == "DATE" {
            guard let days = Parser.dateValue(text) else {
                throw syntaxError("invalid DATE literal '\(Token.clip(text))': expected YYYY-MM-DD", at: keyword.location)
            }
            return .literal(.date(days), keyword.location)
        }
        switch Parser.timestampValue(text) {
        case .value(let micros):
            return .literal(.timestamp(micros), keyword.location)
        case .namedZone(let zone):
            throw notSupported("time zone name \(Token.clip(zone)) in a TIMESTAMP literal (use an offset like +01:00)",
                               at: keyword.location)
        case .invalid:
            throw syntaxError("invalid TIMESTAMP literal '\(Token.clip(text))': expected YYYY-MM-DD[ HH:MM:SS[.ffffff]][zone]",
                              at: keyword.location)
        }
    }

    /// Reads 1...`maxDigits` decimal digits at `i` (at least `minDigits`).
    static func digits(_ b: [UInt8], _ i: inout Int, min minDigits: Int, max maxDigits: Int) -> Int? {
        var v = 0
        var n = 0
        while i < b.count, n < maxDigits, b[i] >= 0x30, b[i] <= 0x39 {
            v = v * 10 + Int(b[i] - 0x30)
            n += 1
            i += 1
        }
        return n >= minDigits ? v : nil
    }

    /// Days since the epoch of `YYYY-[M]M-[D]D` at `i`, a real day in 0001-01-01 ... 9999-12-31.
    static func date(_ b: [UInt8], _ i: inout Int) -> Int32? {
        guard let y = digits(b, &i, min: 4, max: 4), i < b.count, b[i] == 0x2D else { return nil }
        i += 1
        guard let m = digits(b, &i, min: 1, max: 2), i < b.count, b[i] == 0x2D else { return nil }
        i += 1
        guard let d = digits(b, &i, min: 1, max: 2) else { return nil }
        guard y >= 1, m >= 1, m <= 12, d >= 1, d <= CivilTime.daysInMonth(year: y, month: m) else { return nil }
        return CivilTime.days(year: y, month: m, day: d)
    }

    static func dateValue(_ text: String) -> Int32? {
        let b = Array(text.utf8)
        var i = 0
        guard let days = date(b, &i), i == b.count else { return nil }
        return days
    }

    enum TimestampParse: Equatable {
        case value(Int64)
        case namedZone(String)
        case invalid
    }

    static let minTimestamp = Int64(CivilTime.days(year: 1, month: 1, day: 1)) * CivilTime.microsPerDay
    static let maxTimestamp = Int64(CivilTime.days(year: 9999, month: 12, day: 31) + 1) * CivilTime.microsPerDay - 1

    static func timestampValue(_ text: String) -> TimestampParse {
        let b = Array(text.utf8)
        var i = 0
        guard let days = date(b, &i) else { return .invalid }
        var seconds = 0
        var micros = 0
        if i < b.count {
            guard b[i] == 0x20 || b[i] == 0x54 || b[i] == 0x74 else { return .invalid }  // ' ', 'T', 't'
            i += 1
            guard let hh = digits(b, &i, min: 1, max: 2), hh <= 23, i < b.count, b[i] == 0x3A else { return .invalid }
            i += 1
            guard let mm = digits(b, &i, min: 1, max: 2), mm <= 59 else { return .invalid }
            var ss = 0
            if i < b.count && b[i] == 0x3A {
                i += 1
                guard let s = digits(b, &i, min: 1, max: 2), s <= 59 else { return .invalid }
                ss = s
                if i < b.count && b[i] == 0x2E {
                    i += 1
                    let start = i
                    guard let f = digits(b, &i, min: 1, max: 6) else { return .invalid }
                    if i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { return .invalid }  // more than 6 digits
                    micros = f
                    for _ in (i - start)..<6 { micros *= 10 }
                }
            }
            seconds = (hh * 60 + mm) * 60 + ss
            if i < b.count && b[i] == 0x20 { i += 1 }
            if i < b.count {
                let zone = String(decoding: b[i...], as: UTF8.self)
                let z = b[i]
                if zone == "Z" || zone == "z" || zone.uppercased() == "UTC" {
                    i = b.count
                } else if z == 0x2B || z == 0x2D {  // + -
                    i += 1
                    guard let oh = digits(b, &i, min: 1, max: 2) else { return .invalid }
                    var om = 0
                    if i < b.count {
                        if b[i] == 0x3A { i += 1 }
                        guard let v = digits(b, &i, min: 2, max: 2), v <= 59 else { return .invalid }
                        om = v
                    }
                    let offset = oh * 3600 + om * 60
                    guard offset <= 18 * 3600 else { return .invalid }
                    seconds -= z == 0x2B ? offset : -offset
                } else if b[i...].allSatisfy({ Lexer.isIdentifierPart($0) || $0 == 0x2F || $0 == 0x2D || $0 == 0x2B }),
                          Lexer.isIdentifierStart(z) {
                    return .namedZone(zone)
                } else {
                    return .invalid
                }
            }
            guard i == b.count else { return .invalid }
        }
        let v = Int64(days) * CivilTime.microsPerDay + Int64(seconds) * CivilTime.microsPerSecond + Int64(micros)
        guard v >= minTimestamp && v <= maxTimestamp else { return .invalid }
        return .value(v)
    }
}
