import ColumnStore

/// STRING functions. Positions and lengths count characters as BigQuery does: Unicode scalars
/// (code points), not bytes and not grapheme clusters. Comparisons are byte-wise (= code point order).
extension ScalarFunctions {
    static var stringEntries: [String: Entry] {
        [
            "LOWER": unaryStringEntry("LOWER") { p, out in caseMap(p, upper: false, into: &out) },
            "UPPER": unaryStringEntry("UPPER") { p, out in caseMap(p, upper: true, into: &out) },
            "LENGTH": lengthEntry("LENGTH"),
            "CHAR_LENGTH": lengthEntry("CHAR_LENGTH"),
            "CHARACTER_LENGTH": lengthEntry("CHARACTER_LENGTH"),
            "BYTE_LENGTH": Entry(["BYTE_LENGTH(STRING)"]) { call in
                guard call.match([[.string]]) == 0 else { throw call.mismatch() }
                return call.resolved(.int64, [.string]) { args, _ in
                    let a = column(args, 0), s = strings(a)
                    var out = [Int64](repeating: 0, count: s.count)
                    for i in 0..<s.count { out[i] = Int64(Int(s.ends[i]) - s.start(i)) }
                    return Column(values: .int64(out), validity: a.validity)
                }
            },
            // BigQuery's CONCAT takes "BYTES or data types that can be cast to STRING" (its reference
            // has CONCAT('Summer', ' ', 1923) = 'Summer 1923'): a non-STRING argument is converted as
            // CAST(x AS STRING) would convert it. Every nq type casts to STRING.
            "CONCAT": Entry(["CONCAT(STRING, …)"]) { call in
                guard let types = call.valueTypes, !types.isEmpty else { throw call.mismatch() }
                return call.resolved(.string, types.map { $0 ?? .string }) { args, rows in
                    let columns = (0..<args.count).map { toStrings(column(args, $0)) }
                    let validity = allValid(columns)
                    let arrays = columns.map(strings)
                    var out = StringWriter(rows: rows, bytes: arrays.reduce(0) { $0 + $1.bytes.count })
                    for i in 0..<rows {
                        if validity?[i] ?? true {
                            for a in arrays { out.bytes.append(contentsOf: a.bytes[a.start(i)..<Int(a.ends[i])]) }
                        }
                        out.endRow()
                    }
                    return out.finish(validity)
                }
            },
            "SUBSTR": substrEntry("SUBSTR"),
            "SUBSTRING": substrEntry("SUBSTRING"),
            "LEFT": Entry(["LEFT(STRING, INT64)"]) { call in
                guard call.match([[.string, .int64]]) == 0 else { throw call.mismatch() }
                return call.resolved(.string, [.string, .int64]) { args, _ in
                    try stringIntKernel(args) { p, n, out in
                        guard n >= 0 else { throw QueryError.runtime(message: "Second argument in LEFT() cannot be negative: \(n)") }
                        out.append(UnsafeBufferPointer(rebasing: p[0..<byteOffset(ofScalar: clampToInt(n), in: p)]))
                    }
                }
            },
            "RIGHT": Entry(["RIGHT(STRING, INT64)"]) { call in
                guard call.match([[.string, .int64]]) == 0 else { throw call.mismatch() }
                return call.resolved(.string, [.string, .int64]) { args, _ in
                    try stringIntKernel(args) { p, n, out in
                        guard n >= 0 else { throw QueryError.runtime(message: "Second argument in RIGHT() cannot be negative: \(n)") }
                        let count = scalarCount(p)
                        let skip = n >= Int64(count) ? 0 : count - Int(n)
                        out.append(UnsafeBufferPointer(rebasing: p[byteOffset(ofScalar: skip, in: p)...]))
                    }
                }
            },
            "STARTS_WITH": stringPredicateEntry("STARTS_WITH") { s, t in equalBytes(s, 0, t) },
            "ENDS_WITH": stringPredicateEntry("ENDS_WITH") { s, t in equalBytes(s, s.count - t.count, t) },
            "STRPOS": Entry(["STRPOS(STRING, STRING)"]) { call in
                guard call.match([[.string, .string]]) == 0 else { throw call.mismatch() }
                return call.resolved(.int64, [.string, .string]) { args, rows in
                    let a = column(args, 0), b = column(args, 1)
                    let validity = both(a.validity, b.validity)
                    var out = [Int64](repeating: 0, count: rows)
                    withViews(strings(a), strings(b)) { s, t in
                        for i in 0..<rows where validity?[i] ?? true {
                            let hay = s[i]
                            if let at = find(t[i], in: hay) {
                                out[i] = Int64(scalarCount(UnsafeBufferPointer(rebasing: hay[0..<at])) + 1)
                            }
                        }
                    }
                    return Column(values: .int64(out), validity: validity)
                }
            },
            "TRIM": trimEntry("TRIM", leading: true, trailing: true),
            "LTRIM": trimEntry("LTRIM", leading: true, trailing: false),
            "RTRIM": trimEntry("RTRIM", leading: false, trailing: true),
            "REPLACE": Entry(["REPLACE(STRING, STRING, STRING)"]) { call in
                guard call.match([[.string, .string, .string]]) == 0 else { throw call.mismatch() }
                return call.resolved(.string, [.string, .string, .string]) { args, rows in
                    let a = column(args, 0), b = column(args, 1), c = column(args, 2)
                    let validity = allValid([a, b, c])
                    var out = StringWriter(rows: rows, bytes: strings(a).bytes.count)
                    withViews(strings(a), strings(b)) { s, from in
                        withView(strings(c)) { to in
                            for i in 0..<rows {
                                if validity?[i] ?? true {
                                    let hay = s[i], needle = from[i]
                                    if needle.isEmpty {
                                        out.append(hay)
                                    } else {
                                        var at = 0
                                        while let hit = find(needle, in: hay, from: at) {
                                            out.append(UnsafeBufferPointer(rebasing: hay[at..<hit]))
                                            out.append(to[i])
                                            at = hit + needle.count
                                        }
                                        out.append(UnsafeBufferPointer(rebasing: hay[at...]))
                                    }
                                }
                                out.endRow()
                            }
                        }
                    }
                    return out.finish(validity)
                }
            },
            "REVERSE": unaryStringEntry("REVERSE") { p, out in
                var end = p.count
                while end > 0 {
                    var start = end - 1
                    while start > 0 && isContinuation(p[start]) { start -= 1 }
                    out.append(UnsafeBufferPointer(rebasing: p[start..<end]))
                    end = start
                }
            },
        ]
    }

    // MARK: - Entry shapes

    /// STRING → STRING, written row by row into the output.
    static func unaryStringEntry(_ name: String,
                                 _ f: @escaping @Sendable (UnsafeBufferPointer<UInt8>, inout StringWriter) -> Void) -> Entry {
        Entry(["\(name)(STRING)"]) { call in
            guard call.match([[.string]]) == 0 else { throw call.mismatch() }
            return call.resolved(.string, [.string]) { args, rows in
                let a = column(args, 0)
                var out = StringWriter(rows: rows, bytes: strings(a).bytes.count)
                withView(strings(a)) { s in
                    for i in 0..<rows {
                        if !a.isNull(i) { f(s[i], &out) }
                        out.endRow()
                    }
                }
                return out.finish(a.validity)
            }
        }
    }

    static func lengthEntry(_ name: String) -> Entry {
        Entry(["\(name)(STRING)"]) { call in
            guard call.match([[.string]]) == 0 else { throw call.mismatch() }
            return call.resolved(.int64, [.string]) { args, rows in
                let a = column(args, 0)
                var out = [Int64](repeating: 0, count: rows)
                withView(strings(a)) { s in
                    for i in 0..<rows { out[i] = Int64(scalarCount(s[i])) }
                }
                return Column(values: .int64(out), validity: a.validity)
            }
        }
    }

    static func stringPredicateEntry(_ name: String,
                                     _ f: @escaping @Sendable (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool) -> Entry {
        Entry(["\(name)(STRING, STRING)"]) { call in
            guard call.match([[.string, .string]]) == 0 else { throw call.mismatch() }
            return call.resolved(.bool, [.string, .string]) { args, rows in
                let a = column(args, 0), b = column(args, 1)
                var out = [UInt8](repeating: 0, count: rows)
                withViews(strings(a), strings(b)) { s, t in
                    for i in 0..<rows where f(s[i], t[i]) { out[i] = 1 }
                }
                return Column(values: .bool(out), validity: both(a.validity, b.validity))
            }
        }
    }

    /// SUBSTR(s, pos[, len]): 1-based; pos 0 is 1; negative pos counts from the end (clamped to the
    /// start); pos past the end gives ''; len < 0 is an error.
    static func substrEntry(_ name: String) -> Entry {
        Entry(["\(name)(STRING, INT64)", "\(name)(STRING, INT64, INT64)"]) { call in
            let withLength: Bool
            switch call.match([[.string, .int64], [.string, .int64, .int64]]) {
            case 0: withLength = false
            case 1: withLength = true
            default: throw call.mismatch()
            }
            return call.resolved(.string, withLength ? [.string, .int64, .int64] : [.string, .int64]) { args, rows in
                let a = column(args, 0), posColumn = column(args, 1)
                let lenColumn = withLength ? column(args, 2) : nil
                let validity = allValid([a, posColumn] + (lenColumn.map { [$0] } ?? []))
                let positions = int64s(posColumn)
                let lengths = lenColumn.map(int64s)
                var out = StringWriter(rows: rows)
                try withView(strings(a)) { s in
                    for i in 0..<rows {
                        defer { out.endRow() }
                        guard validity?[i] ?? true else { continue }
                        let p = s[i]
                        let pos = positions[i]
                        let length = lengths?[i]
                        if let length, length < 0 {
                            throw QueryError.runtime(message: "Third argument in \(name)() cannot be negative: \(length)")
                        }
                        let start: Int  // 0-based scalar index
                        if pos > 0 {
                            start = clampToInt(pos - 1)
                        } else if pos == 0 {
                            start = 0
                        } else {
                            let n = scalarCount(p)
                            start = pos.magnitude >= UInt64(n) ? 0 : n - Int(pos.magnitude)
                        }
                        let from = byteOffset(ofScalar: start, in: p)
                        if from >= p.count { continue }
                        let to = length.map { byteOffset(ofScalar: clampToInt($0), in: p, from: from) } ?? p.count
                        out.append(UnsafeBufferPointer(rebasing: p[from..<to]))
                    }
                }
                return out.finish(validity)
            }
        }
    }

    /// TRIM(s) removes Unicode whitespace; TRIM(s, chars) removes any of the characters of `chars`.
    static func trimEntry(_ name: String, leading: Bool, trailing: Bool) -> Entry {
        Entry(["\(name)(STRING)", "\(name)(STRING, STRING)"]) { call in
            let withSet: Bool
            switch call.match([[.string], [.string, .string]]) {
            case 0: withSet = false
            case 1: withSet = true
            default: throw call.mismatch()
            }
            return call.resolved(.string, withSet ? [.string, .string] : [.string]) { args, rows in
                let a = column(args, 0)
                let set = withSet ? column(args, 1) : nil
                let validity = both(a.validity, set?.validity)
                var out = StringWriter(rows: rows, bytes: strings(a).bytes.count)
                withViews(strings(a), set.map(strings) ?? StringArray()) { s, chars in
                    for i in 0..<rows {
                        if validity?[i] ?? true {
                            let p = s[i]
                            let set = withSet ? chars[i] : UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                            @inline(__always) func strip(_ scalar: UInt32) -> Bool {
                                guard withSet else { return isWhitespace(scalar) }
                                var k = 0
                                while k < set.count {
                                    let (x, n) = decodeScalar(set, at: k)
                                    if x == scalar { return true }
                                    k += n
                                }
                                return false
                            }
                            var from = 0, to = p.count
                            if leading {
                                while from < to {
                                    let (x, n) = decodeScalar(p, at: from)
                                    guard strip(x) else { break }
                                    from += n
                                }
                            }
                            if trailing {
                                while to > from {
                                    var start = to - 1
                                    while start > from && isContinuation(p[start]) { start -= 1 }
                                    guard strip(decodeScalar(p, at: start).scalar) else { break }
                                    to = start
                                }
                            }
                            out.append(UnsafeBufferPointer(rebasing: p[from..<to]))
                        }
                        out.endRow()
                    }
                }
                return out.finish(validity)
            }
        }
    }

    /// A (STRING, INT64) → STRING loop.
    static func stringIntKernel(_ args: [FunctionArgument],
                                _ f: (UnsafeBufferPointer<UInt8>, Int64, inout StringWriter) throws -> Void) throws -> Column {
        let a = column(args, 0), b = column(args, 1)
        let validity = both(a.validity, b.validity)
        let ints = int64s(b)
        var out = StringWriter(rows: a.count)
        try withView(strings(a)) { s in
            for i in 0..<s.count {
                if validity?[i] ?? true { try f(s[i], ints[i], &out) }
                out.endRow()
            }
        }
        return out.finish(validity)
    }

    // MARK: - Helpers

    @inline(__always)
    static func clampToInt(_ v: Int64) -> Int { Int(clamping: v) }

    /// Unicode White_Space.
    @inline(__always)
    static func isWhitespace(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// LOWER / UPPER: bytes for ASCII, Swift's Unicode case mapping otherwise.
    @inline(__always)
    static func caseMap(_ p: UnsafeBufferPointer<UInt8>, upper: Bool, into out: inout StringWriter) {
        var ascii = true
        for b in p where b >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            for b in p {
                if upper { out.append(b >= 0x61 && b <= 0x7A ? b - 0x20 : b) } else { out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b) }
            }
        } else {
            let s = text(p)
            out.append(upper ? s.uppercased() : s.lowercased())
        }
    }

    // MARK: - LIKE

    /// `value LIKE pattern`: `%` matches any run of characters, `_` exactly one character, a
    /// backslash makes the next character literal; case-sensitive. NULL if either side is NULL.
    public static func like(location: SourceLocation?, sql: String) -> ResolvedFunction {
        ResolvedFunction(name: "LIKE", resultType: .bool, argumentTypes: [.string, .string]) { args, rows in
            var a = column(args, 0), b = column(args, 1)
            // An untyped NULL literal (`NULL LIKE 'a%'`) reaches here as an all-NULL INT64 column (the
            // binder does not cast LIKE operands to `argumentTypes`); it is a STRING NULL, so the
            // result is NULL rather than a crash in `strings(_:)`.
            if a.type != .string { a = nulls(.string, rows) }
            if b.type != .string { b = nulls(.string, rows) }
            let validity = both(a.validity, b.validity)
            var out = [UInt8](repeating: 0, count: rows)
            try withViews(strings(a), strings(b)) { s, patterns in
                var compiled: LikePattern? = nil
                var compiledFrom: UnsafeBufferPointer<UInt8>? = nil
                for i in 0..<rows where validity?[i] ?? true {
                    let pattern = patterns[i]
                    if compiledFrom == nil || compareBytes(compiledFrom!, pattern) != 0 {
                        compiled = try LikePattern(pattern)
                        compiledFrom = pattern
                    }
                    if compiled!.matches(s[i]) { out[i] = 1 }
                }
            }
            return Column(values: .bool(out), validity: validity)
        }
    }

    /// A compiled LIKE pattern, with fast paths for the common shapes.
    struct LikePattern {
        enum Op: Equatable { case byte(UInt8), one, any }
        enum Shape { case exact([UInt8]), prefix([UInt8]), suffix([UInt8]), contains([UInt8]), everything, general([Op]) }
        let shape: Shape

        init(_ p: UnsafeBufferPointer<UInt8>) throws {
            var ops: [Op] = []
            var i = 0
            while i < p.count {
                let b = p[i]
                switch b {
                case UInt8(ascii: "\\"):
                    guard i + 1 < p.count else { throw QueryError.runtime(message: "LIKE pattern ends with a backslash") }
                    ops.append(.byte(p[i + 1]))
                    i += 1
                case UInt8(ascii: "%"): if ops.last != .any { ops.append(.any) }
                case UInt8(ascii: "_"): ops.append(.one)
                default: ops.append(.byte(b))
                }
                i += 1
            }
            func literal(_ r: ArraySlice<Op>) -> [UInt8]? {
                var bytes: [UInt8] = []
                for op in r {
                    guard case .byte(let b) = op else { return nil }
                    bytes.append(b)
                }
                return bytes
            }
            let leadingAny = ops.first == .any, trailingAny = ops.count > 1 && ops.last == .any
            let inner = ops[(leadingAny ? 1 : 0)..<(ops.count - (trailingAny ? 1 : 0))]
            if ops == [.any] {
                shape = .everything
            } else if let lit = literal(inner) {
                switch (leadingAny, trailingAny) {
                case (false, false): shape = .exact(lit)
                case (false, true): shape = .prefix(lit)
                case (true, false): shape = .suffix(lit)
                case (true, true): shape = .contains(lit)
                }
            } else {
                shape = .general(ops)
            }
        }

        func matches(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
            switch shape {
            case .everything: return true
            case .exact(let lit): return lit.withUnsafeBufferPointer { s.count == $0.count && ScalarFunctions.equalBytes(s, 0, $0) }
            case .prefix(let lit): return lit.withUnsafeBufferPointer { ScalarFunctions.equalBytes(s, 0, $0) }
            case .suffix(let lit): return lit.withUnsafeBufferPointer { ScalarFunctions.equalBytes(s, s.count - $0.count, $0) }
            case .contains(let lit): return lit.withUnsafeBufferPointer { ScalarFunctions.find($0, in: s) != nil }
            case .general(let ops): return ops.withUnsafeBufferPointer { Self.match(s, $0) }
            }
        }

        /// Greedy matching with backtracking to the last `%` (linear-time per `%` segment).
        static func match(_ s: UnsafeBufferPointer<UInt8>, _ ops: UnsafeBufferPointer<Op>) -> Bool {
            @inline(__always) func scalarLength(_ i: Int) -> Int {
                var k = i + 1
                while k < s.count && ScalarFunctions.isContinuation(s[k]) { k += 1 }
                return k - i
            }
            var si = 0, pi = 0
            var starP = -1, starS = 0
            while si < s.count {
                if pi < ops.count {
                    switch ops[pi] {
                    case .one:
                        si += scalarLength(si)
                        pi += 1
                        continue
                    case .byte(let b) where s[si] == b:
                        si += 1
                        pi += 1
                        continue
                    case .any:
                        starP = pi
                        starS = si
                        pi += 1
                        continue
                    default: break
                    }
                }
                guard starP >= 0 else { return false }
                pi = starP + 1
                starS += scalarLength(starS)
                si = starS
            }
            while pi < ops.count && ops[pi] == .any { pi += 1 }
            return pi == ops.count
        }
    }
}
