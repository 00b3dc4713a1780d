import ArgumentParser
import Export
import ColumnStore
import Foundation
import Ingest

/// `nq consume --brokers 127.0.0.1:29092 --topic watch_events --group nq [--window 1m --lateness 2m] [--until-end [--final]]`
struct Consume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Consume watch events from Kafka into the store, exactly once, with event-time windows.",
        discussion: """
            Each micro-batch goes to watch_events (bad messages to _dead_letters) in the same catalog \
            transaction as the partition offsets and the open-window state, so a restart resumes exactly \
            after the last stored message. Finalized windows go to rt_engagement, rt_event_types, \
            rt_top_genres, rt_top_countries; late events are counted in rt_late_events. \
            SIGINT/SIGTERM stop after storing what was read. See docs/streaming.md.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Kafka bootstrap servers.")
    var brokers: String = "127.0.0.1:29092"

    @Option(help: "Topic to consume.")
    var topic: String = "watch_events"

    @Option(help: "Kafka consumer group.")
    var group: String = "nq"

    @Option(help: "Tumbling window length (e.g. 30s, 1m, 1h).")
    var window: String = "1m"

    @Option(help: "Allowed lateness: the watermark is the latest event time minus this.")
    var lateness: String = "2m"

    @Option(help: "A partition without messages this long stops holding the watermark back.")
    var idleTimeout: String = "10s"

    @Option(help: "Store a micro-batch at least this often, in seconds.")
    var flushInterval: Double = 0.25

    @Option(name: .customLong("kafka-option"), help: "A librdkafka property NAME=VALUE (repeatable), e.g. session.timeout.ms=6000.")
    var kafkaOptions: [String] = []

    @Option(help: "With --until-end: seconds to wait for partitions before failing.")
    var connectTimeout: Double = 60

    @Flag(help: "Stop once caught up with every assigned partition.")
    var untilEnd = false

    @Flag(help: "With --until-end: finalize every open window before stopping.")
    var final = false

    @Flag(help: "Append finalized windows (and dead letters) to BigQuery by insertAll as they close; see docs/bigquery.md.")
    var export = false
    @OptionGroup var bigquery: BigQueryOptions

    @Flag(help: "Print the stored stream state (offsets, lag, windows, dead letters) and exit.")
    var status = false

    func validate() throws {
        if final && !untilEnd { throw ValidationError("--final needs --until-end") }
        for (name, v) in [("--window", window), ("--lateness", lateness), ("--idle-timeout", idleTimeout)] {
            guard Self.seconds(v) != nil else { throw ValidationError("\(name): expected a duration like 30s, 1m or 1h (got \(v))") }
        }
        if (Self.seconds(window) ?? 0) <= 0 { throw ValidationError("--window must be longer than 0") }
        if flushInterval <= 0 { throw ValidationError("--flush-interval must be positive") }
        _ = try Self.properties(kafkaOptions)
    }

    /// `NAME=VALUE` pairs → a dictionary.
    static func properties(_ pairs: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for p in pairs {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw ValidationError("--kafka-option: expected NAME=VALUE (got \(p))") }
            out[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        return out
    }

    /// "90", "90s", "2m", "1h", "500ms" → seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let v = Double(text.dropLast(suffix.count)), v >= 0 else { return nil }
            return v * factor
        }
        return Double(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    func run() throws {
        let store = try global.openStore(create: !status)
        if status {
            let s = try StreamConsumer.storedStatus(store: store, topic: topic, settings: KafkaSettings(brokers: brokers))
            print(s.line)
            return
        }
        StopSignal.install()
        var options = StreamConsumerOptions(settings: KafkaSettings(brokers: brokers, extra: try Self.properties(kafkaOptions)), topic: topic)
        options.group = group
        options.window.sizeMicros = Int64(Self.seconds(window)! * 1_000_000)
        options.window.latenessMicros = Int64(Self.seconds(lateness)! * 1_000_000)
        options.window.idleTimeoutSeconds = Self.seconds(idleTimeout)!
        options.untilEnd = untilEnd
        options.final = final
        options.flushIntervalSeconds = flushInterval
        options.connectTimeoutSeconds = connectTimeout
        let consumer = try StreamConsumer(store: store, options: options)
        let windowExport = export ? try WindowExport(store: store, client: bigquery.client(storePath: store.path, requireDataset: true)) : nil
        // The consumer holds the store's write lock while it runs: export progress goes through its writer.
        windowExport?.exporter.writer = { [unowned consumer] in consumer.activeWriter }
        let tty = isatty(2) != 0
        var lastLine = 0.0
        var exportedAt = 0
        let summary = try consumer.run(shouldStop: { StopSignal.requested }) { s in
            if let windowExport, s.windowsEmitted > exportedAt {
                exportedAt = s.windowsEmitted
                windowExport.send(final: false)
            }
            let now = Date().timeIntervalSince1970
            if tty {
                FileHandle.standardError.write(("\r" + s.line + "\u{1B}[K").data(using: .utf8)!)
            } else if now - lastLine >= 5 || s.brokerProblem != nil {
                lastLine = now
                FileHandle.standardError.write((s.line + "\n").data(using: .utf8)!)
            }
        }
        if tty { FileHandle.standardError.write("\n".data(using: .utf8)!) }
        let rate = Double(summary.events + summary.deadLetters) / Swift.max(summary.seconds, 0.001)
        let streamRate = Double(summary.events + summary.deadLetters) / Swift.max(summary.secondsSinceFirstMessage, 0.001)
        print(String(format: "consumed %d events (%d dead letters, %d late) in %.2f s (%.0f msg/s; %.0f msg/s over the %.2f s since the first message), %d windows emitted, %d batches, max finalize delay %.3f s, slowest commit %.3f s (%d messages, %d windows emitted, %d window states)%@",
                     summary.events, summary.deadLetters, summary.lateEvents, summary.seconds, rate, streamRate,
                     summary.secondsSinceFirstMessage, summary.windowsEmitted,
                     summary.batches, summary.maxFinalizeDelay, summary.slowestCommit.seconds, summary.slowestCommit.messages,
                     summary.slowestCommit.windows, summary.slowestCommit.windowStates, summary.stoppedBySignal ? ", stopped by signal" : ""))
        if let windowExport {
            guard windowExport.send(final: true) else { throw ExitCode(1) }
            print("exported \(windowExport.rowsSent) window rows to \(windowExport.target)")
        }
    }
}

/// `nq consume --export`: after each commit that finalized windows, the rows the rt_ tables (and
/// _dead_letters) gained since their last confirmed export go to BigQuery by insertAll, with insertIds
/// made of the table, the window and the key, so a resent row is not duplicated. Progress is recorded
/// in the catalog, so a restarted consumer resumes after the last confirmed row. A failed export is
/// reported and retried after the next window; the consumer keeps storing meanwhile.
final class WindowExport {
    static let tables: [(name: String, ids: [String])] = [
        ("rt_engagement", ["window_start"]), ("rt_event_types", ["window_start", "action"]),
        ("rt_top_genres", ["window_start", "genre"]), ("rt_top_countries", ["window_start", "country"]),
        ("rt_late_events", ["window_start"]), ("_dead_letters", ["topic", "partition", "offset"]),
    ]
    let exporter: Exporter
    let store: Store
    private(set) var rowsSent = 0
    var target: String { "\(exporter.client.config.project).\(exporter.dataset)" }

    init(store: Store, client: BigQueryClient) throws {
        self.store = store
        exporter = try Exporter(client: client, store: store)
    }

    /// Sends what is new; false (after printing why) when a table could not be sent.
    @discardableResult
    func send(final: Bool) -> Bool {
        var ok = true
        for (name, ids) in Self.tables where (try? store.tableIfExists(name)) != nil {
            do { rowsSent += try exporter.appendNewRows(table: name, idColumns: ids) } catch {
                ok = false
                FileHandle.standardError.write(Data("nq consume: export of \(name) failed\(final ? "" : " (retried after the next window)"): \(error)\n".utf8))
            }
        }
        return ok
    }
}
