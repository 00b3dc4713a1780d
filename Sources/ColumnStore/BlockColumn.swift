/// One decoded block of one column as a scan sees it: plain values, or — for a dictionary-encoded
/// STRING block — the block's dictionary and each row's code, so that filters can be decided once per
/// dictionary entry and only the rows that survive are copied out as strings.
public enum BlockColumn: Sendable {
    case plain(Column)
    case dictionary(DictionaryColumn)

    public var count: Int {
        switch self {
        case .plain(let c): return c.count
        case .dictionary(let d): return d.count
        }
    }

    /// The rows at `selection` (in that order; every row when nil) as a plain column.
    public func materialize(_ selection: [Int32]?) -> Column {
        switch self {
        case .plain(let c): return selection.map { c.gather($0) } ?? c
        case .dictionary(let d): return d.materialize(selection)
        }
    }
}

/// A dictionary-encoded STRING block: row `i` is `entries[codes[i]]`, or NULL when `validity[i]` is
/// false (its code is then 0 or any valid code).
public struct DictionaryColumn: Sendable, Equatable {
    public var entries: StringArray
    public var codes: [UInt16]
    /// `nil` means every row is valid.
    public var validity: [Bool]?

    public init(entries: StringArray, codes: [UInt16], validity: [Bool]?) {
        self.entries = entries
        self.codes = codes
        self.validity = validity
    }

    public var count: Int { codes.count }

    /// Longest entry copied with fixed 8- or 16-byte moves instead of one `memmove` per row.
    static let shortEntryBytes = 16

    /// The strings of the rows at `selection` (every row when nil), copied entry by entry.
    ///
    /// When no entry is longer than `shortEntryBytes`, each row is copied as one or two unaligned
    /// 8-byte words from a zero-padded copy of the entries into an output buffer with that much slack
    /// (the bytes past a row's length are overwritten by the next row or lie past the end).
    public func materialize(_ selection: [Int32]?) -> Column {
        let n = selection?.count ?? codes.count
        let entryCount = entries.ends.count
        // Per entry, where its bytes start and how many there are.
        var starts = [Int](repeating: 0, count: entryCount), lengths = [Int](repeating: 0, count: entryCount)
        var longest = 0
        entries.ends.withUnsafeBufferPointer { ee in
            var previous = 0
            for e in 0..<entryCount {
                let end = Int(ee[e])
                starts[e] = previous
                lengths[e] = end - previous
                longest = Swift.max(longest, end - previous)
                previous = end
            }
        }
        var total = 0
        var ends = [Int32](repeating: 0, count: n)
        codes.withUnsafeBufferPointer { cs in
            lengths.withUnsafeBufferPointer { len in
                ends.withUnsafeMutableBufferPointer { out in
                    if let selection {
                        for (j, i) in selection.enumerated() { total += len[Int(cs[Int(i)])]; out[j] = Int32(total) }
                    } else {
                        for i in 0..<n { total += len[Int(cs[i])]; out[i] = Int32(total) }
                    }
                }
            }
        }
        let word = longest <= 8 ? 8 : DictionaryColumn.shortEntryBytes
        let short = longest <= DictionaryColumn.shortEntryBytes
        let slack = short ? word : 0
        // The entries with `slack` zero bytes after the last one, so that every word read stays inside.
        let source: [UInt8] = short ? entries.bytes + [UInt8](repeating: 0, count: slack) : entries.bytes
        let bytes = [UInt8](unsafeUninitializedCapacity: total + slack) { out, initialized in
            if let first = out.baseAddress {
                let dst = UnsafeMutableRawPointer(first)
                source.withUnsafeBytes { src in
                    codes.withUnsafeBufferPointer { cs in
                        starts.withUnsafeBufferPointer { st in
                            lengths.withUnsafeBufferPointer { len in
                                let base = src.baseAddress!
                                var at = 0
                                @inline(__always) func copy(_ c: Int) {
                                    let s = st[c], l = len[c]
                                    if short {
                                        dst.storeBytes(of: base.loadUnaligned(fromByteOffset: s, as: UInt64.self), toByteOffset: at, as: UInt64.self)
                                        if word == 16 {
                                            dst.storeBytes(of: base.loadUnaligned(fromByteOffset: s + 8, as: UInt64.self), toByteOffset: at + 8, as: UInt64.self)
                                        }
                                    } else if l > 0 {
                                        (dst + at).copyMemory(from: base + s, byteCount: l)
                                    }
                                    at += l
                                }
                                if let selection { for i in selection { copy(Int(cs[Int(i)])) } } else { for i in 0..<n { copy(Int(cs[i])) } }
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        var validity: [Bool]? = nil
        if let v = self.validity {
            let picked = selection.map { v.gathered(at: $0) } ?? v
            if picked.contains(false) { validity = picked }
        }
        return Column(values: .string(StringArray(bytes: bytes, ends: ends)), validity: validity)
    }
}
