import ColumnStore
import Foundation
import Testing
@testable import Ingest

@Suite struct SchemaDDLTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theEmbeddedSchemasAreByteForByteTheFilesInSchemas() throws {
        let dir = Self.repoRoot.appendingPathComponent("schemas")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == builtinSchemaSQL.keys.sorted())
        for f in files {
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            // The generator indents each line by four spaces inside a raw multi-line literal, which Swift strips.
            #expect(builtinSchemaSQL[String(f.dropLast(4))] == String(text.dropLast()), "schemas/\(f) changed: run scripts/embed-schemas.sh")
        }
    }

    @Test func theSixSourceTablesHaveTheColumnsTheIssueNames() {
        let s = SchemaDDL.builtin()
        #expect(s["watch_history"]?.columns.map(\.name) == ["session_id", "user_id", "movie_id", "watch_date", "device_type", "watch_duration_minutes",
                                                             "progress_percentage", "action", "quality", "location_country", "is_download", "user_rating"])
        #expect(s["recommendation_logs"]?.columns.map(\.name) == ["recommendation_id", "user_id", "movie_id", "recommendation_date", "recommendation_type",
                                                                   "recommendation_score", "was_clicked", "position_in_list", "device_type", "time_of_day", "algorithm_version"])
        #expect(s["users"]?.columns.first { $0.name == "created_at" }?.type == .timestamp)
        #expect(s["users"]?.columns.first { $0.name == "age" }?.type == .int64)
        #expect(s.count == 6)
    }

    @Test(arguments: [
        ("CREATE TABLE t (a INT64, b STRING)", ["a": ColumnType.int64, "b": .string]),
        ("-- c\ncreate table `ds.t` (\n  `a` FLOAT64 NOT NULL, -- x\n  b BOOL OPTIONS(description='y, z')\n);", ["a": .float64, "b": .bool]),
        ("CREATE TABLE t (d DATE, ts TIMESTAMP, i INTEGER, f FLOAT, bo BOOLEAN)", ["d": .date, "ts": .timestamp, "i": .int64, "f": .float64, "bo": .bool]),
    ])
    func parsesGoogleSQLCreateTable(sql: String, expected: [String: ColumnType]) throws {
        let s = try SchemaDDL.parse(sql, source: "test")
        #expect(s.name == "t")
        #expect(Dictionary(uniqueKeysWithValues: s.columns.map { ($0.name, $0.type) }) == expected)
    }

    @Test(arguments: ["CREATE TABLE t (a NUMERIC)", "CREATE TABLE t (a)", "SELECT 1", "CREATE TABLE t (a INT64, A STRING)"])
    func rejectsWhatItCannotStore(sql: String) {
        #expect(throws: IngestError.self) { try SchemaDDL.parse(sql, source: "test") }
    }
}
