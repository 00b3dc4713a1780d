import ColumnStore
import Foundation

/// A BigQuery load job of newline-delimited JSON, uploaded with the job (jobs.insert media upload).
///
/// Below `LoadJob.multipartLimit` (5 MiB) the data goes in one multipart/related request; above it, by a
/// resumable upload session in `chunkSize` pieces. The job id is ours (`nq_<table>_<uuid>`), fixed before
/// the first attempt, so a retried jobs.insert cannot load twice: a 409 means the earlier attempt
/// created the job, which is then looked up instead. jobs.get is polled until the job is DONE, and its
/// errors are reported verbatim.
public struct LoadJob: Sendable {
    public static let multipartLimit = 5 * 1024 * 1024
    /// Resumable upload chunk size; a multiple of 256 KiB. Default: 8 MiB.
    public var chunkSize = 8 * 1024 * 1024

    public var dataset: String
    public var schema: TableSchema
    /// `WRITE_TRUNCATE` or `WRITE_APPEND`.
    public var writeDisposition: String
    public var jobId: String

    public init(dataset: String, schema: TableSchema, writeDisposition: String = "WRITE_TRUNCATE", jobId: String? = nil) {
        self.dataset = dataset
        self.schema = schema
        self.writeDisposition = writeDisposition
        let safe = String(schema.name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }.prefix(200))
        self.jobId = jobId ?? "nq_\(safe)_\(UUID().uuidString.lowercased())"
    }

    func metadata(project: String, location: String) -> [String: Any] {
        ["jobReference": ["projectId": project, "jobId": jobId, "location": location],
         "configuration": ["load": [
            "destinationTable": ["projectId": project, "datasetId": dataset, "tableId": schema.name],
            "sourceFormat": "NEWLINE_DELIMITED_JSON",
            "writeDisposition": writeDisposition,
            "createDisposition": "CREATE_IF_NEEDED",
            "schema": ["fields": BigQuerySchema.fields(schema)],
         ] as [String: Any]]]
    }
}

extension BigQueryClient {
    /// Uploads `ndjson` as load job `job`, waits until it is DONE and returns the job resource.
    /// - Parameter progress: called with the bytes sent so far.
    /// - Throws: `ExportError.jobFailed` with the job's errors verbatim; `ExportError.api` for a request
    ///   the API refused.
    @discardableResult
    public func runLoadJob(_ job: LoadJob, ndjson: Data, progress: (Int) -> Void = { _ in }) throws -> [String: Any] {
        let metadata = job.metadata(project: config.project, location: config.location)
        let uploadPath = "/upload/bigquery/v2/projects/\(Self.pathSegment(config.project))/jobs"
        var created: (status: Int, json: [String: Any])
        if ndjson.count < LoadJob.multipartLimit {
            let boundary = "nq_boundary_\(UUID().uuidString)"
            var body = Data("--\(boundary)\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".utf8)
            body += try JSONSerialization.data(withJSONObject: metadata)
            body += Data("\r\n--\(boundary)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += ndjson
            body += Data("\r\n--\(boundary)--\r\n".utf8)
            let request = HTTPRequest(method: "POST", url: config.endpoint + uploadPath + "?uploadType=multipart",
                                      headers: [("Content-Type", "multipart/related; boundary=\(boundary)")], body: body)
            let r = try send(request, accept: [409])
            created = (r.status, (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:])
            progress(ndjson.count)
        } else {
            created = try resumableUpload(uploadPath, metadata: metadata, data: ndjson, chunkSize: job.chunkSize, progress: progress)
        }
        if created.status == 409 { log("job \(job.jobId) already exists (an earlier attempt created it); looking it up") }
        return try waitForJob(job.jobId, table: job.schema.name, initial: created.status == 409 ? nil : created.json)
    }

    private func resumableUpload(_ path: String, metadata: [String: Any], data: Data, chunkSize: Int,
                                 progress: (Int) -> Void) throws -> (status: Int, json: [String: Any]) {
        let start = HTTPRequest(method: "POST", url: config.endpoint + path + "?uploadType=resumable",
                                headers: [("Content-Type", "application/json; charset=UTF-8"),
                                          ("X-Upload-Content-Type", "application/octet-stream"),
                                          ("X-Upload-Content-Length", String(data.count))],
                                body: try JSONSerialization.data(withJSONObject: metadata))
        let session = try send(start, accept: [409])
        if session.status == 409 { return (409, [:]) }
        guard var location = session.headers["location"] else {
            throw ExportError.badResponse(path: start.path, detail: "resumable upload started without a Location header")
        }
        if location.hasPrefix("/") { location = config.endpoint + location }
        var offset = 0
        while true {
            let end = min(data.count, offset + chunkSize)
            let chunk = HTTPRequest(method: "PUT", url: location,
                                    headers: [("Content-Type", "application/octet-stream"),
                                              ("Content-Range", data.isEmpty ? "bytes */0" : "bytes \(offset)-\(end - 1)/\(data.count)")],
                                    body: data.subdata(in: offset..<end))
            let r = try send(chunk, accept: [308])
            if r.status == 308 {
                // The server says how much it has: "Range: bytes=0-N".
                if let range = r.headers["range"], let last = range.split(separator: "-").last.flatMap({ Int($0) }) {
                    offset = last + 1
                } else {
                    offset = end
                }
                progress(offset)
                continue
            }
            progress(data.count)
            return (r.status, (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:])
        }
    }

    /// Polls jobs.get until the job is DONE.
    /// - Throws: `ExportError.jobFailed` when the job has `status.errorResult`.
    public func waitForJob(_ jobId: String, table: String?, initial: [String: Any]?) throws -> [String: Any] {
        var job = initial ?? [:]
        while ((job["status"] as? [String: Any])?["state"] as? String) != "DONE" {
            if !job.isEmpty { Thread.sleep(forTimeInterval: pollInterval) }
            job = try call("GET", projectPath + "/jobs/\(Self.pathSegment(jobId))", query: [("location", config.location)]).json
        }
        let status = job["status"] as? [String: Any]
        if status?["errorResult"] != nil {
            throw ExportError.jobFailed(jobId: jobId, table: table, errors: Self.jobErrors(job) ?? [])
        }
        return job
    }
}
