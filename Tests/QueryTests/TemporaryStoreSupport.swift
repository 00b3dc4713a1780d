import ColumnStore
import Foundation
import Testing
@testable import Query

/// Stores for one test each, in new directories under the system's temporary directory.
enum TemporaryStore {
    /// A path no other test uses: `<tmp>/nq-<label>-<uuid>`. The caller removes it.
    static func path(_ label: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nq-\(label)-\(UUID().uuidString)").path
    }

    /// Runs `statements` in order over a fresh store and returns the rows of the last one. The store is
    /// removed afterwards.
    static func lastRows(of statements: [String], label: String) throws -> [[Value]] {
        let path = path(label)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = QueryEngine(store: try Store(path: path))
        var last: QueryResult?
        for statement in statements { last = try engine.execute(statement).last }
        return try #require(last).rowValues
    }
}

extension QueryResult {
    /// Every row, as its values in column order.
    var rowValues: [[Value]] { (0..<rowCount).map { i in columns.map { $0.value(at: i) } } }
}
