import Export
import Foundation
import Testing

@Suite struct RetryTests {
    /// A fake insertAll that keeps rows by insertId (as BigQuery de-duplicates them) and fails the first
    /// `failures` requests with `failure` after storing their rows (the response is what gets lost).
    static func insertAllServer(failures: Int, failure: HTTPResponse, rows: Box<[String: Int]>, calls: Box<Int>) throws -> StubServer {
        try StubServer { request in
            let n = calls.with { $0 += 1; return $0 }
            for r in (request.json["rows"] as? [[String: Any]]) ?? [] {
                rows.with { $0[r["insertId"] as! String, default: 0] += 1 }
            }
            return n <= failures ? failure : jsonResponse(200, ["kind": "bigquery#tableDataInsertAllResponse"])
        }
    }

    static let retriable: [(String, HTTPResponse)] = [
        ("503", apiError(503, reason: "backendError", message: "Backend error")),
        ("429", apiError(429, reason: "rateLimitExceeded", message: "Too many requests")),
        ("403 rateLimitExceeded", apiError(403, reason: "rateLimitExceeded", message: "Exceeded rate limits: too many table update operations")),
    ]

    @Test(arguments: 0..<3)
    func retriesATransientFailureTwiceThenSucceedsWithTheSameInsertIds(_ k: Int) throws {
        let (_, failure) = Self.retriable[k]
        let rows = Box<[String: Int]>([:]), calls = Box(0)
        let server = try Self.insertAllServer(failures: 2, failure: failure, rows: rows, calls: calls)
        let h = try Harness(server: server)
        let input = (0..<10).map { InsertAllRow(insertId: "t:\($0)", json: Array("{\"id\":\($0)}".utf8)) }
        try h.client.insertAll("ds", "t", rows: input)
        #expect(calls.get == 3)
        #expect(h.delays.all.count == 2)
        // Every attempt carried the same ten insertIds, so BigQuery keeps each row once.
        #expect(rows.get.count == 10)
        #expect(rows.get.values.allSatisfy { $0 == 3 })
        let bodies = server.requests.map(\.body)
        #expect(Set(bodies).count == 1)
    }

    @Test func backoffGrowsExponentiallyWithJitterUpToTheCap() {
        let p = RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 8)
        for retry in 1...8 {
            let ceiling = min(8, pow(2, Double(retry - 1)))
            for _ in 0..<20 {
                let d = p.delay(beforeRetry: retry)
                #expect(d >= ceiling / 2 && d <= ceiling)
            }
        }
    }

    @Test func quotaExceededIsNotRetriedAndTheMessageIsTheAPIs() throws {
        let rows = Box<[String: Int]>([:]), calls = Box(0)
        let server = try Self.insertAllServer(failures: 99, failure: apiError(403, reason: "quotaExceeded", message: "Quota exceeded: Your project exceeded quota for free storage"), rows: rows, calls: calls)
        let h = try Harness(server: server)
        let error = #expect(throws: ExportError.self) {
            try h.client.insertAll("ds", "t", rows: [InsertAllRow(insertId: "a", json: Array("{}".utf8))])
        }
        #expect(calls.get == 1)
        #expect(h.delays.all.isEmpty)
        let text = error?.text ?? ""
        #expect(text.contains("HTTP 403 quotaExceeded"))
        #expect(text.contains("Quota exceeded: Your project exceeded quota for free storage"))
        #expect(text.contains("/bigquery/v2/projects/proj/datasets/ds/tables/t/insertAll"))
    }

    @Test func unauthorizedIsNotRetriedAndSaysSo() throws {
        let calls = Box(0)
        let server = try StubServer { _ in
            calls.with { $0 += 1 }
            return jsonResponse(401, ["error": ["code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"]])
        }
        let h = try Harness(server: server)
        let error = #expect(throws: ExportError.self) { try h.client.ensureDataset("ds") }
        #expect(calls.get == 1)
        #expect(error?.text.contains("HTTP 401 UNAUTHENTICATED: Request had invalid authentication credentials.") == true)
        #expect(error?.text.contains("test-token") == false)
    }

    @Test func otherClientErrorsAreNotRetried() throws {
        let calls = Box(0)
        let server = try StubServer { _ in calls.with { $0 += 1 }; return apiError(400, reason: "invalid", message: "Invalid table ID") }
        let h = try Harness(server: server)
        #expect(throws: ExportError.self) { _ = try h.client.tableFields("ds", "bad-name") }
        #expect(calls.get == 1)
    }

    @Test func aRefusedConnectionIsRetriedUntilTheAttemptsRunOut() throws {
        let server = try StubServer { _ in HTTPResponse(status: 200) }
        let port = try ReservedPort()  // bound, not listening: connections are refused
        defer { port.close() }
        let h = try Harness(server: server, maxAttempts: 4, endpoint: "http://127.0.0.1:\(port.port)")
        let error = #expect(throws: ExportError.self) { try h.client.ensureDataset("ds") }
        #expect(h.delays.all.count == 3)
        if case .network(let method, let path, _) = error { #expect(method == "GET" && path == "/bigquery/v2/projects/proj/datasets/ds") } else { Issue.record("expected a network error, got \(String(describing: error))") }
    }

    @Test func aDroppedConnectionIsRetried() throws {
        let calls = Box(0)
        let server = try StubServer { _ in
            calls.with { $0 += 1; return $0 } == 1 ? HTTPResponse(status: 0) : jsonResponse(200, ["id": "proj:ds"])
        }
        let h = try Harness(server: server)
        try h.client.ensureDataset("ds")
        #expect(calls.get == 2)
    }
}
