import ColumnStore

extension Planner {
    /// The one-row result of a GROUP BY-less aggregation over a whole table, answered from the catalog
    /// instead of a scan, when every aggregate is a count the catalog knows exactly:
    /// `COUNT(*)` (the segments' row counts), `COUNT(column)` and `COUNTIF(column IS [NOT] NULL)`
    /// (row counts less or minus the segments' recorded null counts).
    ///
    /// Taken only when `scan` is the whole input (no WHERE: no filter, no zone predicate, no top-N) and
    /// every segment records a zone map for each counted column; otherwise nil, and the scan runs.
    /// Every committed segment's zone maps carry exact null counts (`ZoneMap.compute` at write time;
    /// the catalog's `null_count` is NOT NULL), so the answer equals the scan's.
    ///
    /// - Parameters:
    ///   - scan: the aggregation's input, when it is a table scan.
    ///   - aggregation: the bound keys and aggregates of the SELECT.
    /// - Returns: the aggregates' values as one batch of INT64 columns, or nil.
    static func catalogCounts(_ scan: TableScan, _ aggregation: AggregationContext) -> Batch? {
        guard aggregation.keys.isEmpty, !aggregation.aggregates.isEmpty, scan.filter == nil,
              scan.zonePredicates.isEmpty, scan.topN == nil else { return nil }
        let segments = scan.table.segments
        /// Rows of the table where output column `c` is NULL, when every segment records it.
        func nulls(_ c: Int) -> Int? {
            guard c < scan.columns.count else { return nil }
            let ordinal = scan.columns[c]
            var n = 0
            for s in segments {
                guard ordinal < s.zones.count, s.zones[ordinal].rowCount == s.rows else { return nil }
                n += s.zones[ordinal].nullCount
            }
            return n
        }
        let rows = segments.reduce(0) { $0 + $1.rows }
        var values: [Int64] = []
        for a in aggregation.aggregates {
            guard a.resultType == .int64 else { return nil }
            switch (a.kind, a.argument) {
            case (.countStar, nil):
                values.append(Int64(rows))
            case (.count, .column(let c, _)?):
                guard let n = nulls(c) else { return nil }
                values.append(Int64(rows - n))
            case (.countIf, .isNull(.column(let c, _), let negated)?):
                guard let n = nulls(c) else { return nil }
                values.append(Int64(negated ? rows - n : n))
            default:
                return nil
            }
        }
        return Batch(columns: values.map { Column(values: .int64([$0])) }, count: 1)
    }
}
