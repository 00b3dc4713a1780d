import ColumnStore
import Query

/// The real-time engagement dashboard, from the stream's `rt_` tables (`nq consume`), over the
/// latest `filters.windows` windows of `rt_engagement`.
struct RealtimeDashboard {
    let snap: DashboardSource.Snapshot
    let filters: DashboardFilters

    static let title = "Real-time engagement"
    static let noStream = "No stream windows yet: run `nq consume` to fill it."
    static let topN = 10

    /// The first window_start of the latest `windows` windows, or nil when there are none.
    func since() -> Value? {
        guard snap.has("rt_engagement", columns: ["window_start"]), snap.rows("rt_engagement") > 0 else { return nil }
        let r = try? snap.query(
            "select min(window_start) from (select distinct window_start from rt_engagement order by window_start desc limit @windows)",
            table: "rt_engagement", parameters: ["windows": .int64(Int64(filters.windows))])
        guard let r, r.rowCount == 1 else { return nil }
        let v = r.value(row: 0, column: 0)
        return v.isNull ? nil : v
    }

    func freshness(_ table: String) -> String {
        let last = snap.lastWindow().map { "last window ended \($0) UTC" } ?? "no window yet"
        return "Source: \(table) · \(last) · latest \(filters.windows) windows"
    }

    func specs() -> [ChartSpec] {
        let params: [String: Value] = ["since": since() ?? .timestamp(Int64.min / 2)]
        func chart(_ id: String, _ title: String, _ kind: Chart.Kind, _ y: String, _ table: String, style: Chart.ValueStyle = .number) -> Chart {
            Chart(id: id, title: title, kind: kind, xScale: kind == .bars ? .category : .time,
                  xLabel: kind == .bars ? y : "window start (UTC)", yLabel: kind == .bars ? "" : y, series: [],
                  valueFormat: style, freshness: freshness(table))
        }
        let grouped: (inout Chart, QueryResult) -> Void = { c, r in c.series = ChartData.grouped(r) }
        var specs: [ChartSpec] = []
        specs.append(ChartSpec(
            chart: chart("rt-active-users", "Active users per window", .line, "active users (users per window)", "rt_engagement"),
            table: "rt_engagement", columns: ["window_start", "active_users"],
            sql: "select window_start, active_users from rt_engagement where window_start >= @since order by 1",
            parameters: params, missingMessage: Self.noStream,
            fill: { c, r in c.series = [ChartData.single(r, name: "active users")] }))
        specs.append(ChartSpec(
            chart: chart("rt-event-types", "Events by type over time", .stackedBars, "events (count per window)", "rt_event_types"),
            table: "rt_event_types", columns: ["window_start", "action", "events"],
            sql: "select window_start, action, sum(events) as events from rt_event_types where window_start >= @since group by 1, 2 order by 1, 2",
            parameters: params, missingMessage: Self.noStream, fill: grouped))
        for (id, table, column, title) in [("rt-top-genres", "rt_top_genres", "genre", "Top genres"),
                                           ("rt-top-countries", "rt_top_countries", "country", "Top countries")] {
            var c = chart(id, "\(title) of the latest \(filters.windows) windows", .bars, "events (count over the windows)", table)
            c.yLabel = column
            specs.append(ChartSpec(
                chart: c, table: table, columns: ["window_start", column, "events"],
                sql: "select \(column), sum(events) as events from \(table) where window_start >= @since group by 1 order by 2 desc, 1 limit \(Self.topN)",
                parameters: params, missingMessage: Self.noStream,
                fill: { c, r in let (s, cats) = ChartData.categories(r, name: "events"); c.series = [s]; c.categories = cats }))
        }
        specs.append(ChartSpec(
            chart: chart("rt-session-duration", "Average session duration", .line, "session duration (minutes)", "rt_engagement", style: .minutes),
            table: "rt_engagement", columns: ["window_start", "avg_session_minutes"],
            sql: "select window_start, avg_session_minutes from rt_engagement where window_start >= @since and avg_session_minutes is not null order by 1",
            parameters: params, missingMessage: Self.noStream,
            fill: { c, r in c.series = [ChartData.single(r, name: "avg session minutes")] }))
        specs.append(ChartSpec(
            chart: chart("rt-late-events", "Late events per window", .line, "late events (count per window)", "rt_late_events"),
            table: "rt_late_events", columns: ["window_start", "late_events"],
            sql: "select window_start, late_events from rt_late_events where window_start >= @since order by 1",
            parameters: params, missingMessage: "No late events recorded yet: `nq consume` writes rt_late_events.",
            fill: { c, r in c.series = [ChartData.single(r, name: "late events")] }))
        specs.append(ChartSpec(
            chart: chart("rt-dead-letters", "Dead letters per minute", .line, "dead letters (count per minute)", "_dead_letters"),
            table: "_dead_letters", columns: ["received_at", "reason"],
            sql: "select timestamp_trunc(received_at, minute) as minute, count(*) as dead_letters from _dead_letters where received_at >= @since group by 1 order by 1",
            parameters: params, missingMessage: "No dead letters: every message so far was valid (or `nq consume` has not run).",
            fill: { c, r in c.series = [ChartData.single(r, name: "dead letters")] }))
        return specs
    }

    func charts() -> [Chart] { specs().map { $0.build(snap, filterNote: nil) } }

    /// Totals shown above the charts: (id, label, value).
    func stats() -> [(String, String, String)] {
        func total(_ sql: String, _ table: String, _ column: String) -> String {
            guard snap.has(table, columns: [column]) else { return "–" }
            guard let r = try? snap.query(sql, table: table), r.rowCount > 0 else { return "–" }
            return ValueFormat.text(r.value(row: 0, column: 0)) ?? "0"
        }
        return [
            ("windows", "windows in the store", total("select count(distinct window_start) from rt_engagement", "rt_engagement", "window_start")),
            ("late-events", "late events (all windows)", total("select coalesce(sum(late_events), 0) from rt_late_events", "rt_late_events", "late_events")),
            ("dead-letters", "dead letters (all time)", total("select count(*) from _dead_letters", "_dead_letters", "reason")),
        ]
    }
}
