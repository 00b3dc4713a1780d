import ColumnStore
import Foundation
import Query

/// The JSON API of `nq dashboard serve`: `GET /api/<table>?from=&to=&country=&plan=&limit=`.
///
/// Only the tables of `APITable.all` are served (404 otherwise). Every parameter is checked before
/// any query runs (400 with a JSON message otherwise): `from` and `to` are dates `YYYY-MM-DD`,
/// `country` and `plan` must be values present in the table, `limit` is 1...100000. Values reach
/// the query engine only as bound `@parameters`; no request text becomes SQL.
public struct DashboardAPI {
    public let source: DashboardSource
    public static let defaultLimit = 10_000
    public static let maxLimit = 100_000
    static let allowedParameters = ["from", "to", "country", "plan", "limit"]

    public init(source: DashboardSource) {
        self.source = source
    }

    /// An HTTP status and a JSON body.
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var body: String
    }

    static func error(_ status: Int, _ message: String) -> Response {
        Response(status: status, body: "{\"error\":\(ValueFormat.jsonString(message)),\"status\":\(status)}")
    }

    /// `GET /api`: the tables served and the filters each accepts.
    public func tables() -> Response {
        let snap = source.snapshot()
        let items = APITable.all.map { t -> String in
            var filters: [String] = []
            if t.timeColumn != nil { filters += ["from", "to"] }
            if t.hasCountry { filters.append("country") }
            if t.hasPlan { filters.append("plan") }
            return "{\"table\":\(ValueFormat.jsonString(t.name)),\"rows\":\(snap.rows(t.name)),\"exists\":\(snap.table(t.name) != nil),\"filters\":[\(filters.map(ValueFormat.jsonString).joined(separator: ","))]}"
        }
        return Response(status: 200, body: "{\"tables\":[\(items.joined(separator: ","))]}")
    }

    /// `GET /api/<table>` with the request's query items (name, value) in order.
    public func rows(table name: String, query: [(String, String)]) -> Response {
        guard let table = APITable.byName[name] else {
            return Self.error(404, "unknown table '\(name)'; the API serves: \(APITable.all.map(\.name).joined(separator: ", "))")
        }
        var values: [String: String] = [:]
        for (k, v) in query {
            guard Self.allowedParameters.contains(k) else {
                return Self.error(400, "unknown parameter '\(k)'; allowed: \(Self.allowedParameters.joined(separator: ", "))")
            }
            guard values[k] == nil else { return Self.error(400, "parameter '\(k)' given twice") }
            values[k] = v
        }
        for k in ["from", "to", "country", "plan", "limit"] where values[k] == "" { values[k] = nil }
        var from: Int32?, to: Int32?
        for (k, slot) in [("from", 0), ("to", 1)] {
            guard let text = values[k] else { continue }
            guard table.timeColumn != nil else { return Self.error(400, "table \(table.name) has no time column: '\(k)' does not apply") }
            guard let days = Self.parseDate(text) else { return Self.error(400, "'\(k)' must be a date YYYY-MM-DD, got '\(text)'") }
            if slot == 0 { from = days } else { to = days }
        }
        if let from, let to, from > to { return Self.error(400, "'from' (\(values["from"]!)) is after 'to' (\(values["to"]!))") }
        var limit = Self.defaultLimit
        if let text = values["limit"] {
            guard let n = Int(text), n >= 1, n <= Self.maxLimit else {
                return Self.error(400, "'limit' must be an integer from 1 to \(Self.maxLimit), got '\(text)'")
            }
            limit = n
        }
        if values["country"] != nil, !table.hasCountry { return Self.error(400, "table \(table.name) has no country column: 'country' does not apply") }
        if values["plan"] != nil, !table.hasPlan { return Self.error(400, "table \(table.name) has no subscription_plan column: 'plan' does not apply") }

        let snap = source.snapshot()
        guard let info = snap.table(table.name), info.rows > 0 else {
            let why = snap.table(table.name) == nil ? "does not exist yet" : "is empty"
            return Response(status: 200, body: "{\"table\":\(ValueFormat.jsonString(table.name)),\"row_count\":0,\"rows\":[],\"note\":\(ValueFormat.jsonString("\(table.name) \(why): run `\(table.producer)`"))}")
        }
        var clauses: [String] = [], params: [String: Value] = [:]
        for (k, column) in [("country", "country"), ("plan", "subscription_plan")] {
            guard let v = values[k] else { continue }
            let known = snap.distinctStrings(table.name, column)
            guard known.contains(v) else {
                return Self.error(400, "unknown \(k) '\(v)'; \(table.name) has: \(known.joined(separator: ", "))")
            }
            clauses.append("\(column) = @\(k)")
            params[k] = .string(v)
        }
        if let column = table.timeColumn {
            switch table.timeType {
            case .date:
                if let from { clauses.append("\(column) >= @from"); params["from"] = .date(from) }
                if let to { clauses.append("\(column) <= @to"); params["to"] = .date(to) }
            case .timestamp:
                if let from { clauses.append("\(column) >= @from"); params["from"] = .timestamp(Int64(from) * CivilTime.microsPerDay) }
                if let to { clauses.append("\(column) < @to_next_day"); params["to_next_day"] = .timestamp(Int64(to + 1) * CivilTime.microsPerDay) }
            }
        }
        params["limit"] = .int64(Int64(limit) + 1)  // one more than returned: tells whether rows were cut
        let present = Set(info.schema.columns.map { $0.name.lowercased() })
        let order = table.orderBy.filter { present.contains($0) }
        let sql = "select * from \(table.name)" + (clauses.isEmpty ? "" : " where " + clauses.joined(separator: " and "))
            + (order.isEmpty ? "" : " order by " + order.map { "`\($0)`" }.joined(separator: ", ")) + " limit @limit"
        do {
            let r = try snap.query(sql, table: table.name, parameters: params)
            return Response(status: 200, body: Self.encode(table: table.name, result: r, limit: limit, snap: snap, filters: values))
        } catch {
            return Self.error(500, "\(error)")
        }
    }

    /// A strict `YYYY-MM-DD` calendar date, as days since 1970-01-01.
    static func parseDate(_ s: String) -> Int32? {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard digits.allSatisfy({ u[$0] >= UInt8(ascii: "0") && u[$0] <= UInt8(ascii: "9") }) else { return nil }
        guard let y = Int(s.prefix(4)), let m = Int(s.dropFirst(5).prefix(2)), let d = Int(s.suffix(2)),
              m >= 1, m <= 12, d >= 1, d <= CivilTime.daysInMonth(year: y, month: m) else { return nil }
        return CivilTime.days(year: y, month: m, day: d)
    }

    /// The JSON answer: at most `limit` rows; `truncated` says whether the query had more.
    static func encode(table: String, result r: QueryResult, limit: Int, snap: DashboardSource.Snapshot, filters: [String: String]) -> String {
        let count = min(r.rowCount, limit)
        var s = "{\"table\":\(ValueFormat.jsonString(table)),\"filters\":{"
        s += filters.keys.sorted().map { "\(ValueFormat.jsonString($0)):\(ValueFormat.jsonString(filters[$0]!))" }.joined(separator: ",")
        s += "},\"columns\":["
        s += zip(r.columnNames, r.types).map { "{\"name\":\(ValueFormat.jsonString($0)),\"type\":\"\($1.rawValue)\"}" }.joined(separator: ",")
        s += "],\"row_count\":\(count),\"limit\":\(limit),\"truncated\":\(r.rowCount > limit),\"rows\":["
        var rows: [String] = []
        rows.reserveCapacity(count)
        let names = r.columnNames.map(ValueFormat.jsonString)
        for row in 0..<count {
            rows.append("{" + names.enumerated().map { "\($1):\(ValueFormat.json(r.value(row: row, column: $0)))" }.joined(separator: ",") + "}")
        }
        s += rows.joined(separator: ",") + "],\"freshness\":{"
        s += "\"last_run\":\(snap.lastRun().map(ValueFormat.jsonString) ?? "null"),\"last_window\":\(snap.lastWindow().map(ValueFormat.jsonString) ?? "null")}}"
        return s
    }
}
