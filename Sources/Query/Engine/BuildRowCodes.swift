import ColumnStore

/// The dictionary codes of several build-side columns of a join, each build row's codes side by side
/// (`codes[row * width + k]` for the k-th column with a dictionary). A joined row's codes are then
/// gathered from one place: with a large build side each gathered row is a cache miss, one per row
/// instead of one per row and column.
struct BuildRowCodes {
    /// The right columns with a dictionary, in order.
    let columns: [Int]
    private let codes: [UInt16]

    /// The codes of `dictionaries`' non-nil columns; nil when fewer than two columns have one (a lone
    /// column's own codes are already side by side).
    init?(_ dictionaries: [DictionaryColumn?]) {
        let columns = dictionaries.indices.filter { dictionaries[$0] != nil }
        guard columns.count >= 2 else { return nil }
        let width = columns.count
        let rows = dictionaries[columns[0]]!.count
        var codes = [UInt16](repeating: 0, count: rows * width)
        codes.withUnsafeMutableBufferPointer { out in
            for (k, j) in columns.enumerated() {
                dictionaries[j]!.codes.withUnsafeBufferPointer { c in
                    for r in 0..<rows { out[r * width + k] = c[r] }
                }
            }
        }
        self.columns = columns
        self.codes = codes
    }

    /// Per right column with a dictionary, the codes of the build rows `rows`, in their order.
    func gather(_ rows: [Int32]) -> [Int: [UInt16]] {
        let width = columns.count, n = rows.count
        // Column by column in one array: row i's k-th code at k * n + i.
        let flat = [UInt16](unsafeUninitializedCapacity: n * width) { out, initialized in
            codes.withUnsafeBufferPointer { codes in
                rows.withUnsafeBufferPointer { rows in
                    for i in 0..<n {
                        let base = Int(rows[i]) * width
                        for k in 0..<width { out[k * n + i] = codes[base + k] }
                    }
                }
            }
            initialized = n * width
        }
        var byColumn: [Int: [UInt16]] = [:]
        for (k, j) in columns.enumerated() { byColumn[j] = Array(flat[k * n ..< (k + 1) * n]) }
        return byColumn
    }
}
