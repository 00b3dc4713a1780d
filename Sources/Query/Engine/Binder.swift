import ColumnStore

/// What aggregation a SELECT does: its group keys (bound over the FROM scope) and the aggregates it
/// has collected so far. Post-aggregation expressions refer to key `k` as column `k` and to
/// aggregate `a` as column `keys.count + a`.
final class AggregationContext {
    var keys: [BoundExpr]
    var aggregates: [AggregateSpec] = []
    init(keys: [BoundExpr]) { self.keys = keys }
}

/// Binds AST expressions to `BoundExpr` over a scope, collecting aggregates and window calls.
final class Binder {
    /// Window results are referenced as `windowMark + i` until their final position is known.
    static let windowMark = 1 << 40

    let planner: Planner
    let scope: Scope
    let aggregation: AggregationContext?
    var windows: [WindowCall] = []
    let allowWindows: Bool
    let clause: String
    /// SELECT-list aliases (lower-cased) that HAVING and QUALIFY may use, bound by this binder; a
    /// column of the FROM scope with the same name wins.
    var selectAliases: [String: BoundExpr] = [:]
    var sql: String { planner.sql }

    init(planner: Planner, scope: Scope, aggregation: AggregationContext? = nil, allowWindows: Bool = false, clause: String) {
        self.planner = planner
        self.scope = scope
        self.aggregation = aggregation
        self.allowWindows = allowWindows
        self.clause = clause
    }

    /// Binds in the pre-aggregation scope with no aggregates or windows allowed.
    func plain(_ e: Expr) throws -> BoundExpr {
        try Binder(planner: planner, scope: scope, clause: clause).bind(e)
    }

    func bind(_ e: Expr) throws -> BoundExpr {
        if case .window(let fn, let over, let loc) = e {
            guard allowWindows else { throw QueryError.notSupported(construct: "window function in \(clause)", location: loc, sql: sql) }
            return try bindWindow(fn, over, loc)
        }
        if case .function(let name, let args, let distinct, let star, let loc) = e, Planner.isAggregate(name) {
            guard let aggregation else {
                throw QueryError.type(message: "aggregate function \(name) is not allowed in \(clause)", location: loc, sql: sql)
            }
            return try bindAggregate(name, args, distinct, star, loc, aggregation)
        }
        if let aggregation {
            // An expression equal to a group key is that key.
            if Planner.containsAggregateOrWindow(e) == false, let bound = try? plain(e) {
                if let k = aggregation.keys.firstIndex(where: { $0.key == bound.key }) { return .column(k, bound.type ?? .int64) }
                if case .column(_, _) = bound {
                    throw QueryError.type(message: "\(Planner.describe(e)) is neither grouped nor aggregated", location: e.location, sql: sql)
                }
                if bound.columnsUsed.isEmpty { return bound }
            }
        }
        return try bindNode(e)
    }

    private func bindAggregate(_ name: String, _ args: [Expr], _ distinct: Bool, _ star: Bool, _ loc: SourceLocation, _ agg: AggregationContext) throws -> BoundExpr {
        let inner = Binder(planner: planner, scope: scope, clause: "the argument of \(name)")
        let kind: AggregateKind
        var argument: BoundExpr? = nil
        if star {
            guard name == "COUNT" else { throw QueryError.syntax(message: "\(name)(*) is not valid", location: loc, sql: sql) }
            kind = .countStar
        } else {
            guard args.count == 1 else {
                throw QueryError.type(message: "\(name) takes 1 argument, got \(args.count)", location: loc, sql: sql)
            }
            argument = try inner.bind(args[0])
            switch name {
            case "COUNT": kind = distinct ? .countDistinct : .count
            case "COUNTIF": kind = .countIf
            case "SUM": kind = .sum
            case "AVG": kind = .avg
            case "MIN": kind = .min
            case "MAX": kind = .max
            case "ANY_VALUE": kind = .anyValue
            default: kind = .approxCountDistinct
            }
            if distinct && kind != .countDistinct {
                throw QueryError.notSupported(construct: "\(name)(DISTINCT ...)", location: loc, sql: sql)
            }
        }
        let argType = argument?.type
        let resultType: ColumnType
        switch kind {
        case .countStar, .count, .countDistinct, .approxCountDistinct, .countIf: resultType = .int64
        case .sum:
            guard argType == .int64 || argType == .float64 || argType == nil else {
                throw QueryError.type(message: "No matching signature for aggregate function SUM for argument types: \(argType!.rawValue)", location: loc, sql: sql)
            }
            resultType = argType ?? .int64
        case .avg:
            guard argType == .int64 || argType == .float64 || argType == nil else {
                throw QueryError.type(message: "No matching signature for aggregate function AVG for argument types: \(argType!.rawValue)", location: loc, sql: sql)
            }
            resultType = .float64
        case .min, .max, .anyValue: resultType = argType ?? .int64
        }
        if kind == .countIf && argType != .bool && argType != nil {
            throw QueryError.type(message: "No matching signature for aggregate function COUNTIF for argument types: \(argType!.rawValue)", location: loc, sql: sql)
        }
        let spec = AggregateSpec(kind: kind, argument: argument, resultType: resultType)
        if let i = agg.aggregates.firstIndex(where: { $0.key == spec.key }) { return .column(agg.keys.count + i, resultType) }
        agg.aggregates.append(spec)
        return .column(agg.keys.count + agg.aggregates.count - 1, resultType)
    }

    private func bindWindow(_ fn: Expr, _ over: WindowSpec, _ loc: SourceLocation) throws -> BoundExpr {
        guard case .function(let name, let args, let distinct, let star, let floc) = fn else {
            throw QueryError.notSupported(construct: "this window expression", location: loc, sql: sql)
        }
        if over.frame != nil { throw QueryError.notSupported(construct: "window frame clause (\(over.frame!))", location: loc, sql: sql) }
        if distinct { throw QueryError.notSupported(construct: "DISTINCT in a window function", location: floc, sql: sql) }
        // Arguments, partitions and orders are evaluated over the (post-aggregation) input.
        let inner = Binder(planner: planner, scope: scope, aggregation: aggregation, clause: "a window function")
        let boundArgs = try args.map { try inner.bind($0) }
        let partition = try over.partitionBy.map { try inner.bind($0) }
        let order = try over.orderBy.map { o -> SortKey in
            SortKey(expr: try inner.bind(o.expr), descending: o.descending, nullsFirst: o.nullsFirst ?? !o.descending)
        }
        let kind: WindowCall.Kind
        var resultType: ColumnType = .int64
        switch name {
        case "ROW_NUMBER": kind = .rowNumber
        case "RANK": kind = .rank
        case "DENSE_RANK": kind = .denseRank
        case "LAG", "LEAD":
            kind = name == "LAG" ? .lag : .lead
            guard (1...3).contains(boundArgs.count) else { throw QueryError.type(message: "\(name) takes 1 to 3 arguments", location: floc, sql: sql) }
            // The default (third argument) must fit the value's type; a NULL value takes the default's type.
            let typed = boundArgs.count == 3 ? [boundArgs[0], boundArgs[2]] : [boundArgs[0]]
            resultType = try commonType(typed, "\(name)", floc) ?? .int64
        case "SUM", "AVG", "MIN", "MAX", "COUNT":
            if star { kind = .countStar } else {
                guard boundArgs.count == 1 else { throw QueryError.type(message: "\(name) takes 1 argument", location: floc, sql: sql) }
                kind = WindowCall.Kind(rawValue: name)!
            }
            switch kind {
            case .count, .countStar: resultType = .int64
            case .avg: resultType = .float64
            default: resultType = boundArgs.first?.type ?? .int64
            }
        default:
            throw QueryError.notSupported(construct: "window function \(name)", location: floc, sql: sql)
        }
        if [.rowNumber, .rank, .denseRank, .lag, .lead].contains(kind) && order.isEmpty && kind != .rowNumber {
            throw QueryError.type(message: "\(name) requires an ORDER BY in its OVER clause", location: loc, sql: sql)
        }
        let call = WindowCall(kind: kind, arguments: boundArgs, partitionBy: partition, orderBy: order, resultType: resultType)
        if let i = windows.firstIndex(where: { $0.key == call.key }) { return .column(Binder.windowMark + i, resultType) }
        windows.append(call)
        return .column(Binder.windowMark + windows.count - 1, resultType)
    }
}
