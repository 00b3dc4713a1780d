import Foundation

/// Every error of the Export module, with the place it happened and what the server said.
///
/// Messages never contain an access token, a refresh token or a private key: requests are described
/// by method and URL path only, and bodies of token endpoints are never quoted.
public enum ExportError: Error, CustomStringConvertible, Sendable {
    /// The server could not be reached, or the connection broke (curl's message). Retriable.
    case network(method: String, path: String, message: String)
    /// The API answered with an error status. `reason` is the first `errors[].reason` when given.
    case api(method: String, path: String, status: Int, reason: String?, message: String)
    /// Obtaining or refreshing credentials failed.
    case auth(String)
    /// The store's schema cannot be written into the existing BigQuery table.
    case incompatibleSchema(table: String, column: String, detail: String)
    /// A BigQuery job finished with errors; `errors` are the job's messages verbatim.
    case jobFailed(jobId: String, table: String?, errors: [String])
    /// insertAll rejected rows as invalid; `errors` name the row and the API's message.
    case invalidRows(table: String, errors: [String])
    /// Bad configuration (missing project, unreadable config file, ...).
    case configuration(String)
    /// A response that could not be understood.
    case badResponse(path: String, detail: String)
    /// A Cloud Storage object or bucket that does not exist, and similar.
    case storage(String)

    public var description: String {
        switch self {
        case let .network(method, path, message):
            return "network error on \(method) \(path): \(message)"
        case let .api(method, path, status, reason, message):
            return "\(method) \(path) failed: HTTP \(status)\(reason.map { " \($0)" } ?? ""): \(message)"
        case let .auth(m):
            return "credentials: \(m)"
        case let .incompatibleSchema(table, column, detail):
            return "table \(table), column \(column): \(detail); nothing was exported"
        case let .jobFailed(jobId, table, errors):
            return "BigQuery job \(jobId)\(table.map { " (table \($0))" } ?? "") failed:\n" + errors.map { "  " + $0 }.joined(separator: "\n")
        case let .invalidRows(table, errors):
            return "insertAll into \(table) rejected rows:\n" + errors.map { "  " + $0 }.joined(separator: "\n")
        case let .configuration(m):
            return m
        case let .badResponse(path, detail):
            return "unexpected response from \(path): \(detail)"
        case let .storage(m):
            return m
        }
    }

    /// True for errors worth retrying: network errors, 5xx, 429 and 403 rateLimitExceeded.
    /// Never 403 quotaExceeded, other 4xx or authentication failures.
    public var isRetriable: Bool {
        switch self {
        case .network: return true
        case let .api(_, _, status, reason, _):
            if status >= 500 || status == 429 { return true }
            if status == 403 { return reason == "rateLimitExceeded" }
            return false
        default: return false
        }
    }
}
