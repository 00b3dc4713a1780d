import ColumnStore
import Foundation
import Ingest
import Testing
@testable import Query

/// SQL behaviour pinned by golden files (sqllogictest style) in Tests/QueryTests/golden/*.test.
///
/// Directives, separated by blank lines:
/// - `load TABLE FILE` ingests `golden/fixtures/FILE` (CSV) into TABLE.
/// - `statement ok` / `statement error TEXT` then one SQL statement: it must succeed, or fail with a
///   message containing TEXT.
/// - `query [rowsort]` then SQL, `----`, and the expected rows: values separated by tabs, NULL as
///   `NULL`, the empty string as `(empty)`. `rowsort` compares the rows sorted (for queries whose
///   order SQL does not fix).
/// - `restart` reopens the store from disk.
/// - `batch` runs the batch pipeline compiled into nq (pipelines/batch) over the store.
/// - Lines starting with `#` are comments.
@Suite struct GoldenSQLTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".test") }.sorted()
    }

    @Test(arguments: GoldenSQLTests.files)
    func goldenFile(_ name: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        let storePath = TemporaryStore.path("golden")
        defer { try? FileManager.default.removeItem(atPath: storePath) }
        var store = try Store(path: storePath)
        let lines = text.components(separatedBy: "\n")
        var i = 0
        func block() -> [String] {
            var out: [String] = []
            while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty { out.append(lines[i]); i += 1 }
            return out
        }
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            let lineNumber = i + 1
            if line.isEmpty || line.hasPrefix("#") { i += 1; continue }
            let where_ = Comment(rawValue: "\(name):\(lineNumber)")
            if line == "batch" {
                do { _ = try BatchPipeline(builtinFor: store).run() } catch {
                    Issue.record("\(where_): nq batch failed: \(error)")
                }
                i += 1
            } else if line == "restart" {
                store = try Store(path: storePath, create: false)
                i += 1
            } else if line.hasPrefix("load ") {
                let parts = line.split(separator: " ").map(String.init)
                let csv = Self.directory.appendingPathComponent("fixtures").appendingPathComponent(parts[2]).path
                var options = IngestOptions(table: parts[1])
                options.mode = .replace
                _ = try Ingester(store: store, options: options).ingest(paths: [csv])
                i += 1
            } else if line.hasPrefix("statement") {
                i += 1
                let sql = block().joined(separator: "\n")
                if line == "statement ok" {
                    do { _ = try QueryEngine(store: store).execute(sql) } catch {
                        Issue.record("\(where_): expected success, got: \(error)")
                    }
                } else {
                    let expected = String(line.dropFirst("statement error".count)).trimmingCharacters(in: .whitespaces)
                    do {
                        _ = try QueryEngine(store: store).execute(sql)
                        Issue.record("\(where_): expected an error containing '\(expected)', but it succeeded")
                    } catch {
                        #expect("\(error)".contains(expected), "\(where_): error '\(error)' lacks '\(expected)'")
                    }
                }
            } else if line.hasPrefix("query") {
                let sort = line.contains("rowsort")
                i += 1
                var sqlLines: [String] = []
                while i < lines.count, lines[i] != "----" { sqlLines.append(lines[i]); i += 1 }
                i += 1
                var expected = block()
                let sql = sqlLines.joined(separator: "\n")
                do {
                    let r = try QueryEngine(store: store).execute(sql).last!
                    var actual = (0..<r.rowCount).map { row in
                        r.columns.map { Self.render($0.value(at: row)) }.joined(separator: "\t")
                    }
                    if sort { actual.sort(); expected.sort() }
                    #expect(actual == expected, "\(where_): \(sql)\nexpected:\n\(expected.joined(separator: "\n"))\nactual:\n\(actual.joined(separator: "\n"))")
                } catch {
                    Issue.record("\(where_): \(sql)\nfailed: \(error)")
                }
            } else {
                Issue.record("\(where_): unknown directive \(line)")
                i += 1
            }
        }
    }

    static func render(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .string(let s): return s.isEmpty ? "(empty)" : s
        default: return v.displayText
        }
    }
}
