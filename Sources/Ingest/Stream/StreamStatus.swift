import ColumnStore
import Foundation

/// A consumer's progress, for the status line and `nq consume --status`.
public struct StreamStatus: Sendable {
    public struct Partition: Sendable {
        public var partition: Int32
        /// Next offset to store (everything before it is in the store or pending in the batch).
        public var position: Int64
        /// The partition's end (high watermark) when known.
        public var end: Int64?
        public var lag: Int64? { end.map { max(0, $0 - position) } }
    }
    public var topic: String
    public var partitions: [Partition] = []
    public var eventsPerSecond: Double = 0
    public var eventsStored: Int = 0
    public var openWindows: Int = 0
    public var watermark: Int64?
    public var deadLetters: Int = 0
    public var lateEvents: Int = 0
    public var windowsEmitted: Int = 0
    public var brokerProblem: String?

    /// One line: lag per partition, rate, windows, watermark, dead letters.
    public var line: String {
        let lag = partitions.map { "p\($0.partition) lag \($0.lag.map(String.init) ?? "?")" }.joined(separator: ", ")
        let wm = watermark.map { CivilTime.formatTimestamp($0) } ?? "none"
        var s = "\(topic): \(eventsStored) events, \(Int(eventsPerSecond.rounded())) ev/s, [\(lag.isEmpty ? "no partitions assigned" : lag)], open windows \(openWindows), watermark \(wm), windows emitted \(windowsEmitted), late \(lateEvents), dead letters \(deadLetters)"
        if let p = brokerProblem { s += " | \(p)" }
        return s
    }
}

/// What a consumer run did.
public struct StreamSummary: Sendable {
    public var events = 0
    public var deadLetters = 0
    public var lateEvents = 0
    public var windowsEmitted = 0
    public var batches = 0
    public var seconds = 0.0
    /// Longest time from a window being finalized (the watermark passing its end) to its row being
    /// committed, in seconds.
    public var maxFinalizeDelay = 0.0
    /// The batch whose store (segment files and transaction) took longest: seconds, its messages, the
    /// windows it finalized and the open windows it stored plus the state keys it removed.
    public var slowestCommit: (seconds: Double, messages: Int, windows: Int, windowStates: Int) = (0, 0, 0, 0)
    public var stoppedBySignal = false
    /// Seconds from the first message read to the end (excludes connecting and joining the group).
    public var secondsSinceFirstMessage = 0.0
}

extension StreamConsumer {
    /// The stream state as stored (`nq consume --status`): offsets, open windows, watermark, totals;
    /// lag when the broker answers within a few seconds.
    public static func storedStatus(store: Store, topic: String, settings: KafkaSettings?) throws -> StreamStatus {
        let ns = "stream:" + topic
        let state = try store.state(namespace: ns)
        var s = StreamStatus(topic: topic)
        var offsets: [Int32: Int64] = [:]
        for (k, v) in state where k.hasPrefix("offset:") {
            if let p = Int32(k.dropFirst(7)), let o = Int64(v) { offsets[p] = o }
        }
        s.openWindows = state.keys.filter { $0.hasPrefix("window:") }.count
        if let w = state["watermark"], let snap = try? JSONDecoder().decode(WindowSnapshot.self, from: Data(w.utf8)) {
            s.watermark = snap.watermark == .min ? nil : snap.watermark
            if let n = snap.openWindows { s.openWindows = n }
        }
        if let t = state["totals"] {
            let parts = t.split(separator: ",").compactMap { Int($0) }
            if parts.count == 4 { (s.eventsStored, s.deadLetters, s.lateEvents, s.windowsEmitted) = (parts[0], parts[1], parts[2], parts[3]) }
        }
        s.eventsPerSecond = state["rate"].flatMap(Double.init) ?? 0
        var partitions = Set(offsets.keys)
        var ends: [Int32: Int64] = [:]
        if let settings {
            do {
                var extra = settings.extra
                extra["socket.connection.setup.timeout.ms"] = extra["socket.connection.setup.timeout.ms"] ?? "3000"
                let client = try KafkaProducer(settings: KafkaSettings(brokers: settings.brokers, extra: extra))
                if let n = try client.partitionCount(topic: topic, timeoutMs: 3000) {
                    for p in 0..<Int32(n) {
                        partitions.insert(p)
                        ends[p] = try client.queryWatermarks(topic: topic, partition: p, timeoutMs: 3000).high
                    }
                }
            } catch {
                s.brokerProblem = "lag unknown: \(error)"
            }
        }
        s.partitions = partitions.sorted().map { StreamStatus.Partition(partition: $0, position: offsets[$0] ?? 0, end: ends[$0]) }
        return s
    }
}
