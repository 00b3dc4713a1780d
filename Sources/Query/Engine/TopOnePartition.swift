/// One hash partition of `TopOneOperator`'s keys: each distinct partition key (its `KeyEncoder` bytes,
/// kept in a `ByteKeyTable`) with the input row that sorts first among its rows so far.
///
/// A held row is named by its input batch and its row in it (`batch << 32 | row`); beside it the
/// table keeps the row's first ORDER BY code (`SortPrefix.codes`), so most offers decide without
/// reading the held row's batch, and per input batch the number of held rows in it (`heldPerBatch`),
/// so that a batch none of whose rows is held any more can be dropped.
struct TopOnePartition {
    private(set) var keys = ByteKeyTable()
    /// Per key id: the held row, `batch << 32 | row`.
    private(set) var held: [UInt64] = []
    /// Per key id: the held row's first ORDER BY code (0 when the window has no ORDER BY).
    private var heldCodes: [UInt64] = []
    /// Per input batch: the rows of it held here.
    private(set) var heldPerBatch: [Int32] = []

    /// The number of distinct keys.
    var count: Int { keys.count }

    /// Counts `batches` more input batches (before their rows are offered).
    mutating func addBatches(_ batches: Int) {
        heldPerBatch += repeatElement(0, count: batches)
    }

    /// Offers row `row` of input batch `batch`, whose partition key's bytes are `key` (`KeyEncoder`)
    /// with hash `hash` and whose first ORDER BY code is `code`. A new key holds the row; a known key
    /// swaps its held row for this one only when `precedes(held)` says this row sorts strictly before
    /// the held one, so among ties the row offered first stays. `precedes` is not called when `replaces`
    /// is false (the held row is all the caller needs to know about).
    @inline(__always)
    mutating func offer(_ key: UnsafeRawBufferPointer, hash: UInt64, batch: Int, row: Int, code: UInt64,
                        replaces: Bool, precedes: (_ heldRow: UInt64, _ heldCode: UInt64) -> Bool) {
        let (id, inserted) = keys.findOrInsert(key, hash: hash)
        let at = UInt64(batch) << 32 | UInt64(row)
        if inserted {
            held.append(at)
            heldCodes.append(code)
            heldPerBatch[batch] += 1
            return
        }
        guard replaces else { return }
        let i = Int(id)
        let old = held[i]
        guard precedes(old, heldCodes[i]) else { return }
        held[i] = at
        heldCodes[i] = code
        heldPerBatch[Int(old >> 32)] -= 1
        heldPerBatch[batch] += 1
    }
}
