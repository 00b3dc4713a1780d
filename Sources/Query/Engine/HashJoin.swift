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
    /// Per output column, whether an operator above reads it (set by `Planner.markJoinOutputs`); an
    /// unread column comes out as NULLs instead of being gathered. Nil: every column is read.
    var outputRead: [Bool]?
    /// Build-side output STRING columns that the GROUP BY above reads only as whole keys (set by
    /// `Planner.markJoinKeyOnlyOutputs`, INNER joins without a residual condition only): where the build
    /// column has a dictionary, such a column comes out with no rows (its strings are not copied per
    /// joined row) beside its dictionary (`Batch.dictionaries`), which the aggregation reads instead,
    /// as it does a scan's `TableScan.keyOnlyColumns`.
    var keyOnlyOutputs: Set<Int> = []
    /// Output columns that the operators above read only by `column IS [NOT] NULL` (set by
    /// `Planner.markJoinOutputs`): gathered as their validity alone, beside zero values (empty
    /// strings) that nothing reads.
    var validityOnlyOutputs: Set<Int> = []
    /// Whether an output column nothing above reads (`outputRead`) comes out with no rows instead of
    /// a NULL per joined row: set by `Planner.markJoinKeyOnlyOutputs` for an INNER join without a
    /// residual condition whose GROUP BY is right above, or above one projection that passes such a
    /// column on only as itself, so no operator evaluates anything over it. Default: false.
    var unreadOutputsEmpty = false

    /// Whether the first `next()` computes the build side on a thread of its own while this thread pulls
    /// the left input's first batch: set at plan time when both inputs do blocking work before their
    /// first batch (`doesWorkBeforeFirstBatch`), e.g. two aggregations joined, so each runs on a core.
    let overlapsBuild: Bool
    private var built = false
    /// The left input's first batch, pulled during an overlapped build and not yet probed.
    private var pendingLeft: Batch?
    /// Whether the left input has returned nil (it is not asked again).
    private var leftDone = false
    private var rightBatch = Batch(columns: [], count: 0)
    /// The build side of one key that packs into 16 bytes (INT64, TIMESTAMP, DATE, STRING of at most
    /// 15 bytes); nil when the keys are several or do not pack, and `table` holds them instead.
    private var packedTable: JoinKeyTable?
    /// Whether the build keys are packed (`JoinKeyTable`); known once the first batch is asked for.
    var usesPackedKeys: Bool { packedTable != nil }
    /// Distinct encoded build keys → ids; key id k's build rows are `matchByKey[k]` (`BuildMatch`,
    /// its several rows in `rowsByKey`).
    private var table = ByteKeyTable()
    private var matchByKey: [BuildMatch] = []
    private var rowsByKey: [Int32] = []
    private var rightMatched: [Bool] = []
    /// Per right column, the distinct strings of a read STRING column of few distinct values and each
    /// build row's code among them, so its output keeps a dictionary for GROUP BY (`Batch.dictionaries`).
    private var rightDictionaries: [DictionaryColumn?] = []
    /// The codes of every right column with a dictionary, a build row's side by side
    /// (`BuildRowCodes`), so a joined row's codes are read from one cache line.
    private var rightCodes: BuildRowCodes?
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
        overlapsBuild = HashJoinOperator.doesWorkBeforeFirstBatch(left) && HashJoinOperator.doesWorkBeforeFirstBatch(right)
    }

    /// Whether `op` must consume an input (or a CTE) before it returns its first batch: an aggregation,
    /// sort, window, top-one, join (its build side), a shared CTE, or a projection, filter, limit or the
    /// first operand of a UNION ALL over one of these.
    static func doesWorkBeforeFirstBatch(_ op: Operator) -> Bool {
        switch op {
        case is HashAggregateOperator, is SortOperator, is WindowOperator, is TopOneOperator, is HashJoinOperator, is SharedCTESource:
            return true
        case let p as ProjectOperator: return doesWorkBeforeFirstBatch(p.child)
        case let f as FilterOperator: return doesWorkBeforeFirstBatch(f.child)
        case let l as LimitOperator: return doesWorkBeforeFirstBatch(l.child)
        case let u as UnionAllOperator: return u.children.first.map(doesWorkBeforeFirstBatch) ?? false
        default: return false
        }
    }

    /// The build, beside the left input's first pull when `overlapsBuild`. The build's error comes
    /// first, as when the build ran alone before the first pull.
    private func buildFirst() throws {
        guard overlapsBuild else { return try build() }
        let side = SideThread { [self] in try build() }
        let first = Result { try left.next() }
        try side.wait()
        let b = try first.get()
        if let b { pendingLeft = b } else { leftDone = true }
    }

    /// The left input's next batch: the one pulled during the build first.
    private func pullLeft() throws -> Batch? {
        if let b = pendingLeft {
            pendingLeft = nil
            return b
        }
        if leftDone { return nil }
        let b = try left.next()
        if b == nil { leftDone = true }
        return b
    }

    private func build() throws {
        built = true
        rightBatch = try right.drain()
        rightMatched = [Bool](repeating: false, count: rightBatch.count)
        let nLeft = left.outputTypes.count
        rightDictionaries = rightBatch.columns.indices.map { j in
            guard outputRead?[nLeft + j] ?? true else { return nil }
            return HashJoinOperator.dictionary(of: rightBatch.columns[j])
        }
        // Columns gathered as their validity alone read no codes.
        rightCodes = BuildRowCodes(rightDictionaries.indices.map { validityOnlyOutputs.contains(nLeft + $0) ? nil : rightDictionaries[$0] })
        guard !rightKeys.isEmpty else { return }
        let keys = try rightKeys.map { try Evaluator.evaluate($0, rightBatch) }
        if keys.count == 1, let packed = JoinKeyTable(keys: keys[0], rows: rightBatch.count) {
            packedTable = packed
            return
        }
        let encoded = KeyEncoder.encode(keys, rows: rightBatch.count)
        var ids = [Int32](repeating: -1, count: rightBatch.count)
        encoded.bytes.withUnsafeBytes { buf in
            // NULL keys never match; neither does NaN (NaN = NaN is FALSE).
            for i in 0..<rightBatch.count where !encoded.hasNull[i] && !encoded.hasNaN[i] {
                ids[i] = table.findOrInsert(encoded.key(i, in: buf)).id
            }
        }
        var keyStart = [Int](repeating: 0, count: table.count + 1)
        for id in ids where id >= 0 { keyStart[Int(id) + 1] += 1 }
        for k in 0..<table.count { keyStart[k + 1] += keyStart[k] }
        var fill = keyStart
        rowsByKey = [Int32](repeating: 0, count: keyStart[table.count])
        for (i, id) in ids.enumerated() where id >= 0 {
            rowsByKey[fill[Int(id)]] = Int32(i)
            fill[Int(id)] += 1
        }
        matchByKey = (0..<table.count).map { k in
            let n = keyStart[k + 1] - keyStart[k]
            return BuildMatch(first: n == 1 ? rowsByKey[keyStart[k]] : Int32(keyStart[k]), count: Int32(n))
        }
    }

    /// Per entry of the dictionary the probe key has in `l` (`Batch.dictionaries`), its build rows;
    /// nil when the key is not one STRING column with a dictionary of this batch's rows.
    func entryMatches(_ l: Batch) -> (dictionary: DictionaryColumn, matches: [BuildMatch])? {
        guard leftKeys.count == 1, let d = l.dictionary(of: leftKeys[0]), d.count == l.count else { return nil }
        let n = d.entries.ends.count
        let entries = Column(values: .string(d.entries))
        var matches = [BuildMatch](repeating: .none, count: n)
        if let packedTable {
            // Entries too long to pack match no build key (every build key packs).
            if packedTable.type == .string {
                _ = PackedKey.forEach(in: entries, rows: n) { e, key in matches[e] = packedTable.find(key) }
            }
        } else {
            let encoded = KeyEncoder.encode([entries], rows: n)
            encoded.bytes.withUnsafeBytes { buf in
                for e in 0..<n { if let id = table.find(encoded.key(e, in: buf)) { matches[e] = matchByKey[Int(id)] } }
            }
        }
        return (d, matches)
    }

    /// The pairs of probe row, build row of a probe batch whose key is the dictionary column `d`: row i
    /// pairs with the build rows of `matches[code of i]` (`BuildMatch`, several ones in `several`), in
    /// row order; a NULL row with none. `matchedOnce`: the rows with exactly one build row. The pairs are
    /// written in place (appending checked the capacity at every pair and regrew the arrays when keys
    /// matched several rows), into room for one per row when no entry matches several build rows, else
    /// into room counted first.
    static func pairs(of d: DictionaryColumn, matches: [BuildMatch], several: [Int32]) -> (li: [Int32], ri: [Int32], matchedOnce: Int) {
        let rows = d.codes.count
        var room = rows, once = 0
        if !matches.allSatisfy({ $0.count <= 1 }) {
            room = 0
            d.codes.withUnsafeBufferPointer { codes in
                matches.withUnsafeBufferPointer { matches in
                    for i in 0..<rows where d.validity?[i] ?? true { room += Int(matches[Int(codes[i])].count) }
                }
            }
        }
        var ri: [Int32] = []
        let li = [Int32](unsafeUninitializedCapacity: room) { liOut, liInitialized in
            ri = [Int32](unsafeUninitializedCapacity: room) { riOut, riInitialized in
                d.codes.withUnsafeBufferPointer { codes in
                    matches.withUnsafeBufferPointer { matches in
                        several.withUnsafeBufferPointer { several in
                            var k = 0
                            for i in 0..<rows where d.validity?[i] ?? true {
                                let m = matches[Int(codes[i])]
                                if m.count == 1 {
                                    liOut[k] = Int32(i)
                                    riOut[k] = m.first
                                    k += 1
                                    once += 1
                                } else if m.count > 1 {
                                    for r in Int(m.first)..<Int(m.first + m.count) {
                                        liOut[k] = Int32(i)
                                        riOut[k] = several[r]
                                        k += 1
                                    }
                                }
                            }
                            liInitialized = k
                            riInitialized = k
                        }
                    }
                }
            }
        }
        return (li, ri, once)
    }

    /// The joined rows of one probe batch (after the residual) with, for each, its left and right row.
    /// Reads only the built table, so probes of several batches may run at once.
    private func probe(_ l: Batch) throws -> (pairs: Batch, li: [Int32], ri: [Int32]) {
        var li: [Int32] = [], ri: [Int32] = []
        // Whether li is 0 ..< l.count: every left row matched exactly one right row.
        var identity = false
        if leftKeys.isEmpty {
            for i in 0..<l.count { for j in 0..<rightBatch.count { li.append(Int32(i)); ri.append(Int32(j)) } }
        } else {
            li.reserveCapacity(l.count)
            ri.reserveCapacity(l.count)
            // Rows with exactly one match: when all are, the pairs are the probe rows once each, in order.
            // (As many pairs as rows is not enough: one row matching twice makes up for another matching none.)
            var matchedOnce = 0
            let several = packedTable?.rowsByKey ?? rowsByKey
            @inline(__always) func pair(_ i: Int, _ m: BuildMatch) {
                if m.count == 1 {
                    li.append(Int32(i)); ri.append(m.first)
                    matchedOnce += 1
                } else if m.count > 1 {
                    for r in Int(m.first)..<Int(m.first + m.count) { li.append(Int32(i)); ri.append(several[r]) }
                }
            }
            if let probed = entryMatches(l) {
                // Each distinct key looked up once; the rows follow their codes. NULL rows match nothing.
                let p = HashJoinOperator.pairs(of: probed.dictionary, matches: probed.matches, several: several)
                li = p.li
                ri = p.ri
                matchedOnce = p.matchedOnce
            } else if let packedTable {
                // NULLs and strings too long to pack match nothing (every build key packs).
                let keys = try Evaluator.evaluate(leftKeys[0], l)
                if keys.type == packedTable.type {
                    // Packed first, then looked up a group at a time (`JoinKeyTable.find(_:into:)`).
                    var rows: [Int32] = [], packed: [PackedKey] = []
                    rows.reserveCapacity(l.count)
                    packed.reserveCapacity(l.count)
                    _ = PackedKey.forEach(in: keys, rows: l.count) { i, key in rows.append(Int32(i)); packed.append(key) }
                    let found = [BuildMatch](unsafeUninitializedCapacity: packed.count) { out, n in
                        packed.withUnsafeBufferPointer { packedTable.find($0, into: out) }
                        n = packed.count
                    }
                    for (k, i) in rows.enumerated() { pair(Int(i), found[k]) }
                }
            } else {
                let keys = try leftKeys.map { try Evaluator.evaluate($0, l) }
                let encoded = KeyEncoder.encode(keys, rows: l.count)
                encoded.bytes.withUnsafeBytes { buf in
                    for i in 0..<l.count where !encoded.hasNull[i] && !encoded.hasNaN[i] {
                        guard let id = table.find(encoded.key(i, in: buf)) else { continue }
                        pair(i, matchByKey[Int(id)])
                    }
                }
            }
            identity = matchedOnce == l.count
        }
        var pairs = joined(l, li, ri, leftIdentity: identity)
        if let residual, pairs.count > 0 {
            let sel = try Evaluator.select(residual, pairs)
            if sel.count != pairs.count {
                pairs = pairs.gather(sel)
                li = li.gathered(at: sel)
                ri = ri.gathered(at: sel)
            }
        }
        return (pairs, li, ri)
    }

    func next() throws -> Batch? {
        if !built { try buildFirst() }
        while true {
            if let b = ready.popLast() { return b }
            // Up to two probe batches at a time, probed on two cores; their output keeps the input order.
            var inputs: [Batch] = []
            while inputs.count < 2, let l = try pullLeft() { if l.count > 0 { inputs.append(l) } }
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
                // Only RIGHT and FULL joins emit the unmatched build rows.
                if kind == .right || kind == .full {
                    rightMatched.withUnsafeMutableBufferPointer { m in for j in ri { m[Int(j)] = true } }
                }
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

    /// The pairs `li`, `ri` as output columns: unread columns as NULLs, the left batch's own columns
    /// (and dictionaries) when `leftIdentity` says the pairs take each left row once in order, and a
    /// right STRING column with a dictionary materialized from it, the dictionary kept beside it.
    private func joined(_ l: Batch, _ li: [Int32], _ ri: [Int32], leftIdentity: Bool) -> Batch {
        let nLeft = l.columns.count
        var dictionaries: [DictionaryColumn?] = Array(repeating: nil, count: outputTypes.count)
        var columns: [Column] = []
        columns.reserveCapacity(outputTypes.count)
        for k in 0..<nLeft {
            if !(outputRead?[k] ?? true) { columns.append(unread(k, count: li.count)); continue }
            if !leftIdentity, validityOnlyOutputs.contains(k) {
                columns.append(Column.validityOnly(outputTypes[k], validity: l.columns[k].validity.map { $0.gathered(at: li) }, count: li.count))
                continue
            }
            if leftIdentity {
                columns.append(l.columns[k])
                if let known = l.dictionaries, k < known.count { dictionaries[k] = known[k] }
            } else {
                columns.append(l.columns[k].gather(li))
            }
        }
        // Each joined row's codes of the right dictionary columns, all gathered in one pass.
        let codesOfRows = rightCodes?.gather(ri)
        for j in rightBatch.columns.indices {
            if !(outputRead?[nLeft + j] ?? true) { columns.append(unread(nLeft + j, count: ri.count)); continue }
            if validityOnlyOutputs.contains(nLeft + j) {
                let validity = rightBatch.columns[j].validity.map { $0.gathered(at: ri) }
                columns.append(Column.validityOnly(outputTypes[nLeft + j], validity: validity, count: ri.count))
                continue
            }
            if let d = rightDictionaries[j] {
                let codes = codesOfRows?[j] ?? d.codes.gathered(at: ri)
                let validity = d.validity.map { $0.gathered(at: ri) }
                let out = DictionaryColumn(entries: d.entries, codes: codes, validity: validity.flatMap { $0.contains(false) ? $0 : nil })
                columns.append(keyOnlyOutputs.contains(nLeft + j) ? Column(values: .string(StringArray())) : out.materialize(nil))
                dictionaries[nLeft + j] = out
            } else {
                columns.append(rightBatch.columns[j].gather(ri))
            }
        }
        var batch = Batch(columns: columns, count: li.count)
        if dictionaries.contains(where: { $0 != nil }) { batch.dictionaries = dictionaries }
        return batch
    }

    /// Output column `k`, which nothing above reads, for `count` joined rows: no rows with
    /// `unreadOutputsEmpty`, else NULLs.
    private func unread(_ k: Int, count: Int) -> Column {
        Column.constant(.null, type: outputTypes[k], count: unreadOutputsEmpty ? 0 : count)
    }

    /// Distinct entries a build-side STRING column may have and still come out with a dictionary.
    /// Default: 4,096 (GROUP BY's code path wants a few distinct values per batch).
    static let maxDictionaryEntries = 4096

    /// `column` as a dictionary of its distinct strings (in order of first appearance) and each row's
    /// code; nil when it is not STRING or has more than `maxDictionaryEntries` distinct strings.
    static func dictionary(of column: Column) -> DictionaryColumn? {
        guard case .string(let s) = column.values, column.count > 0 else { return nil }
        var table = ByteKeyTable()
        var entries = StringArray()
        var codes = [UInt16](repeating: 0, count: column.count)
        let complete: Bool = s.bytes.withUnsafeBytes { buf in
            for i in 0..<column.count where column.valid(i) {
                let key = UnsafeRawBufferPointer(rebasing: buf[s.start(i)..<Int(s.ends[i])])
                let (id, inserted) = table.findOrInsert(key)
                if inserted {
                    if table.count > maxDictionaryEntries { return false }
                    entries.append(key)
                }
                codes[i] = UInt16(id)
            }
            return true
        }
        return complete && entries.count > 0 ? DictionaryColumn(entries: entries, codes: codes, validity: column.validity) : nil
    }

    private func concat(_ a: Batch, _ b: Batch) -> Batch {
        if a.count == 0 { return b }
        return Batch(columns: a.columns.indices.map { Column.concatenate([a.columns[$0], b.columns[$0]], type: outputTypes[$0]) }, count: a.count + b.count)
    }

    func explain(_ depth: Int) -> [String] {
        [pad(depth) + "HashJoin \(kind.rawValue) keys=\(leftKeys.count)" + (residual != nil ? " with residual condition" : "")
            + (keyOnlyOutputs.isEmpty ? "" : ", group keys by dictionary: \(keyOnlyOutputs.count)")]
            + left.explain(depth + 1) + right.explain(depth + 1)
    }
}
