import Foundation
import Testing
@testable import ColumnStore

@Suite struct StoreStateTests {
    @Test func stateCommitsTogetherWithSegmentsAndRollsBackWithThem() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 5))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "schema")
                    try tx.addSegments([s], to: "watch_history")
                    try tx.setState(namespace: "stream:g", key: "watch_events/0", value: "5")
                    #expect(try tx.state(namespace: "stream:g") == ["watch_events/0": "5"], "visible inside the transaction")
                }
            }
            #expect(try store.state(namespace: "stream:g") == ["watch_events/0": "5"])
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(first: 5, count: 5))
                #expect(throws: Boom.self) {
                    try w.commit { tx in
                        try tx.addSegments([s], to: "watch_history")
                        try tx.setState(namespace: "stream:g", key: "watch_events/0", value: "10")
                        try tx.setState(namespace: "stream:g", key: "watch_events/1", value: "3")
                        throw Boom()
                    }
                }
            }
            #expect(try store.state(namespace: "stream:g") == ["watch_events/0": "5"], "the failed commit changed no state")
            #expect(try store.table("watch_history").rows == 5)
            try store.write { w in
                try w.commit { tx in
                    try tx.setState(namespace: "stream:g", key: "watch_events/0", value: "7")
                    try tx.setState(namespace: "other", key: "k", value: "v")
                }
            }
            #expect(try store.state(namespace: "stream:g") == ["watch_events/0": "7"], "upsert replaces the value")
            try store.write { w in try w.commit { tx in try tx.removeState(namespace: "stream:g") } }
            #expect(try store.state(namespace: "stream:g").isEmpty)
            #expect(try store.state(namespace: "other") == ["k": "v"], "removing a namespace leaves the others")
        }
    }

    @Test func aVersion1CatalogIsMigratedKeepingItsTables() throws {
        try withTemporaryDirectory { dir in
            do {
                let store = try Store(path: dir + "/store")
                try store.write { w in
                    let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 3))
                    try w.commit { tx in
                        try tx.createTable(watchSchema, source: "schema")
                        try tx.addSegments([s], to: "watch_history")
                    }
                }
                // Turn it back into a version-1 catalog, as session 1's nq wrote them.
                try store.catalog.db.execute("DROP TABLE state; PRAGMA user_version = 1;")
            }
            let store = try Store(path: dir + "/store")
            #expect(try store.catalog.db.query("PRAGMA user_version").first?.first?.int == 2)
            #expect(try store.table("watch_history").rows == 3)
            #expect(try store.state(namespace: "x").isEmpty)
        }
    }
}

@Suite struct RenameTableTests {
    @Test func renamingATableMovesItsRowsAndKeepsItsFiles() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                let s = try w.writeSegment(schema: watchSchema, columns: watchColumns(count: 4))
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "query")
                    try tx.addSegments([s], to: "watch_history")
                }
            }
            let files = try segmentFiles(store)
            try store.write { w in try w.commit { tx in try tx.renameTable("watch_history", to: "renamed") } }
            #expect(try store.tableNames() == ["renamed"])
            let t = try store.table("renamed")
            #expect(t.rows == 4 && t.schema.columns == watchSchema.columns && t.source == "query")
            #expect(try segmentFiles(store) == files, "no file is rewritten or deleted")
            #expect(try store.readAll("renamed")[0].value(at: 3) == .int64(3))
        }
    }

    @Test func renamingOntoAnExistingTableFailsAndChangesNothing() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try store.write { w in
                try w.commit { tx in
                    try tx.createTable(watchSchema, source: "query")
                    try tx.createTable(TableSchema(name: "other", columns: watchSchema.columns), source: "query")
                }
            }
            #expect(throws: StoreError.self) {
                try store.write { w in try w.commit { tx in try tx.renameTable("watch_history", to: "other") } }
            }
            #expect(try store.tableNames() == ["other", "watch_history"])
        }
    }
}
