import ColumnStore
import Foundation
import Ingest
import Testing
@testable import Query

@Suite struct BatchPipelineTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func withStore(_ body: (Store, String) throws -> Void) throws {
        let dir = TemporaryStore.path("batch")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/store")
        _ = try QueryEngine(store: store).execute("create table src as select 1 as id, 'a' as name union all select 2, 'b'")
        try body(store, dir)
    }

    func write(_ files: [String: String], in dir: String) throws -> String {
        let p = dir + "/pipeline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: p + "/" + name, atomically: true, encoding: .utf8) }
        return p
    }

    func rows(_ store: Store, _ sql: String) throws -> [[Value]] {
        try #require(try QueryEngine(store: store).execute(sql).last).rowValues
    }

    @Test func theCompiledInPipelineIsTheRepositorysPipelinesBatchFiles() throws {
        let dir = Self.repo.appendingPathComponent("pipelines/batch").path
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(builtinBatchPipeline.map(\.file) == names, "run scripts/embed-schemas.sh after changing pipelines/batch")
        for (file, sql) in builtinBatchPipeline {
            let onDisk = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            #expect(sql.trimmingCharacters(in: .newlines) == onDisk.trimmingCharacters(in: .newlines), "\(file) differs; run scripts/embed-schemas.sh")
        }
    }

    @Test func aFailingStatementLeavesThePreviousResultsAndRecordsTheFailure() throws {
        try withStore { store, dir in
            let good = try write(["1_a.sql": "create or replace table out_a as select id from src;",
                                  "2_b.sql": "create or replace table out_b as select name from src;"], in: dir)
            _ = try BatchPipeline(store: store, directory: good).run()
            let before = try store.tables().filter { $0.name.hasPrefix("out_") }.map { $0.segments.map(\.file) }

            let bad = try write(["1_a.sql": "create or replace table out_a as select id * 10 as id from src;",
                                 "2_b.sql": "create or replace table out_b as select name from src;\ncreate table out_c as select nope from src;"], in: dir)
            #expect {
                _ = try BatchPipeline(store: store, directory: bad).run()
            } throws: { error in
                let text = "\(error)"
                return text.contains("2_b.sql, statement 2") && text.contains("unknown column nope")
            }
            #expect(try rows(store, "select id from out_a order by id") == [[.int64(1)], [.int64(2)]], "out_a is the first run's")
            #expect(try store.tables().filter { $0.name.hasPrefix("out_") }.map { $0.segments.map(\.file) } == before)
            #expect(try store.tableNames().filter { $0.hasPrefix(BatchPipeline.stagePrefix) }.isEmpty, "staged tables are dropped")
            #expect(try rows(store, "select status from _runs order by started_at") == [[.string("succeeded")], [.string("failed")]])
            let message = try rows(store, "select message from _runs where status = 'failed'")
            #expect("\(message)".contains("unknown column nope"))
        }
    }

    @Test func onlyCreateTableAsStatementsAreAllowedAndNothingRunsOtherwise() throws {
        try withStore { store, dir in
            let p = try write(["1.sql": "create table out_a as select 1 as x;", "2.sql": "drop table src;"], in: dir)
            #expect(throws: QueryError.self) { try BatchPipeline(store: store, directory: p) }
            let q = try write(["1.sql": "create table _mine as select 1 as x;"], in: dir)
            #expect(throws: QueryError.self) { try BatchPipeline(store: store, directory: q) }
            let r = try write(["1.sql": "create table out_a as selec 1 as x;"], in: dir)
            #expect { try BatchPipeline(store: store, directory: r) } throws: { "\($0)".contains("1.sql: syntax error") }
            #expect(try store.tableNames() == ["src"])
        }
    }

    @Test func aRunThatWasKilledIsRecordedAsKilledAndItsStagedTablesRemoved() throws {
        try withStore { store, dir in
            // What a SIGKILL leaves: a `running` row and a staged table.
            try RunsTable(store: store).record(runID: "old", started: 1, ended: nil, status: "running", rowCounts: nil, message: nil)
            _ = try QueryEngine(store: store).execute("create table leftover as select 1 as x")
            try store.write { w in try w.commit { tx in try tx.renameTable("leftover", to: BatchPipeline.stagePrefix + "out_a") } }
            let p = try write(["1.sql": "create or replace table out_a as select id from src;"], in: dir)
            _ = try BatchPipeline(store: store, directory: p).run()
            #expect(try rows(store, "select run_id, status from _runs where run_id = 'old'") == [[.string("old"), .string("killed")]])
            #expect(try rows(store, "select count(*) from out_a") == [[.int64(2)]])
            #expect(try store.tableNames().filter { $0.hasPrefix("_stage_") }.isEmpty)
        }
    }

    @Test func aSecondRunWhileOneHoldsTheLockFailsAtOnce() throws {
        try withStore { store, dir in
            let lock = try BatchLock(path: store.path + "/BATCH.lock")
            defer { lock.release() }
            let p = try write(["1.sql": "create table out_a as select 1 as x;"], in: dir)
            #expect { _ = try BatchPipeline(store: store, directory: p).run() } throws: { "\($0)".contains("another nq batch is running") }
            #expect(try store.tableIfExists("out_a") == nil)
        }
    }
}
