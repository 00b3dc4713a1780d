import CRdKafka
import Foundation

// The thin wrapper around librdkafka: the only file of nq that imports CRdKafka.
//
// Every C handle is owned by a `final class` that frees it in `deinit`. Raw message memory is lent
// to callers only inside the closures of `pollUnsafeMessage` and `readUnsafeMessages`. Callbacks from librdkafka (delivery reports,
// errors, rebalances) run on the thread that calls `poll`/`pollUnsafeMessage`, which in nq is the
// command's own (main) thread, never the Swift concurrency pool.

/// The client-side settings shared by producers and consumers.
public struct KafkaSettings: Sendable {
    /// `bootstrap.servers`, e.g. `127.0.0.1:29092`.
    public var brokers: String
    /// Extra librdkafka properties (`name` → `value`), applied last.
    public var extra: [String: String]

    public init(brokers: String, extra: [String: String] = [:]) {
        self.brokers = brokers
        self.extra = extra
    }
}

/// What librdkafka reported last about the connection (errors come through `error_cb`).
public struct KafkaHealth: Sendable {
    public var lastError: String?
    public var lastErrorAt: Date?
    public var allBrokersDown = false
}

/// Owns the Swift side of librdkafka's callbacks; passed to C as the configuration's opaque pointer.
final class KafkaCallbackBox {
    var health = KafkaHealth()
    var delivered = 0
    var deliveryFailures = 0
    var firstDeliveryError: String?
    var rebalance: ((KafkaRebalance) -> [Int32: Int64])?
    /// The consumer's assignment as of its last rebalance (`KafkaConsumer.assignment()`).
    var assignment: [Int32] = []
    /// The assigned partitions' own queues (`KafkaPartitionQueue`), replaced on every rebalance.
    var queues: [Int32: KafkaPartitionQueue] = [:]
    let brokers: String
    init(brokers: String) { self.brokers = brokers }
}

/// A partition assignment change, given to the consumer's rebalance handler.
public enum KafkaRebalance {
    /// Partitions given to this consumer; the handler returns the offset to start each one from
    /// (absent: the beginning of the partition).
    case assign(topic: String, partitions: [Int32])
    /// Partitions taken away; the handler must store what it has for them before returning.
    case revoke(topic: String, partitions: [Int32])
}

/// Error codes the rest of nq needs by meaning, not by librdkafka's numbering.
public enum KafkaCode {
    public static let topicAlreadyExists = Int32(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS.rawValue)
}

/// librdkafka, opened with dlopen the first time a client handle is made (`makeHandle`). nq does not link it,
/// so that commands which never touch Kafka do not pay for loading it and its dependencies at start-up
/// (Sources/CRdKafka/shim.h). The table lives as long as the process.
nonisolated(unsafe) private let librdkafka: Result<UnsafePointer<nq_rdkafka_api>, StreamError> = {
    let api = UnsafeMutablePointer<nq_rdkafka_api>.allocate(capacity: 1)
    if let message = nq_rdkafka_load(api) {
        api.deallocate()
        return .failure(.kafka(place: "librdkafka.so.1",
                               message: "could not be loaded: \(String(cString: message)); install the librdkafka1 package"))
    }
    return .success(UnsafePointer(api))
}()

/// librdkafka's functions. Only used after `makeHandle` has loaded them: every handle, and so every call
/// below, comes from it.
private var rd: nq_rdkafka_api {
    guard case .success(let api) = librdkafka else { preconditionFailure("librdkafka used before makeHandle loaded it") }
    return api.pointee
}

/// A C string librdkafka returned (never NULL for the functions used here; "" if it were).
private func cText(_ s: UnsafePointer<CChar>?) -> String {
    s.map { String(cString: $0) } ?? ""
}

private func errorText(_ err: rd_kafka_resp_err_t) -> String {
    cText(rd.err2str(err))
}

private func callbackBox(of rk: OpaquePointer?) -> KafkaCallbackBox? {
    guard let rk, let raw = rd.opaque(rk) else { return nil }
    return Unmanaged<KafkaCallbackBox>.fromOpaque(raw).takeUnretainedValue()
}

/// Builds an `rd_kafka_t`, handing it the configuration (librdkafka owns the conf on success).
/// Calls rd_kafka_conf_new, rd_kafka_conf_set, rd_kafka_new.
private func makeHandle(type: rd_kafka_type_t, settings: KafkaSettings, defaults: [String: String],
                        box: KafkaCallbackBox, configure: (OpaquePointer) -> Void) throws -> OpaquePointer {
    _ = try librdkafka.get()
    guard let conf = rd.conf_new() else { throw StreamError.kafka(place: settings.brokers, message: "rd_kafka_conf_new failed") }
    var values = defaults
    values["bootstrap.servers"] = settings.brokers
    for (k, v) in settings.extra { values[k] = v }
    var errstr = [CChar](repeating: 0, count: 512)
    for (k, v) in values.sorted(by: { $0.key < $1.key }) {
        if rd.conf_set(conf, k, v, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            rd.conf_destroy(conf)
            throw StreamError.kafka(place: settings.brokers, message: "configuration \(k): \(String(cString: errstr))")
        }
    }
    rd.conf_set_opaque(conf, Unmanaged.passUnretained(box).toOpaque())
    rd.conf_set_error_cb(conf) { rk, err, reason, _ in
        guard let b = callbackBox(of: rk) else { return }
        let text = reason.map { String(cString: $0) } ?? errorText(rd_kafka_resp_err_t(rawValue: err))
        b.health.lastError = text
        b.health.lastErrorAt = Date()
        if err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue { b.health.allBrokersDown = true }
    }
    // librdkafka's own log lines are kept off stderr; errors reach us through error_cb above.
    rd.conf_set_log_cb(conf) { _, _, _, _ in }
    configure(conf)
    guard let rk = rd.new(type, conf, &errstr, errstr.count) else {
        rd.conf_destroy(conf)
        throw StreamError.kafka(place: settings.brokers, message: "rd_kafka_new: \(String(cString: errstr))")
    }
    return rk
}

// MARK: - Shared client operations

/// Operations every client handle supports (topic metadata, topic creation, offsets of partitions).
public class KafkaClient {
    let handle: OpaquePointer
    let box: KafkaCallbackBox
    public let brokers: String

    init(handle: OpaquePointer, box: KafkaCallbackBox, brokers: String) {
        self.handle = handle
        self.box = box
        self.brokers = brokers
    }

    public var health: KafkaHealth { box.health }

    /// The partition count of `topic`, or nil when the broker does not know it. Calls rd_kafka_metadata.
    public func partitionCount(topic: String, timeoutMs: Int32 = 5000) throws -> Int? {
        var md: UnsafePointer<rd_kafka_metadata>? = nil
        let err = rd.metadata(handle, 1, nil, &md, timeoutMs)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md else {
            throw StreamError.kafka(place: brokers, message: "metadata request failed: \(errorText(err))")
        }
        defer { rd.metadata_destroy(md) }
        for i in 0..<Int(md.pointee.topic_cnt) {
            let t = md.pointee.topics[i]
            if String(cString: t.topic) == topic {
                return t.err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt > 0 ? Int(t.partition_cnt) : nil
            }
        }
        return nil
    }

    /// Creates `topic` with `partitions` partitions. Returns false when it already existed.
    /// Calls rd_kafka_CreateTopics and waits for its result event.
    @discardableResult
    public func createTopic(_ topic: String, partitions: Int, replicationFactor: Int = 1, timeoutMs: Int32 = 15000) throws -> Bool {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd.NewTopic_new(topic, Int32(partitions), Int32(replicationFactor), &errstr, errstr.count) else {
            throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: String(cString: errstr))
        }
        defer { rd.NewTopic_destroy(newTopic) }
        guard let queue = rd.queue_new(handle) else { throw StreamError.kafka(place: brokers, message: "rd_kafka_queue_new failed") }
        defer { rd.queue_destroy(queue) }
        var topics: [OpaquePointer?] = [newTopic]
        rd.CreateTopics(handle, &topics, 1, nil, queue)
        guard let event = rd.queue_poll(queue, Int32(timeoutMs) + 1000) else {
            throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: "no answer to CreateTopics within \(timeoutMs) ms")
        }
        defer { rd.event_destroy(event) }
        let eventErr = rd.event_error(event)
        if eventErr != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: "CreateTopics: \(cText(rd.event_error_string(event)))")
        }
        guard let result = rd.event_CreateTopics_result(event) else {
            throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: "CreateTopics: unexpected event")
        }
        var count = 0
        guard let results = rd.CreateTopics_result_topics(result, &count), count > 0, let r = results[0] else {
            throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: "CreateTopics: empty result")
        }
        let err = rd.topic_result_error(r)
        if err == RD_KAFKA_RESP_ERR_NO_ERROR { return true }
        if err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { return false }
        let msg = rd.topic_result_error_string(r).map { String(cString: $0) } ?? errorText(err)
        throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: "CreateTopics: \(msg)")
    }

    /// The low and high watermark offsets of a partition, asked from the broker.
    /// Calls rd_kafka_query_watermark_offsets.
    public func queryWatermarks(topic: String, partition: Int32, timeoutMs: Int32 = 5000) throws -> (low: Int64, high: Int64) {
        var low: Int64 = 0, high: Int64 = 0
        let err = rd.query_watermark_offsets(handle, topic, partition, &low, &high, timeoutMs)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw StreamError.kafka(place: "\(brokers) \(topic)[\(partition)]", message: "watermark query: \(errorText(err))")
        }
        return (low, high)
    }

    /// The high watermark last seen by this client's fetches (no broker round trip), or nil.
    /// Calls rd_kafka_get_watermark_offsets.
    public func cachedHighWatermark(topic: String, partition: Int32) -> Int64? {
        var low: Int64 = -1, high: Int64 = -1
        let err = rd.get_watermark_offsets(handle, topic, partition, &low, &high)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
    }
}

// MARK: - Producer

/// An idempotent producer (acks=all) whose delivery reports are counted. Calls rd_kafka_produce.
public final class KafkaProducer: KafkaClient {
    private var topics: [String: OpaquePointer] = [:]

    /// - Parameters:
    ///   - settings: brokers and extra librdkafka properties.
    ///   Defaults: `enable.idempotence=true`, `acks=all`, `linger.ms=5`, `compression.type=lz4`.
    public init(settings: KafkaSettings) throws {
        let box = KafkaCallbackBox(brokers: settings.brokers)
        let defaults = [
            "enable.idempotence": "true", "acks": "all", "linger.ms": "5",
            "compression.type": "lz4", "queue.buffering.max.messages": "500000",
            "batch.num.messages": "10000", "message.timeout.ms": "120000",
        ]
        let rk = try makeHandle(type: RD_KAFKA_PRODUCER, settings: settings, defaults: defaults, box: box) { conf in
            rd.conf_set_dr_msg_cb(conf) { rk, msg, _ in
                guard let b = callbackBox(of: rk), let msg else { return }
                if msg.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    b.delivered += 1
                } else {
                    b.deliveryFailures += 1
                    if b.firstDeliveryError == nil {
                        let topic = msg.pointee.rkt.map { cText(rd.topic_name($0)) } ?? "?"
                        b.firstDeliveryError = "\(b.brokers) \(topic)[\(msg.pointee.partition)]: \(errorText(msg.pointee.err))"
                    }
                }
            }
        }
        super.init(handle: rk, box: box, brokers: settings.brokers)
    }

    deinit {
        for (_, t) in topics { rd.topic_destroy(t) }
        rd.destroy(handle)
    }

    /// Messages acknowledged by the broker so far.
    public var delivered: Int { box.delivered }
    /// Messages whose delivery failed (after librdkafka's own retries).
    public var deliveryFailures: Int { box.deliveryFailures }
    public var firstDeliveryError: String? { box.firstDeliveryError }

    private func topicHandle(_ name: String) throws -> OpaquePointer {
        if let t = topics[name] { return t }
        guard let t = rd.topic_new(handle, name, nil) else {
            throw StreamError.kafka(place: "\(brokers) topic \(name)", message: "rd_kafka_topic_new failed")
        }
        topics[name] = t
        return t
    }

    /// Queues one message (copied) for `topic`, partitioned by `key` (or sent to `partition` when given);
    /// waits while the local queue is full.
    public func send(topic: String, key: [UInt8]?, value: [UInt8], partition: Int32? = nil) throws {
        let t = try topicHandle(topic)
        let target = partition ?? RD_KAFKA_PARTITION_UA
        while true {
            let rc: Int32 = value.withUnsafeBytes { v in
                if let key {
                    return key.withUnsafeBytes { k in
                        rd.produce(t, target, RD_KAFKA_MSG_F_COPY,
                                         UnsafeMutableRawPointer(mutating: v.baseAddress), v.count, k.baseAddress, k.count, nil)
                    }
                }
                return rd.produce(t, target, RD_KAFKA_MSG_F_COPY,
                                        UnsafeMutableRawPointer(mutating: v.baseAddress), v.count, nil, 0, nil)
            }
            if rc == 0 { return }
            let err = rd.last_error()
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                _ = rd.poll(handle, 50)
                continue
            }
            throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: "produce: \(errorText(err))")
        }
    }

    /// Serves delivery reports and errors for up to `timeoutMs`. Calls rd_kafka_poll.
    public func poll(timeoutMs: Int32 = 0) { _ = rd.poll(handle, timeoutMs) }

    /// Messages queued but not yet acknowledged.
    public var inFlight: Int { Int(rd.outq_len(handle)) }

    /// Waits until every queued message is delivered or `timeoutMs` passes. Calls rd_kafka_flush.
    public func flush(timeoutMs: Int32) throws {
        let err = rd.flush(handle, timeoutMs)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw StreamError.kafka(place: brokers, message: "flush: \(inFlight) messages still undelivered after \(timeoutMs) ms (\(errorText(err)); last error: \(box.health.lastError ?? "none"))")
        }
    }
}

// MARK: - Consumer

/// One message, valid only inside the `pollUnsafeMessage` closure that lends it.
public struct UnsafeKafkaMessage {
    public var partition: Int32
    public var offset: Int64
    public var key: UnsafeRawBufferPointer?
    public var payload: UnsafeRawBufferPointer
}

/// What a consumer poll produced.
public enum KafkaPollResult {
    case message
    case timeout
    /// The consumer reached the current end of a partition.
    case endOfPartition(partition: Int32, offset: Int64)
    case error(String)
}

/// A group consumer with manual offsets: no auto commit, start offsets chosen by the rebalance handler.
public final class KafkaConsumer: KafkaClient {
    public let topic: String

    /// - Parameters:
    ///   - group: `group.id`.
    ///   - rebalance: called on the polling thread for each assignment change (see `KafkaRebalance`).
    ///   Defaults: `enable.auto.commit=false`, `enable.auto.offset.store=false`,
    ///   `enable.partition.eof=true`, `partition.assignment.strategy=range` (eager), `auto.offset.reset=earliest`.
    public init(settings: KafkaSettings, group: String, topic: String, rebalance: @escaping (KafkaRebalance) -> [Int32: Int64]) throws {
        let box = KafkaCallbackBox(brokers: settings.brokers)
        box.rebalance = rebalance
        let defaults = [
            "group.id": group, "enable.auto.commit": "false", "enable.auto.offset.store": "false",
            "enable.partition.eof": "true", "partition.assignment.strategy": "range",
            "auto.offset.reset": "earliest", "fetch.wait.max.ms": "100",
            "queued.min.messages": "100000", "max.partition.fetch.bytes": "1048576", "session.timeout.ms": "10000",
            "topic.metadata.refresh.interval.ms": "5000",
        ]
        let rk = try makeHandle(type: RD_KAFKA_CONSUMER, settings: settings, defaults: defaults, box: box) { conf in
            rd.conf_set_rebalance_cb(conf) { rk, err, partitions, _ in
                guard let rk, let partitions else { return }
                let b = callbackBox(of: rk)
                var byTopic: [String: [Int32]] = [:]
                for i in 0..<Int(partitions.pointee.cnt) {
                    let e = partitions.pointee.elems[i]
                    byTopic[String(cString: e.topic), default: []].append(e.partition)
                }
                if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
                    // Each partition's queue is taken and unforwarded before rd_kafka_assign starts its fetch,
                    // so no message of it reaches the consumer queue (librdkafka keeps an application's
                    // forwarding choice when the fetch starts).
                    var queues: [Int32: KafkaPartitionQueue] = [:]
                    for i in 0..<Int(partitions.pointee.cnt) {
                        let e = partitions.pointee.elems[i]
                        queues[e.partition] = KafkaPartitionQueue(handle: rk, topic: e.topic, partition: e.partition)
                    }
                    var starts: [String: [Int32: Int64]] = [:]
                    for (t, ps) in byTopic { starts[t] = b?.rebalance?(.assign(topic: t, partitions: ps.sorted())) ?? [:] }
                    for i in 0..<Int(partitions.pointee.cnt) {
                        let e = partitions.pointee.elems[i]
                        partitions.pointee.elems[i].offset = starts[String(cString: e.topic)]?[e.partition] ?? Int64(RD_KAFKA_OFFSET_BEGINNING)
                    }
                    // Not rd_kafka_assignment here: during rd_kafka_consumer_close this callback runs while
                    // librdkafka's main thread waits for it, and that call would wait for the main thread.
                    let ok = rd.assign(rk, partitions) == RD_KAFKA_RESP_ERR_NO_ERROR
                    b?.assignment = ok ? (0..<Int(partitions.pointee.cnt)).map { partitions.pointee.elems[$0].partition }.sorted() : []
                    b?.queues = ok ? queues : [:]
                } else {
                    for (t, ps) in byTopic { _ = b?.rebalance?(.revoke(topic: t, partitions: ps.sorted())) }
                    _ = rd.assign(rk, nil)
                    b?.assignment = []
                    // The revoked partitions' queue references are dropped once their fetch is stopped; what
                    // is still queued is older than the version barrier of the next assignment and never served.
                    b?.queues = [:]
                }
            }
        }
        self.topic = topic
        super.init(handle: rk, box: box, brokers: settings.brokers)
        _ = rd.poll_set_consumer(rk)
        guard let list = rd.topic_partition_list_new(1) else { throw StreamError.kafka(place: brokers, message: "out of memory") }
        defer { rd.topic_partition_list_destroy(list) }
        _ = rd.topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        let err = rd.subscribe(rk, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw StreamError.kafka(place: "\(brokers) topic \(topic)", message: "subscribe: \(errorText(err))")
        }
    }

    deinit {
        // Partition queue references are released before closing (librdkafka requires it of queue handles).
        box.queues = [:]
        _ = rd.consumer_close(handle)
        rd.destroy(handle)
    }

    /// Waits up to `timeoutMs` for one event of the consumer queue: rebalances (their callbacks run inside
    /// this call), errors, and messages of a partition that has no queue of its own (none normally: see
    /// `readUnsafeMessages`); a message is lent to `body` for the duration of the call.
    /// Calls rd_kafka_consumer_poll.
    public func pollUnsafeMessage(timeoutMs: Int32, _ body: (UnsafeKafkaMessage) throws -> Void) rethrows -> KafkaPollResult {
        guard let m = rd.consumer_poll(handle, timeoutMs) else { return .timeout }
        return try lend(m, body)
    }

    /// Reads up to `limit` messages from `partition`'s own queue, lending each to `body`; waits up to
    /// `timeoutMs` for the first, not at all for the rest. Returns the number of messages lent and what
    /// ended the run: `.message` when `limit` was reached, `.timeout` when the queue ran empty (or the
    /// partition is not assigned), or an end-of-partition or error event (which ends the run).
    /// Calls rd_kafka_consume_queue.
    public func readUnsafeMessages(partition: Int32, limit: Int, timeoutMs: Int32,
                                   _ body: (UnsafeKafkaMessage) throws -> Void) rethrows -> (count: Int, last: KafkaPollResult) {
        guard let queue = box.queues[partition] else { return (0, .timeout) }
        var count = 0
        var wait = timeoutMs
        while count < limit {
            guard let m = rd.consume_queue(queue.queue, wait) else { return (count, .timeout) }
            wait = 0
            let result = try lend(m, body)
            guard case .message = result else { return (count, result) }
            count += 1
        }
        return (count, .message)
    }

    /// Messages and events waiting in `partition`'s own queue (0 when it has none). Calls rd_kafka_queue_length.
    public func queuedCount(partition: Int32) -> Int {
        box.queues[partition].map { Int(rd.queue_length($0.queue)) } ?? 0
    }

    /// Classifies one polled message and lends it to `body`; destroys it afterwards.
    private func lend(_ m: UnsafeMutablePointer<rd_kafka_message_t>, _ body: (UnsafeKafkaMessage) throws -> Void) rethrows -> KafkaPollResult {
        defer { rd.message_destroy(m) }
        let msg = m.pointee
        if msg.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            return .endOfPartition(partition: msg.partition, offset: msg.offset)
        }
        if msg.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let topic = msg.rkt.map { cText(rd.topic_name($0)) } ?? self.topic
            let detail = cText(rd.message_errstr(m))
            return .error("\(brokers) \(topic)[\(msg.partition)]: \(detail)")
        }
        let payload = UnsafeRawBufferPointer(start: msg.payload, count: msg.payload == nil ? 0 : msg.len)
        let key = msg.key.map { UnsafeRawBufferPointer(start: $0, count: msg.key_len) }
        try body(UnsafeKafkaMessage(partition: msg.partition, offset: msg.offset, key: key, payload: payload))
        return .message
    }

    /// Commits `offsets` (next offset to read, per partition) to the group coordinator without waiting.
    /// nq's own offsets live in the store; this only makes lag visible to Kafka tools. Calls rd_kafka_commit.
    public func commitAsync(_ offsets: [Int32: Int64]) {
        guard !offsets.isEmpty, let list = rd.topic_partition_list_new(Int32(offsets.count)) else { return }
        defer { rd.topic_partition_list_destroy(list) }
        for (p, o) in offsets {
            rd.topic_partition_list_add(list, topic, p)?.pointee.offset = o
        }
        _ = rd.commit(handle, list, 1)
    }

    /// The partitions currently assigned to this consumer: the list the last rebalance assigned (assignments
    /// change only there; the consumer subscribes to one topic). Answered without asking librdkafka, because
    /// rd_kafka_assignment is a round trip to librdkafka's main thread (about 1 ms, much more on a loaded
    /// machine), and the consumer loop asks after every few hundred messages.
    public func assignment() -> [Int32] { box.assignment }
}

/// A reference to one assigned partition's own fetch queue, not forwarded to the consumer queue, so the
/// consumer chooses which partition to read next (watermark alignment) without pausing fetches, which
/// would purge the partition's prefetched messages. Taken on every assignment, released on revoke.
final class KafkaPartitionQueue {
    let queue: OpaquePointer

    /// Calls rd_kafka_queue_get_partition and rd.queue_forward(queue, NULL); nil when librdkafka has
    /// no queue for the partition (its messages then stay on the consumer queue).
    init?(handle: OpaquePointer, topic: UnsafePointer<CChar>, partition: Int32) {
        guard let q = rd.queue_get_partition(handle, topic, partition) else { return nil }
        rd.queue_forward(q, nil)
        queue = q
    }

    deinit { rd.queue_destroy(queue) }
}

// MARK: - Mock cluster (tests)

/// librdkafka's in-process mock cluster, for tests that need no broker; supports fault injection.
public final class KafkaMockCluster {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    private let box = KafkaCallbackBox(brokers: "mock")

    /// Starts `brokers` mock brokers. Calls rd_kafka_mock_cluster_new.
    public init(brokers: Int = 3) throws {
        owner = try makeHandle(type: RD_KAFKA_PRODUCER, settings: KafkaSettings(brokers: ""), defaults: [:], box: box) { _ in }
        guard let c = rd.mock_cluster_new(owner, Int32(brokers)) else {
            rd.destroy(owner)
            throw StreamError.kafka(place: "mock cluster", message: "rd_kafka_mock_cluster_new failed")
        }
        cluster = c
    }

    deinit {
        rd.mock_cluster_destroy(cluster)
        rd.destroy(owner)
    }

    /// The `bootstrap.servers` string of the mock brokers.
    public var bootstrapServers: String { cText(rd.mock_cluster_bootstraps(cluster)) }

    public func createTopic(_ name: String, partitions: Int) throws {
        let err = rd.mock_topic_create(cluster, name, Int32(partitions), 1)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw StreamError.kafka(place: "mock topic \(name)", message: errorText(err)) }
    }

    /// Makes the next `count` requests of Kafka API `apiKey` (0 = Produce, 1 = Fetch, 8 = OffsetCommit, ...)
    /// fail with a retriable error (`NOT_LEADER_FOR_PARTITION` by default, or the given librdkafka code).
    /// Calls rd_kafka_mock_push_request_errors_array.
    public func failNextRequests(apiKey: Int16, count: Int, code: Int32? = nil) {
        let err = code.map { rd_kafka_resp_err_t(rawValue: $0) } ?? RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION
        let errors = [rd_kafka_resp_err_t](repeating: err, count: count)
        errors.withUnsafeBufferPointer { rd.mock_push_request_errors_array(cluster, apiKey, count, $0.baseAddress) }
    }

    /// Takes broker `id` (1-based) down or brings it back. Calls rd_kafka_mock_broker_set_down/up.
    public func setBroker(_ id: Int32, up: Bool) {
        if up { _ = rd.mock_broker_set_up(cluster, id) } else { _ = rd.mock_broker_set_down(cluster, id) }
    }

    /// Sets the leader broker of a partition. Calls rd_kafka_mock_partition_set_leader.
    public func setLeader(topic: String, partition: Int32, broker: Int32) {
        _ = rd.mock_partition_set_leader(cluster, topic, partition, broker)
    }
}
