import ColumnStore

extension Binder {
    /// Binds one node whose children are bound with `bind` (so aggregates and keys resolve inside).
    func bindNode(_ e: Expr) throws -> BoundExpr {
        switch e {
        case .literal(let v, _):
            return .literal(v, Binder.literalType(v))
        case .column(let q, let name, let loc):
            if q == nil, let aliased = selectAliases[name.lowercased()], (try? scope.resolve(nil, name, location: loc, sql: sql)) == nil {
                return aliased
            }
            let i = try scope.resolve(q, name, location: loc, sql: sql)
            return .column(i, scope.columns[i].type)
        case .parameter(let name, let loc):
            return try bindParameter(name, loc)
        case .unary(let op, let x, let loc):
            let b = try bind(x)
            switch op {
            case .not:
                try expect(b, .bool, "NOT", loc)
                return .not(try widen(b, .bool))  // NOT NULL: the untyped NULL is a BOOL here
            case .negate:
                guard b.type == .int64 || b.type == .float64 || b.type == nil else {
                    throw QueryError.type(message: "No matching signature for operator - for argument types: \(b.type!.rawValue)", location: loc, sql: sql)
                }
                if case .literal(.int64(let v), _) = b, v != .min { return .literal(.int64(-v), .int64) }
                if case .literal(.float64(let v), _) = b { return .literal(.float64(-v), .float64) }
                return .negate(b)
            case .plus:
                return b
            }
        case .binary(let op, let l, let r, let loc):
            return try bindBinary(op, try bind(l), try bind(r), loc)
        case .isNull(let x, let negated, _):
            return .isNull(try bind(x), negated: negated)
        case .isBool(let x, let value, let negated, let loc):
            let b = try bind(x)
            try expect(b, .bool, "IS \(value ? "TRUE" : "FALSE")", loc)
            return .isBool(b, value: value, negated: negated)
        case .inList(let x, let list, let negated, let loc):
            let b = try bind(x)
            let items = try list.map { try coerceForComparison(try bind($0), to: b.type, loc) }
            for i in items { _ = try comparisonCheck(b, i, "IN", loc) }
            if let set = InSet.ofConstants(items, type: b.type) { return .inSet(b, set, negated: negated) }
            return .inList(b, items, negated: negated)
        case .inSubquery(let x, let query, let negated, let loc):
            let b = try bind(x)
            let values = try runSubquery(query, loc)
            guard values.columns.count == 1 else {
                throw QueryError.type(message: "IN subquery must return one column, got \(values.columns.count)", location: loc, sql: sql)
            }
            let col = values.columns[0]
            if values.count == 0 { return negated ? .literal(.bool(true), .bool) : .literal(.bool(false), .bool) }
            if let t = b.type, t == col.type {
                // The usual case: the set is hashed here, once, and probed by every batch.
                return .inSet(b, InSet(col), negated: negated)
            }
            let items: [BoundExpr] = (0..<values.count).map { .literal(col.value(at: $0), col.type) }
            for i in items.prefix(1) { _ = try comparisonCheck(b, i, "IN", loc) }
            return .inList(b, items, negated: negated)
        case .between(let x, let lo, let hi, let negated, let loc):
            let b = try bind(x)
            let low = try bindBinary(.greaterEqual, b, try bind(lo), loc)
            let high = try bindBinary(.lessEqual, b, try bind(hi), loc)
            let both = BoundExpr.and(low, high)
            return negated ? .not(both) : both
        case .like(let x, let pattern, let negated, let loc):
            let b = try bind(x), p = try bind(pattern)
            for (v, what) in [(b, "value"), (p, "pattern")] where v.type != .string && v.type != nil {
                throw QueryError.type(message: "No matching signature for operator LIKE for argument types: \(b.type?.rawValue ?? "NULL"), \(p.type?.rawValue ?? "NULL") (the \(what) must be STRING)", location: loc, sql: sql)
            }
            let f = ScalarFunctions.like(location: loc, sql: sql)
            let call = BoundExpr.call(f, [.value(b), .value(p)])
            return negated ? .not(call) : call
        case .caseWhen(let operand, let whens, let elseResult, let loc):
            let op = try operand.map { try bind($0) }
            var branches: [(BoundExpr, BoundExpr)] = []
            for w in whens {
                var cond = try bind(w.when)
                if let op { cond = try bindBinary(.equal, op, cond, w.when.location) } else { try expect(cond, .bool, "CASE WHEN", w.when.location) }
                branches.append((cond, try bind(w.then)))
            }
            let elseBound = try elseResult.map { try bind($0) }
            let type = try commonType(branches.map(\.1) + (elseBound.map { [$0] } ?? []), "CASE", loc)
            return .caseWhen(branches, elseResult: elseBound, type)
        case .cast(let x, let to, let safe, let loc):
            let b = try bind(x)
            if b.type == to { return b }
            let f = try ScalarFunctions.cast(from: b.type, to: to, safe: safe, location: loc, sql: sql)
            return .call(f, [.value(b)])
        case .function(let name, let args, let distinct, let star, let loc):
            if distinct || star { throw QueryError.notSupported(construct: "\(name)(\(star ? "*" : "DISTINCT ...")) outside an aggregate", location: loc, sql: sql) }
            return try bindCall(name, args, loc)
        case .extract(let part, let from, let loc):
            let b = try bind(from)
            let f = try ScalarFunctions.resolve("EXTRACT", [.part(part), .value(b.type)], location: loc, sql: sql)
            return .call(f, [.part(part), .value(try widen(b, f.argumentTypes[1]))])
        case .datePart(let p, let loc):
            throw QueryError.syntax(message: "date part \(p.rawValue) is only valid as a function argument", location: loc, sql: sql)
        case .interval(_, _, let loc):
            throw QueryError.notSupported(construct: "INTERVAL outside DATE_ADD/DATE_SUB/TIMESTAMP_ADD/TIMESTAMP_SUB", location: loc, sql: sql)
        case .window(_, _, let loc):
            throw QueryError.notSupported(construct: "window function in \(clause)", location: loc, sql: sql)
        case .scalarSubquery(let query, let loc):
            let values = try runSubquery(query, loc)
            guard values.columns.count == 1 else {
                throw QueryError.type(message: "scalar subquery must return one column, got \(values.columns.count)", location: loc, sql: sql)
            }
            guard values.count <= 1 else { throw QueryError.runtime(message: "scalar subquery produced more than one element") }
            let col = values.columns[0]
            return .literal(values.count == 0 ? .null : col.value(at: 0), col.type)
        case .exists(let query, let negated, let loc):
            let values = try runSubquery(query, loc)
            return .literal(.bool((values.count > 0) != negated), .bool)
        }
    }

    /// Runs an uncorrelated subquery. A subquery that names a column of the outer query is
    /// correlated, which nq does not run: that is reported as "not supported", not as an unknown name.
    private func runSubquery(_ query: Query, _ loc: SourceLocation) throws -> Batch {
        do {
            return try planner.runSubquery(query, location: loc)
        } catch QueryError.unknownName(let kind, let name, let suggestion, let location, let text) {
            let parts = name.split(separator: ".").map(String.init)
            let outer = kind == "table alias"
                ? scope.columns.contains { $0.qualifier?.lowercased() == name.lowercased() }
                : (try? scope.resolve(parts.count > 1 ? parts[0] : nil, parts.last ?? name, location: loc, sql: sql)) != nil
            if outer {
                throw QueryError.notSupported(construct: "correlated subquery (it names \(name) of the outer query)", location: location ?? loc, sql: text)
            }
            throw QueryError.unknownName(kind: kind, name: name, suggestion: suggestion, location: location, sql: text)
        }
    }

    private func bindCall(_ name: String, _ args: [Expr], _ loc: SourceLocation) throws -> BoundExpr {
        var bound: [BoundArgument] = []
        var types: [ArgumentType] = []
        for a in args {
            switch a {
            case .datePart(let p, _):
                bound.append(.part(p)); types.append(.part(p))
            case .interval(let n, let p, _):
                let b = try bind(n)
                bound.append(.interval(b, p)); types.append(.interval(b.type, p))
            default:
                let b = try bind(a)
                bound.append(.value(b)); types.append(.value(b.type))
            }
        }
        let f = try ScalarFunctions.resolve(name, types, location: loc, sql: sql)
        for i in bound.indices where i < f.argumentTypes.count {
            if case .value(let b) = bound[i] { bound[i] = .value(try widen(b, f.argumentTypes[i])) }
            if case .interval(let b, let p) = bound[i] { bound[i] = .interval(try widen(b, f.argumentTypes[i]), p) }
        }
        return .call(f, bound)
    }

    /// Gives an untyped NULL the wanted type and widens INT64 to FLOAT64 where a function asks for it.
    func widen(_ b: BoundExpr, _ want: ColumnType?) throws -> BoundExpr {
        guard let want, b.type != want else { return b }
        if b.type == nil { return .literal(.null, want) }
        if b.type == .int64 && want == .float64 {
            if case .literal(.int64(let v), _) = b { return .literal(.float64(Double(v)), .float64) }
            return .call(try ScalarFunctions.cast(from: .int64, to: .float64, safe: false, location: nil, sql: sql), [.value(b)])
        }
        return b
    }

    static func literalType(_ v: Value) -> ColumnType? {
        switch v {
        case .null: return nil
        case .int64: return .int64
        case .float64: return .float64
        case .bool: return .bool
        case .date: return .date
        case .timestamp: return .timestamp
        case .string: return .string
        }
    }

    func expect(_ b: BoundExpr, _ type: ColumnType, _ what: String, _ loc: SourceLocation) throws {
        guard b.type == type || b.type == nil else {
            throw QueryError.type(message: "\(what) expects \(type.rawValue), got \(b.type!.rawValue)", location: loc, sql: sql)
        }
    }

    /// A STRING literal compared with a DATE or TIMESTAMP becomes that type (BigQuery's literal coercion).
    func coerceForComparison(_ b: BoundExpr, to other: ColumnType?, _ loc: SourceLocation) throws -> BoundExpr {
        guard case .literal(.string(let s), _) = b, let other, other == .date || other == .timestamp else { return b }
        let f = try ScalarFunctions.cast(from: .string, to: other, safe: false, location: loc, sql: sql)
        let c = try f.evaluate([.value(Column.constant(.string(s), type: .string, count: 1))], 1)
        return .literal(c.value(at: 0), other)
    }

    func comparisonCheck(_ l: BoundExpr, _ r: BoundExpr, _ op: String, _ loc: SourceLocation) throws -> Bool {
        guard let a = l.type, let b = r.type else { return true }
        if a == b || (Binder.numeric(a) && Binder.numeric(b)) { return true }
        throw QueryError.type(message: "No matching signature for operator \(op) for argument types: \(a.rawValue), \(b.rawValue)", location: loc, sql: sql)
    }

    static func numeric(_ t: ColumnType) -> Bool { t == .int64 || t == .float64 }

    func bindBinary(_ op: BinaryOperator, _ l0: BoundExpr, _ r0: BoundExpr, _ loc: SourceLocation) throws -> BoundExpr {
        switch op {
        case .and, .or:
            try expect(l0, .bool, op.rawValue, loc)
            try expect(r0, .bool, op.rawValue, loc)
            let l = l0.type == nil ? BoundExpr.literal(.null, .bool) : l0, r = r0.type == nil ? BoundExpr.literal(.null, .bool) : r0
            return op == .and ? .and(l, r) : .or(l, r)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let l = try coerceForComparison(l0, to: r0.type, loc), r = try coerceForComparison(r0, to: l0.type, loc)
            _ = try comparisonCheck(l, r, op.rawValue, loc)
            if l.type == nil || r.type == nil { return .literal(.null, .bool) }
            return .comparison(op, l, r)
        case .concat:
            let f = try ScalarFunctions.resolve("CONCAT", [.value(l0.type), .value(r0.type)], location: loc, sql: sql)
            return .call(f, [.value(try widen(l0, f.argumentTypes[0])), .value(try widen(r0, f.argumentTypes[1]))])
        case .add, .subtract, .multiply, .divide:
            for t in [l0.type, r0.type] where t != nil && !Binder.numeric(t!) {
                throw QueryError.type(message: "No matching signature for operator \(op.rawValue) for argument types: \(l0.type?.rawValue ?? "NULL"), \(r0.type?.rawValue ?? "NULL")", location: loc, sql: sql)
            }
            let bothInt = (l0.type ?? .int64) == .int64 && (r0.type ?? .int64) == .int64
            let type: ColumnType = op == .divide || !bothInt ? .float64 : .int64
            if l0.type == nil || r0.type == nil { return .literal(.null, type) }
            return .arithmetic(op, l0, r0, type)
        }
    }

    func commonType(_ exprs: [BoundExpr], _ what: String, _ loc: SourceLocation) throws -> ColumnType? {
        var t: ColumnType? = nil
        for e in exprs {
            guard let et = e.type else { continue }
            if t == nil { t = et; continue }
            if t == et { continue }
            if Binder.numeric(t!) && Binder.numeric(et) { t = .float64; continue }
            throw QueryError.type(message: "\(what) has results of incompatible types \(t!.rawValue) and \(et.rawValue)", location: loc, sql: sql)
        }
        return t
    }
}
