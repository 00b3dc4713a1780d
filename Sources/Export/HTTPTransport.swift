import Foundation

/// One HTTP request, as the BigQuery and Cloud Storage clients build it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header fields in order; names are case-insensitive.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The URL's path (without the query), for error messages.
    public var path: String { URLComponents(string: url)?.path ?? url }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields with lowercased names.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends HTTP requests. `CurlTransport` is the real one (libcurl); tests substitute a fake.
///
/// Implementations block the calling thread until the response has arrived (curl runs on its own
/// queue, never on Swift's cooperative pool); a failure to reach the server at all (refused,
/// reset, timed out) throws `ExportError.network`, which `RetryPolicy` retries.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) throws -> HTTPResponse

    /// Sends `request` and hands the response body to `sink` piece by piece as it arrives, instead of
    /// keeping it in memory. The returned response's `body` is empty when the status is 2xx.
    func send(_ request: HTTPRequest, streamingTo sink: @escaping (Data) throws -> Void) throws -> HTTPResponse
}

extension HTTPTransport {
    public func send(_ request: HTTPRequest, streamingTo sink: @escaping (Data) throws -> Void) throws -> HTTPResponse {
        let r = try send(request)
        if r.isSuccess { try sink(r.body); return HTTPResponse(status: r.status, headers: r.headers) }
        return r
    }
}
