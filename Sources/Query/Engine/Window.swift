import ColumnStore

/// A window function call: `f(args) OVER (PARTITION BY … ORDER BY …)` with the default frame.
struct WindowCall {
    enum Kind: String { case rowNumber = "ROW_NUMBER", rank = "RANK", denseRank = "DENSE_RANK", lag = "LAG", lead = "LEAD"
        case sum = "SUM", count = "COUNT", countStar = "COUNT(*)", avg = "AVG", min = "MIN", max = "MAX" }
    var kind: Kind
    var arguments: [BoundExpr]
    var partitionBy: [BoundExpr]
    var orderBy: [SortKey]
    var resultType: ColumnType
    var key: String {
        kind.rawValue + "(" + arguments.map(\.key).joined(separator: ",") + ") OVER(" + partitionBy.map(\.key).joined(separator: ",") + "|"
            + orderBy.map { $0.expr.key + ($0.descending ? " DESC" : "") + ($0.nullsFirst ? " NF" : "") }.joined(separator: ",") + ")"
    }
}

/// Appends one column per window call to its input (which it reads whole).
final class WindowOperator: Operator {
    let child: Operator
    let calls: [WindowCall]
    let outputTypes: [ColumnType]
    private var done = false

    init(child: Operator, calls: [WindowCall]) {
        self.child = child
        self.calls = calls
        outputTypes = child.outputTypes + calls.map(\.resultType)
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        let input = try child.drain()
        var columns = input.columns
        for call in calls { columns.append(try compute(call, input)) }
        return Batch(columns: columns, count: input.count)
    }

    private func compute(_ call: WindowCall, _ input: Batch) throws -> Column {
        let n = input.count
        let partKeys = try call.partitionBy.map { try Evaluator.evaluate($0, input) }
        let orderKeys = try call.orderBy.map { try Evaluator.evaluate($0.expr, input) }
        let partCmp = RowComparator(columns: partKeys, keys: partKeys.map { _ in SortKey(expr: .literal(.null, nil), descending: false, nullsFirst: true) })
        let orderCmp = RowComparator(columns: orderKeys, keys: call.orderBy)
        var order = (0..<n).map { Int32($0) }
        order.sort { a, b in
            let p = partCmp.compare(Int(a), Int(b))
            if p != 0 { return p < 0 }
            let o = orderCmp.compare(Int(a), Int(b))
            return o != 0 ? o < 0 : a < b
        }
        let args = try call.arguments.map { try Evaluator.evaluate($0, input) }
        var result = [Value](repeating: .null, count: n)
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && partCmp.compare(Int(order[start]), Int(order[end])) == 0 { end += 1 }
            try fill(call, rows: Array(order[start..<end]), orderCmp: orderCmp, args: args, into: &result)
            start = end
        }
        var b = ColumnBuilder(type: call.resultType, capacity: n)
        for v in result { b.append(Evaluator.coerce(v, to: call.resultType)) }
        return b.finish()
    }

    /// Computes the function over one partition whose rows are in window order.
    private func fill(_ call: WindowCall, rows: [Int32], orderCmp: RowComparator, args: [Column], into result: inout [Value]) throws {
        let m = rows.count
        // Peer groups: rows equal on the ORDER BY keys.
        var peerEnd = [Int](repeating: m, count: m)
        if !call.orderBy.isEmpty {
            var s = 0
            while s < m {
                var e = s + 1
                while e < m && orderCmp.compare(Int(rows[s]), Int(rows[e])) == 0 { e += 1 }
                for k in s..<e { peerEnd[k] = e }
                s = e
            }
        }
        switch call.kind {
        case .rowNumber:
            for (k, r) in rows.enumerated() { result[Int(r)] = .int64(Int64(k + 1)) }
        case .rank, .denseRank:
            var rank = 0, dense = 0, k = 0
            while k < m {
                rank = k + 1
                dense += 1
                for j in k..<peerEnd[k] { result[Int(rows[j])] = .int64(Int64(call.kind == .rank ? rank : dense)) }
                k = peerEnd[k]
            }
        case .lag, .lead:
            let offset: Int
            if args.count > 1, case .int64(let o) = args[1].value(at: 0) { offset = Int(o) } else { offset = 1 }
            for (k, r) in rows.enumerated() {
                let t = call.kind == .lag ? k - offset : k + offset
                if t >= 0 && t < m { result[Int(r)] = args[0].value(at: Int(rows[t])) }
                else if args.count > 2 { result[Int(r)] = args[2].value(at: Int(r)) }
            }
        case .sum, .count, .countStar, .avg, .min, .max:
            // Default frame: the whole partition without ORDER BY, else rows up to the current row's last peer.
            var k = 0
            var state = AggregateState(spec: AggregateSpec(kind: aggregateKind(call.kind), argument: nil, resultType: call.resultType))
            state.addGroups(1)
            var consumed = 0
            while k < m {
                let frameEnd = call.orderBy.isEmpty ? m : peerEnd[k]
                if frameEnd > consumed {
                    let idx = Array(rows[consumed..<frameEnd])
                    try state.update(groups: [Int32](repeating: 0, count: idx.count), argument: args.first?.gather(idx))
                    consumed = frameEnd
                }
                let v = state.finish(groups: 1).value(at: 0)
                let groupEnd = call.orderBy.isEmpty ? m : peerEnd[k]
                for j in k..<groupEnd { result[Int(rows[j])] = v }
                k = groupEnd
            }
        }
    }

    private func aggregateKind(_ k: WindowCall.Kind) -> AggregateKind {
        switch k {
        case .sum: return .sum
        case .count: return .count
        case .countStar: return .countStar
        case .avg: return .avg
        case .min: return .min
        default: return .max
        }
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + "Window [\(calls.map(\.kind.rawValue).joined(separator: ", "))]"] + child.explain(depth + 1)
    }
}
