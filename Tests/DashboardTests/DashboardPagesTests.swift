import Foundation
import Testing
@testable import Dashboard

@Suite struct DashboardPagesTests {
    static let historicalCharts = ["mau-by-plan", "mau-by-country", "retention-cohorts", "churn-by-segment", "skip-rate", "watch-duration", "genre-rating", "genre-minutes"]
    static let realtimeCharts = ["rt-active-users", "rt-event-types", "rt-top-genres", "rt-top-countries", "rt-session-duration", "rt-late-events", "rt-dead-letters"]

    func ids(_ pattern: String, _ html: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { String(html[Range($0.range(at: 1), in: html)!]) }
    }

    @Test func anEmptyStoreExplainsEveryChartInsteadOfFailing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nq-dash-none-\(UUID().uuidString)").path
        let source = DashboardSource(storePath: path)
        let pages = DashboardPages(source: source)
        let hist = pages.historical(source.snapshot(), filters: DashboardFilters(), mode: .staticSite)
        #expect(ids("data-empty=\"([a-z-]+)\"", hist) == Self.historicalCharts)
        #expect(hist.contains("No batch run yet: run <code>nq batch</code>"))
        let rt = pages.realtime(source.snapshot(), filters: DashboardFilters(), mode: .staticSite)
        #expect(ids("data-empty=\"([a-z-]+)\"", rt) == Self.realtimeCharts)
        #expect(rt.contains("run <code>nq consume</code>"))
        #expect(!FileManager.default.fileExists(atPath: path), "reading must not create a store")
    }

    @Test func theFixtureStoreDrawsEveryChart() throws {
        let fx = try FixtureStore.make(); defer { fx.remove() }
        let source = DashboardSource(storePath: fx.path)
        let pages = DashboardPages(source: source)
        let hist = pages.historical(source.snapshot(), filters: DashboardFilters(), mode: .staticSite)
        #expect(ids("<svg [^>]*data-chart=\"([a-z-]+)\"", hist) == Self.historicalCharts)
        let rt = pages.realtime(source.snapshot(), filters: DashboardFilters(), mode: .server(refreshSeconds: 5))
        #expect(ids("<svg [^>]*data-chart=\"([a-z-]+)\"", rt) == Self.realtimeCharts)
        #expect(rt.contains("setInterval"))
    }

    @Test func aFilterNarrowsTheSeriesToTheChosenPlan() throws {
        let fx = try FixtureStore.make(tables: ["monthly_engagement"]); defer { fx.remove() }
        let source = DashboardSource(storePath: fx.path)
        let html = DashboardPages(source: source).historical(source.snapshot(), filters: DashboardFilters(plan: "Premium"), mode: .staticSite)
        let months = try fx.int("select count(distinct month) from monthly_engagement where subscription_plan = 'Premium'")
        #expect(html.contains("data-series=\"Premium\" data-points=\"\(months)\""))
        #expect(!html.contains("data-series=\"Basic\""))
    }

    @Test func theStaticBuildWritesOnePagePerFilterCombination() throws {
        let fx = try FixtureStore.make(tables: ["monthly_engagement", "churn_by_segment"]); defer { fx.remove() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("nq-site-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let summary = try SiteBuilder(source: DashboardSource(storePath: fx.path)).build(into: out)
        let countries = try fx.int("select count(distinct country) from (select country from monthly_engagement union all select country from churn_by_segment)")
        let plans = try fx.int("select count(distinct subscription_plan) from (select subscription_plan from monthly_engagement union all select subscription_plan from churn_by_segment)")
        #expect(summary.files.count == 2 + (countries + 1) * (plans + 1))
        #expect(FileManager.default.fileExists(atPath: out + "/" + DashboardPages.historicalFile(country: "USA", plan: "Premium")))
        #expect(DashboardPages.historicalFile(country: "Pre mium+", plan: nil) == "historical--country-Pre_20mium_2b.html")
    }
}
