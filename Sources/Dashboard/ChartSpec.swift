import ColumnStore
import Query

/// How a dashboard turns one query on one table into a chart, or into an explanation when the table
/// is missing, empty, filtered to nothing or unreadable. A page never fails as a whole.
struct ChartSpec {
    var chart: Chart
    /// The table the chart reads and the columns it needs.
    var table: String
    var columns: [String]
    var sql: String
    var parameters: [String: Value] = [:]
    /// What to say when the table is missing or empty.
    var missingMessage: String
    /// Fills `chart.series` (and categories) from the result.
    var fill: (inout Chart, QueryResult) -> Void

    func build(_ snap: DashboardSource.Snapshot, filterNote: String?) -> Chart {
        var c = chart
        guard snap.table(table) != nil else { c.emptyMessage = missingMessage; return c }
        guard snap.has(table, columns: columns) else {
            c.emptyMessage = "\(table) lacks a column this chart needs (\(columns.joined(separator: ", "))): rebuild it with the current nq."
            return c
        }
        guard snap.rows(table) > 0 else { c.emptyMessage = "\(table) is empty. " + missingMessage; return c }
        do {
            let r = try snap.query(sql, table: table, parameters: parameters)
            fill(&c, r)
            if c.series.allSatisfy({ $0.points.isEmpty }) {
                c.series = []
                c.emptyMessage = "No rows in \(table)" + (filterNote.map { " for \($0)" } ?? "") + "."
            }
        } catch {
            c.series = []
            c.emptyMessage = "Cannot read \(table): \(error)"
        }
        return c
    }
}
