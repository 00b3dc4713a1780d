import ColumnStore
#if canImport(Glibc)
import Glibc
#endif

/// Evaluates bound expressions over a batch, one column at a time (vectorized: each node runs one
/// loop over typed arrays).
enum Evaluator {
    static func evaluate(_ e: BoundExpr, _ batch: Batch) throws -> Column {
        let n = batch.count
        switch e {
        case .column(let i, _):
            return batch.columns[i]
        case .literal(let v, let t):
            return Column.constant(v, type: t ?? .int64, count: n)
        case .arithmetic(let op, let a, let b, let t):
            return try arithmetic(op, try evaluate(a, batch), try evaluate(b, batch), resultType: t)
        case .comparison(let op, let a, let b):
            // Against a constant: compared with the one value, without a column of copies of it.
            if case .literal(let v, _) = b, !v.isNull {
                if let c = compare(op, try evaluate(a, batch), v) { return c }
            }
            if case .literal(let v, _) = a, !v.isNull {
                if let c = compare(Planner.flip(op), try evaluate(b, batch), v) { return c }
            }
            return compare(op, try evaluate(a, batch), try evaluate(b, batch))
        case .and(let a, let b):
            return logical(try evaluate(a, batch), try evaluate(b, batch), isAnd: true)
        case .or(let a, let b):
            return logical(try evaluate(a, batch), try evaluate(b, batch), isAnd: false)
        case .not(let a):
            let c = try evaluate(a, batch)
            guard case .bool(let v) = c.values else { return c }
            return Column(values: .bool(v.map { $0 ^ 1 }), validity: c.validity)
        case .negate(let a):
            let c = try evaluate(a, batch)
            switch c.values {
            case .int64(let v):
                var out = [Int64](repeating: 0, count: v.count)
                for i in v.indices where c.valid(i) {
                    guard v[i] != .min else { throw QueryError.runtime(message: "integer overflow: -(\(v[i]))") }
                    out[i] = -v[i]
                }
                return Column(values: .int64(out), validity: c.validity)
            case .float64(let v): return Column(values: .float64(v.map { -$0 }), validity: c.validity)
            default: return c
            }
        case .isNull(let a, let negated):
            let c = try evaluate(a, batch)
            let v: [UInt8] = (0..<n).map { (c.valid($0) ? 0 : 1) ^ (negated ? 1 : 0) }
            return Column(values: .bool(v))
        case .isBool(let a, let value, let negated):
            let c = try evaluate(a, batch)
            guard case .bool(let b) = c.values else { return Column.constant(.bool(false), type: .bool, count: n) }
            let want: UInt8 = value ? 1 : 0
            return Column(values: .bool((0..<n).map { ((c.valid($0) && b[$0] == want) ? 1 : 0) ^ (negated ? 1 : 0) }))
        case .inList(let a, let list, let negated):
            // x IN (a, b) is x = a OR x = b, with three-valued logic.
            let x = try evaluate(a, batch)
            var acc: Column? = nil
            for item in list {
                let eq = compare(.equal, x, try evaluate(item, batch))
                acc = acc.map { logical($0, eq, isAnd: false) } ?? eq
            }
            let result = acc ?? Column.constant(.bool(false), type: .bool, count: n)
            guard negated, case .bool(let v) = result.values else { return result }
            return Column(values: .bool(v.map { $0 ^ 1 }), validity: result.validity)
        case .inSet(let a, let set, let negated):
            return set.evaluate(try evaluate(a, batch), negated: negated)
        case .caseWhen(let branches, let elseResult, let t):
            return try caseWhen(branches, elseResult, type: t ?? .int64, batch)
        case .call(let f, let args):
            if let lazy = try conditionalCall(f, args, batch) { return lazy }
            let values: [FunctionArgument] = try args.map {
                switch $0 {
                case .value(let e): return .value(try evaluate(e, batch))
                case .part(let p): return .part(p)
                case .interval(let e, let p): return .interval(try evaluate(e, batch), p)
                }
            }
            return try f.evaluate(values, n)
        }
    }

    /// The rows of `batch` where `predicate` is TRUE (not FALSE, not NULL).
    static func select(_ predicate: BoundExpr, _ batch: Batch) throws -> [Int32] {
        let c = try evaluate(predicate, batch)
        guard case .bool(let v) = c.values else { return [] }
        var out: [Int32] = []
        out.reserveCapacity(batch.count)
        if let validity = c.validity {
            for i in 0..<batch.count where v[i] != 0 && validity[i] { out.append(Int32(i)) }
        } else {
            for i in 0..<batch.count where v[i] != 0 { out.append(Int32(i)) }
        }
        return out
    }

    static func mergeValidity(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let x?, nil): return x
        case (nil, let y?): return y
        case (let x?, let y?): return zip(x, y).map { $0 && $1 }
        }
    }

    static func doubles(_ c: Column) -> [Double] {
        switch c.values {
        case .float64(let v): return v
        case .int64(let v): return v.map(Double.init)
        default: return [Double](repeating: 0, count: c.count)
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ a: Column, _ b: Column, resultType: ColumnType) throws -> Column {
        var validity = mergeValidity(a.validity, b.validity)
        let n = a.count
        if resultType == .int64, case .int64(let x) = a.values, case .int64(let y) = b.values {
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n where validity?[i] ?? true {
                let (r, o): (Int64, Bool)
                switch op {
                case .add: (r, o) = x[i].addingReportingOverflow(y[i])
                case .subtract: (r, o) = x[i].subtractingReportingOverflow(y[i])
                default: (r, o) = x[i].multipliedReportingOverflow(by: y[i])
                }
                if o { throw QueryError.runtime(message: "integer overflow: \(x[i]) \(op.rawValue) \(y[i])") }
                out[i] = r
            }
            return Column(values: .int64(out), validity: validity)
        }
        let x = doubles(a), y = doubles(b)
        var out = [Double](repeating: 0, count: n)
        switch op {
        case .add: for i in 0..<n { out[i] = x[i] + y[i] }
        case .subtract: for i in 0..<n { out[i] = x[i] - y[i] }
        case .multiply: for i in 0..<n { out[i] = x[i] * y[i] }
        default:
            for i in 0..<n where validity?[i] ?? true {
                if y[i] == 0 { throw QueryError.runtime(message: "division by zero: \(formatDouble(x[i])) / 0") }
                out[i] = x[i] / y[i]
            }
        }
        if validity != nil { for i in 0..<n where !validity![i] { out[i] = 0 } } else { validity = nil }
        // As in BigQuery, finite operands whose result is not finite are an overflow error, not ±inf.
        for i in 0..<n where !out[i].isFinite && x[i].isFinite && y[i].isFinite {
            throw QueryError.runtime(message: "floating point overflow: \(formatDouble(x[i])) \(op.rawValue) \(formatDouble(y[i]))")
        }
        return Column(values: .float64(out), validity: validity)
    }

    static func compare(_ op: BinaryOperator, _ a: Column, _ b: Column) -> Column {
        let n = a.count
        let validity = mergeValidity(a.validity, b.validity)
        var out = [UInt8](repeating: 0, count: n)
        func run<T>(_ x: [T], _ y: [T], _ less: (T, T) -> Bool, _ equal: (T, T) -> Bool) {
            switch op {
            case .equal: for i in 0..<n { out[i] = equal(x[i], y[i]) ? 1 : 0 }
            case .notEqual: for i in 0..<n { out[i] = equal(x[i], y[i]) ? 0 : 1 }
            case .less: for i in 0..<n { out[i] = less(x[i], y[i]) ? 1 : 0 }
            case .lessEqual: for i in 0..<n { out[i] = less(y[i], x[i]) ? 0 : 1 }
            case .greater: for i in 0..<n { out[i] = less(y[i], x[i]) ? 1 : 0 }
            case .greaterEqual: for i in 0..<n { out[i] = less(x[i], y[i]) ? 0 : 1 }
            default: break
            }
        }
        switch (a.values, b.values) {
        case let (.int64(x), .int64(y)), let (.timestamp(x), .timestamp(y)): run(x, y, <, ==)
        case let (.date(x), .date(y)): run(x, y, <, ==)
        case let (.bool(x), .bool(y)): run(x, y, <, ==)
        case let (.string(x), .string(y)):
            x.bytes.withUnsafeBytes { xb in
                y.bytes.withUnsafeBytes { yb in
                    for i in 0..<n {
                        let xs = x.start(i), xl = Int(x.ends[i]) - xs
                        let ys = y.start(i), yl = Int(y.ends[i]) - ys
                        let m = min(xl, yl)
                        var c = m == 0 ? 0 : memcmp(xb.baseAddress! + xs, yb.baseAddress! + ys, m)
                        if c == 0 { c = xl < yl ? -1 : (xl > yl ? 1 : 0) }
                        out[i] = StringComparison.holds(op, c) ? 1 : 0
                    }
                }
            }
        default:
            // Mixed INT64 / FLOAT64: compare as FLOAT64 (NaN compares unequal to everything).
            run(doubles(a), doubles(b), <, ==)
        }
        return Column(values: .bool(out), validity: validity)
    }

    /// `column op value` for a non-NULL `value` of the column's type (INT64 and FLOAT64 meet as FLOAT64),
    /// as `compare(op, column, constant column of value)` would give it; nil for other type pairs.
    static func compare(_ op: BinaryOperator, _ a: Column, _ value: Value) -> Column? {
        if case .string(let x) = a.values, case .string(let y) = value {
            return Column(values: .bool(StringComparison.tests(x, op, Array(y.utf8))), validity: a.validity)
        }
        let n = a.count
        var out = [UInt8](repeating: 0, count: n)
        func run<T>(_ x: [T], _ y: T, _ less: (T, T) -> Bool, _ equal: (T, T) -> Bool) {
            x.withUnsafeBufferPointer { x in
                switch op {
                case .equal: for i in 0..<n { out[i] = equal(x[i], y) ? 1 : 0 }
                case .notEqual: for i in 0..<n { out[i] = equal(x[i], y) ? 0 : 1 }
                case .less: for i in 0..<n { out[i] = less(x[i], y) ? 1 : 0 }
                case .lessEqual: for i in 0..<n { out[i] = less(y, x[i]) ? 0 : 1 }
                case .greater: for i in 0..<n { out[i] = less(y, x[i]) ? 1 : 0 }
                case .greaterEqual: for i in 0..<n { out[i] = less(x[i], y) ? 0 : 1 }
                default: break
                }
            }
        }
        switch (a.values, value) {
        case let (.int64(x), .int64(y)), let (.timestamp(x), .timestamp(y)): run(x, y, <, ==)
        case let (.date(x), .date(y)): run(x, y, <, ==)
        case let (.bool(x), .bool(y)): run(x, UInt8(y ? 1 : 0), <, ==)
        case let (.float64(x), .float64(y)): run(x, y, <, ==)
        case let (.float64(x), .int64(y)): run(x, Double(y), <, ==)
        case let (.int64(x), .float64(y)): run(doubles(Column(values: .int64(x))), y, <, ==)
        default:
            return nil
        }
        return Column(values: .bool(out), validity: a.validity)
    }

    /// AND / OR with SQL three-valued logic: FALSE AND NULL = FALSE, TRUE OR NULL = TRUE.
    static func logical(_ a: Column, _ b: Column, isAnd: Bool) -> Column {
        guard case .bool(let x) = a.values, case .bool(let y) = b.values else { return a }
        let n = x.count
        if a.validity == nil && b.validity == nil {
            return Column(values: .bool(isAnd ? zip(x, y).map { $0 & $1 } : zip(x, y).map { $0 | $1 }))
        }
        var out = [UInt8](repeating: 0, count: n)
        var valid = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let av = a.valid(i), bv = b.valid(i)
            if isAnd {
                if (av && x[i] == 0) || (bv && y[i] == 0) { out[i] = 0 } else if av && bv { out[i] = 1 } else { valid[i] = false }
            } else {
                if (av && x[i] == 1) || (bv && y[i] == 1) { out[i] = 1 } else if av && bv { out[i] = 0 } else { valid[i] = false }
            }
        }
        return Column(values: .bool(out), validity: valid.contains(false) ? valid : nil)
    }

    /// `e` over the rows `rows` of `batch` (ascending), as a column of `rows.count` values. Only the
    /// columns `e` reads are gathered.
    static func evaluate(_ e: BoundExpr, _ batch: Batch, rows: [Int32]) throws -> Column {
        if rows.count == batch.count { return try evaluate(e, batch) }
        let used = e.columnsUsed
        let placeholder = Column(values: .int64([]))
        let columns = batch.columns.indices.map { used.contains($0) ? batch.columns[$0].gather(rows) : placeholder }
        return try evaluate(e, Batch(columns: columns, count: rows.count))
    }

    /// CASE: each row takes the result of its first TRUE condition, else the ELSE result (NULL without
    /// one). As in BigQuery, a condition is evaluated only on the rows no earlier condition took and a
    /// result only on the rows that take it, so `CASE WHEN x = 0 THEN 0 ELSE 1 / x END` never divides
    /// by zero.
    static func caseWhen(_ branches: [(BoundExpr, BoundExpr)], _ elseResult: BoundExpr?, type: ColumnType, _ batch: Batch) throws -> Column {
        var remaining = (0..<Int32(batch.count)).map { $0 }
        var parts: [ChosenRows] = []
        for (cond, result) in branches where !remaining.isEmpty {
            let c = try evaluate(cond, batch, rows: remaining)
            guard case .bool(let v) = c.values else { continue }
            var taken: [Int32] = [], rest: [Int32] = []
            for (k, row) in remaining.enumerated() {
                if v[k] == 1 && c.valid(k) { taken.append(row) } else { rest.append(row) }
            }
            if !taken.isEmpty { parts.append(ChosenRows(rows: taken, positions: nil, values: try evaluate(result, batch, rows: taken))) }
            remaining = rest
        }
        if let elseResult, !remaining.isEmpty {
            parts.append(ChosenRows(rows: remaining, positions: nil, values: try evaluate(elseResult, batch, rows: remaining)))
        }
        return ChosenRows.assemble(parts, type: type, count: batch.count)
    }

    /// IF, COALESCE and IFNULL, whose arguments BigQuery evaluates only where they decide the result:
    /// IF's results on the rows that take them, COALESCE's and IFNULL's later arguments on the rows
    /// where every earlier one is NULL. nil for every other function.
    static func conditionalCall(_ f: ResolvedFunction, _ args: [BoundArgument], _ batch: Batch) throws -> Column? {
        guard ["IF", "COALESCE", "IFNULL"].contains(f.name) else { return nil }
        let values = args.compactMap { a -> BoundExpr? in if case .value(let e) = a { return e } else { return nil } }
        guard values.count == args.count else { return nil }
        if f.name == "IF" {
            guard values.count == 3 else { return nil }
            return try caseWhen([(values[0], values[1])], values[2], type: f.resultType, batch)
        }
        var remaining = (0..<Int32(batch.count)).map { $0 }
        var parts: [ChosenRows] = []
        for arg in values where !remaining.isEmpty {
            let c = try evaluate(arg, batch, rows: remaining)
            var taken: [Int32] = [], positions: [Int32] = [], rest: [Int32] = []
            for (k, row) in remaining.enumerated() {
                if c.valid(k) { taken.append(row); positions.append(Int32(k)) } else { rest.append(row) }
            }
            if !taken.isEmpty { parts.append(ChosenRows(rows: taken, positions: positions, values: c)) }
            remaining = rest
        }
        return ChosenRows.assemble(parts, type: f.resultType, count: batch.count)
    }

    static func coerce(_ v: Value, to type: ColumnType) -> Value {
        if case .int64(let x) = v, type == .float64 { return .float64(Double(x)) }
        return v
    }
}

/// The rows of a batch that one branch of a conditional supplies: `rows` (ascending) take the value at
/// `positions` (or at 0, 1, … when nil) of `values`.
struct ChosenRows {
    var rows: [Int32]
    var positions: [Int32]?
    var values: Column

    /// A column of `count` rows: each row's value from the part that holds it, NULL where none does.
    static func assemble(_ parts: [ChosenRows], type: ColumnType, count: Int) -> Column {
        if parts.count == 1, parts[0].rows.count == count, parts[0].positions == nil, parts[0].values.type == type {
            return parts[0].values
        }
        var part = [Int32](repeating: -1, count: count), position = [Int32](repeating: 0, count: count)
        for (p, chosen) in parts.enumerated() {
            for (k, row) in chosen.rows.enumerated() {
                part[Int(row)] = Int32(p)
                position[Int(row)] = chosen.positions?[k] ?? Int32(k)
            }
        }
        var b = ColumnBuilder(type: type, capacity: count)
        for i in 0..<count {
            let p = Int(part[i])
            b.append(p < 0 ? .null : Evaluator.coerce(parts[p].values.value(at: Int(position[i])), to: type))
        }
        return b.finish()
    }
}
