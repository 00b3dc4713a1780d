import ColumnStore
import Foundation
import Testing
@testable import Ingest

/// Producer and consumer against librdkafka's in-process mock cluster, with its fault injection.
/// No broker process is needed; the real-broker tests are Tests/oracle/test_streaming.py.
@Suite(.serialized) struct StreamMockClusterTests {
    static let base = Int64(CivilTime.days(year: 2025, month: 12, day: 1)) * CivilTime.microsPerDay

    /// `count` events, 7 seconds apart from `first`, spread over 40 users; every 10th one a bad message.
    static func messages(_ count: Int, first: Int = 0, badEvery: Int = 10) -> [StreamMessage] {
        (first..<(first + count)).map { i in
            let user = "user_\(i % 40)"
            let t = base + Int64(i) * 7_000_000
            let json: String
            if badEvery > 0, i % badEvery == 9 {
                json = i % 20 == 9 ? "not json \(i)" : #"{"session_id": "s\#(i)", "user_id": "\#(user)", "movie_id": "m", "action": "started", "timestamp": "\#(CivilTime.formatTimestamp(t))", "progress_percentage": 101}"#
            } else {
                json = #"{"session_id": "s\#(i)", "user_id": "\#(user)", "movie_id": "movie_\#(i % 5)", "action": "\#(i % 3 == 0 ? "stopped" : "started")", "progress_percentage": \#(i % 50), "watch_duration_minutes": NaN, "timestamp": "\#(CivilTime.formatTimestamp(t))"}"#
            }
            return StreamMessage(key: Array(user.utf8), value: Array(json.utf8), eventTime: t)
        }
    }

    final class Fixture {
        let cluster: KafkaMockCluster
        let directory: URL
        let store: Store
        let topic = "watch_events"

        init(partitions: Int = 3) throws {
            cluster = try KafkaMockCluster(brokers: 3)
            try cluster.createTopic(topic, partitions: partitions)
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("nq-stream-\(UUID().uuidString)")
            store = try Store(path: directory.path, create: true)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        var settings: KafkaSettings { KafkaSettings(brokers: cluster.bootstrapServers) }

        func produce(_ messages: [StreamMessage]) throws -> ProduceProgress {
            let producer = try StreamProducer(options: StreamProducerOptions(settings: settings, topic: topic))
            return try producer.send(messages)
        }

        func consume(final: Bool = true, stopAfterBatches: Int? = nil) throws -> StreamSummary {
            var options = StreamConsumerOptions(settings: settings, topic: topic)
            options.untilEnd = true
            options.final = final
            options.connectTimeoutSeconds = 30
            let consumer = try StreamConsumer(store: Store(path: directory.path, create: false), options: options)
            return try consumer.run(shouldStop: { false }, onStatus: { _ in })
        }

        /// (partition, offset) of every stored row of watch_events.
        func storedPositions() throws -> [[Int64]] {
            let cols = try store.readAll("watch_events")
            guard case .int64(let p) = cols[13].values, case .int64(let o) = cols[14].values else { return [] }
            return zip(p, o).map { [$0, $1] }
        }

        func column(_ table: String, _ name: String) throws -> [Value] {
            let t = try store.table(table)
            let i = try #require(t.schema.index(of: name))
            let c = try store.readAll(table)[i]
            return (0..<c.count).map { c.value(at: $0) }
        }
    }

    @Test func everyMessageIsStoredExactlyOnceAcrossRestarts() throws {
        let f = try Fixture()
        let first = try f.produce(Self.messages(300))
        #expect(first.acked == 300)
        let s1 = try f.consume(final: false)
        #expect(s1.events + s1.deadLetters == 300)
        _ = try f.produce(Self.messages(200, first: 300))
        let s2 = try f.consume(final: true)
        #expect(s2.events + s2.deadLetters == 200)
        let positions = try f.storedPositions()
        #expect(Set(positions.map { $0 }).count == positions.count, "no (partition, offset) twice")
        let sessions = try f.column("watch_events", "session_id").compactMap { v -> String? in if case .string(let s) = v { return s } else { return nil } }
        let expected = (0..<500).filter { $0 % 10 != 9 }.map { "s\($0)" }
        #expect(sessions.sorted() == expected.sorted())
        #expect(try f.store.table("_dead_letters").rows == 50)
        // Every good event is in exactly one closed window or counted late; none was late here.
        let windowed = try f.column("rt_engagement", "events").reduce(Int64(0)) { if case .int64(let n) = $1 { return $0 + n } else { return $0 } }
        #expect(windowed == 450)
        #expect(try f.store.table("rt_late_events").rows == 0)
        let state = try f.store.state(namespace: "stream:watch_events")
        let stored = state.filter { $0.key.hasPrefix("offset:") }.map { Int($0.value)! }.reduce(0, +)
        #expect(stored == 500)
    }

    @Test func deadLettersNameTheirPositionAndReason() throws {
        let f = try Fixture(partitions: 1)
        _ = try f.produce(Self.messages(40))
        _ = try f.consume()
        let reasons = try f.column("_dead_letters", "reason")
        let offsets = try f.column("_dead_letters", "offset")
        #expect(offsets == [.int64(9), .int64(19), .int64(29), .int64(39)])
        #expect(reasons.map { if case .string(let s) = $0 { return s.hasPrefix("not JSON") ? "json" : s.hasPrefix("impossible value: progress") ? "progress" : s } else { return "?" } }
                == ["json", "progress", "json", "progress"])
        #expect(try f.column("_dead_letters", "key").first == .string("user_9"))
        #expect(try f.column("watch_events", "watch_duration_minutes").allSatisfy { $0 == .null })
    }

    @Test func retriableProduceAndFetchErrorsLoseAndDuplicateNothing() throws {
        let f = try Fixture()
        // Produce (API key 0) and Fetch (API key 1) requests fail several times; librdkafka retries.
        f.cluster.failNextRequests(apiKey: 0, count: 5)
        let p = try f.produce(Self.messages(400, badEvery: 0))
        #expect(p.acked == 400 && p.failed == 0)
        f.cluster.failNextRequests(apiKey: 1, count: 6)
        let s = try f.consume()
        #expect(s.events == 400)
        let positions = try f.storedPositions()
        #expect(positions.count == 400 && Set(positions).count == 400)
    }

    @Test func aBrokerOutageDelaysButDoesNotLoseMessages() throws {
        let f = try Fixture()
        _ = try f.produce(Self.messages(200, badEvery: 0))
        f.cluster.setBroker(1, up: false)
        let restore = Thread { Thread.sleep(forTimeInterval: 2); f.cluster.setBroker(1, up: true) }
        restore.start()
        let s = try f.consume()
        #expect(s.events == 200)
        #expect(Set(try f.storedPositions()).count == 200)
    }

    @Test func theProducerSeesTheTopicsPartitionCount() throws {
        let f = try Fixture(partitions: 5)
        let producer = try StreamProducer(options: StreamProducerOptions(settings: f.settings, topic: f.topic))
        #expect(try producer.producer.partitionCount(topic: f.topic) == 5)
        #expect(try producer.ensureTopic() == false)
    }

    @Test func assignmentFollowsEachRebalanceWithoutAskingLibrdkafka() throws {
        let f = try Fixture(partitions: 4)
        var seen: [KafkaRebalance] = []
        let settings = KafkaSettings(brokers: f.cluster.bootstrapServers, extra: ["session.timeout.ms": "6000"])
        let a = try KafkaConsumer(settings: settings, group: "g", topic: f.topic) { change in seen.append(change); return [:] }
        #expect(a.assignment().isEmpty)
        func pollUntil(_ consumers: [KafkaConsumer], _ done: () -> Bool) {
            let deadline = Date().addingTimeInterval(30)
            while !done() && Date() < deadline {
                for c in consumers { _ = c.pollUnsafeMessage(timeoutMs: 50) { _ in } }
            }
        }
        pollUntil([a]) { a.assignment() == [0, 1, 2, 3] }
        #expect(a.assignment() == [0, 1, 2, 3])
        // A second member of the group: the range assignor splits the partitions, so `a` is revoked and
        // reassigned with one contiguous half, and the cached assignment follows.
        let b = try KafkaConsumer(settings: settings, group: "g", topic: f.topic) { _ in [:] }
        pollUntil([a, b]) { a.assignment().count == 2 && b.assignment().count == 2 }
        // Which member gets the lower half depends on the order of the broker-made member ids, so the
        // test asserts the split itself: two contiguous halves that together cover the topic once.
        let halves = Set([a.assignment(), b.assignment()])
        #expect(halves == Set([[0, 1], [2, 3]]))
        #expect(seen.contains { if case .revoke = $0 { return true } else { return false } })
    }

    /// One good event for `partition` at `time`, user and session unique to it.
    static func event(_ i: Int, partition: Int32, time: Int64) -> String {
        #"{"session_id": "s\#(partition)_\#(i)", "user_id": "u\#(partition)_\#(i)", "movie_id": "m", "action": "started", "timestamp": "\#(CivilTime.formatTimestamp(time))"}"#
    }

    /// Sums an INT64 column of a table.
    static func sum(_ values: [Value]) -> Int64 {
        values.reduce(Int64(0)) { if case .int64(let n) = $1 { return $0 + n } else { return $0 } }
    }

    @Test("a partition far ahead in event time is not read while the others have a backlog; every event is stored once, none late")
    func aPartitionFarAheadWaitsForTheOthers() throws {
        let f = try Fixture(partitions: 3)
        let producer = try KafkaProducer(settings: f.settings)
        // Partition 0 runs 30 days ahead; partitions 1 and 2 carry the same times, 61 s apart (one minute each).
        let n = 1_500
        for i in 0..<n {
            let t = Self.base + Int64(i) * 61_000_000
            try producer.send(topic: f.topic, key: nil, value: Array(Self.event(i, partition: 0, time: t + 30 * CivilTime.microsPerDay).utf8), partition: 0)
            try producer.send(topic: f.topic, key: nil, value: Array(Self.event(i, partition: 1, time: t).utf8), partition: 1)
            try producer.send(topic: f.topic, key: nil, value: Array(Self.event(i, partition: 2, time: t).utf8), partition: 2)
        }
        try producer.flush(timeoutMs: 30_000)
        #expect(producer.delivered == 3 * n)

        var options = StreamConsumerOptions(settings: f.settings, topic: f.topic)
        options.untilEnd = true
        options.final = true
        options.connectTimeoutSeconds = 30
        options.maxOpenWindows = 50
        options.statusIntervalSeconds = 0
        // Open windows seen while partition 1 or 2 still had messages to read.
        var openWhileBehind: [Int] = []
        let consumer = try StreamConsumer(store: Store(path: f.directory.path, create: false), options: options)
        let summary = try consumer.run(shouldStop: { false }, onStatus: { s in
            let behind = s.partitions.contains { q in q.partition != 0 && (q.end.map { q.position < $0 } ?? false) }
            if behind { openWhileBehind.append(s.openWindows) }
        })
        #expect(summary.events == 3 * n && summary.lateEvents == 0)
        let positions = try f.storedPositions()
        #expect(positions.count == 3 * n && Set(positions).count == 3 * n)
        // Partitions 1 and 2 share each minute: n windows of 2 events; partition 0's n windows hold 1 each.
        #expect(try f.store.table("rt_engagement").rows == 2 * n)
        #expect(Self.sum(try f.column("rt_engagement", "events")) == Int64(3 * n))
        #expect(try f.store.table("rt_late_events").rows == 0)
        // At most the limit plus one read run (256 messages) of partition 0 before it is held back, one run of
        // skew between 1 and 2, and the lateness (512 was seen): far below partition 0's 1,500 windows, which
        // reading it first would open.
        #expect(!openWhileBehind.isEmpty)
        #expect((openWhileBehind.max() ?? 0) <= options.maxOpenWindows + 3 * 256)
    }

    @Test("every message is stored once when the group rebalances mid-stream and the partitions come back")
    func everyMessageIsStoredOnceAcrossARebalance() throws {
        let f = try Fixture(partitions: 4)
        let total = 20_000
        #expect(try f.produce(Self.messages(total, badEvery: 0)).acked == total)
        var options = StreamConsumerOptions(settings: f.settings, topic: f.topic)
        options.untilEnd = true
        options.final = false
        options.connectTimeoutSeconds = 30
        options.statusIntervalSeconds = 0
        options.settings.extra["session.timeout.ms"] = "6000"
        let split = ManagedFlag()
        let firstOptions = options
        let deadline = Date().addingTimeInterval(60)
        // The first run reads slowly until the second member has taken half the partitions from it.
        let first = Thread {
            do {
                let c = try StreamConsumer(store: Store(path: f.directory.path, create: false), options: firstOptions)
                _ = try c.run(shouldStop: {
                    if !split.value && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
                    return false
                }, onStatus: { s in if s.partitions.count == 2 { split.set() } })
            } catch {
                split.fail("\(error)")
            }
            split.finish()
        }
        first.start()
        Thread.sleep(forTimeInterval: 0.5)
        let other = try KafkaConsumer(settings: KafkaSettings(brokers: f.cluster.bootstrapServers, extra: ["session.timeout.ms": "6000"]),
                                      group: options.group, topic: f.topic) { _ in [:] }
        while !split.finished && Date() < deadline { _ = other.pollUnsafeMessage(timeoutMs: 50) { _ in } }
        withExtendedLifetime(other) {}
        #expect(split.value, "the group was split between the two members")
        #expect(split.error == nil)
        // The second member has left; a second run takes every partition back and reads the rest.
        options.final = true
        let c = try StreamConsumer(store: Store(path: f.directory.path, create: false), options: options)
        _ = try c.run(shouldStop: { false }, onStatus: { _ in })
        let positions = try f.storedPositions()
        #expect(positions.count == total && Set(positions).count == total, "every (partition, offset) once")
        // Every event is in exactly one closed window or counted late (a revoked partition's events can be late).
        let windowed = Self.sum(try f.column("rt_engagement", "events"))
        let late = Self.sum(try f.column("rt_late_events", "late_events"))
        #expect(windowed + late == Int64(total))
    }

    @Test func anUnreachableBrokerFailsUntilEndWithTheAddress() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nq-stream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = StreamConsumerOptions(settings: KafkaSettings(brokers: "127.0.0.1:1"), topic: "t")
        options.untilEnd = true
        options.connectTimeoutSeconds = 2
        let consumer = try StreamConsumer(store: Store(path: dir.path, create: true), options: options)
        #expect(throws: StreamError.self) { try consumer.run(shouldStop: { false }, onStatus: { _ in }) }
        do { _ = try consumer.run(shouldStop: { false }, onStatus: { _ in }) } catch {
            #expect("\(error)".contains("127.0.0.1:1"))
        }
    }
}

/// A flag shared between a test and the thread it starts.
final class ManagedFlag: @unchecked Sendable {
    // @unchecked: every field is read and written under `lock`.
    private let lock = NSLock()
    private var _value = false, _finished = false, _error: String?
    var value: Bool { lock.withLock { _value } }
    var finished: Bool { lock.withLock { _finished } }
    var error: String? { lock.withLock { _error } }
    func set() { lock.withLock { _value = true } }
    func finish() { lock.withLock { _finished = true } }
    func fail(_ e: String) { lock.withLock { _error = e } }
}
