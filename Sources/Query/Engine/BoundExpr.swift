import ColumnStore

/// An expression with its names resolved to input column positions and its type known.
indirect enum BoundExpr {
    case column(Int, ColumnType)
    /// A constant; `type` nil is an untyped NULL.
    case literal(Value, ColumnType?)
    case arithmetic(BinaryOperator, BoundExpr, BoundExpr, ColumnType)
    case comparison(BinaryOperator, BoundExpr, BoundExpr)
    case and(BoundExpr, BoundExpr)
    case or(BoundExpr, BoundExpr)
    case not(BoundExpr)
    case negate(BoundExpr)
    case isNull(BoundExpr, negated: Bool)
    /// `x IS [NOT] TRUE|FALSE`
    case isBool(BoundExpr, value: Bool, negated: Bool)
    case inList(BoundExpr, [BoundExpr], negated: Bool)
    /// `x [NOT] IN (subquery)` (or a long list of constants) over a set hashed once at bind time.
    case inSet(BoundExpr, InSet, negated: Bool)
    case caseWhen([(BoundExpr, BoundExpr)], elseResult: BoundExpr?, ColumnType?)
    case call(ResolvedFunction, [BoundArgument])

    var type: ColumnType? {
        switch self {
        case .column(_, let t): return t
        case .literal(_, let t): return t
        case .arithmetic(_, _, _, let t): return t
        case .comparison, .and, .or, .not, .isNull, .isBool, .inList, .inSet: return .bool
        case .negate(let e): return e.type
        case .caseWhen(_, _, let t): return t
        case .call(let f, _): return f.resultType
        }
    }

    /// A structural key used to match expressions (GROUP BY keys against SELECT items).
    var key: String {
        switch self {
        case .column(let i, _): return "#\(i)"
        case .literal(let v, let t): return "lit(\(v),\(t?.rawValue ?? "null"))"
        case .arithmetic(let op, let a, let b, _): return "(\(a.key)\(op.rawValue)\(b.key))"
        case .comparison(let op, let a, let b): return "(\(a.key)\(op.rawValue)\(b.key))"
        case .and(let a, let b): return "(\(a.key) AND \(b.key))"
        case .or(let a, let b): return "(\(a.key) OR \(b.key))"
        case .not(let a): return "NOT(\(a.key))"
        case .negate(let a): return "-(\(a.key))"
        case .isNull(let a, let n): return "(\(a.key) IS\(n ? " NOT" : "") NULL)"
        case .isBool(let a, let v, let n): return "(\(a.key) IS\(n ? " NOT" : "") \(v))"
        case .inList(let a, let l, let n): return "(\(a.key)\(n ? " NOT" : "") IN(\(l.map(\.key).joined(separator: ","))))"
        case .inSet(let a, let set, let n): return "(\(a.key)\(n ? " NOT" : "") IN SET(\(set.fingerprint)))"
        case .caseWhen(let w, let e, _): return "CASE(\(w.map { $0.0.key + "->" + $0.1.key }.joined(separator: ";"))|\(e?.key ?? ""))"
        case .call(let f, let args): return "\(f.name)(\(args.map(\.key).joined(separator: ",")))"
        }
    }

    /// Input columns this expression reads.
    var columnsUsed: Set<Int> {
        switch self {
        case .column(let i, _): return [i]
        case .literal: return []
        case .arithmetic(_, let a, let b, _), .comparison(_, let a, let b), .and(let a, let b), .or(let a, let b):
            return a.columnsUsed.union(b.columnsUsed)
        case .not(let a), .negate(let a), .isNull(let a, _), .isBool(let a, _, _): return a.columnsUsed
        case .inList(let a, let l, _): return l.reduce(a.columnsUsed) { $0.union($1.columnsUsed) }
        case .inSet(let a, _, _): return a.columnsUsed
        case .caseWhen(let w, let e, _):
            return w.reduce(e?.columnsUsed ?? []) { $0.union($1.0.columnsUsed).union($1.1.columnsUsed) }
        case .call(_, let args): return args.reduce([]) { $0.union($1.columnsUsed) }
        }
    }

    /// Input columns this expression reads for their values: `columnsUsed` less the columns it reads
    /// only by `column IS [NOT] NULL` (which needs a column's validity, not its values).
    var columnsReadForValues: Set<Int> {
        switch self {
        case .isNull(.column, _): return []
        case .column(let i, _): return [i]
        case .literal: return []
        case .arithmetic(_, let a, let b, _), .comparison(_, let a, let b), .and(let a, let b), .or(let a, let b):
            return a.columnsReadForValues.union(b.columnsReadForValues)
        case .not(let a), .negate(let a), .isNull(let a, _), .isBool(let a, _, _), .inSet(let a, _, _): return a.columnsReadForValues
        case .inList(let a, let l, _): return l.reduce(a.columnsReadForValues) { $0.union($1.columnsReadForValues) }
        case .caseWhen(let w, let e, _):
            return w.reduce(e?.columnsReadForValues ?? []) { $0.union($1.0.columnsReadForValues).union($1.1.columnsReadForValues) }
        case .call(_, let args):
            return args.reduce([]) { r, a in
                switch a {
                case .value(let e), .interval(let e, _): return r.union(e.columnsReadForValues)
                case .part: return r
                }
            }
        }
    }

    /// The same expression with column positions renumbered.
    func remap(_ f: (Int) -> Int) -> BoundExpr {
        switch self {
        case .column(let i, let t): return .column(f(i), t)
        case .literal: return self
        case .arithmetic(let op, let a, let b, let t): return .arithmetic(op, a.remap(f), b.remap(f), t)
        case .comparison(let op, let a, let b): return .comparison(op, a.remap(f), b.remap(f))
        case .and(let a, let b): return .and(a.remap(f), b.remap(f))
        case .or(let a, let b): return .or(a.remap(f), b.remap(f))
        case .not(let a): return .not(a.remap(f))
        case .negate(let a): return .negate(a.remap(f))
        case .isNull(let a, let n): return .isNull(a.remap(f), negated: n)
        case .isBool(let a, let v, let n): return .isBool(a.remap(f), value: v, negated: n)
        case .inList(let a, let l, let n): return .inList(a.remap(f), l.map { $0.remap(f) }, negated: n)
        case .inSet(let a, let set, let n): return .inSet(a.remap(f), set, negated: n)
        case .caseWhen(let w, let e, let t): return .caseWhen(w.map { ($0.0.remap(f), $0.1.remap(f)) }, elseResult: e?.remap(f), t)
        case .call(let fn, let args): return .call(fn, args.map { $0.remap(f) })
        }
    }
}

/// A bound function argument.
enum BoundArgument {
    case value(BoundExpr)
    case part(DatePart)
    case interval(BoundExpr, DatePart)

    var key: String {
        switch self {
        case .value(let e): return e.key
        case .part(let p): return p.rawValue
        case .interval(let e, let p): return "INTERVAL \(e.key) \(p.rawValue)"
        }
    }

    var columnsUsed: Set<Int> {
        switch self {
        case .value(let e), .interval(let e, _): return e.columnsUsed
        case .part: return []
        }
    }

    func remap(_ f: (Int) -> Int) -> BoundArgument {
        switch self {
        case .value(let e): return .value(e.remap(f))
        case .part: return self
        case .interval(let e, let p): return .interval(e.remap(f), p)
        }
    }
}
