import ColumnStore
import Dispatch

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

/// Appends one column per window call to its input (which it reads whole), and returns the rows in
/// input order, in batches of at most `outputBatchRows` rows.
///
/// Partitions are found by hashing: rows are ordered by the 64-bit hash of their encoded PARTITION BY
/// key, and only a run of rows with equal hashes (one partition, or colliding ones) is sorted by the
/// full comparison (partition keys, ORDER BY keys, input position). A partition key that is nearly
/// unique (deduplicating by primary key) thus costs a hash and an integer sort per row, not a
/// multi-column comparison sort.
final class WindowOperator: Operator {
    /// Rows per output batch. Default: one block (`SegmentFormat.defaultBlockRows`).
    static let outputBatchRows = SegmentFormat.defaultBlockRows
    /// Rows whose partition keys are hashed together (bounds the encoded keys' memory).
    static let hashChunkRows = 1 << 16

    let child: Operator
    let calls: [WindowCall]
    let outputTypes: [ColumnType]
    private var output: SlicedResult?

    init(child: Operator, calls: [WindowCall]) {
        self.child = child
        self.calls = calls
        outputTypes = child.outputTypes + calls.map(\.resultType)
    }

    func next() throws -> Batch? {
        if output == nil {
            let input = try child.drain()
            var columns = input.columns
            for call in calls { columns.append(try compute(call, input)) }
            output = SlicedResult(Batch(columns: columns, count: input.count))
        }
        return output!.next(rows: WindowOperator.outputBatchRows)
    }

    /// Calls `store(row, hash)` once per row with the hash of its partition keys (equal keys ⇒ equal
    /// hashes: `KeyEncoder` normalizes NULLs, -0.0/0.0 and NaNs), hashing chunks of `hashChunkRows`
    /// rows on both cores, so `store` must only write to its own row's place.
    static func hashPartitionKeys(_ partKeys: [Column], rows n: Int, _ store: (Int, UInt64) -> Void) {
        let chunkRows = hashChunkRows
        DispatchQueue.concurrentPerform(iterations: (n + chunkRows - 1) / chunkRows) { c in
            let start = c * chunkRows, end = min(n, start + chunkRows)
            let chunk = start == 0 && end == n ? partKeys : partKeys.map { $0.slice(start..<end) }
            let encoded = KeyEncoder.encode(chunk, rows: end - start)
            encoded.bytes.withUnsafeBytes { buf in
                for i in 0..<(end - start) { store(start + i, KeyEncoder.hash(encoded.key(i, in: buf))) }
            }
        }
    }

    /// The call's rows in window order (`order`) and the partition bounds: partition p is
    /// `order[bounds[p] ..< bounds[p + 1]]`.
    private func partitions(_ call: WindowCall, _ input: Batch, orderCmp: RowComparator) throws -> (order: [Int32], bounds: [Int]) {
        let n = input.count
        let byRow: (Int32, Int32) -> Bool = { a, b in
            let o = orderCmp.compare(Int(a), Int(b))
            return o != 0 ? o < 0 : a < b
        }
        guard !call.partitionBy.isEmpty else {
            var order = (0..<n).map { Int32($0) }
            if !call.orderBy.isEmpty { SortPrefix.sort(&order, keys: call.orderBy, columns: orderCmp.columns) }
            return (order, [0, n])
        }
        let partKeys = try call.partitionBy.map { try Evaluator.evaluate($0, input) }
        let partCmp = RowComparator(columns: partKeys, keys: partKeys.map { _ in SortKey(expr: .literal(.null, nil), descending: false, nullsFirst: true) })
        // Each row's partition-key hash, and the (hash, row) pairs sorted on both cores.
        var hashed = [(hash: UInt64, row: Int32)](repeating: (0, 0), count: n)
        hashed.withUnsafeMutableBufferPointer { out in
            WindowOperator.hashPartitionKeys(partKeys, rows: n) { row, hash in out[row] = (hash, Int32(row)) }
        }
        TwoCoreSort.sort(&hashed) { (a: (hash: UInt64, row: Int32), b: (hash: UInt64, row: Int32)) -> Bool in
            a.hash != b.hash ? a.hash < b.hash : a.row < b.row
        }
        // Order-preserving codes of the first ORDER BY key, for sorting a partition's rows.
        let orderCodes = call.orderBy.first.map { SortPrefix.codes(orderCmp.columns[0], $0) }
        var order = hashed.map(\.row)
        var bounds: [Int] = [0]
        bounds.reserveCapacity(n + 1)
        var runStart = 0
        while runStart < n {
            var runEnd = runStart + 1
            while runEnd < n && hashed[runEnd].hash == hashed[runStart].hash { runEnd += 1 }
            if runEnd - runStart > 1 {
                let first = Int(order[runStart])
                if ((runStart + 1)..<runEnd).allSatisfy({ partCmp.compare(first, Int(order[$0])) == 0 }) {
                    // One partition (the usual case): window order only.
                    if let codes = orderCodes {
                        order[runStart..<runEnd].sort { a, b in
                            let ca = codes[Int(a)], cb = codes[Int(b)]
                            return ca != cb ? ca < cb : byRow(a, b)
                        }
                    } else if !call.orderBy.isEmpty {
                        order[runStart..<runEnd].sort(by: byRow)
                    }
                } else {
                    // Colliding hashes: sort by the partition keys, then window order.
                    order[runStart..<runEnd].sort { a, b in
                        let p = partCmp.compare(Int(a), Int(b))
                        return p != 0 ? p < 0 : byRow(a, b)
                    }
                    for k in (runStart + 1)..<runEnd where partCmp.compare(Int(order[k - 1]), Int(order[k])) != 0 { bounds.append(k) }
                }
            }
            bounds.append(runEnd)
            runStart = runEnd
        }
        return (order, bounds)
    }

    private func compute(_ call: WindowCall, _ input: Batch) throws -> Column {
        let n = input.count
        let orderKeys = try call.orderBy.map { try Evaluator.evaluate($0.expr, input) }
        let orderCmp = RowComparator(columns: orderKeys, keys: call.orderBy)
        let (order, bounds) = try partitions(call, input, orderCmp: orderCmp)
        switch call.kind {
        case .rowNumber, .rank, .denseRank:
            var out = [Int64](repeating: 0, count: n)
            for p in 0..<(bounds.count - 1) {
                let lo = bounds[p], hi = bounds[p + 1]
                var rank = 0, dense = 0
                if call.kind == .rowNumber {
                    for k in lo..<hi { out[Int(order[k])] = Int64(k - lo + 1) }
                    continue
                }
                for k in lo..<hi {
                    let isPeer = k > lo && (call.orderBy.isEmpty || orderCmp.compare(Int(order[k - 1]), Int(order[k])) == 0)
                    if !isPeer { rank = k - lo + 1; dense += 1 }
                    out[Int(order[k])] = Int64(call.kind == .rank ? rank : dense)
                }
            }
            return Column(values: .int64(out))
        case .lag where call.arguments.count <= 2, .lead where call.arguments.count <= 2:
            // The value of the row `offset` rows before (after) in the partition, else NULL: a gather.
            let args = try call.arguments.map { try Evaluator.evaluate($0, input) }
            var offset = 1
            if args.count > 1, case .int64(let o) = args[1].value(at: 0) { offset = Int(o) }
            if call.kind == .lag { offset = -offset }
            var source = [Int32](repeating: 0, count: n)
            var found = [Bool](repeating: false, count: n)
            for p in 0..<(bounds.count - 1) {
                let lo = bounds[p], hi = bounds[p + 1]
                for k in lo..<hi {
                    let t = k + offset
                    guard t >= lo && t < hi else { continue }
                    source[Int(order[k])] = order[t]
                    found[Int(order[k])] = true
                }
            }
            let picked = args[0].gather(source)
            let validity = Evaluator.mergeValidity(picked.validity, found)
            let values = call.resultType == .float64 && picked.type == .int64 ? .float64(Evaluator.doubles(picked)) : picked.values
            return Column(values: values, validity: validity.flatMap { $0.contains(false) ? $0 : nil })
        default:
            let args = try call.arguments.map { try Evaluator.evaluate($0, input) }
            var result = [Value](repeating: .null, count: n)
            for p in 0..<(bounds.count - 1) {
                try fill(call, rows: Array(order[bounds[p]..<bounds[p + 1]]), orderCmp: orderCmp, args: args, into: &result)
            }
            var b = ColumnBuilder(type: call.resultType, capacity: n)
            for v in result { b.append(Evaluator.coerce(v, to: call.resultType)) }
            return b.finish()
        }
    }

    /// Computes an offset or aggregate function over one partition whose rows are in window order.
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
        case .rowNumber, .rank, .denseRank:
            preconditionFailure("ranking functions are computed by compute(_:_:)")
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
