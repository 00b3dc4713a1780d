import ColumnStore

extension GroupTable {
    /// The group id of each row when every key is a STRING column materialized from a dictionary
    /// block (`Batch.dictionaries`): the rows' combinations of codes are numbered in a small array, and
    /// only the first row of each combination is looked up in the table, so no other row's strings are
    /// encoded or hashed. Nil, with nothing done, when the combinations exceed `maxCombinations` or a
    /// quarter of the rows.
    /// New ids and `isNew` calls come in row order, as `groupIDs(_:rows:isNew:)` gives them.
    /// `keys` are the strings materialized from `dictionaries` (only the dictionaries are read).
    mutating func groupIDs(_ keys: [Column], dictionaries: [DictionaryColumn], rows: Int, isNew: (Int) -> Void) -> [Int32]? {
        groupIDs(dictionaries: dictionaries, rows: rows, isNew: isNew)
    }

    /// `groupIDs(_:dictionaries:rows:isNew:)` without the materialized strings: the first row of each
    /// combination of codes is materialized from the dictionaries.
    mutating func groupIDs(dictionaries: [DictionaryColumn], rows: Int, isNew: (Int) -> Void) -> [Int32]? {
        // Per key, 0 for NULL and code + 1 otherwise, in mixed radix.
        var strides: [Int] = []
        var space = 1
        for d in dictionaries {
            guard d.codes.count == rows else { return nil }
            strides.append(space)
            space *= d.entries.count + 1
            if space > GroupTable.maxCombinations { return nil }
        }
        // Most rows must repeat a combination, or numbering them costs more than it saves.
        guard space * 4 <= rows else { return nil }
        if dictionaries.count == 1 { return groupIDs(dictionary: dictionaries[0], rows: rows, isNew: isNew) }
        var combined = [Int32](repeating: 0, count: rows)
        combined.withUnsafeMutableBufferPointer { out in
            for (k, d) in dictionaries.enumerated() {
                let stride = Int32(strides[k])
                d.codes.withUnsafeBufferPointer { codes in
                    if let validity = d.validity {
                        for i in 0..<rows where validity[i] { out[i] += (Int32(codes[i]) + 1) * stride }
                    } else {
                        for i in 0..<rows { out[i] += (Int32(codes[i]) + 1) * stride }
                    }
                }
            }
        }
        var local = [Int32](repeating: -1, count: space)
        var firsts: [Int32] = []
        // Stops once every combination has a first row.
        for i in 0..<rows where local[Int(combined[i])] == -1 {
            local[Int(combined[i])] = -2
            firsts.append(Int32(i))
            if firsts.count == space { break }
        }
        let ids = groupIDs(dictionaries.map { $0.materialize(firsts) }, rows: firsts.count) { isNew(Int(firsts[$0])) }
        for (j, row) in firsts.enumerated() { local[Int(combined[Int(row)])] = ids[j] }
        return local.gathered(at: combined)
    }

    /// `groupIDs(dictionaries:rows:isNew:)` of one key: its codes number the rows' keys themselves
    /// (NULL apart), so no combination is computed and stored per row.
    private mutating func groupIDs(dictionary d: DictionaryColumn, rows: Int, isNew: (Int) -> Void) -> [Int32] {
        // Per code c, local[c + 1]; NULL at local[0].
        var local = [Int32](repeating: -1, count: d.entries.count + 1)
        var firsts: [Int32] = []
        d.codes.withUnsafeBufferPointer { codes in
            local.withUnsafeMutableBufferPointer { local in
                // Stops once every value a row can hold (each entry, and NULL when there is a validity)
                // has its first row: a few rows into a batch of a few distinct values.
                let values = d.entries.count + (d.validity == nil ? 0 : 1)
                for i in 0..<rows {
                    let c = d.validity?[i] ?? true ? Int(codes[i]) + 1 : 0
                    if local[c] == -1 {
                        local[c] = -2
                        firsts.append(Int32(i))
                        if firsts.count == values { break }
                    }
                }
            }
        }
        let ids = groupIDs([d.materialize(firsts)], rows: firsts.count) { isNew(Int(firsts[$0])) }
        for (j, row) in firsts.enumerated() {
            local[d.validity?[Int(row)] ?? true ? Int(d.codes[Int(row)]) + 1 : 0] = ids[j]
        }
        return [Int32](unsafeUninitializedCapacity: rows) { out, initialized in
            d.codes.withUnsafeBufferPointer { codes in
                local.withUnsafeBufferPointer { local in
                    if let validity = d.validity {
                        for i in 0..<rows { out[i] = local[validity[i] ? Int(codes[i]) + 1 : 0] }
                    } else {
                        for i in 0..<rows { out[i] = local[Int(codes[i]) + 1] }
                    }
                }
            }
            initialized = rows
        }
    }

    /// The most code combinations `groupIDs(_:dictionaries:rows:isNew:)` numbers. Default: 65,536.
    static let maxCombinations = 1 << 16
}
