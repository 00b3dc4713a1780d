import ColumnStore
import Dispatch

/// The rows of a CTE that the statement names more than once: computed once, by whichever of its
/// references is read first, and then handed to every reference (`SharedCTESource`).
///
/// Computed when first read rather than while planning, so that it can run beside other work of the
/// statement: a join computes its build side and its probe side's first batch side by side
/// (`HashJoinOperator.overlapsBuild`), and either side may be a reference to it. A reference read
/// while another thread computes the rows waits for them.
final class SharedCTE: @unchecked Sendable {
    // @unchecked: `plan` is pulled and `result` read or written only while `gate` is held.
    private let plan: Operator
    private let gate = DispatchSemaphore(value: 1)
    private var result: Result<[Batch], Error>?

    init(plan: Operator) { self.plan = plan }

    /// The CTE's non-empty batches, computed on the first call.
    /// - Throws: the error of computing them, on this and every later call.
    func batches() throws -> [Batch] {
        gate.wait()
        defer { gate.signal() }
        if result == nil {
            result = Result {
                var batches: [Batch] = []
                while let b = try plan.next() {
                    if b.count > 0 { batches.append(b) }
                }
                return batches
            }
        }
        return try result!.get()
    }
}

/// One reference to a `SharedCTE`: emits its batches.
final class SharedCTESource: Operator {
    let outputTypes: [ColumnType]
    let shared: SharedCTE
    let label: String
    private var batches: [Batch]?
    private var index = 0

    init(types: [ColumnType], shared: SharedCTE, label: String) {
        outputTypes = types
        self.shared = shared
        self.label = label
    }

    func next() throws -> Batch? {
        if batches == nil { batches = try shared.batches() }
        guard index < batches!.count else { return nil }
        defer { index += 1 }
        return batches![index]
    }

    func explain(_ depth: Int) -> [String] { [pad(depth) + label] }
}
