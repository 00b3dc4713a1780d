/// The error type of the streaming pipeline (`nq produce`, `nq consume`); each case names its place:
/// a broker address, a topic/partition/offset, a file or a table.
public enum StreamError: Error, CustomStringConvertible {
    /// librdkafka reported an error at `place` (broker address, topic, partition).
    case kafka(place: String, message: String)
    /// An input file for the producer cannot be used.
    case input(path: String, line: Int?, message: String)
    /// A table the consumer writes exists with other columns.
    case schemaMismatch(table: String, detail: String)
    /// The stored consumer state cannot be read back.
    case badState(namespace: String, key: String, detail: String)
    /// The broker could not be reached in time.
    case unreachable(brokers: String, seconds: Double, lastError: String?)
    /// Messages were not acknowledged.
    case delivery(brokers: String, topic: String, failed: Int, first: String?)

    public var description: String {
        switch self {
        case let .kafka(place, message): return "kafka \(place): \(message)"
        case let .input(path, line, message): return line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)"
        case let .schemaMismatch(table, detail): return "table \(table) exists with other columns: \(detail)"
        case let .badState(ns, key, detail): return "stream state \(ns)/\(key) is unreadable: \(detail)"
        case let .unreachable(brokers, seconds, last):
            return "broker \(brokers) not reachable after \(Int(seconds)) s" + (last.map { " (last error: \($0))" } ?? "")
        case let .delivery(brokers, topic, failed, first):
            return "\(failed) messages to \(brokers) topic \(topic) were not acknowledged" + (first.map { "; first: \($0)" } ?? "")
        }
    }
}
