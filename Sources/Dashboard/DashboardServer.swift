import Dispatch
import Foundation
import Hummingbird
import Logging

/// `nq dashboard serve`: the dashboards and the JSON API over HTTP (Hummingbird), read live from
/// the store. Queries run on a queue of their own, off Swift's cooperative thread pool.
public struct DashboardServer {
    /// Server settings.
    public struct Configuration: Sendable {
        /// Address to listen on. Default: `127.0.0.1` (loopback only).
        public var host: String
        /// Port to listen on; 0 picks a free one (printed at start). Default: 8080.
        public var port: Int
        /// Seconds between refreshes of the real-time page. Default: 5.
        public var refreshSeconds: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, refreshSeconds: Int = 5) {
            self.host = host
            self.port = port
            self.refreshSeconds = refreshSeconds
        }
    }

    public let source: DashboardSource
    public let configuration: Configuration
    /// Queries block on disk and CPU: they run here, not on the cooperative pool.
    static let queue = DispatchQueue(label: "nq.dashboard.queries", attributes: .concurrent)

    public init(source: DashboardSource, configuration: Configuration) {
        self.source = source
        self.configuration = configuration
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in queue.async { c.resume(returning: work()) } }
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ r: DashboardAPI.Response) -> Response {
        Response(status: HTTPResponse.Status(code: r.status), headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: r.body)))
    }

    /// Reads the page filters from a request; nil and a message when one is invalid.
    static func pageFilters(_ request: Request, allowed: (countries: [String], plans: [String])?) -> (DashboardFilters?, String?) {
        var f = DashboardFilters()
        for (k, v) in request.uri.queryParameters {
            let key = String(k), value = String(v)
            if value.isEmpty { continue }
            switch key {
            case "country":
                guard let allowed, allowed.countries.contains(value) else { return (nil, "unknown country '\(value)'") }
                f.country = value
            case "plan":
                guard let allowed, allowed.plans.contains(value) else { return (nil, "unknown plan '\(value)'") }
                f.plan = value
            case "windows":
                guard let n = Int(value), n >= 1, n <= DashboardFilters.maxWindows else {
                    return (nil, "windows must be an integer from 1 to \(DashboardFilters.maxWindows), got '\(value)'")
                }
                f.windows = n
            default:
                return (nil, "unknown parameter '\(key)'")
            }
        }
        return (f, nil)
    }

    static func badRequest(_ message: String) -> Response {
        html("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bad request</title></head><body><h1>Bad request</h1><p>\(ValueFormat.html(message))</p><p><a href=\"index.html\">Dashboards</a></p></body></html>", status: .badRequest)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let source = self.source
        let mode = HTMLPage.Mode.server(refreshSeconds: configuration.refreshSeconds)
        let pages = DashboardPages(source: source)
        let api = DashboardAPI(source: source)
        for path in ["/", "/index.html"] {
            router.get(RouterPath(path)) { _, _ in
                await Self.offPool { Self.html(pages.index(source.snapshot(), mode: mode)) }
            }
        }
        router.get("/realtime.html") { request, _ in
            let (filters, error) = Self.pageFilters(request, allowed: nil)
            guard let filters else { return Self.badRequest(error ?? "bad request") }
            return await Self.offPool { Self.html(pages.realtime(source.snapshot(), filters: filters, mode: mode)) }
        }
        router.get("/historical.html") { request, _ in
            await Self.offPool {
                let snap = source.snapshot()
                let (filters, error) = Self.pageFilters(request, allowed: pages.filterValues(snap))
                guard let filters, filters.windows == DashboardFilters.defaultWindows else { return Self.badRequest(error ?? "windows applies to the real-time page") }
                return Self.html(pages.historical(snap, filters: filters, mode: mode))
            }
        }
        router.get("/api") { _, _ in await Self.offPool { Self.json(api.tables()) } }
        router.get("/api/:table") { request, context in
            let table = context.parameters.get("table") ?? ""
            let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            return await Self.offPool { Self.json(api.rows(table: table, query: query)) }
        }
        return router
    }

    /// Runs until SIGINT or SIGTERM. Prints `serving http://HOST:PORT/` once it listens.
    /// - Throws: `DashboardError.server` when the address cannot be bound.
    public func run() async throws {
        var logger = Logger(label: "nq.dashboard")
        logger.logLevel = .warning
        let host = configuration.host
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "nq"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? -1
                print("serving http://\(host):\(port)/ (store \(source.storePath)); Ctrl-C stops")
                fflush(stdout)
            },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            throw DashboardError.server(host: host, port: configuration.port, underlying: "\(error)")
        }
    }
}
