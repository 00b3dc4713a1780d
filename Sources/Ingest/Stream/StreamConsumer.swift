import ColumnStore
import Foundation

/// Settings of `nq consume`.
public struct StreamConsumerOptions: Sendable {
    public var settings: KafkaSettings
    public var topic: String
    /// Kafka consumer group. Default: `nq`.
    public var group = "nq"
    public var window = WindowConfiguration()
    /// Stop once every assigned partition is caught up. Default: false (run until a signal).
    public var untilEnd = false
    /// With `untilEnd`: finalize every open window before stopping. Default: false.
    public var final = false
    /// A micro-batch is stored after this many seconds. Default: 0.25.
    public var flushIntervalSeconds = 0.25
    /// ... or once it holds this many events. Default: 200,000.
    public var maxBatchEvents = 200_000
    /// With `untilEnd`: give up when no partition is assigned after this many seconds. Default: 60.
    public var connectTimeoutSeconds = 60.0
    /// Open windows at or above which partitions running ahead in event time are not read (watermark
    /// alignment, `readOrder`). Default: 20,000.
    public var maxOpenWindows = 20_000
    /// Seconds between status reports. Default: 1.
    public var statusIntervalSeconds = 1.0

    public init(settings: KafkaSettings, topic: String) {
        self.settings = settings
        self.topic = topic
    }
}

/// `nq consume`: reads the topic with manual offsets and stores each micro-batch, its finalized windows
/// and the new offsets and window state in one catalog transaction (docs/streaming.md).
public final class StreamConsumer {
    let store: Store
    let options: StreamConsumerOptions
    var namespace: String { "stream:" + options.topic }

    private var parser = EventParser()
    private var aggregator: WindowAggregator
    /// movie_id hash → genre key id (`aggregator.keys`).
    private var genres: [UInt64: Int32] = [:]
    private let unknownKey: Int32
    private let stoppedKey: Int32
    private var watch = TableBatch(StreamTables.watchEvents)
    private var dead = TableBatch(StreamTables.deadLetters)
    /// Next offset per partition, including the pending batch, except the run of messages `handle` is
    /// reading (`current`): `syncPositions` writes that one before anything reads `positions`.
    private var positions: [Int32: Int64] = [:]
    /// The partition of the last message handled and its next offset, not yet in `positions` (a poll loop
    /// reads runs of one partition: one dictionary write per run instead of per message).
    private var current: (partition: Int32, next: Int64)?
    /// Next offset per partition as committed to the store.
    private var stored: [Int32: Int64] = [:]
    private var summary = StreamSummary()
    private var totals = (events: 0, deadLetters: 0, late: 0, windows: 0)
    private var pendingEvents = 0
    private var pendingLate = 0
    private var batchOpenedAt: Double?
    private var writer: StoreWriter?
    /// The store writer while `run` holds the store's write lock (for work done from `onStatus`, such
    /// as recording export progress); nil otherwise.
    public var activeWriter: StoreWriter? { writer }
    private var callbackError: Error?
    private var endReached: Set<Int32> = []
    private var ends: [Int32: Int64] = [:]
    private var rate = 0.0
    private var firstMessageAt: Double?
    /// Where the open windows' stored state is (`windows:<n>` chunks).
    private var windowChunks = WindowStateChunks()
    private let committer = StreamBatchCommitter()
    /// Messages handled by this run (for the rate).
    private var handled = 0

    public init(store: Store, options: StreamConsumerOptions) throws {
        self.store = store
        self.options = options
        var aggregator = WindowAggregator(config: options.window)
        unknownKey = aggregator.keys.id("unknown")
        stoppedKey = aggregator.keys.id("stopped")
        for (movie, genre) in try Self.loadGenres(store) { genres[movie] = aggregator.keys.id(genre) }
        self.aggregator = aggregator
        try loadState()
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: state

    private func loadState() throws {
        let state = try store.state(namespace: namespace)
        for (k, v) in state where k.hasPrefix("offset:") {
            guard let p = Int32(k.dropFirst(7)), let o = Int64(v) else {
                throw StreamError.badState(namespace: namespace, key: k, detail: "not a partition offset: \(v)")
            }
            stored[p] = o
        }
        positions = stored
        if let w = state["watermark"] {
            do {
                var snapshot = try JSONDecoder().decode(WindowSnapshot.self, from: Data(w.utf8))
                let (windows, chunks) = try WindowStateChunks.restore(state: state, namespace: namespace, watermark: snapshot.watermark,
                                                                      windowSize: snapshot.windowSize ?? options.window.sizeMicros)
                snapshot.open = windows
                aggregator.restore(snapshot)
                windowChunks = chunks
            } catch let e as StreamError {
                throw e
            } catch {
                throw StreamError.badState(namespace: namespace, key: "watermark", detail: "\(error)")
            }
        }
        if let s = state["totals"] {
            let parts = s.split(separator: ",").compactMap { Int($0) }
            if parts.count == 4 { totals = (parts[0], parts[1], parts[2], parts[3]) }
        }
    }

    /// movie_id → movies.genre_primary, read from the store's `movies` table when there is one
    /// (first row per movie_id wins; a NULL genre is "unknown").
    static func loadGenres(_ store: Store) throws -> [UInt64: String] {
        guard let t = try store.tableIfExists("movies"), let mi = t.schema.index(of: "movie_id"),
              let gi = t.schema.index(of: "genre_primary") else { return [:] }
        var map: [UInt64: String] = [:]
        for s in t.segments {
            let r = try store.openSegment(s)
            let ids = try r.readColumn(mi), gs = try r.readColumn(gi)
            for i in 0..<ids.count {
                guard case .string(let id) = ids.value(at: i) else { continue }
                var key = id
                let h = key.withUTF8 { fnv1a64(UnsafeRawBufferPointer($0)) }
                if map[h] == nil {
                    if case .string(let g) = gs.value(at: i) { map[h] = g } else { map[h] = "unknown" }
                }
            }
        }
        return map
    }

    // MARK: running

    /// Consumes until `shouldStop` returns true, or (with `untilEnd`) until caught up.
    public func run(shouldStop: () -> Bool, onStatus: (StreamStatus) -> Void) throws -> StreamSummary {
        let started = Self.now()
        try store.write { writer in
            self.writer = writer
            defer {
                // Whatever ends the run, the batch in flight finishes before the write lock is released.
                _ = try? committer.finished(wait: true)
                self.writer = nil
            }
            try writer.commit { tx in try StreamTables.ensure(in: tx) }
            var settings = options.settings
            if settings.extra["group.instance.id"] == nil { settings.extra["group.instance.id"] = instanceID }
            let consumer = try KafkaConsumer(settings: settings, group: options.group, topic: options.topic) { [unowned self] change in
                self.rebalance(change)
            }
            try loop(consumer, started: started, shouldStop: shouldStop, onStatus: onStatus)
            if options.untilEnd && options.final && !summary.stoppedBySignal {
                aggregator.closeAll(now: Self.now())
            }
            try flush(consumer)
            onStatus(status(consumer))
        }
        summary.seconds = Self.now() - started
        if let first = firstMessageAt { summary.secondsSinceFirstMessage = Self.now() - first }
        return summary
    }

    /// The static group member id of this store's consumer of this topic (KIP-345): a consumer restarted
    /// after a crash takes its partitions back at once instead of waiting for the broker to expire the
    /// dead member's session.
    var instanceID: String {
        let path = URL(fileURLWithPath: store.path).standardizedFileURL.resolvingSymlinksInPath().path
        var bytes = Array((path + "\u{0}" + options.topic).utf8)
        let h = bytes.withUnsafeMutableBytes { fnv1a64(UnsafeRawBufferPointer($0)) }
        return "nq-" + String(h, radix: 16)
    }

    private func rebalance(_ change: KafkaRebalance) -> [Int32: Int64] {
        switch change {
        case .assign(_, let partitions):
            aggregator.assign(partitions, now: Self.now())
            for p in partitions { endReached.remove(p) }
            return stored.filter { partitions.contains($0.key) }
        case .revoke(_, let partitions):
            do { try flush(nil) } catch { callbackError = error }
            aggregator.revoke(partitions)
            return [:]
        }
    }

    private func loop(_ consumer: KafkaConsumer, started: Double, shouldStop: () -> Bool, onStatus: (StreamStatus) -> Void) throws {
        var lastStatus = Self.now()
        var lastEndCheck = 0.0
        var rateMark = (time: Self.now(), events: 0)
        var sinceClock = 0
        var now = Self.now()
        while !shouldStop() {
            // The consumer queue carries rebalances and errors; the messages come from the partitions' queues.
            var result = consumer.pollUnsafeMessage(timeoutMs: 0) { m in handle(m, now: now) }
            var read = 0
            if case .message = result { read = 1 } else if case .timeout = result, callbackError == nil {
                (read, result) = readNext(consumer, now: now)
            }
            if let e = callbackError { throw e }
            sinceClock += read
            switch result {
            case .message:
                if sinceClock < 256 { continue }
            case .timeout where read > 0:
                if sinceClock < 256 { continue }
            case .endOfPartition(let p, let offset):
                syncPositions()
                if offset >= (positions[p] ?? 0) { endReached.insert(p) }
            case .timeout, .error:
                break
            }
            sinceClock = 0
            syncPositions()
            now = Self.now()
            try collect(consumer, wait: false)
            aggregator.tick(now: now, caughtUp: endReached)
            if batchOpenedAt == nil, !aggregator.closedWindows.isEmpty { batchOpenedAt = now }
            if shouldCut(now: now) { try flush(consumer, wait: false) }
            // The status callback may use the store writer (export progress): only between batches.
            if now - lastStatus >= options.statusIntervalSeconds, !committer.isBusy {
                let n = handled
                rate = Double(n - rateMark.events) / max(0.001, now - rateMark.time)
                rateMark = (now, n)
                lastStatus = now
                onStatus(status(consumer))
            }
            if options.untilEnd {
                let assigned = consumer.assignment()
                if assigned.isEmpty {
                    if now - started > options.connectTimeoutSeconds {
                        throw StreamError.unreachable(brokers: options.settings.brokers, seconds: options.connectTimeoutSeconds,
                                                      lastError: consumer.health.lastError ?? "no partitions of \(options.topic) assigned")
                    }
                    continue
                }
                if read > 0 { continue }
                if now - lastEndCheck >= 0.5 {
                    lastEndCheck = now
                    var caughtUp = true
                    for p in assigned {
                        if endReached.contains(p) { continue }
                        let end = (try? consumer.queryWatermarks(topic: options.topic, partition: p, timeoutMs: 2000).high) ?? consumer.cachedHighWatermark(topic: options.topic, partition: p)
                        if let end { ends[p] = end }
                        guard let end, (positions[p] ?? 0) >= end else { caughtUp = false; break }
                    }
                    if caughtUp { return }
                }
            }
        }
        summary.stoppedBySignal = true
    }

    /// Whether to cut the pending batch now. A finalized window is committed as soon as the batch before
    /// it is stored; otherwise a batch is cut once it is a flush interval old. A batch that reaches the
    /// flush interval or `maxBatchEvents` while the one before it is still being stored is cut anyway
    /// (`flush` waits for the one in flight): that bounds a batch to about one flush interval of reading,
    /// so a slow commit slows reading instead of growing the batches and the finalize delay.
    private func shouldCut(now: Double) -> Bool {
        guard let opened = batchOpenedAt else { return false }
        if pendingEvents >= options.maxBatchEvents || now - opened >= options.flushIntervalSeconds { return true }
        return !committer.isBusy && !aggregator.closedWindows.isEmpty
    }

    /// Reads the next run of messages (at most 256, one partition): from the first partition in `readOrder`
    /// whose queue holds something; when none does, waits briefly for the first one that still has messages
    /// to deliver (or, with none, on the consumer queue).
    private func readNext(_ consumer: KafkaConsumer, now: Double) -> (count: Int, last: KafkaPollResult) {
        let order = readOrder(consumer.assignment())
        let waitMs: Int32 = 10
        for p in order where consumer.queuedCount(partition: p) > 0 {
            return consumer.readUnsafeMessages(partition: p, limit: 256, timeoutMs: 0) { m in handle(m, now: now) }
        }
        if let p = order.first(where: { !endReached.contains($0) }) {
            return consumer.readUnsafeMessages(partition: p, limit: 256, timeoutMs: waitMs) { m in handle(m, now: now) }
        }
        let result = consumer.pollUnsafeMessage(timeoutMs: waitMs) { m in handle(m, now: now) }
        if case .message = result { return (1, result) }
        return (0, result)
    }

    /// Watermark alignment: the partitions in the order to read them, the one furthest behind in event time
    /// (latest event time delivered; none yet counts as furthest behind) first, ties by partition. Once
    /// `maxOpenWindows` windows are open, a partition whose event time runs more than the lateness plus one
    /// window ahead of the slowest other partition that still has messages to deliver is left out: it is not
    /// read (its fetched messages wait in its own queue, nothing is refetched) until that partition catches
    /// up, reaches its end, or the open windows fall below the limit. Without it a broker that serves one
    /// partition at a time would make the consumer hold open every window of the fast partitions until the
    /// slowest one is read. It changes no result: it only orders reads.
    func readOrder(_ partitions: [Int32]) -> [Int32] {
        PartitionAlignment(aheadLimit: options.window.latenessMicros + options.window.sizeMicros, maxOpenWindows: options.maxOpenWindows)
            .order(partitions, latest: aggregator.partitionMax, caughtUp: endReached, openWindows: aggregator.open.count)
    }

    /// Writes the offset of the run of messages being read to `positions`.
    private func syncPositions() {
        if let c = current {
            positions[c.partition] = c.next
            current = nil
        }
    }

    /// Parses one message into the batch (or the dead letters) and the windows.
    private func handle(_ m: UnsafeKafkaMessage, now: Double) {
        var e = ParsedEvent()
        if !endReached.isEmpty { endReached.remove(m.partition) }
        if batchOpenedAt == nil { batchOpenedAt = now }
        if firstMessageAt == nil { firstMessageAt = Self.now() }
        if let c = current, c.partition != m.partition { positions[c.partition] = c.next }
        current = (m.partition, m.offset + 1)
        pendingEvents += 1
        handled += 1
        do {
            try parser.parse(m.payload, into: &e)
        } catch {
            let reason = (error as? DeadLetterReason)?.text ?? "\(error)"
            dead.columns[0].appendString(options.topic)
            dead.columns[1].appendInt64(Int64(m.partition))
            dead.columns[2].appendInt64(m.offset)
            if let k = m.key { dead.columns[3].appendString(String(decoding: k, as: UTF8.self)) } else { dead.columns[3].appendNull() }
            dead.columns[4].appendString(String(decoding: m.payload, as: UTF8.self))
            dead.columns[5].appendString(reason)
            dead.columns[6].appendInt64(Int64(now * 1_000_000))
            return
        }
        parser.scratch.withUnsafeBytes { s in
            func bytes(_ r: ByteRange) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: s[Int(r.start)..<Int(r.start + r.count)]) }
            watch.columns[0].appendString(bytes(e.session))
            watch.columns[1].appendString(bytes(e.user))
            watch.columns[2].appendString(bytes(e.movie))
            if let d = e.watchDate { watch.columns[3].appendDate(d) } else { watch.columns[3].appendNull() }
            if let r = e.device { watch.columns[4].appendString(bytes(r)) } else { watch.columns[4].appendNull() }
            if let d = e.duration { watch.columns[5].appendDouble(d) } else { watch.columns[5].appendNull() }
            if let p = e.progress { watch.columns[6].appendDouble(p) } else { watch.columns[6].appendNull() }
            watch.columns[7].appendString(bytes(e.action))
            if let r = e.quality { watch.columns[8].appendString(bytes(r)) } else { watch.columns[8].appendNull() }
            if let r = e.country { watch.columns[9].appendString(bytes(r)) } else { watch.columns[9].appendNull() }
            if let b = e.isDownload { watch.columns[10].appendBool(b) } else { watch.columns[10].appendNull() }
            if let r = e.userRating { watch.columns[11].appendInt64(r) } else { watch.columns[11].appendNull() }
            watch.columns[12].appendInt64(e.eventTime)
            watch.columns[13].appendInt64(Int64(m.partition))
            watch.columns[14].appendInt64(m.offset)

            let action = aggregator.keys.id(bytes(e.action))
            let country = e.country.map { aggregator.keys.id(bytes($0)) } ?? unknownKey
            let genre = genres[fnv1a64(bytes(e.movie))] ?? unknownKey
            let skip = action == stoppedKey && (e.progress.map { $0 < 25 } ?? false)
            let event = WindowEvent(eventTime: e.eventTime, user: fnv1a64(bytes(e.user)), session: fnv1a64(bytes(e.session)),
                                    action: action, genre: genre, country: country, duration: e.duration, isSkip: skip)
            if !aggregator.add(event, partition: m.partition, now: now) { pendingLate += 1 }
        }
    }

    /// Cuts the pending micro-batch (its rows, the finalized windows, the offsets and the changed window
    /// state) and hands it to the committer, which stores it in one transaction. Waits for the batch
    /// before it first; with `wait`, also for this one.
    private func flush(_ consumer: KafkaConsumer?, wait: Bool = true) throws {
        syncPositions()
        guard let writer else { return }
        try collect(consumer, wait: true)
        // The finalized windows' rows are built by the committer (`StreamBatch.store`), off this thread.
        let (finalized, finalizedAt, lateCounts) = aggregator.takeFinalized()
        let offsetsChanged = positions.contains { self.stored[$0.key] != $0.value }
        batchOpenedAt = nil
        guard offsetsChanged || !finalized.isEmpty || !lateCounts.isEmpty else { return }
        var batch = StreamBatch(namespace: namespace, group: options.group)
        batch.counts = (watch.rows, dead.rows, pendingLate, finalized.count)
        func take(_ b: inout TableBatch) {
            guard b.rows > 0 else { return }
            batch.tables.append((b.schema, b.take()))
        }
        take(&watch)
        take(&dead)
        batch.finalizedWindows = finalized
        batch.lateCounts = lateCounts
        batch.windowSize = options.window.sizeMicros
        do {
            batch.watermark = String(decoding: try JSONEncoder().encode(aggregator.watermarkSnapshot), as: UTF8.self)
        } catch {
            throw StreamError.badState(namespace: namespace, key: "watermark", detail: "cannot encode: \(error)")
        }
        if windowChunks.needsCompaction(openWindows: aggregator.open.count) { aggregator.markAllOpenDirty() }
        (batch.windowChunk, batch.removedStateKeys) = windowChunks.record(aggregator.takeDirty())
        batch.totals = (totals.events + batch.counts.events, totals.deadLetters + batch.counts.deadLetters,
                        totals.late + batch.counts.late, totals.windows + batch.counts.windows)
        batch.keyNames = aggregator.keys.names
        batch.positions = positions
        batch.storedBefore = stored
        batch.rate = rate
        batch.finalizedAt = finalizedAt
        pendingEvents = 0
        pendingLate = 0
        committer.submit(batch, writer: writer)
        if wait { try collect(consumer, wait: true) }
    }

    /// Takes back the batch in flight once it is committed: its offsets count as stored (and are
    /// committed to Kafka for lag tools), its rows in the totals, its windows' finalize delays in the summary.
    private func collect(_ consumer: KafkaConsumer?, wait: Bool) throws {
        guard let (batch, committedAt, seconds) = try committer.finished(wait: wait) else { return }
        stored = batch.positions
        totals = batch.totals
        summary.events += batch.counts.events
        summary.deadLetters += batch.counts.deadLetters
        summary.lateEvents += batch.counts.late
        summary.windowsEmitted += batch.counts.windows
        summary.batches += 1
        if seconds > summary.slowestCommit.seconds {
            summary.slowestCommit = (seconds, batch.counts.events + batch.counts.deadLetters, batch.counts.windows,
                                    (batch.windowChunk?.windows.count ?? 0) + batch.removedStateKeys.count)
        }
        for t in batch.finalizedAt { summary.maxFinalizeDelay = max(summary.maxFinalizeDelay, committedAt - t) }
        consumer?.commitAsync(batch.positions)
    }

    func status(_ consumer: KafkaConsumer?) -> StreamStatus {
        syncPositions()
        var s = StreamStatus(topic: options.topic)
        let parts = consumer?.assignment() ?? positions.keys.sorted()
        s.partitions = parts.map { p in
            let end = consumer?.cachedHighWatermark(topic: options.topic, partition: p) ?? ends[p]
            return StreamStatus.Partition(partition: p, position: positions[p] ?? 0, end: end)
        }
        s.eventsPerSecond = rate
        s.eventsStored = totals.events
        s.openWindows = aggregator.open.count
        s.watermark = aggregator.watermark == .min ? nil : aggregator.watermark
        s.deadLetters = totals.deadLetters
        s.lateEvents = totals.late
        s.windowsEmitted = totals.windows
        if let h = consumer?.health, let at = h.lastErrorAt, Date().timeIntervalSince(at) < 5, let e = h.lastError {
            s.brokerProblem = "broker \(options.settings.brokers): \(e) (retrying)"
        }
        return s
    }
}
