import Foundation

/// The Cloud Storage JSON API calls of the raw zone: objects.list, media download (streamed to a
/// file) and resumable upload (streamed from a file), with the same `Credentials` and `RetryPolicy` as
/// BigQuery. `STORAGE_EMULATOR_HOST` points it at an emulator.
public final class GCSClient: @unchecked Sendable {  // immutable after init
    public static let defaultEndpoint = "https://storage.googleapis.com"
    /// Scheme, host and port of the API. Default: `https://storage.googleapis.com`.
    public let endpoint: String
    let transport: HTTPTransport
    let credentials: Credentials
    let retry: RetryPolicy
    /// Resumable upload chunk size, a multiple of 256 KiB. Default: 8 MiB.
    public var chunkSize = 8 * 1024 * 1024
    /// Receives one line per retry; never a token.
    public var log: (String) -> Void = { _ in }

    public init(endpoint: String, transport: HTTPTransport, credentials: Credentials, retry: RetryPolicy = RetryPolicy()) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.transport = transport
        self.credentials = credentials
        self.retry = retry
    }

    /// The endpoint from `STORAGE_EMULATOR_HOST` (with `http://` added when it has no scheme), else Google's.
    public static func endpoint(environment: [String: String]) -> String {
        guard let host = environment["STORAGE_EMULATOR_HOST"], !host.isEmpty else { return defaultEndpoint }
        return host.contains("://") ? host : "http://" + host
    }

    /// A `gs://bucket/prefix` URL split into bucket and object prefix.
    /// - Throws: `ExportError.configuration` when it is not a gs:// URL with a bucket.
    public static func parse(_ url: String) throws -> (bucket: String, prefix: String) {
        guard url.hasPrefix("gs://") else { throw ExportError.configuration("\(url) is not a gs://BUCKET/PATH URL") }
        let parts = url.dropFirst(5).split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bucket = parts.first, !bucket.isEmpty else { throw ExportError.configuration("\(url) names no bucket") }
        return (String(bucket), parts.count > 1 ? String(parts[1]) : "")
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// Sends with Authorization and retries; a 404 becomes `ExportError.storage` with `notFound`.
    func send(_ request: HTTPRequest, accept: Set<Int> = [], notFound: String? = nil,
              streamingTo sink: ((Data) throws -> Void)? = nil, beforeAttempt: () throws -> Void = {}) throws -> HTTPResponse {
        try retry.run(onRetry: { e, attempt in
            self.log("retrying \(request.method) \(request.path) after \(e.shortDescription) (attempt \(attempt + 1) of \(self.retry.maxAttempts))")
        }) {
            try beforeAttempt()
            var r = request
            if let token = try credentials.accessToken() { r.headers.append(("Authorization", "Bearer \(token)")) }
            let response = try sink.map { try transport.send(r, streamingTo: $0) } ?? transport.send(r)
            if response.isSuccess || accept.contains(response.status) { return response }
            if response.status == 404, let notFound { throw ExportError.storage(notFound) }
            if response.status == 401 { credentials.invalidate() }
            throw BigQueryClient.apiError(request, response)
        }
    }

    /// One object of a listing.
    public struct Object: Sendable, Equatable {
        public var name: String
        public var size: Int
    }

    /// objects.list of `bucket` under `prefix`, every page.
    /// - Throws: `ExportError.storage` when the bucket does not exist.
    public func list(bucket: String, prefix: String) throws -> [Object] {
        var objects: [Object] = []
        var token: String?
        repeat {
            var q = "prefix=\(Self.encode(prefix))"
            if let token { q += "&pageToken=\(Self.encode(token))" }
            let r = try send(HTTPRequest(method: "GET", url: "\(endpoint)/storage/v1/b/\(Self.encode(bucket))/o?\(q)"),
                             notFound: "bucket gs://\(bucket) does not exist")
            guard let obj = (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] else {
                throw ExportError.badResponse(path: "/storage/v1/b/\(bucket)/o", detail: "not a JSON object")
            }
            for item in (obj["items"] as? [[String: Any]]) ?? [] {
                guard let name = item["name"] as? String else { continue }
                let size = Int((item["size"] as? String) ?? "") ?? (item["size"] as? NSNumber)?.intValue ?? -1
                objects.append(Object(name: name, size: size))
            }
            token = obj["nextPageToken"] as? String
        } while token != nil
        return objects
    }

    /// Downloads an object (media download) into the file `path`, streamed; a retry starts the file anew.
    /// - Parameter expectedSize: the listed size; a download that ends short of it is an error.
    /// - Throws: `ExportError.storage` for a missing object or a short download.
    public func download(bucket: String, object: String, to path: String, expectedSize: Int? = nil) throws {
        let url = "\(endpoint)/download/storage/v1/b/\(Self.encode(bucket))/o/\(Self.encode(object))?alt=media"
        var handle: FileHandle?
        defer { try? handle?.close() }
        var written = 0
        _ = try send(HTTPRequest(method: "GET", url: url), notFound: "object gs://\(bucket)/\(object) does not exist",
                     streamingTo: { data in try handle!.write(contentsOf: data); written += data.count },
                     beforeAttempt: {
                         try? handle?.close()
                         guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                             throw ExportError.storage("cannot create \(path)")
                         }
                         handle = h
                         written = 0
                     })
        if let expectedSize, expectedSize >= 0, written != expectedSize {
            throw ExportError.storage("download of gs://\(bucket)/\(object) ended after \(written) of \(expectedSize) bytes")
        }
    }

    /// Uploads the file at `path` as `object` by a resumable upload, in `chunkSize` pieces read from the file.
    /// - Parameter progress: called with the bytes sent so far.
    /// - Throws: `ExportError.storage` when the bucket does not exist.
    public func upload(file path: String, bucket: String, object: String, progress: (Int) -> Void = { _ in }) throws {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path), let size = (attrs[.size] as? NSNumber)?.intValue,
              let input = FileHandle(forReadingAtPath: path) else { throw ExportError.storage("cannot read \(path)") }
        defer { try? input.close() }
        let start = HTTPRequest(method: "POST", url: "\(endpoint)/upload/storage/v1/b/\(Self.encode(bucket))/o?uploadType=resumable&name=\(Self.encode(object))",
                                headers: [("Content-Type", "application/json; charset=UTF-8"), ("X-Upload-Content-Type", "text/csv"),
                                          ("X-Upload-Content-Length", String(size))],
                                body: try JSONSerialization.data(withJSONObject: ["name": object, "contentType": "text/csv"]))
        let session = try send(start, notFound: "bucket gs://\(bucket) does not exist")
        guard var location = session.headers["location"] else {
            throw ExportError.badResponse(path: start.path, detail: "resumable upload started without a Location header")
        }
        if location.hasPrefix("/") { location = endpoint + location }
        var offset = 0
        repeat {
            try input.seek(toOffset: UInt64(offset))
            let chunk = try input.read(upToCount: chunkSize) ?? Data()
            let end = offset + chunk.count
            let range = size == 0 ? "bytes */0" : "bytes \(offset)-\(end - 1)/\(size)"
            let r = try send(HTTPRequest(method: "PUT", url: location, headers: [("Content-Range", range)], body: chunk), accept: [308])
            if r.status == 308, let got = r.headers["range"], let last = got.split(separator: "-").last.flatMap({ Int($0) }) {
                offset = last + 1
            } else {
                offset = end
            }
            progress(offset)
            if r.status != 308 { break }
        } while offset < size
    }
}
