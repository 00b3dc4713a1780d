/// The rows of the rt tables from the finalized windows and the late-event counts.
extension WindowAggregator {
    /// Takes the finalized windows not yet written, the wall time each was finalized and the late events per
    /// window start; `appendRows` turns them into rows (the consumer leaves that to the committer's thread).
    /// The next windows go to new arrays with room for as many as these (no regrowing copies of large
    /// window lists while a batch fills).
    mutating func takeFinalized() -> (windows: [WindowState], at: [Double], late: [Int64: Int64]) {
        var windows: [WindowState] = [], at: [Double] = []
        swap(&windows, &closedWindows)
        swap(&at, &closedAt)
        closedWindows.reserveCapacity(windows.count)
        closedAt.reserveCapacity(at.count)
        defer { lateCounts = [:] }
        return (windows, at, lateCounts)
    }

    /// Appends the finalized windows' rows to the rt tables' batches; returns the finalize times.
    mutating func drainClosed(engagement: inout TableBatch, eventTypes: inout TableBatch, genres: inout TableBatch,
                              countries: inout TableBatch, late: inout TableBatch) -> [Double] {
        let (finalized, at, lateCounts) = takeFinalized()
        Self.appendRows(closed: finalized, lateCounts: lateCounts, names: keys.names, size: config.sizeMicros,
                        engagement: &engagement, eventTypes: &eventTypes, genres: &genres, countries: &countries, late: &late)
        return at
    }

    /// Appends the rows of finalized windows (`names` resolving their key ids, `size` the window length) and of
    /// late-event counts per window start to the rt tables' batches.
    static func appendRows(closed: [WindowState], lateCounts: [Int64: Int64], names: [String], size: Int64,
                           engagement: inout TableBatch, eventTypes: inout TableBatch, genres: inout TableBatch,
                           countries: inout TableBatch, late: inout TableBatch) {
        for closedWindow in closed {
            var w = closedWindow
            let start = w.start, end = w.start + size
            func head(_ b: inout TableBatch) {
                b.columns[0].appendInt64(start)
                b.columns[1].appendInt64(end)
            }
            head(&engagement)
            engagement.columns[2].appendInt64(Int64(w.users.count))
            engagement.columns[3].appendInt64(w.events)
            engagement.columns[4].appendInt64(Int64(w.sessions.count))
            if w.durationCount > 0 { engagement.columns[5].appendDouble(w.durationSum / Double(w.durationCount)) } else { engagement.columns[5].appendNull() }
            engagement.columns[6].appendInt64(w.skips)
            // Sorted in place, and only with more than one entry: with 1-minute windows over sparse data a
            // window mostly holds one action, genre and country, and `sorted` allocated an array for each.
            if w.actions.count > 1 { w.actions.sort { names[Int($0.key)] < names[Int($1.key)] } }
            if w.genres.count > 1 { w.genres.sort { $0.events != $1.events ? $0.events > $1.events : names[Int($0.key)] < names[Int($1.key)] } }
            if w.countries.count > 1 { w.countries.sort { names[Int($0.key)] < names[Int($1.key)] } }
            for a in w.actions {
                head(&eventTypes)
                eventTypes.columns[2].appendString(names[Int(a.key)])
                eventTypes.columns[3].appendInt64(a.events)
            }
            for (rank, g) in w.genres.prefix(10).enumerated() {
                head(&genres)
                genres.columns[2].appendString(names[Int(g.key)])
                genres.columns[3].appendInt64(g.events)
                genres.columns[4].appendInt64(Int64(g.users.count))
                genres.columns[5].appendInt64(Int64(rank + 1))
            }
            for g in w.countries {
                head(&countries)
                countries.columns[2].appendString(names[Int(g.key)])
                countries.columns[3].appendInt64(g.events)
                countries.columns[4].appendInt64(Int64(g.users.count))
            }
        }
        for (start, n) in lateCounts.sorted(by: { $0.key < $1.key }) {
            late.columns[0].appendInt64(start)
            late.columns[1].appendInt64(start + size)
            late.columns[2].appendInt64(n)
        }
    }
}
