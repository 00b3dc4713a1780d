import Foundation

/// Renders the three pages (index, real-time, historical) from a snapshot of the store.
public struct DashboardPages {
    public let source: DashboardSource

    public init(source: DashboardSource) {
        self.source = source
    }

    /// Countries and plans the filters offer: the values present in the batch tables.
    public func filterValues(_ snap: DashboardSource.Snapshot) -> (countries: [String], plans: [String]) {
        let countries = Set(snap.distinctStrings("monthly_engagement", "country") + snap.distinctStrings("churn_by_segment", "country"))
        let plans = Set(snap.distinctStrings("monthly_engagement", "subscription_plan") + snap.distinctStrings("churn_by_segment", "subscription_plan"))
        return (countries.sorted(), plans.sorted())
    }

    func index(_ snap: DashboardSource.Snapshot, mode: HTMLPage.Mode) -> String {
        let run = snap.lastRun().map { "last batch run \($0) UTC" } ?? "no batch run yet (`nq batch`)"
        let window = snap.lastWindow().map { "last stream window ended \($0) UTC" } ?? "no stream window yet (`nq consume`)"
        var body = "<main style=\"display:block\"><ul class=\"dashboards\">"
        body += "<li><a href=\"realtime.html\" data-link=\"realtime\"><b>\(RealtimeDashboard.title)</b></a>: active users, event types, top genres and countries, session duration, late events and dead letters from the <code>rt_</code> tables. <span class=\"freshness\">\(HTMLPage.codeSpans(window))</span></li>"
        body += "<li><a href=\"historical.html\" data-link=\"historical\"><b>\(HistoricalDashboard.title)</b></a>: monthly active users per plan and country, cohort retention, churn, skip rate, watch duration and genres from the batch tables. <span class=\"freshness\">\(HTMLPage.codeSpans(run))</span></li>"
        body += "</ul><p class=\"note\">Store: <code>\(ValueFormat.html(snap.storePath))</code>. "
        body += mode == .staticSite ? "A static build (<code>nq dashboard build</code>): the data as it was when the pages were written.</p>"
                                    : "Served live (<code>nq dashboard serve</code>); JSON at <code>/api/&lt;table&gt;?from=&amp;to=&amp;country=&amp;plan=</code>.</p>"
        body += "</main>"
        return HTMLPage(id: "index", title: "nq dashboards", mode: mode, freshness: "\(run) · \(window)", body: body).render()
    }

    func realtime(_ snap: DashboardSource.Snapshot, filters: DashboardFilters, mode: HTMLPage.Mode) -> String {
        let dash = RealtimeDashboard(snap: snap, filters: filters)
        var body = ""
        if case .server(let seconds) = mode {
            body += "<form class=\"filters\" method=\"get\" action=\"realtime.html\"><label>windows shown<input type=\"number\" name=\"windows\" min=\"1\" max=\"\(DashboardFilters.maxWindows)\" value=\"\(filters.windows)\"></label><button type=\"submit\">Show</button></form>"
            body += "<p class=\"note\">Refreshes every \(seconds) s while <code>nq consume</code> runs. The stream tables are aggregated over all countries and plans, so the country and plan filters are on the historical page.</p>"
        } else {
            body += "<p class=\"note\">A snapshot written by <code>nq dashboard build</code>; <code>nq dashboard serve</code> shows it live. The stream tables are aggregated over all countries and plans, so the country and plan filters are on the historical page.</p>"
        }
        body += "<section id=\"stats\">"
        for (id, label, value) in dash.stats() {
            body += "<div class=\"stat\" data-stat=\"\(id)\"><b>\(ValueFormat.html(value))</b><span>\(ValueFormat.html(label))</span></div>"
        }
        body += "</section><main id=\"charts\">" + dash.charts().map(HTMLPage.figure).joined() + "</main>"
        let fresh = snap.lastWindow().map { "Last window ended \($0) UTC" } ?? "No stream window yet: run `nq consume`."
        var page = HTMLPage(id: "realtime", title: RealtimeDashboard.title, mode: mode, freshness: fresh, body: body)
        page.autoRefresh = mode != .staticSite
        return page.render()
    }

    func historical(_ snap: DashboardSource.Snapshot, filters: DashboardFilters, mode: HTMLPage.Mode) -> String {
        let dash = HistoricalDashboard(snap: snap, filters: filters)
        let (countries, plans) = filterValues(snap)
        var body = "<form class=\"filters\" method=\"get\" action=\"historical.html\" id=\"filters\">"
        body += select("country", "country", countries, filters.country) + select("plan", "subscription plan", plans, filters.plan)
        if mode == .staticSite {
            // The static site has one pre-rendered page per filter combination; the form jumps to it.
            var map: [String] = []
            for c in [nil] + countries.map(Optional.some) {
                for p in [nil] + plans.map(Optional.some) {
                    map.append(ValueFormat.jsonString((c ?? "") + "\u{1F}" + (p ?? "")) + ":" + ValueFormat.jsonString(Self.historicalFile(country: c, plan: p)))
                }
            }
            body += "</form><script>\nconst pages = {\(map.joined(separator: ","))};\n"
            body += "for (const s of document.querySelectorAll('#filters select')) s.addEventListener('change', () => {\n"
            body += "  const f = document.getElementById('filters'); const key = f.country.value + '\\u001f' + f.plan.value;\n"
            body += "  if (pages[key]) location.href = pages[key];\n});\n</script>"
        } else {
            body += "<button type=\"submit\">Apply</button></form>"
        }
        body += "<p class=\"note\">Country and plan filter the charts over <code>monthly_engagement</code> and <code>churn_by_segment</code>; cohort retention and genres are not split by country or plan in the batch output.</p>"
        body += "<main id=\"charts\">" + dash.charts().map(HTMLPage.figure).joined() + "</main>"
        let fresh = snap.lastRun().map { "Last batch run \($0) UTC" } ?? "No successful batch run recorded: run `nq batch`."
        let title = HistoricalDashboard.title + (dash.filterNote.map { " · \($0)" } ?? "")
        return HTMLPage(id: "historical", title: title, mode: mode, freshness: fresh, body: body).render()
    }

    func select(_ name: String, _ label: String, _ values: [String], _ current: String?) -> String {
        var s = "<label>\(label)<select name=\"\(name)\"><option value=\"\"\(current == nil ? " selected" : "")>all</option>"
        for v in values {
            s += "<option value=\"\(ValueFormat.html(v))\"\(v == current ? " selected" : "")>\(ValueFormat.html(v))</option>"
        }
        return s + "</select></label>"
    }

    /// The static build's file for a filter combination: `historical.html`, `historical--country-usa.html`, ...
    public static func historicalFile(country: String?, plan: String?) -> String {
        var name = "historical"
        if let country { name += "--country-" + slug(country) }
        if let plan { name += "--plan-" + slug(plan) }
        return name + ".html"
    }

    /// ASCII letters and digits kept, every other byte as `_hh`, so distinct values give distinct names.
    static func slug(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default: out += String(format: "_%02x", b)
            }
        }
        return out
    }
}
