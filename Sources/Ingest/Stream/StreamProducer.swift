import ColumnStore
import Foundation

/// How fast `nq produce` sends.
public enum ProducePace: Sendable, Equatable {
    /// As fast as the broker takes them.
    case max
    /// A fixed number of messages per second.
    case rate(Double)
    /// Event time runs this many times faster than wall time (3600: an hour of events per second).
    case speedup(Double)
}

/// Settings of `nq produce`.
public struct StreamProducerOptions: Sendable {
    public var settings: KafkaSettings
    public var topic: String
    public var pace: ProducePace = .max
    /// Partitions of the topic when it has to be created. Default: 3.
    public var partitions = 3
    /// Seconds between progress reports. Default: 1.
    public var progressIntervalSeconds = 1.0

    public init(settings: KafkaSettings, topic: String) {
        self.settings = settings
        self.topic = topic
    }
}

/// A producer's progress: sent, acknowledged, rate, lag behind the pace's schedule.
public struct ProduceProgress: Sendable {
    public var total: Int
    public var sent: Int
    public var acked: Int
    public var failed: Int
    public var messagesPerSecond: Double
    public var lagBehindSchedule: Double
    public var seconds: Double

    public var line: String {
        String(format: "sent %d/%d, acked %d, %.0f msg/s, lag behind schedule %.1f s", sent, total, acked, messagesPerSecond, lagBehindSchedule)
            + (failed > 0 ? ", \(failed) failed" : "")
    }
}

/// `nq produce`: sends messages with an idempotent producer (acks=all), paced, and checks every delivery report.
public final class StreamProducer {
    let options: StreamProducerOptions
    public let producer: KafkaProducer

    public init(options: StreamProducerOptions) throws {
        self.options = options
        producer = try KafkaProducer(settings: options.settings)
    }

    /// Creates the topic with `options.partitions` partitions unless it exists. Returns true if created.
    @discardableResult
    public func ensureTopic() throws -> Bool {
        if let n = try producer.partitionCount(topic: options.topic), n > 0 { return false }
        return try producer.createTopic(options.topic, partitions: options.partitions)
    }

    /// Sends `messages` in order, paced; returns after every message is acknowledged.
    /// - Throws: `StreamError.delivery` when any message was not acknowledged.
    public func send(_ messages: [StreamMessage], shouldStop: () -> Bool = { false },
                     onProgress: (ProduceProgress) -> Void = { _ in }) throws -> ProduceProgress {
        let start = Date().timeIntervalSince1970
        let firstTime = messages.lazy.compactMap { $0.eventTime }.first
        var lastReport = start, lastSent = 0
        var progress = ProduceProgress(total: messages.count, sent: 0, acked: 0, failed: 0, messagesPerSecond: 0, lagBehindSchedule: 0, seconds: 0)
        var lastTime = firstTime
        for (i, m) in messages.enumerated() {
            if shouldStop() { break }
            // The time this message is due, by the pace.
            var due: Double?
            switch options.pace {
            case .max: due = nil
            case .rate(let r): due = start + Double(i) / r
            case .speedup(let x):
                if let t = m.eventTime ?? lastTime, let t0 = firstTime { due = start + Double(t - t0) / 1_000_000 / x }
            }
            if m.eventTime != nil { lastTime = m.eventTime }
            var now = Date().timeIntervalSince1970
            if let due {
                while due > now {
                    let wait = min(due - now, 0.05)
                    producer.poll(timeoutMs: Int32(max(0, wait * 1000)))
                    if shouldStop() { break }
                    now = Date().timeIntervalSince1970
                }
                progress.lagBehindSchedule = max(0, now - due)
            }
            try producer.send(topic: options.topic, key: m.key, value: m.value)
            progress.sent = i + 1
            if i % 512 == 0 { producer.poll(timeoutMs: 0) }
            if now - lastReport >= options.progressIntervalSeconds {
                progress.messagesPerSecond = Double(progress.sent - lastSent) / (now - lastReport)
                progress.acked = producer.delivered
                progress.failed = producer.deliveryFailures
                progress.seconds = now - start
                lastReport = now
                lastSent = progress.sent
                onProgress(progress)
            }
        }
        try producer.flush(timeoutMs: 120_000)
        producer.poll(timeoutMs: 0)
        progress.acked = producer.delivered
        progress.failed = producer.deliveryFailures
        progress.seconds = Date().timeIntervalSince1970 - start
        progress.messagesPerSecond = Double(progress.sent) / max(progress.seconds, 0.001)
        if progress.failed > 0 || progress.acked != progress.sent {
            throw StreamError.delivery(brokers: options.settings.brokers, topic: options.topic,
                                       failed: progress.sent - progress.acked, first: producer.firstDeliveryError)
        }
        return progress
    }
}
