/// A binary min-heap of `Int64`: the open windows' starts, so that the next window to close is found
/// in O(1) and inserting or removing one costs O(log n) however many windows are open.
struct MinHeap {
    private(set) var items: [Int64] = []

    init() {}

    init(_ values: [Int64]) {
        items = values.sorted()
    }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var min: Int64? { items.first }

    mutating func insert(_ v: Int64) {
        items.append(v)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[parent] > items[i] else { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    /// Removes and returns the smallest value.
    @discardableResult
    mutating func popMin() -> Int64? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var i = 0
        let n = items.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < n, items[l] < items[smallest] { smallest = l }
            if r < n, items[r] < items[smallest] { smallest = r }
            if smallest == i { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return first
    }

    mutating func removeAll() { items.removeAll() }

    /// Whether every parent is at most its children (tests and `verify`).
    var isHeap: Bool {
        for i in 1..<Swift.max(items.count, 1) where items[(i - 1) / 2] > items[i] { return false }
        return true
    }
}
