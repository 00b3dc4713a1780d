import ColumnStore
import Export
import Foundation
import Testing

@Suite struct QueryTests {
    static let schema: [String: Any] = ["fields": [["name": "n", "type": "INTEGER"], ["name": "ts", "type": "TIMESTAMP"],
                                                   ["name": "f", "type": "FLOAT"], ["name": "d", "type": "DATE"], ["name": "b", "type": "BOOLEAN"]]]

    static func row(_ n: Int) -> [String: Any] {
        ["f": [["v": String(n)], ["v": "1704164645123456"], ["v": n == 2 ? NSNull() : "1.5"], ["v": "2024-01-02"], ["v": "true"]]]
    }

    @Test func aQueryIsGoogleSQLWithInt64TimestampsAndFollowsIncompleteJobsAndPages() throws {
        let server = try StubServer { r in
            if r.method == "POST" {  // jobs.query: not complete yet
                return jsonResponse(200, ["jobReference": ["projectId": "proj", "jobId": "j1"], "jobComplete": false])
            }
            switch r.query["pageToken"] {
            case nil:
                guard r.query["formatOptions.useInt64Timestamp"] == "true" else { return apiError(400, reason: "invalid", message: "int64 timestamps not asked") }
                return jsonResponse(200, ["jobComplete": true, "schema": Self.schema, "rows": [Self.row(1)], "pageToken": "p2"])
            case "p2":
                return jsonResponse(200, ["jobComplete": true, "schema": Self.schema, "rows": [Self.row(2)]])
            default:
                return apiError(400, reason: "invalid", message: "unknown page")
            }
        }
        let h = try Harness(server: server)
        let result = try h.client.query("select 1")
        let body = server.requests[0].json
        #expect(body["useLegacySql"] as? Bool == false)
        #expect((body["formatOptions"] as? [String: Any])?["useInt64Timestamp"] as? Bool == true)
        #expect(body["query"] as? String == "select 1")
        #expect(server.requests.map { "\($0.method) \($0.path)" } == ["POST /bigquery/v2/projects/proj/queries",
                                                                     "GET /bigquery/v2/projects/proj/queries/j1", "GET /bigquery/v2/projects/proj/queries/j1"])
        #expect(result.names == ["n", "ts", "f", "d", "b"])
        let values = result.values()
        #expect(values.count == 2)
        #expect(values[0] == [.int64(1), .timestamp(1_704_164_645_123_456), .float64(1.5), .date(CivilTime.days(year: 2024, month: 1, day: 2)), .bool(true)])
        #expect(values[1][2] == .null)
    }

    @Test func aRejectedQueryCarriesBigQuerysMessage() throws {
        let server = try StubServer { _ in apiError(400, reason: "invalidQuery", message: "Unrecognized name: nope at [1:8]") }
        let h = try Harness(server: server)
        let error = #expect(throws: ExportError.self) { _ = try h.client.query("select nope") }
        #expect(error?.text == "POST /bigquery/v2/projects/proj/queries failed: HTTP 400 invalidQuery: Unrecognized name: nope at [1:8]")
        #expect(server.requests.count == 1)
    }
}
