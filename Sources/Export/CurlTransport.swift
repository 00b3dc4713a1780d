import CCurl
import Foundation

/// The libcurl `HTTPTransport`: one easy handle (reused, so connections are kept alive), owned by this
/// object and freed in `deinit`. The only Swift file that imports CCurl.
///
/// `curl_easy_perform` blocks, so every transfer runs on this transport's own serial dispatch queue,
/// never on Swift's cooperative pool; `send` waits for it.
///
/// `@unchecked Sendable`: the handle is touched only on `queue`, which runs one transfer at a time.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let queue = DispatchQueue(label: "nq.export.curl")
    /// Seconds allowed to connect. Default: 30.
    public var connectTimeout = 30
    /// A transfer slower than 1 byte/s for this many seconds is abandoned (a network error). Default: 120.
    public var stallTimeout = 120

    /// libcurl's functions (opened on first use, see `libcurl`).
    private let curl: UnsafePointer<nq_curl_api>

    /// libcurl, opened with dlopen and initialised (`curl_global_init`) once per process, the first time a
    /// transport is made. nq does not link it, so that commands which never export do not pay for loading it
    /// and its dependencies at start-up (Sources/CCurl/shim.h). The table lives as long as the process.
    nonisolated(unsafe) private static let libcurl: Result<UnsafePointer<nq_curl_api>, ExportError> = {
        let api = UnsafeMutablePointer<nq_curl_api>.allocate(capacity: 1)
        if let message = nq_curl_load(api) {
            api.deallocate()
            return .failure(.configuration("libcurl (libcurl.so.4) could not be loaded: \(String(cString: message)); install the libcurl4 package"))
        }
        guard api.pointee.global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK else {
            return .failure(.configuration("curl_global_init failed"))
        }
        return .success(UnsafePointer(api))
    }()

    /// Creates a transport with a new curl easy handle (`curl_easy_init`).
    /// - Throws: `ExportError.configuration` when libcurl cannot be loaded or initialised.
    public init() throws {
        curl = try CurlTransport.libcurl.get()
        guard let h = curl.pointee.easy_init() else { throw ExportError.configuration("curl_easy_init failed") }
        handle = h
    }

    deinit { curl.pointee.easy_cleanup(handle) }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        try send(request, sink: nil)
    }

    public func send(_ request: HTTPRequest, streamingTo sink: @escaping (Data) throws -> Void) throws -> HTTPResponse {
        try send(request, sink: sink)
    }

    private func send(_ request: HTTPRequest, sink: ((Data) throws -> Void)?) throws -> HTTPResponse {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        queue.async {
            outcome.result = Result { try self.perform(request, sink: sink) }
            done.signal()
        }
        done.wait()
        return try outcome.result!.get()
    }

    /// The result of a transfer, handed from `queue` to the waiting caller.
    /// `@unchecked Sendable`: written once on `queue` before the semaphore is signalled, read after the wait.
    private final class Outcome: @unchecked Sendable {
        var result: Result<HTTPResponse, Error>?
    }

    /// Receives the body and header lines of one transfer (the `userdata` of curl's callbacks).
    private final class Transfer {
        var body = Data()
        var headers: [String: String] = [:]
        var sink: ((Data) throws -> Void)?
        var sinkError: Error?
        var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }
        var statusLine = ""
        init(sink: ((Data) throws -> Void)?) { self.sink = sink }
    }

    /// Runs one transfer on the calling thread (only ever on `queue`).
    private func perform(_ request: HTTPRequest, sink: ((Data) throws -> Void)?) throws -> HTTPResponse {
        curl.pointee.easy_reset(handle)
        let transfer = Transfer(sink: sink)
        let context = Unmanaged.passRetained(transfer)
        defer { context.release() }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl.pointee.slist_free_all(list) }
        for h in request.headers { list = curl.pointee.slist_append(list, "\(h.name): \(h.value)") }
        list = curl.pointee.slist_append(list, "Expect:")  // no 100-continue round trip

        func check(_ code: CURLcode, _ what: String) throws {
            if code != CURLE_OK {
                throw ExportError.network(method: request.method, path: request.path,
                                          message: "\(what): \(curl.pointee.easy_strerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)")")
            }
        }
        try check(nq_curl_setopt_string(curl, handle, CURLOPT_URL, request.url), "CURLOPT_URL")
        try check(nq_curl_setopt_slist(curl, handle, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")
        try check(nq_curl_setopt_long(curl, handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(nq_curl_setopt_long(curl, handle, CURLOPT_CONNECTTIMEOUT, connectTimeout), "CURLOPT_CONNECTTIMEOUT")
        try check(nq_curl_setopt_long(curl, handle, CURLOPT_LOW_SPEED_LIMIT, 1), "CURLOPT_LOW_SPEED_LIMIT")
        try check(nq_curl_setopt_long(curl, handle, CURLOPT_LOW_SPEED_TIME, stallTimeout), "CURLOPT_LOW_SPEED_TIME")
        try check(nq_curl_setopt_callback(curl, handle, CURLOPT_WRITEFUNCTION, { ptr, size, count, user in
            let t = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            guard n > 0, let ptr else { return n }
            let chunk = Data(bytes: ptr, count: n)
            if let sink = t.sink, t.status / 100 == 2 {
                do { try sink(chunk) } catch { t.sinkError = error; return 0 }
            } else {
                t.body.append(chunk)
            }
            return n
        }), "CURLOPT_WRITEFUNCTION")
        try check(nq_curl_setopt_pointer(curl, handle, CURLOPT_WRITEDATA, context.toOpaque()), "CURLOPT_WRITEDATA")
        try check(nq_curl_setopt_callback(curl, handle, CURLOPT_HEADERFUNCTION, { ptr, size, count, user in
            let t = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            guard let ptr else { return n }
            let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("HTTP/") {
                t.statusLine = line
                t.headers = [:]
            } else if let colon = line.firstIndex(of: ":") {
                t.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return n
        }), "CURLOPT_HEADERFUNCTION")
        try check(nq_curl_setopt_pointer(curl, handle, CURLOPT_HEADERDATA, context.toOpaque()), "CURLOPT_HEADERDATA")

        let code: CURLcode = try request.body.withUnsafeBytes { (body: UnsafeRawBufferPointer) -> CURLcode in
            if request.method == "GET" {
                try check(nq_curl_setopt_long(curl, handle, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
            } else {
                try check(nq_curl_setopt_long(curl, handle, CURLOPT_POST, 1), "CURLOPT_POST")
                try check(nq_curl_setopt_offset(curl, handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
                // curl reads the body during curl_easy_perform below, while `body` is still valid.
                try check(nq_curl_setopt_pointer(curl, handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)), "CURLOPT_POSTFIELDS")
                if request.method != "POST" {
                    try check(nq_curl_setopt_string(curl, handle, CURLOPT_CUSTOMREQUEST, request.method), "CURLOPT_CUSTOMREQUEST")
                }
            }
            return curl.pointee.easy_perform(handle)
        }
        if let e = transfer.sinkError { throw e }
        try check(code, "curl_easy_perform")
        var status = 0
        try check(nq_curl_getinfo_long(curl, handle, CURLINFO_RESPONSE_CODE, &status), "CURLINFO_RESPONSE_CODE")
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
    }
}
