/// Watermark alignment by read order: which assigned partitions the consumer reads next, and in which order.
///
/// The partition furthest behind in event time (its latest delivered event time; a partition that delivered
/// nothing yet counts as furthest behind) comes first, ties by partition number. Once `maxOpenWindows`
/// windows are open, a partition whose latest event time is more than `aheadLimit` ahead of the slowest
/// *other* partition that still has messages to deliver (not caught up) is left out until that one catches
/// up or reaches its end, or the open windows fall below the limit. Reading order changes no result (the
/// watermark is the minimum over partitions either way); it bounds the open windows when one partition's
/// messages arrive far ahead of another's in event time.
struct PartitionAlignment {
    /// How far ahead of the slowest partition a partition may run once the limit is reached, in
    /// microseconds of event time (the consumer uses the lateness plus one window).
    var aheadLimit: Int64
    /// Open windows at or above which partitions running ahead are left out.
    var maxOpenWindows: Int

    /// The partitions to read, in order. Parameters: `partitions` (assigned), `latest` (each partition's
    /// latest delivered event time), `caughtUp` (partitions with nothing left to read), `openWindows`.
    func order(_ partitions: [Int32], latest: [Int32: Int64], caughtUp: Set<Int32>, openWindows: Int) -> [Int32] {
        func time(_ p: Int32) -> Int64 { latest[p] ?? .min }
        let sorted = partitions.sorted { time($0) != time($1) ? time($0) < time($1) : $0 < $1 }
        guard openWindows >= maxOpenWindows else { return sorted }
        return sorted.filter { p in
            var slowest = Int64.max
            for q in partitions where q != p && !caughtUp.contains(q) { slowest = min(slowest, time(q)) }
            return slowest == .max || time(p) <= slowest &+ aheadLimit
        }
    }
}
