import ColumnStore
import Foundation
import Ingest
import Query

/// A temporary store with the fixture tables of `fixtures/*.csv` (types inferred by the ingest), or an
/// empty one; removed by `remove()`.
struct FixtureStore {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fixtures")
    let path: String

    static func make(tables: [String]? = nil) throws -> FixtureStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nq-dash-\(UUID().uuidString)").path
        let store = try Store(path: path)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".csv") }.sorted()
        for file in files {
            let table = String(file.dropLast(4))
            if let tables, !tables.contains(table) { continue }
            _ = try Ingester(store: store, options: IngestOptions(table: table)).ingest(paths: [directory.appendingPathComponent(file).path])
        }
        return FixtureStore(path: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Runs a query directly on the store (the independent side of a comparison).
    func query(_ sql: String) throws -> QueryResult {
        try QueryEngine(store: try Store(path: path, create: false)).execute(sql).last!
    }

    func int(_ sql: String) throws -> Int {
        let r = try query(sql)
        guard case .int64(let v) = r.value(row: 0, column: 0) else { return -1 }
        return Int(v)
    }
}
