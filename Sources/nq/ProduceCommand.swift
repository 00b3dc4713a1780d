import ArgumentParser
import Foundation
import Ingest

/// `nq produce --brokers 127.0.0.1:29092 --topic watch_events --from watch_history.csv [--rate N | --speedup X | --max]`
struct Produce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Replay watch_history.csv or JSON lines into a Kafka topic, one JSON message per event.",
        discussion: """
            Messages are keyed by user_id and carry an event_time. A CSV row has only a date: the k-th of the \
            n rows of a day gets that day + floor((2k+1)*86400/(2n)) seconds, and CSV rows are sent in \
            event-time order. JSON lines keep their own timestamp and are sent in file order. The topic is \
            created (--partitions, default 3) when missing. The producer is idempotent with acks=all and \
            fails unless every message is acknowledged. See docs/streaming.md.
            """
    )

    /// Accepted like every subcommand's; the producer does not use the store.
    @OptionGroup var global: GlobalOptions

    @Option(help: "Kafka bootstrap servers.")
    var brokers: String = "127.0.0.1:29092"

    @Option(help: "Topic to produce to.")
    var topic: String = "watch_events"

    @Option(name: .customLong("from"), help: "watch_history.csv or a JSON-lines file.")
    var input: String

    @Option(help: "Messages per second.")
    var rate: Double?

    @Option(help: "Replay event time this many times faster than real time (3600: one hour per second).")
    var speedup: Double?

    @Flag(help: "Send as fast as possible (the default).")
    var max = false

    @Flag(help: "Shift event times so the first event happens now.")
    var now = false

    @Option(help: "Partitions of the topic when it is created.")
    var partitions: Int = 3

    @Option(name: .customLong("kafka-option"), help: "A librdkafka property NAME=VALUE (repeatable), e.g. compression.type=lz4.")
    var kafkaOptions: [String] = []

    func validate() throws {
        let paces = [rate != nil, speedup != nil, max].filter { $0 }.count
        if paces > 1 { throw ValidationError("--rate, --speedup and --max exclude each other") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive (got \(rate))") }
        if let speedup, speedup <= 0 { throw ValidationError("--speedup must be positive (got \(speedup))") }
        if partitions < 1 { throw ValidationError("--partitions must be at least 1") }
    }

    func run() throws {
        StopSignal.install()
        var messages = try StreamInput.load(path: input)
        if now, let first = messages.lazy.compactMap({ $0.eventTime }).min() {
            let present = Int64(Date().timeIntervalSince1970) * 1_000_000
            StreamInput.shift(&messages, by: present - first)
        }
        var options = StreamProducerOptions(settings: KafkaSettings(brokers: brokers, extra: try Consume.properties(kafkaOptions)), topic: topic)
        options.partitions = partitions
        options.pace = rate.map { .rate($0) } ?? speedup.map { .speedup($0) } ?? .max
        let producer = try StreamProducer(options: options)
        if try producer.ensureTopic() {
            FileHandle.standardError.write("created topic \(topic) with \(partitions) partitions on \(brokers)\n".data(using: .utf8)!)
        }
        let tty = isatty(2) != 0
        let result = try producer.send(messages, shouldStop: { StopSignal.requested }) { p in
            FileHandle.standardError.write(((tty ? "\r" : "") + p.line + (tty ? "\u{1B}[K" : "\n")).data(using: .utf8)!)
        }
        if tty { FileHandle.standardError.write("\n".data(using: .utf8)!) }
        print(String(format: "produced %d messages to %@ on %@ in %.2f s (%.0f msg/s), all acknowledged",
                     result.acked, topic, brokers, result.seconds, result.messagesPerSecond))
        if StopSignal.requested { print("stopped by signal after \(result.sent) of \(result.total) messages") }
    }
}
