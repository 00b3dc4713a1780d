import ColumnStore
import Foundation
import Testing
@testable import Query

/// CREATE TABLE AS streams its rows into segments while the query runs; the table appears, whole, only
/// at the commit.
@Suite struct CreateTableAsTests {
    func withStore(_ body: (Store, String) throws -> Void) throws {
        let dir = TemporaryStore.path("ctas")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir)
        try body(store, dir)
    }

    func rows(_ store: Store, _ sql: String) throws -> [[Value]] {
        try #require(try QueryEngine(store: store).execute(sql).last).rowValues
    }

    /// Files in the segments directory that the catalog does not reference.
    func unreferencedFiles(_ store: Store, _ dir: String) throws -> Set<String> {
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/segments"))
        let referenced = Set(try store.tables().flatMap { $0.segments.map(\.file) })
        return onDisk.subtracting(referenced)
    }

    /// Passes its child's batches through and calls `probe` before handing on batch number `at`
    /// (counting from 1), which may throw.
    final class Probe: Operator {
        let child: Operator
        let at: Int
        let probe: () throws -> Void
        private var seen = 0
        var outputTypes: [ColumnType] { child.outputTypes }
        init(_ child: Operator, at: Int, probe: @escaping () throws -> Void) {
            self.child = child
            self.at = at
            self.probe = probe
        }
        func next() throws -> Batch? {
            guard let b = try child.next() else { return nil }
            seen += 1
            if seen == at { try probe() }
            return b
        }
        func explain(_ depth: Int) -> [String] { child.explain(depth) }
    }

    /// Plans `select` and runs it as CREATE TABLE `name` through a probe.
    func create(_ store: Store, _ name: String, _ select: String, segmentRows: Int, probeAt: Int, probe: @escaping () throws -> Void) throws -> Int {
        let engine = QueryEngine(store: store)
        engine.createTableSegmentRows = segmentRows
        guard case .query(let q) = try QueryEngine.parse(select)[0] else { throw QueryError.runtime(message: "not a query") }
        let plan = try Planner(store: store, sql: select, statement: .query(q)).planQuery(q)
        let schema = TableSchema(name: name, columns: plan.scope.columns.map { ColumnSchema(name: $0.name, type: $0.type) })
        return try engine.createTable(schema, from: Probe(plan.root, at: probeAt, probe: probe))
    }

    struct Stop: Error {}

    @Test func writesOneSegmentPerSegmentRowsAndKeepsEveryRowInOrder() throws {
        try withStore { store, _ in
            let engine = QueryEngine(store: store)
            engine.createTableSegmentRows = 3
            _ = try engine.execute("create table t as select 1 as id union all select 2 union all select 3 union all select 4 union all select 5 union all select 6 union all select 7")
            #expect(try store.table("t").segments.map(\.rows) == [3, 3, 1])
            #expect(try rows(store, "select id from t").map { $0[0] } == (1...7).map { .int64(Int64($0)) })
            // Read back while writing the next table: several input batches (one per segment), split across segments.
            engine.createTableSegmentRows = 2
            _ = try engine.execute("create table u as select id * 10 as x from t")
            #expect(try store.table("u").segments.map(\.rows) == [2, 2, 2, 1])
            #expect(try rows(store, "select x from u").map { $0[0] } == (1...7).map { .int64(Int64($0 * 10)) })
        }
    }

    @Test func anEmptyResultMakesAnEmptyTable() throws {
        try withStore { store, _ in
            _ = try QueryEngine(store: store).execute("create table e as select 1 as id from (select 1 as z) where z = 2")
            #expect(try store.table("e").rows == 0)
            #expect(try store.table("e").schema.columns.map(\.name) == ["id"])
        }
    }

    @Test func midStatementTheWrittenSegmentsAreInvisibleAndAFailureRemovesThem() throws {
        try withStore { store, dir in
            let engine = QueryEngine(store: store)
            engine.createTableSegmentRows = 2
            _ = try engine.execute("create table src as select 1 as id union all select 2 union all select 3 union all select 4 union all select 5 union all select 6 union all select 7")
            _ = try engine.execute("create table t as select -1 as id")
            let before = try store.table("t").segments.map(\.file)
            var sawPending = false
            #expect(throws: Stop.self) {
                _ = try create(store, "t", "select id from src", segmentRows: 2, probeAt: 3) {
                    // Two segments of the new table are on disk (what a SIGKILL now would leave) ...
                    sawPending = try unreferencedFiles(store, dir).count == 2
                    // ... and a fresh reader of the store sees the old table, unchanged.
                    let other = try Store(path: dir, create: false)
                    #expect(try rows(other, "select id from t") == [[.int64(-1)]])
                    throw Stop()
                }
            }
            #expect(sawPending)
            #expect(try store.table("t").segments.map(\.file) == before)
            #expect(try rows(store, "select id from t") == [[.int64(-1)]])
            #expect(try unreferencedFiles(store, dir).isEmpty, "the failed statement's segments are deleted")
        }
    }

    @Test func segmentsLeftByAKilledStatementAreRemovedByTheNextWriter() throws {
        try withStore { store, dir in
            let engine = QueryEngine(store: store)
            engine.createTableSegmentRows = 2
            _ = try engine.execute("create table src as select 1 as id union all select 2 union all select 3 union all select 4 union all select 5")
            // What a kill mid-statement leaves: the new table's first segment written, no catalog change.
            // (Copied aside while the statement runs, then put back after it failed and cleaned up.)
            var orphans: [(String, Data)] = []
            #expect(throws: Stop.self) {
                _ = try create(store, "k", "select id from src", segmentRows: 2, probeAt: 2) {
                    for f in try unreferencedFiles(store, dir) {
                        orphans.append((f, try Data(contentsOf: URL(fileURLWithPath: dir + "/segments/" + f))))
                    }
                    throw Stop()
                }
            }
            #expect(orphans.count == 1)
            for (f, data) in orphans { try data.write(to: URL(fileURLWithPath: dir + "/segments/" + f)) }
            let reopened = try Store(path: dir, create: false)
            #expect(try reopened.tableIfExists("k") == nil)
            #expect(try unreferencedFiles(reopened, dir).count == 1)
            _ = try QueryEngine(store: reopened).execute("create table k as select id from src")
            #expect(try unreferencedFiles(reopened, dir).isEmpty)
            #expect(try rows(reopened, "select id from k").count == 5)
        }
    }
}
