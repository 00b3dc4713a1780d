/// A table the JSON API serves, and which filters it accepts. The API reads only these tables,
/// with SQL built from these fixed names; request values are bound as query parameters.
struct APITable: Sendable {
    enum TimeType: Sendable { case date, timestamp }

    var name: String
    /// The column `from` and `to` filter on, or nil when the table has no time dimension.
    var timeColumn: String?
    var timeType: TimeType = .date
    var hasCountry = false
    var hasPlan = false
    /// The ORDER BY of the rows returned (fixed column names).
    var orderBy: [String]
    /// What to say when the table is missing or empty.
    var producer: String

    static let all: [APITable] = [
        APITable(name: "monthly_engagement", timeColumn: "month", hasCountry: true, hasPlan: true,
                 orderBy: ["month", "country", "subscription_plan"], producer: "nq batch"),
        APITable(name: "cohort_retention", timeColumn: "cohort_month", orderBy: ["cohort_month", "months_since_signup"], producer: "nq batch"),
        APITable(name: "genre_monthly", timeColumn: "month", orderBy: ["month", "genre_primary"], producer: "nq batch"),
        APITable(name: "churn_by_segment", hasCountry: true, hasPlan: true, orderBy: ["country", "subscription_plan"], producer: "nq batch"),
        APITable(name: "monthly_active_users", timeColumn: "month", orderBy: ["month"], producer: "nq batch"),
        APITable(name: "_runs", timeColumn: "started_at", timeType: .timestamp, orderBy: ["started_at", "run_id"], producer: "nq batch"),
        APITable(name: "rt_engagement", timeColumn: "window_start", timeType: .timestamp, orderBy: ["window_start"], producer: "nq consume"),
        APITable(name: "rt_event_types", timeColumn: "window_start", timeType: .timestamp, orderBy: ["window_start", "action"], producer: "nq consume"),
        APITable(name: "rt_top_genres", timeColumn: "window_start", timeType: .timestamp, orderBy: ["window_start", "rank", "genre"], producer: "nq consume"),
        APITable(name: "rt_top_countries", timeColumn: "window_start", timeType: .timestamp, hasCountry: true,
                 orderBy: ["window_start", "country"], producer: "nq consume"),
        APITable(name: "rt_late_events", timeColumn: "window_start", timeType: .timestamp, orderBy: ["window_start"], producer: "nq consume"),
        APITable(name: "_dead_letters", timeColumn: "received_at", timeType: .timestamp, orderBy: ["received_at", "topic", "partition", "offset"], producer: "nq consume"),
    ]

    static let byName: [String: APITable] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
