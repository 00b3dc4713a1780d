import ColumnStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Comparisons of STRING values as GoogleSQL orders them: by their UTF-8 bytes (`memcmp` order), a
/// string before any longer string it is a prefix of. Shared by the expression evaluator and the
/// scan's pushed-down filters.
enum StringComparison {
    /// Whether the `memcmp`-order result `c` (negative, zero or positive) satisfies `op`.
    @inline(__always)
    static func holds(_ op: BinaryOperator, _ c: Int32) -> Bool {
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .lessEqual: return c <= 0
        case .greater: return c > 0
        default: return c >= 0
        }
    }

    /// For each string of `s` (NULL rows included: the caller applies the validity), 1 where
    /// `s[i] op literal` holds and 0 where it does not. `=` and `!=` compare lengths before bytes.
    static func tests(_ s: StringArray, _ op: BinaryOperator, _ literal: [UInt8]) -> [UInt8] {
        let n = s.count
        var out = [UInt8](repeating: 0, count: n)
        s.bytes.withUnsafeBytes { sb in
            literal.withUnsafeBytes { lb in
                s.ends.withUnsafeBufferPointer { ends in
                    let ll = lb.count
                    var start = 0
                    for i in 0..<n {
                        let end = Int(ends[i]), len = end - start
                        let r: Bool
                        if op == .equal || op == .notEqual {
                            let same = len == ll && (ll == 0 || memcmp(sb.baseAddress! + start, lb.baseAddress!, ll) == 0)
                            r = same == (op == .equal)
                        } else {
                            let m = min(len, ll)
                            var c = m == 0 ? 0 : memcmp(sb.baseAddress! + start, lb.baseAddress!, m)
                            if c == 0 { c = len < ll ? -1 : (len > ll ? 1 : 0) }
                            r = holds(op, c)
                        }
                        out[i] = r ? 1 : 0
                        start = end
                    }
                }
            }
        }
        return out
    }
}
