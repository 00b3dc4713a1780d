import ColumnStore

/// The value set of `x IN (subquery)` (or of a long list of constants), hashed once when the
/// expression is bound and probed by every batch.
///
/// Three-valued like the OR of equalities it stands for: a NULL `x` gives NULL; a match gives TRUE;
/// no match gives NULL when the set holds a NULL, else FALSE. Values are compared as join keys are
/// (`KeyEncoder`): -0.0 equals 0.0 and NaN equals nothing. The set's values have exactly the type of
/// the probed expression (the binder falls back to the OR of equalities otherwise).
final class InSet {
    let type: ColumnType
    private let table: ByteKeyTable
    /// Whether the values include a NULL.
    let hasNull: Bool
    /// A fingerprint of the contents (count, NULL, sum of key hashes), so equal sets give equal
    /// expression keys (`BoundExpr.key`).
    let fingerprint: String

    /// Hashes the values of `column` (all of its rows).
    init(_ column: Column) {
        type = column.type
        var table = ByteKeyTable()
        var hasNull = false
        var sum: UInt64 = 0
        let rows = column.count
        var start = 0
        while start < rows {
            let end = min(rows, start + (1 << 16))
            let part = column.slice(start..<end)
            let encoded = KeyEncoder.encode([part], rows: end - start)
            encoded.bytes.withUnsafeBytes { buf in
                for i in 0..<(end - start) {
                    if encoded.hasNull[i] { hasNull = true; continue }
                    if encoded.hasNaN[i] { continue }
                    let key = encoded.key(i, in: buf)
                    if table.findOrInsert(key).inserted { sum &+= KeyEncoder.hash(key) }
                }
            }
            start = end
        }
        self.table = table
        self.hasNull = hasNull
        fingerprint = "\(type.rawValue):\(table.count):\(hasNull ? 1 : 0):\(String(sum, radix: 16))"
    }

    /// The set of a list of more than 8 constants, each NULL or of exactly `type`; nil for a shorter
    /// list, another item, or FLOAT64 (whose list keeps the OR of equalities).
    static func ofConstants(_ items: [BoundExpr], type: ColumnType?) -> InSet? {
        guard items.count > 8, let type, type != .float64 else { return nil }
        var b = ColumnBuilder(type: type, capacity: items.count)
        for item in items {
            guard case .literal(let v, let t) = item else { return nil }
            if case .null = v { b.appendNull(); continue }
            guard t == type else { return nil }
            b.append(v)
        }
        return InSet(b.finish())
    }

    /// `x [NOT] IN (set)` for every row of `x`.
    func evaluate(_ x: Column, negated: Bool) -> Column {
        let n = x.count
        let encoded = KeyEncoder.encode([x], rows: n)
        let hit: UInt8 = negated ? 0 : 1, miss: UInt8 = negated ? 1 : 0
        var out = [UInt8](repeating: miss, count: n)
        var validity = [Bool](repeating: true, count: n)
        var anyNull = false
        encoded.bytes.withUnsafeBytes { buf in
            for i in 0..<n {
                if encoded.hasNull[i] {
                    validity[i] = false
                    anyNull = true
                } else if !encoded.hasNaN[i], table.find(encoded.key(i, in: buf)) != nil {
                    out[i] = hit
                } else if hasNull {
                    validity[i] = false
                    anyNull = true
                }
            }
        }
        if anyNull { for i in 0..<n where !validity[i] { out[i] = 0 } }
        return Column(values: .bool(out), validity: anyNull ? validity : nil)
    }
}
