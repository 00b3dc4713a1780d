import Foundation

/// The one error type of the Dashboard module; every case names the place it failed.
public enum DashboardError: Error, CustomStringConvertible {
    /// A file or directory of the static build could not be written.
    case write(path: String, underlying: String)
    /// A query of a chart failed; `table` is the table it reads.
    case query(table: String, sql: String, underlying: String)
    /// The HTTP server could not start.
    case server(host: String, port: Int, underlying: String)

    public var description: String {
        switch self {
        case let .write(path, underlying):
            return "dashboard: cannot write \(path): \(underlying)"
        case let .query(table, sql, underlying):
            return "dashboard: query on \(table) failed: \(underlying) (SQL: \(sql))"
        case let .server(host, port, underlying):
            return "dashboard serve: cannot listen on \(host):\(port): \(underlying)"
        }
    }
}
