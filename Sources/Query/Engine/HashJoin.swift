import ColumnStore
import Dispatch

/// Joins its left (probe) input with its right (build) input, which is read into a hash table on
/// the equality keys. Output: left columns, then right columns. `residual` (over the output
/// columns) decides matches beyond the keys. With no keys every pair is a candidate (CROSS JOIN, or
/// ON conditions without an equality).
final class HashJoinOperator: Operator {
    let left: Operator
    let right: Operator
    let kind: JoinKind
    let leftKeys: [BoundExpr]
    /// Over the right input's columns.
    let rightKeys: [BoundExpr]
    let residual: BoundExpr?
    let outputTypes: [ColumnType]

    private var built = false
    private var rightBatch = Batch(columns: [], count: 0)
    /// Distinct build keys → ids; the build rows of key id k are rowsByKey[keyStart[k] ..< keyStart[k + 1]],
    /// in row order.
    private var table = ByteKeyTable()
    private var keyStart: [Int] = []
    private var rowsByKey: [Int32] = []
    private var rightMatched: [Bool] = []
    private var emittedUnmatchedRight = false
    /// Joined batches ready to return, last first.
    private var ready: [Batch] = []

    init(left: Operator, right: Operator, kind: JoinKind, leftKeys: [BoundExpr], rightKeys: [BoundExpr], residual: BoundExpr?) {
        self.left = left
        self.right = right
        self.kind = kind
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.residual = residual
        outputTypes = left.outputTypes + right.outputTypes
    }

    private func build() throws {
        built = true
        rightBatch = try right.drain()
        rightMatched = [Bool](repeating: false, count: rightBatch.count)
        guard !rightKeys.isEmpty else { return }
        let keys = try rightKeys.map { try Evaluator.evaluate($0, rightBatch) }
        let encoded = KeyEncoder.encode(keys, rows: rightBatch.count)
        var ids = [Int32](repeating: -1, count: rightBatch.count)
        encoded.bytes.withUnsafeBytes { buf in
            // NULL keys never match; neither does NaN (NaN = NaN is FALSE).
            for i in 0..<rightBatch.count where !encoded.hasNull[i] && !encoded.hasNaN[i] {
                ids[i] = table.findOrInsert(encoded.key(i, in: buf)).id
            }
        }
        keyStart = [Int](repeating: 0, count: table.count + 1)
        for id in ids where id >= 0 { keyStart[Int(id) + 1] += 1 }
        for k in 0..<table.count { keyStart[k + 1] += keyStart[k] }
        var fill = keyStart
        rowsByKey = [Int32](repeating: 0, count: keyStart[table.count])
        for (i, id) in ids.enumerated() where id >= 0 {
            rowsByKey[fill[Int(id)]] = Int32(i)
            fill[Int(id)] += 1
        }
    }

    /// The joined rows of one probe batch (after the residual) with, for each, its left and right row.
    /// Reads only the built table, so probes of several batches may run at once.
    private func probe(_ l: Batch) throws -> (pairs: Batch, li: [Int32], ri: [Int32]) {
        var li: [Int32] = [], ri: [Int32] = []
        if leftKeys.isEmpty {
            for i in 0..<l.count { for j in 0..<rightBatch.count { li.append(Int32(i)); ri.append(Int32(j)) } }
        } else {
            let keys = try leftKeys.map { try Evaluator.evaluate($0, l) }
            let encoded = KeyEncoder.encode(keys, rows: l.count)
            li.reserveCapacity(l.count)
            ri.reserveCapacity(l.count)
            encoded.bytes.withUnsafeBytes { buf in
                for i in 0..<l.count where !encoded.hasNull[i] && !encoded.hasNaN[i] {
                    guard let id = table.find(encoded.key(i, in: buf)) else { continue }
                    for r in keyStart[Int(id)]..<keyStart[Int(id) + 1] { li.append(Int32(i)); ri.append(rowsByKey[r]) }
                }
            }
        }
        var pairs = Batch(columns: l.gather(li).columns + rightBatch.gather(ri).columns, count: li.count)
        if let residual, pairs.count > 0 {
            let sel = try Evaluator.select(residual, pairs)
            if sel.count != pairs.count {
                pairs = pairs.gather(sel)
                li = sel.map { li[Int($0)] }
                ri = sel.map { ri[Int($0)] }
            }
        }
        return (pairs, li, ri)
    }

    func next() throws -> Batch? {
        if !built { try build() }
        while true {
            if let b = ready.popLast() { return b }
            // Up to two probe batches at a time, probed on two cores; their output keeps the input order.
            var inputs: [Batch] = []
            while inputs.count < 2, let l = try left.next() { if l.count > 0 { inputs.append(l) } }
            if inputs.isEmpty { break }
            var results = [Result<(pairs: Batch, li: [Int32], ri: [Int32]), Error>?](repeating: nil, count: inputs.count)
            if inputs.count == 1 {
                results[0] = Result { try probe(inputs[0]) }
            } else {
                results.withUnsafeMutableBufferPointer { out in
                    DispatchQueue.concurrentPerform(iterations: inputs.count) { j in out[j] = Result { try self.probe(inputs[j]) } }
                }
            }
            var outputs: [Batch] = []
            for (l, result) in zip(inputs, results) {
                let (probed, li, ri) = try result!.get()
                var pairs = probed
                for j in ri { rightMatched[Int(j)] = true }
                if kind == .left || kind == .full {
                    var matched = [Bool](repeating: false, count: l.count)
                    for i in li { matched[Int(i)] = true }
                    let unmatched = (0..<l.count).filter { !matched[$0] }.map { Int32($0) }
                    if !unmatched.isEmpty {
                        let nulls = right.outputTypes.map { Column.constant(.null, type: $0, count: unmatched.count) }
                        let extra = Batch(columns: l.gather(unmatched).columns + nulls, count: unmatched.count)
                        pairs = concat(pairs, extra)
                    }
                }
                if pairs.count > 0 { outputs.append(pairs) }
            }
            ready = outputs.reversed()
        }
        if (kind == .right || kind == .full) && !emittedUnmatchedRight {
            emittedUnmatchedRight = true
            let unmatched = (0..<rightBatch.count).filter { !rightMatched[$0] }.map { Int32($0) }
            if !unmatched.isEmpty {
                let nulls = left.outputTypes.map { Column.constant(.null, type: $0, count: unmatched.count) }
                return Batch(columns: nulls + rightBatch.gather(unmatched).columns, count: unmatched.count)
            }
        }
        return nil
    }

    private func concat(_ a: Batch, _ b: Batch) -> Batch {
        if a.count == 0 { return b }
        return Batch(columns: a.columns.indices.map { Column.concatenate([a.columns[$0], b.columns[$0]], type: outputTypes[$0]) }, count: a.count + b.count)
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + "HashJoin \(kind.rawValue) keys=\(leftKeys.count)" + (residual != nil ? " with residual condition" : "")]
            + left.explain(depth + 1) + right.explain(depth + 1)
    }
}
