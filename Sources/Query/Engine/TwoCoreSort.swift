import Dispatch

/// Sorting a large array on two cores: each half is sorted on its own core, then the halves are
/// merged. With a strict total order (ties broken by position) the result is the one `sort(by:)`
/// gives.
enum TwoCoreSort {
    /// Elements below which one core sorts. Default: 2 blocks (131,072).
    static let parallelCount = 1 << 17

    /// Sorts `a` by `areInIncreasingOrder`, which must be safe to call from two threads at once.
    static func sort<T>(_ a: inout [T], by areInIncreasingOrder: (T, T) -> Bool) {
        let n = a.count
        guard n >= parallelCount else { a.sort(by: areInIncreasingOrder); return }
        let mid = n / 2
        a.withUnsafeMutableBufferPointer { buf in
            let halves = [UnsafeMutableBufferPointer(rebasing: buf[..<mid]), UnsafeMutableBufferPointer(rebasing: buf[mid...])]
            DispatchQueue.concurrentPerform(iterations: 2) { w in
                var half = halves[w]
                half.sort(by: areInIncreasingOrder)
            }
        }
        var merged: [T] = []
        merged.reserveCapacity(n)
        a.withUnsafeBufferPointer { buf in
            var i = 0, j = mid
            while i < mid && j < n {
                // Left first on ties, so equal elements keep the halves' order.
                if areInIncreasingOrder(buf[j], buf[i]) { merged.append(buf[j]); j += 1 } else { merged.append(buf[i]); i += 1 }
            }
            merged.append(contentsOf: buf[i..<mid])
            merged.append(contentsOf: buf[j..<n])
        }
        a = merged
    }
}
