import ColumnStore
import Query

/// The historical-trends dashboard, from the batch tables (`nq batch`).
struct HistoricalDashboard {
    let snap: DashboardSource.Snapshot
    let filters: DashboardFilters

    static let title = "Historical trends"
    /// How many genres the genre charts show (the most watched by total minutes).
    static let topGenres = 8
    static let noRun = "No batch run yet: run `nq batch` to build it."

    /// `where` clause and parameters for the country and plan filters over a table that has both columns.
    func segmentFilter() -> (String, [String: Value]) {
        var clauses: [String] = [], params: [String: Value] = [:]
        if let c = filters.country { clauses.append("country = @country"); params["country"] = .string(c) }
        if let p = filters.plan { clauses.append("subscription_plan = @plan"); params["plan"] = .string(p) }
        return (clauses.isEmpty ? "" : "where " + clauses.joined(separator: " and "), params)
    }

    var filterNote: String? {
        let parts = [filters.country.map { "country \($0)" }, filters.plan.map { "plan \($0)" }].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    func freshness(_ table: String, filtered: Bool) -> String {
        let run = snap.lastRun().map { "last batch run \($0) UTC" } ?? "no successful batch run recorded"
        let scope = filtered ? (filterNote.map { " · \($0)" } ?? " · all countries and plans") : " · not split by country or plan"
        return "Source: \(table) · \(run)\(scope)"
    }

    func specs() -> [ChartSpec] {
        let (seg, params) = segmentFilter()
        let me = "monthly_engagement"
        func lineChart(_ id: String, _ title: String, _ y: String, _ table: String, filtered: Bool, style: Chart.ValueStyle = .number) -> Chart {
            Chart(id: id, title: title, kind: .line, xScale: .month, xLabel: "month (UTC)", yLabel: y, series: [],
                  valueFormat: style, freshness: freshness(table, filtered: filtered))
        }
        let grouped: (inout Chart, QueryResult) -> Void = { c, r in c.series = ChartData.grouped(r, label: ChartData.month) }
        var specs: [ChartSpec] = []
        specs.append(ChartSpec(
            chart: lineChart("mau-by-plan", "Monthly active users per plan", "active users (users per month)", me, filtered: true),
            table: me, columns: ["month", "subscription_plan", "active_users"],
            sql: "select month, subscription_plan, sum(active_users) as active_users from monthly_engagement \(seg) group by 1, 2 order by 1, 2",
            parameters: params, missingMessage: Self.noRun, fill: grouped))
        specs.append(ChartSpec(
            chart: lineChart("mau-by-country", "Monthly active users per country", "active users (users per month)", me, filtered: true),
            table: me, columns: ["month", "country", "active_users"],
            sql: "select month, country, sum(active_users) as active_users from monthly_engagement \(seg) group by 1, 2 order by 1, 2",
            parameters: params, missingMessage: Self.noRun, fill: grouped))
        specs.append(ChartSpec(
            chart: Chart(id: "retention-cohorts", title: "Retention by signup cohort", kind: .heatmap, xScale: .category,
                         xLabel: "months since signup (months)", yLabel: "signup cohort (month)", series: [],
                         valueFormat: .percent, freshness: freshness("cohort_retention", filtered: false)),
            table: "cohort_retention", columns: ["cohort_month", "months_since_signup", "retention_rate"],
            sql: "select cohort_month, months_since_signup, retention_rate from cohort_retention where retention_rate is not null order by 1, 2",
            missingMessage: Self.noRun, fill: { c, r in Self.fillHeatmap(&c, r) }))
        var churn = Chart(id: "churn-by-segment", title: "Churn by plan and country", kind: .groupedBars, xScale: .category,
                          xLabel: "country", yLabel: "churn rate (% of users inactive)", series: [],
                          valueFormat: .percent, freshness: freshness("churn_by_segment", filtered: true))
        churn.categories = []
        specs.append(ChartSpec(
            chart: churn, table: "churn_by_segment", columns: ["country", "subscription_plan", "churn_rate"],
            sql: "select country, subscription_plan, churn_rate from churn_by_segment \(seg) order by 1, 2",
            parameters: params, missingMessage: Self.noRun, fill: { c, r in Self.fillGroupedBars(&c, r) }))
        specs.append(ChartSpec(
            chart: lineChart("skip-rate", "Skip and completion rate", "share of sessions (%)", me, filtered: true, style: .percent),
            table: me, columns: ["month", "sessions", "skip_rate", "completion_rate"],
            sql: """
                select month, 'skip rate' as series, safe_divide(sum(skip_rate * sessions), sum(sessions)) as rate from monthly_engagement \(seg) group by 1
                union all
                select month, 'completion rate' as series, safe_divide(sum(completion_rate * sessions), sum(sessions)) as rate from monthly_engagement \(seg) group by 1
                order by 1, 2
                """,
            parameters: params, missingMessage: Self.noRun, fill: grouped))
        specs.append(ChartSpec(
            chart: lineChart("watch-duration", "Average watch duration per session", "watch time (minutes per session)", me, filtered: true, style: .minutes),
            table: me, columns: ["month", "sessions", "total_watch_minutes"],
            sql: "select month, safe_divide(sum(total_watch_minutes), sum(sessions)) as minutes from monthly_engagement \(seg) group by 1 order by 1",
            parameters: params, missingMessage: Self.noRun,
            fill: { c, r in c.series = [ChartData.single(r, name: "avg minutes per session", label: ChartData.month)] }))
        let top = """
            with top_genres as (select genre_primary from genre_monthly group by genre_primary
                                order by sum(total_watch_minutes) desc, genre_primary limit \(Self.topGenres))
            """
        specs.append(ChartSpec(
            chart: lineChart("genre-rating", "Average rating of the \(Self.topGenres) most watched genres", "average rating (1–5 stars)", "genre_monthly", filtered: false),
            table: "genre_monthly", columns: ["month", "genre_primary", "avg_rating", "total_watch_minutes"],
            sql: "\(top) select month, genre_primary, avg_rating from genre_monthly where genre_primary in (select genre_primary from top_genres) and avg_rating is not null order by 1, 2",
            missingMessage: Self.noRun, fill: grouped))
        specs.append(ChartSpec(
            chart: lineChart("genre-minutes", "Watch minutes of the \(Self.topGenres) most watched genres", "watch time (minutes per month)", "genre_monthly", filtered: false),
            table: "genre_monthly", columns: ["month", "genre_primary", "total_watch_minutes"],
            sql: "\(top) select month, genre_primary, total_watch_minutes from genre_monthly where genre_primary in (select genre_primary from top_genres) and total_watch_minutes is not null order by 1, 2",
            missingMessage: Self.noRun, fill: grouped))
        return specs
    }

    func charts() -> [Chart] { specs().map { $0.build(snap, filterNote: filterNote) } }

    /// Rows (cohort_month, months_since_signup, rate): one series per cohort, one column per month offset.
    static func fillHeatmap(_ c: inout Chart, _ r: QueryResult) {
        var offsets = Set<Int64>()
        for row in 0..<r.rowCount { if case .int64(let m) = r.value(row: row, column: 1) { offsets.insert(m) } }
        let sorted = offsets.sorted()
        let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
        c.categories = sorted.map(String.init)
        var order: [String] = [], points: [String: [Point]] = [:]
        for row in 0..<r.rowCount {
            guard case .int64(let m) = r.value(row: row, column: 1), let y = ValueFormat.number(r.value(row: row, column: 2)) else { continue }
            let name = ChartData.month(r.value(row: row, column: 0))
            if points[name] == nil { order.append(name); points[name] = [] }
            points[name]!.append(Point(x: Double(index[m]!), y: y, label: String(m)))
        }
        c.series = order.map { Series(name: $0, points: points[$0]!) }
    }

    /// Rows (country, plan, rate): categories are countries, one series per plan.
    static func fillGroupedBars(_ c: inout Chart, _ r: QueryResult) {
        var cats: [String] = []
        for row in 0..<r.rowCount {
            if let s = ValueFormat.text(r.value(row: row, column: 0)), !cats.contains(s) { cats.append(s) }
        }
        cats.sort()
        let index = Dictionary(uniqueKeysWithValues: cats.enumerated().map { ($1, $0) })
        var points: [String: [Point]] = [:]
        for row in 0..<r.rowCount {
            guard let country = ValueFormat.text(r.value(row: row, column: 0)), let y = ValueFormat.number(r.value(row: row, column: 2)) else { continue }
            let plan = ValueFormat.text(r.value(row: row, column: 1)) ?? "(none)"
            points[plan, default: []].append(Point(x: Double(index[country]!), y: y, label: country))
        }
        c.categories = cats
        c.series = points.keys.sorted().map { Series(name: $0, points: points[$0]!) }
    }
}
