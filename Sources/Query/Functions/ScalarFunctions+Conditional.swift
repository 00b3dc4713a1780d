import ColumnStore

/// IF, COALESCE, IFNULL, NULLIF: the functions that do not simply propagate NULL.
///
/// Each computes, per row, which argument supplies the result (or none: NULL) and then gathers the
/// values with one typed loop.
extension ScalarFunctions {
    static var conditionalEntries: [String: Entry] {
        [
            "IF": Entry(["IF(BOOL, T, T)"]) { call in
                guard let types = call.valueTypes, types.count == 3, types[0] == nil || types[0] == .bool,
                      let t = supertype([types[1], types[2]]) else { throw call.mismatch() }
                return call.resolved(t, [.bool, t, t]) { args, rows in
                    let cond = column(args, 0), a = column(args, 1), b = column(args, 2)
                    let flags = bools(cond)
                    var source = [Int32](repeating: -1, count: rows)
                    for i in 0..<rows {
                        let takeA = flags[i] != 0 && !cond.isNull(i)
                        if takeA { if !a.isNull(i) { source[i] = 0 } } else if !b.isNull(i) { source[i] = 1 }
                    }
                    return gather([a, b], t, source)
                }
            },
            "COALESCE": Entry(["COALESCE(T, …)"]) { call in
                guard let types = call.valueTypes, !types.isEmpty, let t = supertype(types) else { throw call.mismatch() }
                return call.resolved(t, types.map { _ in t }) { args, rows in
                    coalesce((0..<args.count).map { column(args, $0) }, t, rows)
                }
            },
            "IFNULL": Entry(["IFNULL(T, T)"]) { call in
                guard let types = call.valueTypes, types.count == 2, let t = supertype(types) else { throw call.mismatch() }
                return call.resolved(t, [t, t]) { args, rows in coalesce([column(args, 0), column(args, 1)], t, rows) }
            },
            "NULLIF": Entry(["NULLIF(T, T)"]) { call in
                guard let types = call.valueTypes, types.count == 2, let t = supertype(types) else { throw call.mismatch() }
                return call.resolved(t, [t, t]) { args, rows in
                    let a = column(args, 0), b = column(args, 1)
                    let equal = equalRows(a, b)
                    var source = [Int32](repeating: -1, count: rows)
                    for i in 0..<rows where !a.isNull(i) && (b.isNull(i) || !equal[i]) { source[i] = 0 }
                    return gather([a], t, source)
                }
            },
        ]
    }

    /// The first non-NULL argument per row.
    static func coalesce(_ columns: [Column], _ type: ColumnType, _ rows: Int) -> Column {
        var source = [Int32](repeating: -1, count: rows)
        // Fill from the last argument to the first so the earliest valid one wins.
        for (k, c) in columns.enumerated().reversed() {
            if let v = c.validity {
                for i in 0..<rows where v[i] { source[i] = Int32(k) }
            } else {
                for i in 0..<rows { source[i] = Int32(k) }
            }
        }
        return gather(columns, type, source)
    }

    /// Row `i` of the result is row `i` of `columns[source[i]]`, or NULL where `source[i] < 0`.
    /// The columns all have `type`; the caller makes sure the chosen rows are valid.
    static func gather(_ columns: [Column], _ type: ColumnType, _ source: [Int32]) -> Column {
        let rows = source.count
        let validity: [Bool]? = source.contains(where: { $0 < 0 }) ? source.map { $0 >= 0 } : nil
        func pick<T>(_ arrays: [[T]], _ zero: T) -> [T] {
            var out = [T]()
            out.reserveCapacity(rows)
            for i in 0..<rows {
                let s = Int(source[i])
                out.append(s >= 0 ? arrays[s][i] : zero)
            }
            return out
        }
        switch type {
        case .int64: return Column(values: .int64(pick(columns.map(int64s), 0)), validity: validity)
        case .timestamp: return Column(values: .timestamp(pick(columns.map(int64s), 0)), validity: validity)
        case .float64: return Column(values: .float64(pick(columns.map(float64s), 0)), validity: validity)
        case .bool: return Column(values: .bool(pick(columns.map(bools), 0)), validity: validity)
        case .date: return Column(values: .date(pick(columns.map(dates), 0)), validity: validity)
        case .string:
            let arrays = columns.map(strings)
            var out = StringWriter(rows: rows)
            for i in 0..<rows {
                let s = Int(source[i])
                if s >= 0 {
                    let a = arrays[s]
                    out.bytes.append(contentsOf: a.bytes[a.start(i)..<Int(a.ends[i])])
                }
                out.endRow()
            }
            return out.finish(validity)
        }
    }

    /// Per row, whether the two same-typed columns hold equal values (NULL rows: unspecified).
    /// FLOAT64 compares as IEEE (NaN ≠ NaN, −0 = +0), as BigQuery's `=`.
    static func equalRows(_ a: Column, _ b: Column) -> [Bool] {
        switch (a.values, b.values) {
        case (.int64(let x), .int64(let y)), (.timestamp(let x), .timestamp(let y)): return map(x, y, nil, false, ==)
        case (.float64(let x), .float64(let y)): return map(x, y, nil, false, ==)
        case (.bool(let x), .bool(let y)): return map(x, y, nil, false, ==)
        case (.date(let x), .date(let y)): return map(x, y, nil, false, ==)
        case (.string(let x), .string(let y)):
            return withViews(x, y) { vx, vy in (0..<vx.count).map { compareBytes(vx[$0], vy[$0]) == 0 } }
        default: preconditionFailure("compared columns of different types \(a.type.rawValue), \(b.type.rawValue)")
        }
    }
}
