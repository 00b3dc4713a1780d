import ColumnStore
import Export
import Foundation
import Testing

/// A fake BigQuery with datasets, tables and insertAll (rows kept by insertId), enough for `Exporter`.
final class FakeBigQuery: @unchecked Sendable {  // state in Boxes
    let tables = Box<[String: [[String: Any]]]>([:])
    let rows = Box<[String: [String: Int]]>([:])  // table → insertId → times received
    /// insertAll requests to fail with a 400 (numbered from 1), to simulate a crash between requests.
    let failInsertAll: Set<Int>
    private let insertAllCalls = Box(0)

    init(failInsertAll: Set<Int> = []) { self.failInsertAll = failInsertAll }

    func handle(_ r: HTTPRequest) -> HTTPResponse {
        let p = r.path.split(separator: "/").map(String.init)  // bigquery v2 projects P datasets D tables T ...
        if r.method == "GET", p.count == 6 { return jsonResponse(200, ["id": "proj:\(p[5])"]) }
        if r.method == "POST", p.count == 7, p[6] == "tables" {
            let ref = r.json["tableReference"] as! [String: Any]
            let fields = (r.json["schema"] as! [String: Any])["fields"] as! [[String: Any]]
            tables.with { $0[ref["tableId"] as! String] = fields }
            return jsonResponse(200, r.json)
        }
        if p.count == 8, p[6] == "tables" {
            guard let fields = tables.get[p[7]] else { return apiError(404, reason: "notFound", message: "Not found: Table proj:ds.\(p[7])") }
            if r.method == "GET" { return jsonResponse(200, ["schema": ["fields": fields]]) }
            if r.method == "PATCH" {
                tables.with { $0[p[7]] = (r.json["schema"] as! [String: Any])["fields"] as? [[String: Any]] }
                return jsonResponse(200, r.json)
            }
        }
        if r.method == "POST", p.count == 9, p[8] == "insertAll" {
            let n = insertAllCalls.with { $0 += 1; return $0 }
            if failInsertAll.contains(n) { return apiError(400, reason: "invalid", message: "simulated failure") }
            for row in (r.json["rows"] as? [[String: Any]]) ?? [] {
                rows.with { $0[p[7], default: [:]][row["insertId"] as! String, default: 0] += 1 }
            }
            return jsonResponse(200, ["kind": "bigquery#tableDataInsertAllResponse"])
        }
        return apiError(404, reason: "notFound", message: "no route \(r.method) \(r.path)")
    }
}

@Suite struct ExporterTests {
    @Test func appendResumesAfterTheLastConfirmedRowAndNeverResendsAWindow() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try makeTable(store, "rt_engagement", ids: 0..<1200)
            // The second insertAll request fails: rows 0..<500 are confirmed, the rest are not.
            let fake = FakeBigQuery(failInsertAll: [2])
            let server = try StubServer(handler: fake.handle)
            let exporter = try Exporter(client: try Harness(server: server).client, store: store)
            #expect(throws: ExportError.self) { try exporter.appendNewRows(table: "rt_engagement") }
            #expect(try exporter.confirmedRows(table: "rt_engagement") == 500)
            #expect(try store.state(namespace: "export:proj.ds") == ["append:rt_engagement": "500"])

            // A restart sends rows 500..<1200 only; then new rows arrive and only they are sent.
            let again = try Exporter(client: try Harness(server: server).client, store: store)
            #expect(try again.appendNewRows(table: "rt_engagement") == 700)
            try makeTable(store, "rt_engagement", ids: 1200..<1250, append: true)
            #expect(try again.appendNewRows(table: "rt_engagement") == 50)
            #expect(try again.appendNewRows(table: "rt_engagement") == 0)
            let received = fake.rows.get["rt_engagement"] ?? [:]
            #expect(received.count == 1250)
            #expect(received.values.allSatisfy { $0 == 1 })
            #expect(try again.confirmedRows(table: "rt_engagement") == 1250)
        }
    }

    @Test func insertIdsAreDeterministicPerTableAndKey() {
        let a = Exporter.insertId(table: "rt_top_genres", key: ["2026-01-01 00:00:00", "Drama"])
        #expect(a == Exporter.insertId(table: "rt_top_genres", key: ["2026-01-01 00:00:00", "Drama"]))
        #expect(a != Exporter.insertId(table: "rt_top_genres", key: ["2026-01-01 00:01:00", "Drama"]))
        #expect(a != Exporter.insertId(table: "rt_top_countries", key: ["2026-01-01 00:00:00", "Drama"]))
        #expect(a.hasPrefix("rt_top_genres:"))
    }

    @Test func anIncompatibleColumnStopsTheExportBeforeAnyDataMoves() throws {
        try withTemporaryDirectory { dir in
            let store = try Store(path: dir + "/store")
            try makeTable(store, "dq_report", ids: 0..<10)
            let fake = FakeBigQuery()
            fake.tables.with { $0["dq_report"] = [["name": "id", "type": "STRING"], ["name": "label", "type": "STRING"]] }
            let server = try StubServer(handler: fake.handle)
            let exporter = try Exporter(client: try Harness(server: server).client, store: store)
            let error = #expect(throws: ExportError.self) { try exporter.exportTables(["dq_report"], mode: .append) }
            #expect(error?.text.contains("table dq_report, column id: BigQuery has type STRING, the store has INT64") == true)
            #expect(server.requests.allSatisfy { $0.method == "GET" })
            #expect(try store.state(namespace: "export:proj.ds").isEmpty)
        }
    }
}
