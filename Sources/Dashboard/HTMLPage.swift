/// The HTML around the charts: one self-contained page (inline CSS and SVG, a few lines of inline
/// JavaScript, nothing fetched from elsewhere).
struct HTMLPage {
    /// Where the page lives: written to disk by `nq dashboard build`, or served live by `nq dashboard serve`.
    enum Mode: Equatable {
        case staticSite
        /// Served; the real-time page reloads its charts every `refreshSeconds`.
        case server(refreshSeconds: Int)
    }

    var id: String
    var title: String
    var mode: Mode
    var freshness: String
    var body: String
    /// Reload the charts in place every few seconds (served real-time page).
    var autoRefresh = false

    static let css = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #F6F7F9; color: #1A1A1A; }
        header { background: #FFFFFF; border-bottom: 1px solid #DDD; padding: 12px 24px; }
        header h1 { margin: 4px 0; font-size: 22px; }
        nav a { margin-right: 16px; color: #0057A0; text-decoration: none; font-weight: 600; }
        nav a[aria-current] { color: #1A1A1A; border-bottom: 2px solid #0072B2; }
        .freshness { color: #555; font-size: 13px; margin: 4px 0; }
        form.filters { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; padding: 12px 24px 0; font-size: 13px; }
        form.filters label { display: flex; flex-direction: column; gap: 2px; }
        form.filters select, form.filters input, form.filters button { font-size: 13px; padding: 3px 6px; }
        .note { padding: 4px 24px; color: #444; font-size: 13px; }
        #stats { display: flex; gap: 12px; padding: 12px 24px 0; flex-wrap: wrap; }
        .stat { background: #FFF; border: 1px solid #DDD; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
        .stat b { display: block; font-size: 22px; }
        .stat span { color: #555; font-size: 12px; }
        main { display: grid; grid-template-columns: repeat(auto-fill, minmax(700px, 1fr)); gap: 16px; padding: 16px 24px; }
        figure.chart { margin: 0; background: #FFF; border: 1px solid #DDD; border-radius: 6px; padding: 8px; overflow-x: auto; }
        figure.chart h2 { font-size: 15px; margin: 6px 8px; }
        figure.chart svg { max-width: 100%; height: auto; }
        p.empty { margin: 8px; padding: 24px 16px; background: #FFF8E6; border: 1px dashed #E0B000; border-radius: 4px; }
        p.empty code, .note code { background: #EEE; padding: 0 3px; border-radius: 3px; }
        ul.dashboards li { margin: 8px 0; }
        """

    func render() -> String {
        var s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        s += "<title>nq · \(ValueFormat.html(title))</title><style>\(Self.css)</style></head>\n"
        s += "<body data-page=\"\(id)\" data-mode=\"\(mode == .staticSite ? "static" : "serve")\">"
        s += "<header><nav>"
        for (page, label) in [("index", "Dashboards"), ("realtime", "Real-time engagement"), ("historical", "Historical trends")] {
            s += "<a href=\"\(page).html\"\(page == id ? " aria-current=\"page\"" : "")>\(label)</a>"
        }
        s += "</nav><h1>\(ValueFormat.html(title))</h1><p class=\"freshness\" id=\"page-freshness\">\(Self.codeSpans(freshness))</p></header>\n"
        s += body
        if autoRefresh, case .server(let seconds) = mode {
            s += """
                <script>
                // Reload the charts in place every \(seconds) s: fetch this page again and swap the parts that change.
                setInterval(async () => {
                  try {
                    const r = await fetch(location.href, { cache: "no-store" });
                    if (!r.ok) return;
                    const doc = new DOMParser().parseFromString(await r.text(), "text/html");
                    for (const id of ["charts", "stats", "page-freshness"]) {
                      const now = document.getElementById(id), next = doc.getElementById(id);
                      if (now && next) now.innerHTML = next.innerHTML;
                    }
                    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
                  } catch (e) { /* the server may be restarting; try again at the next tick */ }
                }, \(seconds * 1000));
                </script>
                """
        }
        return s + "</body></html>\n"
    }

    /// One chart as a figure: the SVG, or its title and the explanation of why it is empty.
    static func figure(_ chart: Chart) -> String {
        var s = "<figure class=\"chart\" id=\"chart-\(chart.id)\" data-chart-id=\"\(chart.id)\">"
        if let message = chart.emptyMessage {
            s += "<h2>\(ValueFormat.html(chart.title))</h2><p class=\"empty\" data-empty=\"\(chart.id)\">\(codeSpans(message))</p>"
            s += "<figcaption class=\"freshness\">\(ValueFormat.html(chart.freshness))</figcaption>"
        } else {
            s += SVGRenderer().render(chart)
        }
        return s + "</figure>\n"
    }

    /// HTML-escapes `text` and turns `backquoted` spans into <code>.
    static func codeSpans(_ text: String) -> String {
        let parts = ValueFormat.html(text).split(separator: "`", omittingEmptySubsequences: false)
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
    }
}
