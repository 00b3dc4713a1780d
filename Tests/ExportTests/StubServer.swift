import Export
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 server for tests: one thread accepts connections on 127.0.0.1 (a free port),
/// reads each request (Content-Length bodies), answers it with `handler` and closes the connection.
/// Every request is recorded, in order.
final class StubServer: @unchecked Sendable {  // mutable state lives in `Connections`, guarded by its lock
    let port: Int
    private let fd: Int32
    private let connections: Connections
    private var stopped = false

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: [HTTPRequest] { connections.requests }

    init(handler: @escaping (HTTPRequest) -> HTTPResponse) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(sock, 16) == 0 else { close(sock); throw ExportError.configuration("stub server: bind/listen failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        fd = sock
        let connections = Connections(port: port, handler: handler)
        self.connections = connections
        // The thread holds the connections object and the descriptor, never `self`.
        Thread { connections.serve(sock) }.start()
    }

    /// Shuts the listening socket down: the accept thread wakes, closes it and ends. (Closing it here
    /// could let a new socket of another test reuse the descriptor number while the thread still
    /// calls accept on it.)
    func stop() {
        if stopped { return }
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))
    }

    deinit { stop() }
}

/// The accept loop and the record of requests.
private final class Connections: @unchecked Sendable {  // `recorded` guarded by `lock`; handler runs on the accept thread only
    let port: Int
    let handler: (HTTPRequest) -> HTTPResponse
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []

    init(port: Int, handler: @escaping (HTTPRequest) -> HTTPResponse) {
        self.port = port
        self.handler = handler
    }

    var requests: [HTTPRequest] { lock.lock(); defer { lock.unlock() }; return recorded }

    func serve(_ fd: Int32) {
        defer { close(fd) }
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { if errno == EINTR { continue }; return }
            handle(c)
            close(c)
        }
    }

    private func readSome(_ c: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    private func handle(_ c: Int32) {
        var buffer: [UInt8] = []
        let marker: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            guard readSome(c, into: &buffer) else { return }
            if buffer.count >= 4 {
                for i in 0...(buffer.count - 4) where Array(buffer[i..<(i + 4)]) == marker { headerEnd = i; break }
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let first = head[0].split(separator: " ")
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length { guard readSome(c, into: &buffer) else { return } }
        let request = HTTPRequest(method: String(first[0]), url: "http://127.0.0.1:\(port)" + String(first[1]), headers: headers,
                                  body: Data(buffer[bodyStart..<(bodyStart + length)]))
        lock.lock()
        recorded.append(request)
        lock.unlock()
        let response = handler(request)
        if response.status == 0 { return }  // status 0: drop the connection without answering
        var out = "HTTP/1.1 \(response.status) Stub\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (k, v) in response.headers { out += "\(k): \(v)\r\n" }
        out += "\r\n"
        let bytes = Array(out.utf8) + Array(response.body)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}

extension HTTPRequest {
    /// The body parsed as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    /// The query items of the URL.
    var query: [String: String] {
        Dictionary((URLComponents(string: url)?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }
}

/// A JSON response.
func jsonResponse(_ status: Int, _ object: Any, headers: [String: String] = [:]) -> HTTPResponse {
    HTTPResponse(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                 body: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
}

/// A Google API error response.
func apiError(_ status: Int, reason: String, message: String) -> HTTPResponse {
    jsonResponse(status, ["error": ["code": status, "message": message, "errors": [["reason": reason, "message": message]]]])
}

/// A loopback port bound but not listening, so that connections to it are refused while no other
/// test can take it.
final class ReservedPort {
    let port: Int
    private let fd: Int32

    init() throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) == 0 && getsockname(sock, $0, &len) == 0 }
        }
        guard ok else { _ = Glibc.close(sock); throw ExportError.configuration("cannot reserve a loopback port") }
        port = Int(UInt16(bigEndian: addr.sin_port))
        fd = sock
    }

    func close() { _ = Glibc.close(fd) }
}
