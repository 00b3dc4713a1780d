import ColumnStore

extension DistinctRowCounter {
    /// The number of distinct rows of the key columns `next` returns batch by batch (nil at the end;
    /// every batch non-empty), in three stages run at once on rounds of up to 8 batches: one round's
    /// rows go into the counter's two halves (two tasks) while the next round's keys are hashed (two
    /// tasks, half the batches each) and the round after is pulled (one task).
    static func count(pulling next: () throws -> [Column]?) throws -> Int {
        var counter = DistinctRowCounter()
        var exhausted = false
        func pull() throws -> [[Column]] {
            var columns: [[Column]] = []
            while !exhausted && columns.count < 8 {
                guard let c = try next() else { exhausted = true; break }
                columns.append(c)
            }
            return columns
        }
        func hash(_ round: [[Column]]) -> [[UInt64]] {
            round.map { DistinctRowCounter.hashes($0, rows: $0.first?.count ?? 0) }
        }
        var hashed = try pull()
        var hashes = hash(hashed)
        var scanned = try pull()
        while !hashed.isEmpty {
            var pulled: [[Column]] = []
            var error: Error?
            var nextHashes = [[UInt64]](repeating: [], count: scanned.count)
            let toHash = scanned
            let half = toHash.count / 2
            nextHashes.withUnsafeMutableBufferPointer { out in
                counter.add(hashed, hashes: hashes, alongsideTasks: 3) { task in
                    switch task {
                    case 0: do { pulled = try pull() } catch let e { error = e }
                    case 1: for j in 0..<half { out[j] = DistinctRowCounter.hashes(toHash[j], rows: toHash[j].first?.count ?? 0) }
                    default: for j in half..<toHash.count { out[j] = DistinctRowCounter.hashes(toHash[j], rows: toHash[j].first?.count ?? 0) }
                    }
                }
            }
            if let error { throw error }
            hashed = scanned
            hashes = nextHashes
            scanned = pulled
        }
        return counter.count
    }
}
