import ColumnStore
import Export
import Foundation
import Testing

@Suite struct InsertAllTests {
    /// A fake insertAll recording each request's row count and body size; `respond` may mark rows.
    static func server(_ respond: @escaping ([[String: Any]], Int) -> [[String: Any]] = { _, _ in [] }) throws -> StubServer {
        let calls = Box(0)
        return try StubServer { request in
            let n = calls.with { $0 += 1; return $0 }
            let rows = (request.json["rows"] as? [[String: Any]]) ?? []
            let errors = respond(rows, n)
            return jsonResponse(200, errors.isEmpty ? ["kind": "bigquery#tableDataInsertAllResponse"] : ["insertErrors": errors])
        }
    }

    static func rows(_ n: Int, padding: Int = 0) -> [InsertAllRow] {
        (0..<n).map { InsertAllRow(insertId: "t:\($0)", json: Array("{\"id\":\($0),\"pad\":\"\(String(repeating: "x", count: padding))\"}".utf8)) }
    }

    static func ids(_ r: HTTPRequest) -> [String] { ((r.json["rows"] as? [[String: Any]]) ?? []).map { $0["insertId"] as! String } }

    @Test func requestsSplitAtFiveHundredRows() throws {
        let server = try Self.server()
        let h = try Harness(server: server)
        var confirmed: [Int] = []
        let sent = try h.client.insertAll("ds", "t", rows: Self.rows(1201)) { confirmed.append($0) }
        #expect(sent == 3)
        #expect(server.requests.map { Self.ids($0).count } == [500, 500, 201])
        #expect(server.requests.flatMap(Self.ids) == (0..<1201).map { "t:\($0)" })
        #expect(confirmed == [500, 1000, 1201])
    }

    @Test func requestsSplitBeforeTheByteLimit() throws {
        let server = try Self.server()
        let h = try Harness(server: server)
        let limit = 20_000
        try h.client.insertAll("ds", "t", rows: Self.rows(100, padding: 900), limits: InsertAllLimits(maxRows: 500, maxBytes: limit))
        let sizes = server.requests.map(\.body.count)
        #expect(sizes.allSatisfy { $0 <= limit })
        #expect(sizes.count == 5)  // 100 rows of about 940 bytes: 21 per request at most
        #expect(server.requests.flatMap(Self.ids) == (0..<100).map { "t:\($0)" })
    }

    @Test func aRowLargerThanARequestMayCarryIsAnError() throws {
        let server = try Self.server()
        let h = try Harness(server: server)
        let error = #expect(throws: ExportError.self) {
            try h.client.insertAll("ds", "t", rows: Self.rows(1, padding: 5000), limits: InsertAllLimits(maxRows: 500, maxBytes: 1000))
        }
        #expect(error?.text.contains("row t:0") == true)
        #expect(server.requests.isEmpty)
    }

    @Test func stoppedRowsAreResentAndInvalidRowsReportedByRow() throws {
        // The first request has row 3 invalid, so BigQuery stops (does not insert) the others.
        let server = try Self.server { rows, n in
            guard n == 1 else { return [] }
            return rows.indices.map { i in
                ["index": i, "errors": [i == 3 ? ["reason": "invalid", "location": "id", "message": "Cannot convert value to integer"] : ["reason": "stopped", "message": ""]]]
            }
        }
        let h = try Harness(server: server)
        var confirmed: [Int] = []
        let error = #expect(throws: ExportError.self) {
            try h.client.insertAll("ds", "t", rows: Self.rows(8), limits: InsertAllLimits(maxRows: 6)) { confirmed.append($0) }
        }
        // The stopped rows go again; the batch after (rows 6 and 7) is not sent, and nothing is confirmed.
        #expect(server.requests.count == 2)
        #expect(Self.ids(server.requests[1]) == ["t:0", "t:1", "t:2", "t:4", "t:5"])
        #expect(confirmed.isEmpty)
        #expect(error?.text.contains("row t:3: invalid: id: Cannot convert value to integer") == true)
    }
}

@Suite struct SchemaTests {
    static let store = TableSchema(name: "t", columns: [ColumnSchema(name: "a", type: .int64), ColumnSchema(name: "b", type: .string),
                                                        ColumnSchema(name: "c", type: .timestamp)])

    @Test func typesMapToBigQueryNames() {
        #expect(ColumnType.allCases.map(BigQuerySchema.bigQueryType) == ["STRING", "INTEGER", "FLOAT", "BOOLEAN", "DATE", "TIMESTAMP"])
        for t in ColumnType.allCases { #expect(BigQuerySchema.columnType(BigQuerySchema.bigQueryType(t)) == t) }
    }

    @Test func aSchemaThatGrewAddsTheNewColumns() throws {
        let plan = try BigQuerySchema.plan(store: Self.store, existing: [["name": "a", "type": "INTEGER"], ["name": "B", "type": "STRING"]])
        #expect(plan == .addColumns(["c"]))
        #expect(try BigQuerySchema.plan(store: Self.store, existing: [["name": "a", "type": "INT64"], ["name": "b", "type": "STRING"], ["name": "c", "type": "TIMESTAMP"]]) == .unchanged)
    }

    @Test func aChangedTypeIsAnErrorNamingTheColumn() {
        let error = #expect(throws: ExportError.self) {
            _ = try BigQuerySchema.plan(store: Self.store, existing: [["name": "a", "type": "INTEGER"], ["name": "b", "type": "DATE"]])
        }
        #expect(error?.text.hasPrefix("table t, column b: BigQuery has type DATE, the store has STRING") == true)
    }

    @Test func aRequiredColumnTheStoreLacksIsAnError() {
        let error = #expect(throws: ExportError.self) {
            _ = try BigQuerySchema.plan(store: Self.store, existing: [["name": "z", "type": "STRING", "mode": "REQUIRED"]])
        }
        #expect(error?.text.contains("column z") == true)
    }

    @Test func rowsEncodeAsBigQueryJSON() {
        let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "i", type: .int64), ColumnSchema(name: "f", type: .float64),
                                                      ColumnSchema(name: "b", type: .bool), ColumnSchema(name: "d", type: .date),
                                                      ColumnSchema(name: "ts", type: .timestamp), ColumnSchema(name: "s", type: .string)])
        func col(_ t: ColumnType, _ v: [Value]) -> Column { var b = ColumnBuilder(type: t); for x in v { b.append(x) }; return b.finish() }
        let columns = [col(.int64, [.int64(-5), .null]), col(.float64, [.float64(0.1), .float64(.nan)]), col(.bool, [.bool(true), .null]),
                       col(.date, [.date(19723), .null]), col(.timestamp, [.timestamp(1_704_164_645_123_456), .null]),
                       col(.string, [.string("a\"b\\c\n"), .string("é")])]
        let e = RowEncoder(schema: schema)
        #expect(String(decoding: e.encode(row: 0, of: columns), as: UTF8.self)
                == #"{"i":-5,"f":0.1,"b":true,"d":"2024-01-01","ts":"2024-01-02 03:04:05.123456","s":"a\"b\\c\n"}"#)
        #expect(String(decoding: e.encode(row: 1, of: columns), as: UTF8.self) == #"{"f":"NaN","s":"é"}"#)
    }
}
