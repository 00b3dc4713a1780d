import ColumnStore

/// A batch of rows flowing between operators: equal-length column vectors.
///
/// Scans emit one batch per block (at most `SegmentFormat.defaultBlockRows` rows); filters produce a
/// selection vector and gather the selected rows once (`Batch.gather`), so later operators see dense
/// vectors.
public struct Batch {
    public var columns: [Column]
    public var count: Int
    /// Per column, the dictionary block a STRING column's values were copied from (every row, in
    /// order), when a scan knows it; nil otherwise. Set by scans for unfiltered dictionary blocks and
    /// not carried over by `gather` or other operators, so it never describes different rows. For a
    /// scan column read only through its dictionary (`TableScan.dictionaryOnly`) the strings are not
    /// copied: the column holds empty strings and the dictionary alone tells the values.
    var dictionaries: [DictionaryColumn?]? = nil

    public init(columns: [Column], count: Int) {
        self.columns = columns
        self.count = count
    }

    /// The rows at `selection`, in that order.
    public func gather(_ selection: [Int32]) -> Batch {
        Batch(columns: columns.map { $0.gather(selection) }, count: selection.count)
    }

    /// The dictionary block `expr`'s values were copied from, when `expr` is a STRING column of this
    /// batch that a scan knows one for (`dictionaries`); nil otherwise.
    func dictionary(of expr: BoundExpr) -> DictionaryColumn? {
        guard case .column(let i, .string) = expr, let known = dictionaries, i < known.count else { return nil }
        return known[i]
    }

    /// The rows `range`, in order (the batch itself when that is all of it).
    public func slice(_ range: Range<Int>) -> Batch {
        if range == 0..<count { return self }
        return Batch(columns: columns.map { $0.slice(range) }, count: range.count)
    }
}

extension Column {
    /// A column of `count` copies of `value` (NULL gives an all-NULL column of `type`).
    public static func constant(_ value: Value, type: ColumnType, count: Int) -> Column {
        if case .null = value { return nulls(type, count: count) }
        var b = ColumnBuilder(type: type, capacity: count)
        switch (value, type) {
        case let (.int64(v), .int64): return Column(values: .int64(Array(repeating: v, count: count)))
        case let (.int64(v), .float64): return Column(values: .float64(Array(repeating: Double(v), count: count)))
        case let (.float64(v), .float64): return Column(values: .float64(Array(repeating: v, count: count)))
        case let (.bool(v), .bool): return Column(values: .bool(Array(repeating: v ? 1 : 0, count: count)))
        case let (.date(v), .date): return Column(values: .date(Array(repeating: v, count: count)))
        case let (.timestamp(v), .timestamp): return Column(values: .timestamp(Array(repeating: v, count: count)))
        case let (.string(v), .string):
            for _ in 0..<count { b.appendString(v) }
            return b.finish()
        default:
            for _ in 0..<count { b.append(value) }
            return b.finish()
        }
    }

    /// A column of `count` rows of `type` with the given validity (nil: no NULLs) whose values are all
    /// zero (empty strings): for a consumer that reads only which rows are NULL.
    static func validityOnly(_ type: ColumnType, validity: [Bool]?, count: Int) -> Column {
        var c = nulls(type, count: count)
        c.validity = validity.flatMap { $0.contains(false) ? $0 : nil }
        return c
    }

    /// A column of `count` NULLs of `type`, its values zero-filled: `constant(.null, …)`, built whole
    /// instead of a row at a time.
    private static func nulls(_ type: ColumnType, count: Int) -> Column {
        let values: ColumnValues
        switch type {
        case .int64: values = .int64([Int64](repeating: 0, count: count))
        case .timestamp: values = .timestamp([Int64](repeating: 0, count: count))
        case .float64: values = .float64([Double](repeating: 0, count: count))
        case .bool: values = .bool([UInt8](repeating: 0, count: count))
        case .date: values = .date([Int32](repeating: 0, count: count))
        case .string: values = .string(StringArray(bytes: [], ends: [Int32](repeating: 0, count: count)))
        }
        return Column(values: values, validity: count == 0 ? nil : [Bool](repeating: false, count: count))
    }

    /// Whether row `i` is valid (not NULL).
    @inline(__always) func valid(_ i: Int) -> Bool { validity?[i] ?? true }
}
