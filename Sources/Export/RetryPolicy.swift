import Foundation

/// When and how long to wait before retrying a request: exponential backoff with full jitter.
///
/// Retried: network errors, HTTP 5xx, 429 and 403 `rateLimitExceeded` (`ExportError.isRetriable`).
/// Never retried: 403 `quotaExceeded`, any other 4xx, authentication failures.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included. Default: 6.
    public var maxAttempts: Int
    /// The delay ceiling of the first retry; it doubles each retry. Default: 0.5 s.
    public var baseDelay: Double
    /// The largest delay ceiling. Default: 32 s.
    public var maxDelay: Double
    /// Sleeps between attempts (replaced in tests to record delays).
    public var sleep: @Sendable (Double) -> Void

    public init(maxAttempts: Int = 6, baseDelay: Double = 0.5, maxDelay: Double = 32,
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
    }

    /// The delay before retry number `retry` (1-based): uniform in [ceiling/2, ceiling] where the
    /// ceiling is `baseDelay * 2^(retry-1)` capped at `maxDelay`.
    public func delay(beforeRetry retry: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(retry - 1)))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2))
    }

    /// Runs `body` until it succeeds, throws a non-retriable error, or `maxAttempts` are used up.
    /// - Parameter onRetry: told of each retriable failure before the wait.
    public func run<T>(onRetry: (ExportError, Int) -> Void = { _, _ in }, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let e as ExportError where e.isRetriable && attempt < maxAttempts {
                onRetry(e, attempt)
                sleep(delay(beforeRetry: attempt))
                attempt += 1
            }
        }
    }
}
