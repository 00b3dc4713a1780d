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

    /// The strings of the rows at `selection` (every row when nil), copied entry by entry.
    public func materialize(_ selection: [Int32]?) -> Column {
        let n = selection?.count ?? codes.count
        var total = 0
        let entryEnds = entries.ends
        @inline(__always) func length(_ c: Int) -> Int { Int(entryEnds[c]) - (c == 0 ? 0 : Int(entryEnds[c - 1])) }
        var ends = [Int32](repeating: 0, count: n)
        codes.withUnsafeBufferPointer { cs in
            if let selection {
                for (j, i) in selection.enumerated() { total += length(Int(cs[Int(i)])); ends[j] = Int32(total) }
            } else {
                for i in 0..<n { total += length(Int(cs[i])); ends[i] = Int32(total) }
            }
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            if let dst = out.baseAddress {
                entries.bytes.withUnsafeBufferPointer { src in
                    codes.withUnsafeBufferPointer { cs in
                        entryEnds.withUnsafeBufferPointer { ee in
                            var at = 0
                            @inline(__always) func copy(_ c: Int) {
                                let s = c == 0 ? 0 : Int(ee[c - 1]), len = Int(ee[c]) - s
                                if len > 0 { (dst + at).initialize(from: src.baseAddress! + s, count: len) }
                                at += len
                            }
                            if let selection { for i in selection { copy(Int(cs[Int(i)])) } } else { for i in 0..<n { copy(Int(cs[i])) } }
                        }
                    }
                }
            }
            initialized = total
        }
        var validity: [Bool]? = nil
        if let v = self.validity {
            let picked = selection.map { sel in sel.map { v[Int($0)] } } ?? v
            if picked.contains(false) { validity = picked }
        }
        return Column(values: .string(StringArray(bytes: bytes, ends: ends)), validity: validity)
    }
}
