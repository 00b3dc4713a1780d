import ColumnStore
import Export
import Foundation

/// A BigQuery client against `server` with a fixed token and fast retries (delays recorded).
final class Harness {
    let server: StubServer
    let client: BigQueryClient
    let delays = DelayLog()

    init(server: StubServer, maxAttempts: Int = 5, token: String? = "test-token", endpoint: String? = nil) throws {
        self.server = server
        let transport = try CurlTransport()
        let delays = self.delays
        let retry = RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.002, maxDelay: 0.02, sleep: { delays.append($0) })
        let credentials = try Credentials.resolve(explicitToken: token, environment: [:], transport: transport, retry: retry, allowNone: true)
        client = BigQueryClient(config: BigQueryConfig(project: "proj", dataset: "ds", endpoint: endpoint ?? server.url),
                                transport: transport, credentials: credentials, retry: retry)
        client.pollInterval = 0.01
    }
}

/// Delays a RetryPolicy slept, in order.
final class DelayLog: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var values: [Double] = []
    func append(_ v: Double) { lock.lock(); values.append(v); lock.unlock() }
    var all: [Double] { lock.lock(); defer { lock.unlock() }; return values }
}

/// A thread-safe box for state shared between a test and its stub handler.
final class Box<T>: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func with<R>(_ body: (inout T) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
    var get: T { with { $0 } }
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("nq-export-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A store table `name` (id INT64, label STRING) with rows id = 0..<count.
func makeTable(_ store: Store, _ name: String, ids: Range<Int>, append: Bool = false) throws {
    let schema = TableSchema(name: name, columns: [ColumnSchema(name: "id", type: .int64), ColumnSchema(name: "label", type: .string)])
    var ib = ColumnBuilder(type: .int64), lb = ColumnBuilder(type: .string)
    for i in ids { ib.append(.int64(Int64(i))); lb.append(i % 10 == 0 ? .null : .string("row \(i) \"quoted\"")) }
    let columns = [ib.finish(), lb.finish()]
    try store.write { w in
        let seg = try w.writeSegment(schema: schema, columns: columns)
        try w.commit { tx in
            if !append { try tx.createTable(schema, source: "test") }
            try tx.addSegments([seg], to: name)
        }
    }
}

extension ExportError {
    var text: String { description }
}
