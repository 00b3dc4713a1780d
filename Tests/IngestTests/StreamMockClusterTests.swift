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
