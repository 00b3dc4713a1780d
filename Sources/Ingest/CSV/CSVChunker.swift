/// Splits a CSV buffer into ranges that can be parsed independently (e.g. one per core).
public enum CSVChunker {
    /// Splits `buffer` into at most `count` consecutive, non-empty ranges covering it, each starting
    /// at a record boundary, together with the physical line number each starts at.
    ///
    /// Boundaries are placed just after the first record-ending `\n` at or after each
    /// `k * buffer.count / count`. A `\n` ends a record iff it is outside quotes. For RFC 4180
    /// input that is exactly "an even number of `"` precede it"; this implementation tracks quotes
    /// with the parser's own rules (a `"` opens quoting only at the start of a field, i.e. at the
    /// buffer start or right after `,` or `\n`; a stray `"` elsewhere is literal), so parsing the
    /// ranges one after another always yields the same records, line numbers and errors as
    /// parsing the whole buffer, even for malformed input.
    ///
    /// Cost: one `memchr` pass over the quotes and newlines plus a SWAR newline count, i.e. a
    /// small fraction of the parse. After an unterminated quote no further boundaries exist, so
    /// the last range runs to the end (where the parser reports the error).
    ///
    /// - Parameters:
    ///   - buffer: bytes starting at a record boundary (after `CSVParser.skipBOM`).
    ///   - count: the desired number of ranges (values < 1 are treated as 1).
    ///   - firstLine: the physical line at which `buffer` starts.
    /// - Returns: ranges in order; empty for an empty buffer.
    public static func split(_ buffer: UnsafeRawBufferPointer, into count: Int, firstLine: Int)
        -> [(range: Range<Int>, firstLine: Int)]
    {
        let n = buffer.count
        guard let base = buffer.baseAddress, n > 0 else { return [] }
        if count <= 1 { return [(0..<n, firstLine)] }

        @inline(__always) func at(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

        /// Resolves the quote at `q` (outside quotes): returns the offset just after its effect, or
        /// nil if it opens a quoted field that never closes.
        @inline(__always) func pastQuote(_ q: Int) -> Int? {
            if q == 0 || at(q - 1) == csvComma || at(q - 1) == csvLF {
                var s = q + 1
                while true {
                    let c = CSVBytes.find(csvQuote, base, s, n)
                    if c == n { return nil }
                    if c + 1 < n && at(c + 1) == csvQuote {
                        s = c + 2
                        continue
                    }
                    return c + 1
                }
            }
            return q + 1  // a stray quote inside an unquoted field: literal
        }

        var starts = [0]
        var cur = 0  // every quote before `cur` is resolved and `cur` is outside quotes
        search: for k in 1..<count {
            let target = Int((Int64(n) * Int64(k)) / Int64(count))
            // Resolve the quotes before the target.
            while cur < target {
                let q = CSVBytes.find(csvQuote, base, cur, target)
                if q == target {
                    cur = target
                    break
                }
                guard let past = pastQuote(q) else { break search }
                cur = past
            }
            // The first newline at or after `cur` that is outside quotes.
            while true {
                let nl = CSVBytes.find(csvLF, base, cur, n)
                if nl == n { break search }
                let q = CSVBytes.find(csvQuote, base, cur, nl)
                if q == nl {
                    cur = nl + 1
                    break
                }
                guard let past = pastQuote(q) else { break search }
                cur = past
            }
            if cur >= n { break }
            if cur > starts[starts.count - 1] { starts.append(cur) }
        }

        var result: [(range: Range<Int>, firstLine: Int)] = []
        result.reserveCapacity(starts.count)
        var line = firstLine
        for (i, s) in starts.enumerated() {
            let e = i + 1 < starts.count ? starts[i + 1] : n
            result.append((s..<e, line))
            if i + 1 < starts.count { line += CSVBytes.countNewlines(base, s, e) }
        }
        return result
    }
}
