import Foundation
import ColumnStore

/// One row for tabledata.insertAll: its JSON object and a deterministic insertId (BigQuery drops a
/// row whose insertId it saw in the last minute or so, which makes a resent request harmless).
public struct InsertAllRow: Sendable {
    public var insertId: String
    public var json: [UInt8]

    public init(insertId: String, json: [UInt8]) {
        self.insertId = insertId
        self.json = json
    }
}

/// The request limits of tabledata.insertAll. Defaults: 500 rows, 9,000,000 bytes (under the API's 10 MB).
public struct InsertAllLimits: Sendable {
    public var maxRows: Int
    public var maxBytes: Int
    public init(maxRows: Int = 500, maxBytes: Int = 9_000_000) {
        self.maxRows = maxRows
        self.maxBytes = maxBytes
    }
}

extension BigQueryClient {
    static let insertAllPrefix = Array("{\"skipInvalidRows\":false,\"ignoreUnknownValues\":false,\"rows\":[".utf8)
    static let insertAllSuffix = Array("]}".utf8)

    static func encodeInsertAllEntry(_ row: InsertAllRow) -> [UInt8] {
        Array("{\"insertId\":\(JSONText.quoted(row.insertId)),\"json\":".utf8) + row.json + [UInt8(ascii: "}")]
    }

    /// Appends `rows` to a table with tabledata.insertAll, in requests of at most `limits.maxRows` rows
    /// and `limits.maxBytes` bytes. The `insertErrors` of each response are read row by row: rows
    /// marked only `stopped` (not themselves at fault) are sent again; rows marked `invalid` (or any
    /// other reason) are reported.
    /// - Parameter confirmed: called after each request with the number of leading rows of `rows` now
    ///   confirmed (every row up to it was accepted), so a caller can record progress.
    /// - Returns: the number of insertAll requests sent (retries of one request not counted).
    /// - Throws: `ExportError.invalidRows` naming each rejected row's insertId, reason and message,
    ///   after the other rows of its request have been sent (later requests are not sent);
    ///   `ExportError.api` when a request fails.
    @discardableResult
    public func insertAll(_ dataset: String, _ table: String, rows: [InsertAllRow], limits: InsertAllLimits = InsertAllLimits(),
                          confirmed: (Int) -> Void = { _ in }) throws -> Int {
        let url = config.endpoint + tablePath(dataset, table) + "/insertAll"
        let entries = rows.map(Self.encodeInsertAllEntry)
        let overhead = Self.insertAllPrefix.count + Self.insertAllSuffix.count
        var requests = 0
        var start = 0
        var invalid: [String] = []
        while start < rows.count {
            // Cut a batch at the row limit or before the byte limit.
            var end = start, size = overhead
            while end < rows.count, end - start < limits.maxRows {
                let add = entries[end].count + (end > start ? 1 : 0)
                if end > start && size + add > limits.maxBytes { break }
                size += add
                end += 1
            }
            if size > limits.maxBytes {
                throw ExportError.invalidRows(table: table, errors: ["row \(rows[start].insertId): \(entries[start].count) bytes, more than an insertAll request may carry (\(limits.maxBytes))"])
            }
            var pending = Array(start..<end)
            while !pending.isEmpty {
                var body = Self.insertAllPrefix
                for (k, i) in pending.enumerated() {
                    if k > 0 { body.append(UInt8(ascii: ",")) }
                    body += entries[i]
                }
                body += Self.insertAllSuffix
                let request = HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json; charset=UTF-8")], body: Data(body))
                let response = try send(request)
                requests += 1
                let obj = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
                var stopped: [Int] = []
                for e in (obj["insertErrors"] as? [[String: Any]]) ?? [] {
                    guard let index = (e["index"] as? NSNumber)?.intValue, index >= 0, index < pending.count else { continue }
                    let errors = (e["errors"] as? [[String: Any]]) ?? []
                    let reasons = errors.map { ($0["reason"] as? String) ?? "" }
                    if !reasons.isEmpty && reasons.allSatisfy({ $0 == "stopped" }) {
                        stopped.append(pending[index])
                    } else {
                        invalid.append("row \(rows[pending[index]].insertId): " + errors.map(Self.describeError).joined(separator: "; "))
                    }
                }
                if stopped.count == pending.count && invalid.isEmpty {
                    throw ExportError.badResponse(path: request.path, detail: "every row was marked stopped and none invalid")
                }
                pending = stopped
            }
            // Rows after a batch with invalid rows are not sent, so that `confirmed` stays a prefix.
            if !invalid.isEmpty { throw ExportError.invalidRows(table: table, errors: invalid) }
            confirmed(end)
            start = end
        }
        return requests
    }
}
