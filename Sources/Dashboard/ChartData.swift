import ColumnStore
import Query

/// Turns query results into chart series.
enum ChartData {
    /// Rows of (x, series name, y) into one series per name, in order of the names; rows with a NULL
    /// x or y are left out.
    static func grouped(_ r: QueryResult, label: (Value) -> String = { ValueFormat.text($0) ?? "" }) -> [Series] {
        var order: [String] = []
        var points: [String: [Point]] = [:]
        for row in 0..<r.rowCount {
            let xv = r.value(row: row, column: 0)
            guard let x = ValueFormat.number(xv), let y = ValueFormat.number(r.value(row: row, column: 2)) else { continue }
            let name = ValueFormat.text(r.value(row: row, column: 1)) ?? "(none)"
            if points[name] == nil { order.append(name); points[name] = [] }
            points[name]!.append(Point(x: x, y: y, label: label(xv)))
        }
        return order.sorted().map { Series(name: $0, points: points[$0]!) }
    }

    /// Rows of (x, y) into one series.
    static func single(_ r: QueryResult, name: String, label: (Value) -> String = { ValueFormat.text($0) ?? "" }) -> Series {
        var pts: [Point] = []
        for row in 0..<r.rowCount {
            let xv = r.value(row: row, column: 0)
            guard let x = ValueFormat.number(xv), let y = ValueFormat.number(r.value(row: row, column: 1)) else { continue }
            pts.append(Point(x: x, y: y, label: label(xv)))
        }
        return Series(name: name, points: pts)
    }

    /// Rows of (category, y) into one series of category-indexed points (for bars).
    static func categories(_ r: QueryResult, name: String) -> (Series, [String]) {
        var pts: [Point] = [], cats: [String] = []
        for row in 0..<r.rowCount {
            guard let c = ValueFormat.text(r.value(row: row, column: 0)), let y = ValueFormat.number(r.value(row: row, column: 1)) else { continue }
            pts.append(Point(x: Double(cats.count), y: y, label: c))
            cats.append(c)
        }
        return (Series(name: name, points: pts), cats)
    }

    /// Month label `YYYY-MM` of a DATE value.
    static func month(_ v: Value) -> String { String((ValueFormat.text(v) ?? "").prefix(7)) }
}
