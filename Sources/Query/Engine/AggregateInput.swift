import ColumnStore

/// What a GROUP BY computes from each input batch before it touches any group: the key columns (of
/// the emitted key types), the keys encoded and hashed, the aggregates' argument columns. It reads no
/// table, so one core can prepare a batch while another adds earlier ones to a `PartialAggregate`.
struct AggregateInput {
    let keys: [BoundExpr]
    let aggregates: [AggregateSpec]
    /// The type of each key column as emitted; a batch's key column of another type is coerced first.
    let keyTypes: [ColumnType]

    init(keys: [BoundExpr], aggregates: [AggregateSpec]) {
        self.keys = keys
        self.aggregates = aggregates
        keyTypes = keys.map { $0.type ?? .int64 }
    }

    /// One batch, prepared.
    struct Prepared {
        let rows: Int
        /// The key columns, unless `hashed` holds their keys (then the batch's columns are not kept).
        /// With `dictionaries`, a column may have no rows (`TableScan.keyOnlyColumns`): read those.
        let keyColumns: [Column]
        /// The key columns' dictionary blocks, when every key is a STRING column a scan copied from one.
        let dictionaries: [DictionaryColumn]?
        /// The encoded, hashed keys; nil when there are no keys or the dictionaries number the groups.
        let hashed: HashedKeys?
        /// Each aggregate's argument column (nil for COUNT(*)).
        let arguments: [Column?]
        /// The dictionary block of each COUNT(DISTINCT) argument that is a STRING column a scan copied
        /// from one (`Batch.dictionaries`); nil for the other aggregates.
        var argumentDictionaries: [DictionaryColumn?] = []
    }

    /// The key columns of `b`, of the emitted key types, each with a value per row (a key column a
    /// scan left unmaterialized is materialized from its dictionary).
    func keyColumns(_ b: Batch) throws -> [Column] {
        try keys.indices.map { k in
            var c = try Evaluator.evaluate(keys[k], b)
            if c.count != b.count, let d = b.dictionary(of: keys[k]) { c = d.materialize(nil) }
            return c.type == keyTypes[k] ? c : AggregateInput.coerced(c, to: keyTypes[k])
        }
    }

    /// Evaluates, encodes and hashes what `PartialAggregate.add(_:)` needs of `b`.
    func prepare(_ b: Batch) throws -> Prepared {
        let dictionaries = keyDictionaries(b)
        let keyColumns = try keys.indices.map { k in
            var c = try Evaluator.evaluate(keys[k], b)
            // A key column the scan left unmaterialized (`TableScan.keyOnlyColumns`, no rows) while
            // another key has no dictionary: its strings come from its dictionary.
            if dictionaries == nil, c.count != b.count, let d = b.dictionary(of: keys[k]) { c = d.materialize(nil) }
            return c.type == keyTypes[k] ? c : AggregateInput.coerced(c, to: keyTypes[k])
        }
        let hashed = keys.isEmpty || dictionaries != nil || b.count == 0 ? nil : HashedKeys(keyColumns, rows: b.count)
        let arguments = try aggregates.map { try $0.argument.map { try Evaluator.evaluate($0, b) } }
        return Prepared(rows: b.count, keyColumns: hashed == nil ? keyColumns : [], dictionaries: dictionaries, hashed: hashed,
                        arguments: arguments, argumentDictionaries: argumentDictionaries(b))
    }

    /// The dictionary block of each COUNT(DISTINCT) or APPROX_COUNT_DISTINCT argument that is a STRING
    /// column of `b` a scan copied from one.
    private func argumentDictionaries(_ b: Batch) -> [DictionaryColumn?] {
        guard b.dictionaries != nil else { return [] }
        return aggregates.map { a in
            guard a.kind == .countDistinct || a.kind == .approxCountDistinct, let e = a.argument else { return nil }
            return b.dictionary(of: e)
        }
    }

    /// Whether every key of `b` is a STRING column a scan copied from a dictionary block (the
    /// groups are then numbered by codes, and `prepare` hashes no key).
    func keysHaveDictionaries(_ b: Batch) -> Bool { keyDictionaries(b) != nil }

    /// The dictionary blocks of the key columns, when every key is a STRING column of `b` that a scan
    /// copied from one (`Batch.dictionaries`).
    private func keyDictionaries(_ b: Batch) -> [DictionaryColumn]? {
        guard !keys.isEmpty, b.dictionaries != nil else { return nil }
        var out: [DictionaryColumn] = []
        for k in keys {
            guard let d = b.dictionary(of: k) else { return nil }
            out.append(d)
        }
        return out
    }

    /// `column` with each value coerced to `type` (an INT64 key where FLOAT64 is declared).
    private static func coerced(_ column: Column, to type: ColumnType) -> Column {
        var b = ColumnBuilder(type: type, capacity: column.count)
        for i in 0..<column.count { b.append(Evaluator.coerce(column.value(at: i), to: type)) }
        return b.finish()
    }
}
