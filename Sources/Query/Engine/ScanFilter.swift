import ColumnStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pushed-down WHERE clause made only of `column op constant` conjuncts, decided on a block's typed
/// vectors — for a dictionary-encoded STRING block once per dictionary entry — into a selection
/// vector, before the other columns of the block are decoded or any string is copied.
///
/// It keeps exactly the rows `Evaluator.select` keeps for the same predicate: the comparisons are
/// `Evaluator.compare`'s (INT64 against FLOAT64 as FLOAT64, NaN as it compares there, strings by
/// UTF-8 bytes) and a NULL row never passes.
struct ScanFilter {
    struct Term {
        /// Index into the scan's output columns.
        var column: Int
        /// With the column on the left.
        var op: BinaryOperator
        var value: Value
        /// Compare INT64 values as FLOAT64 (one side is FLOAT64).
        var asDouble: Bool
    }

    let terms: [Term]
    /// The scan columns the terms read, in first-use order.
    let columns: [Int]

    /// Nil unless every conjunct of `predicate` is a comparison of a column with a non-NULL constant
    /// of the column's type (or both numeric).
    init?(_ predicate: BoundExpr, types: [ColumnType]) {
        var terms: [Term] = []
        var stack = [predicate]
        var conjuncts: [BoundExpr] = []
        while let e = stack.popLast() {
            if case .and(let a, let b) = e { stack.append(b); stack.append(a) } else { conjuncts.append(e) }
        }
        for c in conjuncts {
            guard case .comparison(var op, let a, let b) = c else { return nil }
            let column: Int, value: Value, literalType: ColumnType?
            if case .column(let i, _) = a, case .literal(let v, let t) = b {
                (column, value, literalType) = (i, v, t)
            } else if case .literal(let v, let t) = a, case .column(let i, _) = b {
                (column, value, literalType) = (i, v, t)
                op = Planner.flip(op)
            } else {
                return nil
            }
            guard column < types.count else { return nil }
            let type = types[column]
            var asDouble = false
            switch (type, value) {
            case (.int64, .int64): asDouble = (literalType ?? .int64) != .int64
            case (.int64, .float64), (.float64, .int64), (.float64, .float64): asDouble = true
            case (.date, .date), (.timestamp, .timestamp), (.bool, .bool), (.string, .string): break
            default: return nil
            }
            terms.append(Term(column: column, op: op, value: value, asDouble: asDouble))
        }
        guard !terms.isEmpty else { return nil }
        self.terms = terms
        var seen: [Int] = []
        for t in terms where !seen.contains(t.column) { seen.append(t.column) }
        columns = seen
    }

    /// The rows of a block where every term is TRUE, in row order; nil when that is every row.
    /// `blocks[c]` must be decoded for every `c` in `columns`.
    func select(_ blocks: [BlockColumn?], rows n: Int) -> [Int32]? {
        var selection: [Int32]? = nil
        for t in terms {
            let s = ScanFilter.refine(selection, rows: n, t, blocks[t.column]!)
            if s.isEmpty { return s }
            selection = s
        }
        return selection.flatMap { $0.count == n ? nil : $0 }
    }

    // MARK: kernels

    /// The rows of `selection` (every row when nil) that are valid and pass `pass`.
    ///
    /// Without branches on the outcome: each candidate row is written at the next free slot and the
    /// slot advances only when the row passes (a filter passing about half of the rows would otherwise
    /// mispredict often). `pass` is also called for NULL rows (whose values are zero, and whose codes
    /// are valid codes), and its outcome is then dropped.
    @inline(__always)
    private static func keep(_ selection: [Int32]?, _ n: Int, _ validity: [Bool]?, _ pass: (Int) -> Bool) -> [Int32] {
        let candidates = selection?.count ?? n
        return [Int32](unsafeUninitializedCapacity: candidates) { out, initialized in
            var k = 0
            // A Bool's byte is 0 or 1: the outcome is added as a number, and a valid bit and the test
            // are combined with `&` rather than `&&`, so the compiler has no branch to make of them
            // (with `&&` and `ok ? 1 : 0` it branched on both, and mispredicted on half the rows).
            @inline(__always) func bit(_ b: Bool) -> UInt8 { unsafeBitCast(b, to: UInt8.self) }
            @inline(__always) func offer(_ r: Int, _ ok: UInt8) {
                out[k] = Int32(truncatingIfNeeded: r)
                k &+= Int(ok)
            }
            if let validity {
                validity.withUnsafeBufferPointer { v in
                    if let selection {
                        for r in selection { let i = Int(r); offer(i, bit(v[i]) & bit(pass(i))) }
                    } else {
                        for i in 0..<n { offer(i, bit(v[i]) & bit(pass(i))) }
                    }
                }
            } else if let selection {
                for r in selection { offer(Int(r), bit(pass(Int(r)))) }
            } else {
                for i in 0..<n { offer(i, bit(pass(i))) }
            }
            initialized = k
        }
    }

    /// `x op v` as `Evaluator.compare` computes it for the column on the left.
    @inline(__always)
    private static func keep<T: Comparable>(_ selection: [Int32]?, _ n: Int, _ validity: [Bool]?, _ x: [T], _ op: BinaryOperator, _ v: T) -> [Int32] {
        x.withUnsafeBufferPointer { x in
            switch op {
            case .equal: return keep(selection, n, validity) { x[$0] == v }
            case .notEqual: return keep(selection, n, validity) { !(x[$0] == v) }
            case .less: return keep(selection, n, validity) { x[$0] < v }
            case .lessEqual: return keep(selection, n, validity) { !(v < x[$0]) }
            case .greater: return keep(selection, n, validity) { v < x[$0] }
            case .greaterEqual: return keep(selection, n, validity) { !(x[$0] < v) }
            default: return []
            }
        }
    }

    private static func refine(_ selection: [Int32]?, rows n: Int, _ t: Term, _ block: BlockColumn) -> [Int32] {
        switch block {
        case .dictionary(let d):
            guard case .string(let lit) = t.value else { return [] }
            // Decide each dictionary entry once; a row passes when its entry does.
            let entryPasses = StringComparison.tests(d.entries, t.op, Array(lit.utf8))
            return entryPasses.withUnsafeBufferPointer { e in
                d.codes.withUnsafeBufferPointer { codes in keep(selection, n, d.validity) { e[Int(codes[$0])] != 0 } }
            }
        case .plain(let c):
            switch (c.values, t.value) {
            case (.string(let s), .string(let lit)):
                let passes = StringComparison.tests(s, t.op, Array(lit.utf8))
                return passes.withUnsafeBufferPointer { p in keep(selection, n, c.validity) { p[$0] != 0 } }
            case (.float64(let x), _):
                return keep(selection, n, c.validity, x, t.op, double(t.value))
            case (.int64(let x), _):
                if t.asDouble { return keep(selection, n, c.validity, x.map(Double.init), t.op, double(t.value)) }
                guard case .int64(let v) = t.value else { return [] }
                return keep(selection, n, c.validity, x, t.op, v)
            case (.date(let x), .date(let v)): return keep(selection, n, c.validity, x, t.op, v)
            case (.timestamp(let x), .timestamp(let v)): return keep(selection, n, c.validity, x, t.op, v)
            case (.bool(let x), .bool(let v)): return keep(selection, n, c.validity, x, t.op, UInt8(v ? 1 : 0))
            default: return []
            }
        }
    }

    private static func double(_ v: Value) -> Double {
        switch v {
        case .int64(let x): return Double(x)
        case .float64(let x): return x
        default: return 0
        }
    }
}
