import ColumnStore
import Foundation
import Query

/// Read access to a store for the dashboards: opens it afresh for every page or API call (so a
/// running `nq consume` or `nq batch` shows up at the next refresh) and never creates it.
public final class DashboardSource: @unchecked Sendable {
    // @unchecked: holds only an immutable path; every call opens its own Store.
    public let storePath: String

    public init(storePath: String) {
        self.storePath = storePath
    }

    /// One opened snapshot of the store; `nil` store means the directory holds no store yet.
    public final class Snapshot {
        let store: Store?
        let engine: QueryEngine?
        let storePath: String
        private var infos: [String: TableInfo?] = [:]

        init(storePath: String) {
            self.storePath = storePath
            let catalog = (storePath as NSString).appendingPathComponent("catalog.sqlite")
            if FileManager.default.fileExists(atPath: catalog), let s = try? Store(path: storePath, create: false) {
                store = s
                engine = QueryEngine(store: s)
            } else {
                store = nil
                engine = nil
            }
        }

        /// The table's catalog entry, or nil when it does not exist.
        public func table(_ name: String) -> TableInfo? {
            if let cached = infos[name] { return cached }
            let info = (try? store?.tableIfExists(name)) ?? nil
            infos[name] = info
            return info
        }

        /// Rows of a table; 0 when it is missing.
        public func rows(_ name: String) -> Int { table(name)?.rows ?? 0 }

        /// Whether the table exists and has every named column.
        public func has(_ name: String, columns: [String]) -> Bool {
            guard let t = table(name) else { return false }
            let present = Set(t.schema.columns.map { $0.name.lowercased() })
            return columns.allSatisfy { present.contains($0.lowercased()) }
        }

        /// Runs one SELECT with bound parameters.
        /// - Throws: `DashboardError.query` naming the table and the SQL.
        public func query(_ sql: String, table: String, parameters: [String: Value] = [:]) throws -> QueryResult {
            guard let engine else { throw DashboardError.query(table: table, sql: sql, underlying: "no store at \(storePath)") }
            do {
                guard let r = try engine.execute(sql, parameters: parameters).last else {
                    throw DashboardError.query(table: table, sql: sql, underlying: "no result")
                }
                return r
            } catch let e as DashboardError {
                throw e
            } catch {
                throw DashboardError.query(table: table, sql: sql, underlying: "\(error)")
            }
        }

        /// Distinct non-null values of a STRING column, sorted; empty when the table or column is missing.
        public func distinctStrings(_ table: String, _ column: String) -> [String] {
            guard has(table, columns: [column]) else { return [] }
            // Identifiers come from fixed allow-lists in this module, never from a request.
            guard let r = try? query("select distinct \(column) from \(table) where \(column) is not null order by 1", table: table) else { return [] }
            return (0..<r.rowCount).compactMap { if case .string(let s) = r.value(row: $0, column: 0) { return s } else { return nil } }
        }

        /// The batch's "last run": max(ended_at) of `_runs` where status = 'succeeded', formatted.
        public func lastRun() -> String? {
            guard has("_runs", columns: ["ended_at", "status"]) else { return nil }
            let r = try? query("select max(ended_at) from _runs where status = @status", table: "_runs", parameters: ["status": .string("succeeded")])
            return r.flatMap { $0.rowCount > 0 ? ValueFormat.text($0.value(row: 0, column: 0)) : nil }
        }

        /// The stream's "last window": max(window_end) of `rt_engagement`, formatted.
        public func lastWindow() -> String? {
            guard has("rt_engagement", columns: ["window_end"]) else { return nil }
            let r = try? query("select max(window_end) from rt_engagement", table: "rt_engagement")
            return r.flatMap { $0.rowCount > 0 ? ValueFormat.text($0.value(row: 0, column: 0)) : nil }
        }
    }

    /// Opens a snapshot of the store (a missing store reads as one without tables).
    public func snapshot() -> Snapshot { Snapshot(storePath: storePath) }
}
