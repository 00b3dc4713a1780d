import ColumnStore
import Export
import Foundation
import Testing

/// A fake jobs API: load jobs are created by jobs.insert uploads (multipart or resumable), keyed by job id;
/// a job reports RUNNING for `runningPolls` jobs.get calls, then DONE.
final class FakeJobs: @unchecked Sendable {  // state guarded by `state`'s lock
    struct Job { var loads = 0; var polls = 0; var data = Data() }
    let state = Box<[String: Job]>([:])
    let runningPolls: Int
    let loseFirstInsertResponse: Bool
    let failWith: [[String: Any]]?
    private let inserts = Box(0)
    private let sessions = Box<[String: (meta: [String: Any], data: Data)]>([:])

    init(runningPolls: Int = 0, loseFirstInsertResponse: Bool = false, failWith: [[String: Any]]? = nil) {
        self.runningPolls = runningPolls
        self.loseFirstInsertResponse = loseFirstInsertResponse
        self.failWith = failWith
    }

    func jobResource(_ id: String) -> [String: Any] {
        let job = state.get[id]!
        var status: [String: Any] = ["state": job.polls < runningPolls ? "RUNNING" : "DONE"]
        if status["state"] as? String == "DONE", let failWith {
            status["errorResult"] = failWith[0]
            status["errors"] = failWith
        }
        return ["jobReference": ["projectId": "proj", "jobId": id], "status": status]
    }

    func create(_ meta: [String: Any], _ data: Data) -> HTTPResponse {
        let id = (meta["jobReference"] as! [String: Any])["jobId"] as! String
        if state.get[id] != nil { return apiError(409, reason: "duplicate", message: "Already Exists: Job proj:US.\(id)") }
        state.with { $0[id] = Job(loads: 1, polls: 0, data: data) }
        let n = inserts.with { $0 += 1; return $0 }
        if loseFirstInsertResponse && n == 1 { return apiError(503, reason: "backendError", message: "Service unavailable") }
        return jsonResponse(200, jobResource(id))
    }

    func handle(_ r: HTTPRequest) -> HTTPResponse {
        let path = r.path
        if r.method == "POST", path == "/upload/bigquery/v2/projects/proj/jobs" {
            if r.query["uploadType"] == "multipart" {
                let (meta, data) = FakeJobs.multipart(r)
                return create(meta, data)
            }
            let session = UUID().uuidString
            sessions.with { $0[session] = (r.json, Data()) }
            return HTTPResponse(status: 200, headers: ["Location": "\(r.url.components(separatedBy: "?")[0])?upload_id=\(session)"])
        }
        if r.method == "PUT", let session = r.query["upload_id"] {
            let range = r.header("Content-Range") ?? ""
            let total = Int(range.split(separator: "/").last ?? "") ?? -1
            let received = sessions.with { s -> Int in s[session]!.data += r.body; return s[session]!.data.count }
            if received < total { return HTTPResponse(status: 308, headers: ["Range": "bytes=0-\(received - 1)"]) }
            let s = sessions.get[session]!
            return create(s.meta, s.data)
        }
        if r.method == "GET", path.hasPrefix("/bigquery/v2/projects/proj/jobs/") {
            let id = String(path.dropFirst("/bigquery/v2/projects/proj/jobs/".count))
            guard state.get[id] != nil else { return apiError(404, reason: "notFound", message: "Not found: Job \(id)") }
            let resource = jobResource(id)
            state.with { $0[id]!.polls += 1 }
            return jsonResponse(200, resource)
        }
        return apiError(404, reason: "notFound", message: "no route \(r.method) \(path)")
    }

    /// The JSON part and the data part of a multipart/related body.
    static func multipart(_ r: HTTPRequest) -> ([String: Any], Data) {
        let boundary = r.header("Content-Type")!.components(separatedBy: "boundary=")[1]
        let parts = String(decoding: r.body, as: UTF8.self).components(separatedBy: "--\(boundary)")
        // A part is CRLF, headers, CRLF CRLF, content, CRLF (before the next boundary).
        func content(_ part: String) -> Data {
            let body = Data(part.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n").utf8)
            return body.suffix(2) == Data("\r\n".utf8) ? body.dropLast(2) : body
        }
        let meta = (try? JSONSerialization.jsonObject(with: content(parts[1]))) as? [String: Any] ?? [:]
        return (meta, content(parts[2]))
    }
}

@Suite struct LoadJobTests {
    static let schema = TableSchema(name: "monthly_engagement", columns: [ColumnSchema(name: "n", type: .int64)])
    static let ndjson = Data((0..<100).map { "{\"n\":\($0)}\n" }.joined().utf8)

    @Test func aLoadJobWhoseInsertResponseWasLostIsLookedUpNotLoadedTwice() throws {
        let jobs = FakeJobs(loseFirstInsertResponse: true)
        let server = try StubServer(handler: jobs.handle)
        let h = try Harness(server: server)
        let job = LoadJob(dataset: "ds", schema: Self.schema)
        try h.client.runLoadJob(job, ndjson: Self.ndjson)
        #expect(server.requests.map { "\($0.method) \($0.path)" } == [
            "POST /upload/bigquery/v2/projects/proj/jobs", "POST /upload/bigquery/v2/projects/proj/jobs",
            "GET /bigquery/v2/projects/proj/jobs/\(job.jobId)"])
        #expect(jobs.state.get.count == 1)
        #expect(jobs.state.get[job.jobId]?.loads == 1)
        #expect(jobs.state.get[job.jobId]?.data == Self.ndjson)
        let meta = FakeJobs.multipart(server.requests[0]).0
        let load = (meta["configuration"] as? [String: Any])?["load"] as? [String: Any]
        #expect(load?["writeDisposition"] as? String == "WRITE_TRUNCATE")
        #expect(load?["sourceFormat"] as? String == "NEWLINE_DELIMITED_JSON")
    }

    @Test func aJobThatStaysRunningIsPolledUntilDone() throws {
        let jobs = FakeJobs(runningPolls: 4)
        let server = try StubServer(handler: jobs.handle)
        let h = try Harness(server: server)
        let job = LoadJob(dataset: "ds", schema: Self.schema)
        let done = try h.client.runLoadJob(job, ndjson: Self.ndjson)
        #expect((done["status"] as? [String: Any])?["state"] as? String == "DONE")
        // The insert answered RUNNING; jobs.get answers RUNNING four times, then DONE.
        #expect(server.requests.filter { $0.method == "GET" }.count == 5)
    }

    @Test func aFailedJobReportsItsErrorsVerbatim() throws {
        let errors: [[String: Any]] = [
            ["reason": "invalid", "location": "gs://x", "message": "Error while reading data, error message: JSON table encountered too many errors"],
            ["reason": "invalid", "message": "Could not parse 'abc' as INT64 for field n (position 0) starting at location 0"]]
        let jobs = FakeJobs(failWith: errors)
        let server = try StubServer(handler: jobs.handle)
        let h = try Harness(server: server)
        let error = #expect(throws: ExportError.self) { try h.client.runLoadJob(LoadJob(dataset: "ds", schema: Self.schema), ndjson: Self.ndjson) }
        let text = error?.text ?? ""
        #expect(text.contains("table monthly_engagement"))
        #expect(text.contains("Error while reading data, error message: JSON table encountered too many errors"))
        #expect(text.contains("Could not parse 'abc' as INT64 for field n (position 0) starting at location 0"))
    }

    @Test func dataAboveFiveMebibytesGoesByAResumableUploadInChunks() throws {
        let jobs = FakeJobs()
        let server = try StubServer(handler: jobs.handle)
        let h = try Harness(server: server)
        var job = LoadJob(dataset: "ds", schema: Self.schema)
        job.chunkSize = 2 * 1024 * 1024
        let big = Data((0..<600_000).map { "{\"n\":\($0)}\n" }.joined().utf8)
        #expect(big.count > LoadJob.multipartLimit)
        var progress: [Int] = []
        try h.client.runLoadJob(job, ndjson: big) { progress.append($0) }
        #expect(jobs.state.get[job.jobId]?.data == big)
        let puts = server.requests.filter { $0.method == "PUT" }
        #expect(puts.count == (big.count + job.chunkSize - 1) / job.chunkSize)
        #expect(puts.first?.header("Content-Range") == "bytes 0-\(job.chunkSize - 1)/\(big.count)")
        #expect(progress.last == big.count)
    }
}
