import ColumnStore
import Foundation

/// The BigQuery REST API v2 calls nq uses, over an `HTTPTransport`, with `RetryPolicy` and `Credentials`.
///
/// Every call names its URL path, HTTP status and the API's message when it fails
/// (`ExportError.api`). Load jobs are in `BigQueryClient+LoadJob.swift`, insertAll in `InsertAll.swift`.
public final class BigQueryClient: @unchecked Sendable {  // immutable after init; `log` is called serially
    public let config: BigQueryConfig
    let transport: HTTPTransport
    let credentials: Credentials
    let retry: RetryPolicy
    /// Receives one line per retry ("retrying ... after HTTP 503"); never a token.
    public var log: (String) -> Void = { _ in }
    /// Seconds between jobs.get polls of a running job. Default: 1.
    public var pollInterval: Double = 1

    public init(config: BigQueryConfig, transport: HTTPTransport, credentials: Credentials, retry: RetryPolicy = RetryPolicy()) {
        self.config = config
        self.transport = transport
        self.credentials = credentials
        self.retry = retry
    }

    // MARK: plumbing

    static func pathSegment(_ s: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func queryString(_ items: [(String, String)]) -> String {
        if items.isEmpty { return "" }
        return "?" + items.map { "\($0.0)=\(Credentials.formEncode($0.1))" }.joined(separator: "&")
    }

    var projectPath: String { "/bigquery/v2/projects/\(Self.pathSegment(config.project))" }
    func datasetPath(_ dataset: String) -> String { projectPath + "/datasets/\(Self.pathSegment(dataset))" }
    func tablePath(_ dataset: String, _ table: String) -> String { datasetPath(dataset) + "/tables/\(Self.pathSegment(table))" }

    /// Sends `request` with the Authorization header, retrying retriable failures.
    /// - Returns: the response, whose status is 2xx unless `accept` lets another through.
    func send(_ request: HTTPRequest, accept: Set<Int> = []) throws -> HTTPResponse {
        try retry.run(onRetry: { error, attempt in
            self.log("retrying \(request.method) \(request.path) after \(error.shortDescription) (attempt \(attempt + 1) of \(self.retry.maxAttempts))")
        }) {
            var r = request
            if let token = try credentials.accessToken() { r.headers.append(("Authorization", "Bearer \(token)")) }
            let response = try transport.send(r)
            if response.isSuccess || accept.contains(response.status) { return response }
            if response.status == 401 { credentials.invalidate() }
            throw Self.apiError(request, response)
        }
    }

    /// The `ExportError.api` of an error response: the API's `error.message` and first `errors[].reason`.
    static func apiError(_ request: HTTPRequest, _ response: HTTPResponse) -> ExportError {
        let obj = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let err = obj?["error"] as? [String: Any]
        let reason = ((err?["errors"] as? [[String: Any]])?.first?["reason"] as? String) ?? (err?["status"] as? String)
        var message = (err?["message"] as? String) ?? (obj?["error"] as? String) ?? String(decoding: response.body.prefix(500), as: UTF8.self)
        if message.isEmpty { message = "no message" }
        return .api(method: request.method, path: request.path, status: response.status, reason: reason, message: message)
    }

    /// A JSON API call. `body` is serialised as JSON when given.
    func call(_ method: String, _ path: String, query: [(String, String)] = [], body: Any? = nil, accept: Set<Int> = []) throws -> (status: Int, json: [String: Any]) {
        var request = HTTPRequest(method: method, url: config.endpoint + path + Self.queryString(query))
        if let body {
            request.body = try JSONSerialization.data(withJSONObject: body)
            request.headers.append(("Content-Type", "application/json; charset=UTF-8"))
        }
        let response = try send(request, accept: accept)
        if response.body.isEmpty { return (response.status, [:]) }
        guard let obj = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            if !response.isSuccess { return (response.status, [:]) }
            throw ExportError.badResponse(path: request.path, detail: "HTTP \(response.status), body is not a JSON object")
        }
        return (response.status, obj)
    }

    // MARK: datasets and tables

    /// datasets.get, then datasets.insert when missing (409 "already exists" counts as success).
    public func ensureDataset(_ dataset: String) throws {
        let got = try call("GET", datasetPath(dataset), accept: [404])
        if got.status != 404 { return }
        let body: [String: Any] = ["datasetReference": ["projectId": config.project, "datasetId": dataset], "location": config.location]
        _ = try call("POST", projectPath + "/datasets", body: body, accept: [409])
    }

    /// The table's `schema.fields`, or nil when it does not exist (tables.get).
    public func tableFields(_ dataset: String, _ table: String) throws -> [[String: Any]]? {
        let got = try call("GET", tablePath(dataset, table), accept: [404])
        if got.status == 404 { return nil }
        return ((got.json["schema"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []
    }

    /// Makes the BigQuery table ready for `schema`: tables.insert when missing (409 is success), tables.patch
    /// with new NULLABLE columns when the store's schema grew.
    /// - Throws: `ExportError.incompatibleSchema` before anything changes when a column's type differs.
    @discardableResult
    public func ensureTable(_ dataset: String, schema: TableSchema) throws -> BigQuerySchema.Plan {
        guard let existing = try tableFields(dataset, schema.name) else {
            let body: [String: Any] = ["tableReference": ["projectId": config.project, "datasetId": dataset, "tableId": schema.name],
                                       "schema": ["fields": BigQuerySchema.fields(schema)]]
            _ = try call("POST", datasetPath(dataset) + "/tables", body: body, accept: [409])
            return .unchanged
        }
        let plan = try BigQuerySchema.plan(store: schema, existing: existing)
        if case .addColumns(let names) = plan {
            let added = schema.columns.filter { names.contains($0.name) }
            let fields = existing + BigQuerySchema.fields(TableSchema(name: schema.name, columns: added))
            _ = try call("PATCH", tablePath(dataset, schema.name), body: ["schema": ["fields": fields]])
        }
        return plan
    }

    // MARK: reading

    /// Rows read back from BigQuery: field names and types, and each cell as the API's string (or nil).
    public struct Rows {
        public var names: [String]
        public var types: [String]
        public var rows: [[String?]]
    }

    static func parseSchema(_ json: [String: Any]) -> (names: [String], types: [String]) {
        let fields = ((json["schema"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []
        return (fields.map { ($0["name"] as? String) ?? "" }, fields.map { ($0["type"] as? String) ?? "STRING" })
    }

    static func parseRows(_ json: [String: Any]) -> [[String?]] {
        ((json["rows"] as? [[String: Any]]) ?? []).map { row in
            ((row["f"] as? [[String: Any]]) ?? []).map { cell in
                switch cell["v"] {
                case let s as String: return s
                case let n as NSNumber: return n.stringValue
                default: return nil
                }
            }
        }
    }

    /// Runs GoogleSQL with jobs.query (`useLegacySql: false`, int64 timestamps), then pages through
    /// jobs.getQueryResults until every row has arrived.
    /// - Throws: `ExportError.api` with BigQuery's message for a query it rejects.
    public func query(_ sql: String, timeoutMs: Int = 60_000) throws -> Rows {
        var body: [String: Any] = ["query": sql, "useLegacySql": false, "timeoutMs": timeoutMs,
                                   "formatOptions": ["useInt64Timestamp": true], "location": config.location]
        if let d = config.dataset { body["defaultDataset"] = ["projectId": config.project, "datasetId": d] }
        var page = try call("POST", projectPath + "/queries", body: body).json
        let jobId = (page["jobReference"] as? [String: Any])?["jobId"] as? String
        var schema = Self.parseSchema(page)
        var rows: [[String?]] = []
        var complete = (page["jobComplete"] as? Bool) ?? true
        while true {
            if complete { rows += Self.parseRows(page) }
            let token = page["pageToken"] as? String
            if complete && token == nil { break }
            guard let jobId else { throw ExportError.badResponse(path: projectPath + "/queries", detail: "incomplete query without a jobReference") }
            var q: [(String, String)] = [("formatOptions.useInt64Timestamp", "true"), ("location", config.location), ("timeoutMs", String(timeoutMs))]
            if complete, let token { q.append(("pageToken", token)) }
            page = try call("GET", projectPath + "/queries/\(Self.pathSegment(jobId))", query: q).json
            if let errors = Self.jobErrors(page), !errors.isEmpty { throw ExportError.jobFailed(jobId: jobId, table: nil, errors: errors) }
            complete = (page["jobComplete"] as? Bool) ?? true
            if complete && schema.names.isEmpty { schema = Self.parseSchema(page) }
        }
        return Rows(names: schema.names, types: schema.types, rows: rows)
    }

    /// Every row of a table by tabledata.list (int64 timestamps), page by page.
    public func listRows(_ dataset: String, _ table: String) throws -> Rows {
        let fields = try tableFields(dataset, table) ?? []
        var rows: [[String?]] = []
        var token: String?
        repeat {
            var q: [(String, String)] = [("formatOptions.useInt64Timestamp", "true"), ("maxResults", "10000")]
            if let token { q.append(("pageToken", token)) }
            let page = try call("GET", tablePath(dataset, table) + "/data", query: q).json
            rows += Self.parseRows(page)
            token = page["pageToken"] as? String
        } while token != nil
        return Rows(names: fields.map { ($0["name"] as? String) ?? "" }, types: fields.map { ($0["type"] as? String) ?? "STRING" }, rows: rows)
    }

    /// The messages of `status.errors` (or `errors`) of a job resource, verbatim.
    static func jobErrors(_ job: [String: Any]) -> [String]? {
        let status = job["status"] as? [String: Any]
        let list = (status?["errors"] as? [[String: Any]]) ?? (job["errors"] as? [[String: Any]])
        if list == nil, let result = status?["errorResult"] as? [String: Any] { return [Self.describeError(result)] }
        return list?.map(Self.describeError)
    }

    static func describeError(_ e: [String: Any]) -> String {
        [e["reason"] as? String, e["location"] as? String, e["message"] as? String].compactMap { $0 }.joined(separator: ": ")
    }
}

extension BigQueryClient.Rows {
    /// The cells as nq values, typed by the BigQuery field types (timestamps as int64 microseconds).
    public func values() -> [[Value]] {
        let kinds = types.map { BigQuerySchema.columnType($0) ?? .string }
        return rows.map { row in
            row.enumerated().map { i, cell in
                guard let cell else { return .null }
                switch kinds[i] {
                case .int64: return Int64(cell).map(Value.int64) ?? .string(cell)
                case .float64: return Double(cell).map(Value.float64) ?? .string(cell)
                case .bool: return .bool(cell.lowercased() == "true")
                case .date:
                    let p = cell.split(separator: "-").compactMap { Int($0) }
                    return p.count == 3 ? .date(CivilTime.days(year: p[0], month: p[1], day: p[2])) : .string(cell)
                case .timestamp:
                    if let micros = Int64(cell) { return .timestamp(micros) }
                    if let secs = Double(cell) { return .timestamp(Int64((secs * 1_000_000).rounded())) }
                    return .string(cell)
                case .string: return .string(cell)
                }
            }
        }
    }
}

extension ExportError {
    /// A short form for retry log lines.
    var shortDescription: String {
        switch self {
        case let .api(_, _, status, reason, _): return "HTTP \(status)\(reason.map { " " + $0 } ?? "")"
        case let .network(_, _, message): return "a network error (\(message))"
        default: return description
        }
    }
}
