import Foundation
import Testing
@testable import ColumnStore

struct Boom: Error {}

let watchSchema = TableSchema(name: "watch_history", columns: [
    ColumnSchema(name: "user_id", type: .int64), ColumnSchema(name: "title", type: .string),
    ColumnSchema(name: "watched_on", type: .date), ColumnSchema(name: "minutes", type: .float64),
])

/// `count` rows starting at row number `first`: user_id = row number, title NULL every 7th row.
func watchColumns(first: Int = 0, count: Int) -> [Column] {
    let ids = (first..<(first + count)).map { Value.int64(Int64($0)) }
    let titles = (first..<(first + count)).map { $0 % 7 == 3 ? Value.null : .string("title \($0 % 5)") }
    let days = (first..<(first + count)).map { Value.date(Int32(19_000 + $0)) }
    let minutes = (first..<(first + count)).map { Value.float64(Double($0) / 4) }
    return [makeColumn(.int64, ids), makeColumn(.string, titles), makeColumn(.date, days), makeColumn(.float64, minutes)]
}

/// A store at `dir/store` whose watch_history holds `count` segments of 5 rows each, rows 0, 1, 2, ...
func storeWithWatchSegments(_ dir: String, _ count: Int) throws -> Store {
    let store = try Store(path: dir + "/store")
    try store.write { w in
        try w.commit { tx in try tx.createTable(watchSchema, source: "schema") }
        for i in 0..<count {
            let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(first: i * 5, count: 5))
            try w.commit { tx in try tx.addSegments([s], to: "watch_history") }
        }
    }
    return store
}

func segmentFiles(_ store: Store) throws -> Set<String> { Set(try FileIO.list(store.segmentsDirectory)) }

@Suite struct StoreTests {
    @Test func aCommittedTableIsVisibleWithItsRowsAndZoneMaps() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            let summaries = try store.write { w -> [SegmentSummary] in
                let a = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 30), blockRows: 8)
                let b = try w.writeSegment(schema: watchSchema, columns: watchColumns(first: 30, count: 12))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.addSegments([a, b], to: "watch_history")
                }
                return [a.summary, b.summary]
            }
            let t = try store.table("watch_history")
            #expect(t.schema == watchSchema)
            #expect(t.source == "schema")
            #expect(t.rows == 42)
            #expect(t.segments.map(\.rows) == [30, 12])
            #expect(t.storedBytes == summaries.reduce(0) { $0 + $1.storedBytes })
            #expect(t.rawBytes == summaries.reduce(0) { $0 + $1.rawBytes })
            for (s, summary) in zip(t.segments, summaries) {
                #expect(s.zones == summary.columns.map(\.zone), "catalog zone maps equal the segment's")
                #expect(try FileIO.fileSize(store.segmentPath(s.file)) == s.storedBytes)
            }
            #expect(t.zone(column: 0) == ZoneMap(rowCount: 42, nullCount: 0, min: .int64(0), max: .int64(41)))
            #expect(t.zone(column: 1) == ZoneMap(rowCount: 42, nullCount: 6, min: .string("title 0"), max: .string("title 4")))
            #expect(t.zone(column: 2) == ZoneMap(rowCount: 42, nullCount: 0, min: .date(19_000), max: .date(19_041)))
            #expect(t.zone(column: 3) == ZoneMap(rowCount: 42, nullCount: 0, min: .float64(0), max: .float64(10.25)))
            #expect(try store.tableNames() == ["watch_history"])

            // A second Store on the same directory sees the same committed state.
            let reopened = try Store(path: dir + "/store", create: false)
            #expect(try reopened.table("watch_history").rows == 42)
        }
    }

    @Test func readAllReturnsEveryRowInSegmentOrder() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                try w.commit { tx in try tx.createTable(watchSchema, source: "schema") }
                for first in [0, 10, 25] {
                    let count = first == 10 ? 15 : 10
                    let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(first: first, count: count), blockRows: 4)
                    try w.commit { tx in try tx.addSegments([s], to: "watch_history") }
                }
            }
            let all = try store.readAll("watch_history")
            let expected = watchColumns(count: 35)
            #expect(all.count == 4)
            for c in 0..<4 { #expect(rows(of: all[c]) == rows(of: expected[c]), "column \(c)") }
        }
    }

    @Test func aCommitWhoseBodyThrowsLeavesTheCatalogUnchangedAndRemovesThePendingFile() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 5))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.addSegments([s], to: "watch_history")
                }
            }
            let before = try store.table("watch_history")
            let filesBefore = try segmentFiles(store)
            var pendingFile = ""
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(first: 5, count: 5))
                pendingFile = s.file
                #expect(FileIO.exists(store.segmentPath(s.file)), "written under its final name before the commit")
                #expect(throws: Boom.self) {
                    try w.commit { tx in
                        try tx.addSegments([s], to: "watch_history")
                        try tx.createTable(TableSchema(name: "other", columns: watchSchema.columns), source: "schema")
                        throw Boom()
                    }
                }
            }
            let after = try store.table("watch_history")
            #expect(after.segments.map(\.file) == before.segments.map(\.file))
            #expect(after.rows == 5)
            #expect(try store.tableNames() == ["watch_history"])
            #expect(!FileIO.exists(store.segmentPath(pendingFile)))
            #expect(try segmentFiles(store) == filesBefore)
        }
    }

    @Test func aWriteWhoseBodyThrowsRemovesItsUncommittedSegments() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            var written: [String] = []
            #expect(throws: Boom.self) {
                try store.write { w in
                    written.append(try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 3)).file)
                    written.append(try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 4)).file)
                    throw Boom()
                }
            }
            #expect(written.count == 2)
            #expect(try segmentFiles(store).isEmpty)
        }
    }

    @Test func filesLeftBehindByACrashedWriterAreRemovedByTheNextWrite() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 5))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.addSegments([s], to: "watch_history")
                }
            }
            let committed = try segmentFiles(store)
            // A writer that died after writing a complete segment, and one that died mid-write.
            _ = try SegmentWriter.write(schema: watchSchema.columns, columns: watchColumns(count: 3),
                                        to: store.segmentPath("0badcafe-0000-0000-0000-000000000000.nqs"))
            try writeFile(store.segmentPath("1badcafe-0000-0000-0000-000000000000.nqs.tmp"), [1, 2, 3])
            #expect(try segmentFiles(store).count == committed.count + 2)
            #expect(try store.table("watch_history").rows == 5, "readers never see uncommitted files")

            try store.write { _ in }
            #expect(try segmentFiles(store) == committed)
            #expect(try store.readAll("watch_history")[0].count == 5)
        }
    }

    @Test func createTableWithReplaceSwapsTheContentsAndDeletesTheOldFiles() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 10))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.addSegments([s], to: "watch_history")
                }
            }
            let oldFiles = try segmentFiles(store)
            let newSchema = TableSchema(name: "watch_history", columns: [ColumnSchema(name: "label", type: .string)])
            #expect(throws: StoreError.self) {
                try store.write { w in try w.commit { tx in try tx.createTable(newSchema, source: "query") } }
            }
            try store.write { w in
                let s = try w.writeSegment(schema: newSchema, columns: [makeColumn(.string, [.string("x"), .null])])
                try w.commit { tx in
                    try tx.createTable(newSchema, source: "query", replace: true)
                    try tx.addSegments([s], to: "watch_history")
                }
            }
            let t = try store.table("watch_history")
            #expect(t.schema == newSchema)
            #expect(t.source == "query")
            #expect(t.rows == 2)
            #expect(rows(of: try store.readAll("watch_history")[0]) == [.string("x"), .null])
            #expect(try segmentFiles(store).isDisjoint(with: oldFiles))
            #expect(try segmentFiles(store).count == 1)
        }
    }

    @Test func creatingAnExistingTableWithoutReplaceFailsWithTableExists() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in try w.commit { tx in try tx.createTable(watchSchema, source: "schema") } }
            let e = storeError { try store.write { w in try w.commit { tx in try tx.createTable(watchSchema, source: "schema") } } }
            guard case .tableExists(let name)? = e else { Issue.record("got \(String(describing: e))"); return }
            #expect(name == "watch_history")
        }
    }

    @Test func droppingATableRemovesItsRowsAndFiles() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 4))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.addSegments([s], to: "watch_history")
                    try tx.recordLoadedFile(table: "watch_history", sha256: "abc", path: "/x.csv", bytes: 10, rowsLoaded: 4, rowsRejected: 0)
                }
            }
            #expect(try store.isFileLoaded(table: "watch_history", sha256: "abc"))
            try store.write { w in try w.commit { tx in try tx.dropTable("watch_history") } }
            #expect(try store.tableNames().isEmpty)
            #expect(try segmentFiles(store).isEmpty)
            #expect(try !store.isFileLoaded(table: "watch_history", sha256: "abc"))
            let zoneRows = try store.catalog.db.query("SELECT COUNT(*) FROM zone_maps")
            #expect(zoneRows.first?.first == .integer(0), "zone maps go with their segments")
        }
    }

    @Test(arguments: [
        ("watch_histroy", "watch_history"),
        ("watch_histor", "watch_history"),
        ("Watch_Histroy", "watch_history"),
        ("user", "users"),
        ("completely_different", nil),
    ] as [(String, String?)])
    func anUnknownTableNameSuggestsTheClosestExistingName(asked: String, suggestion: String?) throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.createTable(TableSchema(name: "users", columns: [ColumnSchema(name: "id", type: .int64)]), source: "schema")
                }
            }
            let e = storeError { _ = try store.table(asked) }
            guard case let .noSuchTable(name, suggested)? = e else { Issue.record("got \(String(describing: e))"); return }
            #expect(name == asked)
            #expect(suggested == suggestion)
            if let suggestion { #expect(e!.description == "table not found: \(asked) (did you mean \(suggestion)?)") }
        }
    }

    @Test func tableLookupFallsBackToTheLowerCasedName() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in try w.commit { tx in try tx.createTable(watchSchema, source: "schema") } }
            #expect(try store.table("WATCH_HISTORY").name == "watch_history")
        }
    }

    @Test func openingAMissingStoreWithoutCreateFailsWithBadStore() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/nowhere"
            let e = storeError { _ = try Store(path: path, create: false) }
            guard case .badStore(let p, _)? = e else { Issue.record("got \(String(describing: e))"); return }
            #expect(p == path)
            #expect(!FileIO.exists(path), "nothing is created")
        }
    }

    @Test func openingADirectoryWithoutACatalogOrAFileFailsWithBadStore() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: false)
            guard case .badStore? = storeError({ _ = try Store(path: dir + "/empty", create: false) }) else {
                Issue.record("an empty directory is not a store"); return
            }
            try writeFile(dir + "/file", [1])
            guard case .badStore? = storeError({ _ = try Store(path: dir + "/file") }) else {
                Issue.record("a regular file is not a store"); return
            }
        }
    }

    @Test func compactionMergesTwentySmallSegmentsIntoOnePreservingEveryRowInOrder() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                try w.commit { tx in try tx.createTable(watchSchema, source: "schema") }
                for i in 0..<20 {
                    let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(first: i * 5, count: 5), blockRows: 2)
                    try w.commit { tx in try tx.addSegments([s], to: "watch_history") }
                }
            }
            let before = try store.table("watch_history")
            #expect(before.segments.count == 20)
            let oldFiles = Set(before.segments.map(\.file))

            let result = try store.compact(table: "watch_history")
            #expect(result.segmentsBefore == 20)
            #expect(result.segmentsAfter == 1)

            let after = try store.table("watch_history")
            #expect(after.segments.count == 1)
            #expect(after.rows == 100)
            #expect(after.segments[0].id > before.segments.map(\.id).max()!)
            let all = try store.readAll("watch_history")
            let expected = watchColumns(count: 100)
            for c in 0..<4 { #expect(rows(of: all[c]) == rows(of: expected[c]), "column \(c)") }
            for c in 0..<4 { #expect(after.zone(column: c) == before.zone(column: c), "zone of column \(c)") }
            #expect(try segmentFiles(store) == [after.segments[0].file])
            #expect(try segmentFiles(store).isDisjoint(with: oldFiles))
        }
    }

    @Test func compactionLeavesATableWithTooFewSmallSegmentsAlone() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 5))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.addSegments([s], to: "watch_history")
                }
            }
            let before = try store.table("watch_history")
            let result = try store.compact(table: "watch_history")
            #expect(result.segmentsBefore == 1 && result.segmentsAfter == 1)
            #expect(try store.table("watch_history").segments.map(\.file) == before.segments.map(\.file))
        }
    }

    /// Compaction unlinks the old files right after its commit: an already-open SegmentReader keeps
    /// reading (the descriptor outlives the unlink), but opening a segment from a TableInfo read before
    /// the compaction fails with an I/O error, and the caller must re-read the catalog.
    @Test func afterCompactionOpenReadersKeepReadingButStaleTableInfoCannotOpenOldSegments() throws {
        try withTemporaryDirectory { dir in
            let store = try storeWithWatchSegments(dir, 3)
            let stale = try store.table("watch_history")
            let openReader = try store.openSegment(stale.segments[0])
            _ = try store.compact(table: "watch_history")

            #expect(rows(of: try openReader.readColumn(0)) == rows(of: watchColumns(count: 5)[0]))
            let e = storeError { _ = try store.openSegment(stale.segments[1]) }
            guard case .io(_, _, let code, _)? = e else { Issue.record("got \(String(describing: e))"); return }
            #expect(code == ENOENT)
            #expect(try store.readAll("watch_history")[0].count == 15, "a fresh TableInfo reads the compacted segment")
        }
    }

    /// A pinned TableInfo (what a query reads) keeps its version of the table: after a replace deletes
    /// the old segment files, every segment, including ones not yet opened, still reads the old rows.
    @Test func aPinnedTableReadsItsVersionAfterAReplaceDeletesTheFiles() throws {
        try withTemporaryDirectory { dir in
            let store = try storeWithWatchSegments(dir, 3)
            let pinned = try store.pinnedTable("watch_history")
            let oldFiles = pinned.segments.map(\.file)
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(first: 100, count: 2))
                try w.commit { tx in
                    try tx.truncate("watch_history")
                    try tx.addSegments([s], to: "watch_history")
                }
            }
            for f in oldFiles { #expect(!FileIO.exists(store.segmentPath(f)), "the replace deleted \(f)") }
            var ids: [Value] = []
            for s in pinned.segments { ids += rows(of: try store.openSegment(s).readColumn(0)) }
            #expect(ids == rows(of: watchColumns(count: 15)[0]))
            #expect(rows(of: try store.readAll("watch_history")[0]) == rows(of: watchColumns(first: 100, count: 2)[0]))
            #expect(try store.pinnedTable("watch_history").rows == 2, "pinning again reads the new version")
        }
    }

    /// A segment file missing with no writer about (damage, not a replace) is still an error naming it.
    @Test func pinningATableWhoseFileIsGoneFailsNamingTheFile() throws {
        try withTemporaryDirectory { dir in
            let store = try storeWithWatchSegments(dir, 1)
            let file = try store.table("watch_history").segments[0].file
            FileIO.remove(store.segmentPath(file))
            let e = storeError { _ = try store.pinnedTable("watch_history") }
            guard case .io(let operation, let path, let code, _)? = e else { Issue.record("got \(String(describing: e))"); return }
            #expect(operation == "open" && code == ENOENT)
            #expect(path.hasSuffix(file))
        }
    }

    @Test func aLongStringMaximumsPrefixIsKeptInTheCatalogSoTheTablesMaximumIsKnown() throws {
        try withTemporaryDirectory { dir in
            let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "s", type: .string)])
            let store = try Store(path: dir + "/store")
            for texts in [["a", String(repeating: "c", count: 100)], ["d", "b"]] {
                try store.write { w in
                    let s = try w.writeSegment(schema: schema, columns: [makeColumn(.string, texts.map(Value.string))])
                    try w.commit { tx in
                        if try store.tableNames().isEmpty { try tx.createTable(schema, source: "inferred") }
                        try tx.addSegments([s], to: "t")
                    }
                }
            }
            let t = try Store(path: dir + "/store", create: false).table("t")
            #expect(t.segments[0].zones[0].maxPrefix == String(repeating: "c", count: ZoneMap.maxStringBound))
            #expect(t.zone(column: 0) == ZoneMap(rowCount: 4, nullCount: 0, min: .string("a"), max: .string("d")))
        }
    }

    @Test func catalogZoneValuesRoundTripThroughSQLiteForEveryType() throws {
        try withTemporaryDirectory { dir in
            let schema = TableSchema(name: "t", columns: ColumnType.allCases.map { ColumnSchema(name: "c_\($0.rawValue)", type: $0) })
            let columns = ColumnType.allCases.map { makeColumn($0, sampleValues($0, withNulls: true)) }
            let store = try Store(path: dir + "/store")
            let summary = try store.write { w -> SegmentSummary in
                let s = try w.writeSegment(schema: schema, columns: columns, blockRows: 7)
                try w.commit { tx in
                    try tx.createTable(schema, source: "inferred")
                    try tx.addSegments([s], to: "t")
                }
                return s.summary
            }
            let t = try store.table("t")
            #expect(t.segments[0].zones == summary.columns.map(\.zone))
            for (c, type) in ColumnType.allCases.enumerated() {
                #expect(t.zone(column: c) == referenceZone(sampleValues(type, withNulls: true)[...]), "\(type)")
            }
        }
    }
}
