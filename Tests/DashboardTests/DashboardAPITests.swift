import ColumnStore
import Foundation
import Testing
@testable import Dashboard

/// The JSON API of `nq dashboard serve`, called without HTTP (the HTTP layer is tested by
/// Tests/oracle/test_dashboard.py against the real binary).
@Suite struct DashboardAPITests {
    func json(_ r: DashboardAPI.Response) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])
    }

    @Test func returnsTheRowsTheFiltersSelectWithTypedValues() throws {
        let fx = try FixtureStore.make(tables: ["monthly_engagement", "_runs"]); defer { fx.remove() }
        let api = DashboardAPI(source: DashboardSource(storePath: fx.path))
        let r = api.rows(table: "monthly_engagement", query: [("from", "2025-02-01"), ("to", "2025-04-30"), ("country", "Canada"), ("plan", "Basic")])
        #expect(r.status == 200)
        let body = try json(r)
        let expected = try fx.int("""
            select count(*) from monthly_engagement where country = 'Canada' and subscription_plan = 'Basic'
            and month between '2025-02-01' and '2025-04-30'
            """)
        #expect(body["row_count"] as? Int == expected)
        let rows = try #require(body["rows"] as? [[String: Any]])
        #expect(rows.count == expected)
        #expect(rows.allSatisfy { $0["country"] as? String == "Canada" && $0["subscription_plan"] as? String == "Basic" })
        #expect(rows.allSatisfy { ($0["month"] as? String ?? "") >= "2025-02-01" && ($0["month"] as? String ?? "") <= "2025-04-30" })
        #expect(rows.allSatisfy { $0["active_users"] is Int })
        let freshness = try #require(body["freshness"] as? [String: Any])
        let lastRun = try fx.query("select max(ended_at) from _runs where status = 'succeeded'")
        #expect(freshness["last_run"] as? String == ValueFormat.text(lastRun.value(row: 0, column: 0)))
    }

    @Test func aLimitCutsTheRowsAndSaysSo() throws {
        let fx = try FixtureStore.make(tables: ["rt_event_types"]); defer { fx.remove() }
        let api = DashboardAPI(source: DashboardSource(storePath: fx.path))
        let total = try fx.int("select count(*) from rt_event_types")
        let cut = try json(api.rows(table: "rt_event_types", query: [("limit", "5")]))
        #expect(cut["row_count"] as? Int == 5 && (cut["rows"] as? [Any])?.count == 5)
        #expect(cut["truncated"] as? Bool == true)
        let all = try json(api.rows(table: "rt_event_types", query: [("limit", String(total))]))
        #expect(all["row_count"] as? Int == total && all["truncated"] as? Bool == false)
    }

    @Test func timestampTablesIncludeTheWholeToDay() throws {
        let fx = try FixtureStore.make(tables: ["rt_engagement"]); defer { fx.remove() }
        let api = DashboardAPI(source: DashboardSource(storePath: fx.path))
        let body = try json(api.rows(table: "rt_engagement", query: [("from", "2025-12-01"), ("to", "2025-12-01")]))
        #expect(body["row_count"] as? Int == (try fx.int("select count(*) from rt_engagement")))
        let none = try json(api.rows(table: "rt_engagement", query: [("to", "2025-11-30")]))
        #expect(none["row_count"] as? Int == 0)
    }

    @Test(arguments: [
        ("monthly_engagement", [("from", "2025-1-01")], "'from' must be a date YYYY-MM-DD"),
        ("monthly_engagement", [("to", "2025-02-30")], "'to' must be a date YYYY-MM-DD"),
        ("monthly_engagement", [("from", "2025-03-01"), ("to", "2025-02-01")], "is after 'to'"),
        ("monthly_engagement", [("country", "Narnia")], "unknown country 'Narnia'"),
        ("monthly_engagement", [("plan", "Basic' OR '1'='1")], "unknown plan"),
        ("monthly_engagement", [("sql", "select 1")], "unknown parameter 'sql'"),
        ("monthly_engagement", [("country", "USA"), ("country", "Canada")], "given twice"),
        ("monthly_engagement", [("limit", "0")], "'limit' must be an integer"),
        ("churn_by_segment", [("from", "2025-01-01")], "has no time column"),
        ("cohort_retention", [("country", "USA")], "has no country column"),
        ("rt_top_countries", [("plan", "Basic")], "has no subscription_plan column"),
    ] as [(String, [(String, String)], String)])
    func rejectsABadParameterWith400AndAMessage(table: String, query: [(String, String)], message: String) throws {
        let fx = try FixtureStore.make(); defer { fx.remove() }
        let r = DashboardAPI(source: DashboardSource(storePath: fx.path)).rows(table: table, query: query)
        #expect(r.status == 400)
        let error = try #require(try json(r)["error"] as? String)
        #expect(error.contains(message), "\(error)")
    }

    @Test(arguments: ["users", "sqlite_master", "monthly_engagement; drop table _runs", "_rejects", "../catalog"])
    func answers404ForATableOutsideTheAllowList(name: String) throws {
        let fx = try FixtureStore.make(tables: ["_runs"]); defer { fx.remove() }
        let r = DashboardAPI(source: DashboardSource(storePath: fx.path)).rows(table: name, query: [])
        #expect(r.status == 404)
        #expect(try json(r)["error"] as? String ?? "" == "unknown table '\(name)'; the API serves: " + APITable.all.map(\.name).joined(separator: ", "))
        #expect(try fx.int("select count(*) from _runs") == 3)
    }

    @Test func anInjectionAttemptChangesNothingInTheStore() throws {
        let fx = try FixtureStore.make(tables: ["monthly_engagement"]); defer { fx.remove() }
        let before = try fx.int("select count(*) from monthly_engagement")
        let api = DashboardAPI(source: DashboardSource(storePath: fx.path))
        for value in ["USA'; drop table monthly_engagement; --", "x' or 1=1 --", "@country", "`country`"] {
            #expect(api.rows(table: "monthly_engagement", query: [("country", value)]).status == 400)
        }
        #expect(try fx.int("select count(*) from monthly_engagement") == before)
    }

    @Test func aMissingTableIsAnEmptyAnswerWithANoteNotAnError() throws {
        let fx = try FixtureStore.make(tables: []); defer { fx.remove() }
        let r = DashboardAPI(source: DashboardSource(storePath: fx.path)).rows(table: "rt_engagement", query: [])
        #expect(r.status == 200)
        let body = try json(r)
        #expect(body["row_count"] as? Int == 0)
        #expect((body["note"] as? String ?? "").contains("nq consume"))
    }

    @Test(arguments: [("2024-02-29", true), ("2025-02-29", false), ("2025-13-01", false), ("2025-00-10", false),
                      ("20250101", false), ("2025-01-01 ", false), ("२०२५-01-01", false), ("2025-12-31", true)])
    func parsesOnlyRealCalendarDates(text: String, valid: Bool) {
        #expect((DashboardAPI.parseDate(text) != nil) == valid)
    }
}
