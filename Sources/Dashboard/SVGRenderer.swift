import ColumnStore
import Foundation

/// Draws a `Chart` as one self-contained `<svg>`: title, axes with labelled units, the series, a
/// legend and a freshness note. Every series is a `<g data-series="NAME" data-points="N">` holding
/// N marks of class `pt`, so a test can count what was drawn.
struct SVGRenderer {
    let width = 680.0
    var plotHeight = 240.0
    let left = 70.0, right = 20.0, top = 44.0

    func render(_ chart: Chart) -> String {
        if chart.kind == .heatmap, Double(chart.series.count) * 14 > plotHeight {
            var taller = self
            taller.plotHeight = Double(chart.series.count) * 14
            return taller.renderSized(chart)
        }
        return renderSized(chart)
    }

    private func renderSized(_ chart: Chart) -> String {
        let legendItems = chart.kind == .heatmap ? [] : chart.series.map(\.name)
        let perRow = max(1, Int((width - left - right) / 170))
        let legendRows = chart.kind == .heatmap ? 1 : (legendItems.count + perRow - 1) / perRow
        let xAxisHeight = chart.kind == .bars ? 40.0 : 52.0
        let legendTop = top + plotHeight + xAxisHeight
        let height = legendTop + Double(legendRows) * 18 + 38
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"\(h(chart.id))\" data-series-count=\"\(chart.series.count)\" "
        s += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(h(chart.title))\" font-family=\"system-ui, sans-serif\" font-size=\"11\">"
        s += "<title>\(h(chart.title))</title><rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>"
        s += "<text class=\"chart-title\" x=\"\(Int(left))\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#1A1A1A\">\(h(chart.title))</text>"
        switch chart.kind {
        case .line: s += drawLines(chart)
        case .stackedBars: s += drawStacked(chart)
        case .bars: s += drawBars(chart)
        case .groupedBars: s += drawGrouped(chart)
        case .heatmap: s += drawHeatmap(chart)
        }
        // Axis titles.
        let plotBottom = top + plotHeight
        s += "<text class=\"axis-label x\" x=\"\(f(left + (width - left - right) / 2))\" y=\"\(f(plotBottom + xAxisHeight - 8))\" text-anchor=\"middle\" fill=\"#333\">\(h(chart.xLabel))</text>"
        s += "<text class=\"axis-label y\" transform=\"translate(14 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">\(h(chart.yLabel))</text>"
        // Legend.
        if !legendItems.isEmpty {
            s += "<g class=\"legend\">"
            for (i, name) in legendItems.enumerated() {
                let x = left + Double(i % perRow) * 170, y = legendTop + Double(i / perRow) * 18
                let dash = Palette.dash(i)
                s += "<g class=\"legend-item\" data-legend=\"\(h(name))\"><line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 18))\" y2=\"\(f(y))\" stroke=\"\(Palette.colour(i))\" stroke-width=\"4\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
                s += "<text x=\"\(f(x + 24))\" y=\"\(f(y + 4))\" fill=\"#1A1A1A\">\(h(clip(name, 24)))</text></g>"
            }
            s += "</g>"
        } else if chart.kind == .heatmap {
            s += heatmapLegend(chart, y: legendTop + 2)
        }
        // The freshness note, on two lines when long: source and time, then what the data covers.
        let parts = chart.freshness.components(separatedBy: " · ")
        let lines = chart.freshness.count > 90 && parts.count > 2
            ? [parts.dropLast().joined(separator: " · "), parts.last!] : [chart.freshness]
        s += "<text class=\"freshness\" x=\"\(Int(left))\" y=\"\(f(height - 22))\" fill=\"#555\" font-size=\"10\">"
        for (i, line) in lines.enumerated() {
            s += "<tspan x=\"\(Int(left))\" dy=\"\(i == 0 ? 0 : 13)\">\(h(line))</tspan>"
        }
        s += "</text>"
        return s + "</svg>"
    }

    // MARK: scales

    struct Scale {
        var d0: Double, d1: Double, r0: Double, r1: Double
        func callAsFunction(_ v: Double) -> Double { d1 == d0 ? (r0 + r1) / 2 : r0 + (v - d0) / (d1 - d0) * (r1 - r0) }
    }

    /// Round tick values covering 0...max (or min...max when values go below 0).
    /// With `integral`, steps are whole numbers (counts have no half users).
    static func niceTicks(_ lo: Double, _ hi: Double, count: Int = 5, integral: Bool = false) -> [Double] {
        let lo = min(0, lo), hi = max(hi, lo + 1e-9)
        let raw = (hi - lo) / Double(count)
        let mag = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        if integral { step = max(1, step.rounded(.up)) }
        var ticks: [Double] = []
        var t = floor(lo / step) * step
        while t <= hi + step * 0.999 { ticks.append(abs(t) < step * 1e-9 ? 0 : t); t += step; if ticks.count > 12 { break } }
        return ticks
    }

    func yAxis(_ chart: Chart, values: [Double]) -> (Scale, String) {
        let integral = chart.valueFormat == .number && values.allSatisfy { $0 == $0.rounded() }
        let ticks = Self.niceTicks(values.min() ?? 0, values.max() ?? 1, integral: integral)
        let scale = Scale(d0: ticks.first!, d1: ticks.last!, r0: top + plotHeight, r1: top)
        var s = "<g class=\"axis y\">"
        for t in ticks {
            let y = scale(t)
            s += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#E3E3E3\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" fill=\"#444\">\(h(chart.formatTick(t)))</text>"
        }
        s += "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"#888\"/></g>"
        return (scale, s)
    }

    /// X tick labels for the distinct x values (at most ~8 shown).
    func xTicks(_ chart: Chart, xs: [Double], scale: Scale) -> String {
        let distinct = Array(Set(xs)).sorted()
        guard !distinct.isEmpty else { return "" }
        let step = max(1, Int(ceil(Double(distinct.count) / 8)))
        let span = (distinct.last! - distinct.first!)
        var s = "<g class=\"axis x\"><line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight))\" stroke=\"#888\"/>"
        for (i, x) in distinct.enumerated() where i % step == 0 {
            let px = scale(x)
            s += "<line x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight + 4))\" stroke=\"#888\"/>"
            s += "<text x=\"\(f(px))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\" fill=\"#444\">\(h(xText(chart, x, span: span)))</text>"
        }
        return s + "</g>"
    }

    func xText(_ chart: Chart, _ x: Double, span: Double) -> String {
        switch chart.xScale {
        case .month: return String(CivilTime.formatDate(Int32(x)).prefix(7))
        case .time:
            let text = CivilTime.formatTimestamp(Int64(x))
            // "YYYY-MM-DD HH:MM:SS": show HH:MM within two days, MM-DD HH:MM otherwise.
            let parts = text.split(separator: " ")
            guard parts.count >= 2 else { return text }
            let hm = String(parts[1].prefix(5))
            return span <= 2 * 86_400_000_000 ? hm : String(parts[0].dropFirst(5)) + " " + hm
        case .category:
            let i = Int(x)
            return i >= 0 && i < chart.categories.count ? clip(chart.categories[i], 14) : ""
        }
    }

    // MARK: kinds

    func drawLines(_ chart: Chart) -> String {
        let all = chart.series.flatMap(\.points)
        let (y, yAxisSVG) = yAxis(chart, values: all.map(\.y))
        let xs = all.map(\.x)
        let x = Scale(d0: xs.min() ?? 0, d1: xs.max() ?? 1, r0: left + 10, r1: width - right - 10)
        var s = yAxisSVG + xTicks(chart, xs: xs, scale: x)
        for (i, series) in chart.series.enumerated() {
            let pts = series.points.sorted { $0.x < $1.x }
            let colour = Palette.colour(i), dash = Palette.dash(i)
            s += "<g class=\"series\" data-series=\"\(h(series.name))\" data-points=\"\(pts.count)\">"
            if pts.count > 1 {
                let d = pts.enumerated().map { (j, p) in (j == 0 ? "M" : "L") + f(x(p.x)) + " " + f(y(p.y)) }.joined(separator: " ")
                s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
            }
            let r = pts.count > 60 ? 1.5 : 3
            for p in pts {
                s += "<circle class=\"pt\" cx=\"\(f(x(p.x)))\" cy=\"\(f(y(p.y)))\" r=\"\(r)\" fill=\"\(colour)\"><title>\(h(series.name)) · \(h(p.label)): \(h(chart.format(p.y)))</title></circle>"
            }
            s += "</g>"
        }
        return s
    }

    func drawStacked(_ chart: Chart) -> String {
        var totals: [Double: Double] = [:]
        for p in chart.series.flatMap(\.points) { totals[p.x, default: 0] += p.y }
        let (y, yAxisSVG) = yAxis(chart, values: Array(totals.values))
        let xs = totals.keys.sorted()
        let bandCount = Double(max(xs.count, 1))
        let bw = max(1, (width - left - right - 20) / bandCount * 0.8)
        let x = Scale(d0: xs.first ?? 0, d1: xs.last ?? 1, r0: left + 10 + bw / 2, r1: width - right - 10 - bw / 2)
        var s = yAxisSVG + xTicks(chart, xs: xs, scale: x)
        var base: [Double: Double] = [:]
        for (i, series) in chart.series.enumerated() {
            s += "<g class=\"series\" data-series=\"\(h(series.name))\" data-points=\"\(series.points.count)\" fill=\"\(Palette.colour(i))\">"
            for p in series.points.sorted(by: { $0.x < $1.x }) {
                let b = base[p.x, default: 0]
                let y0 = y(b), y1 = y(b + p.y)
                base[p.x] = b + p.y
                s += "<rect class=\"pt\" x=\"\(f(x(p.x) - bw / 2))\" y=\"\(f(y1))\" width=\"\(f(bw))\" height=\"\(f(max(0, y0 - y1)))\"><title>\(h(series.name)) · \(h(p.label)): \(h(chart.format(p.y)))</title></rect>"
            }
            s += "</g>"
        }
        return s
    }

    func drawBars(_ chart: Chart) -> String {
        // Horizontal bars: categories down the left, values along the bottom axis.
        let series = chart.series.first ?? Series(name: "", points: [])
        let values = series.points.map(\.y)
        let ticks = Self.niceTicks(0, values.max() ?? 1, integral: values.allSatisfy { $0 == $0.rounded() })
        let labelWidth = 110.0
        let x = Scale(d0: ticks.first!, d1: ticks.last!, r0: left + labelWidth, r1: width - right - 40)
        let band = plotHeight / Double(max(series.points.count, 1))
        var s = "<g class=\"axis x\">"
        for t in ticks {
            s += "<line x1=\"\(f(x(t)))\" x2=\"\(f(x(t)))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"#E3E3E3\"/>"
            s += "<text x=\"\(f(x(t)))\" y=\"\(f(top + plotHeight + 14))\" text-anchor=\"middle\" fill=\"#444\">\(h(chart.formatTick(t)))</text>"
        }
        s += "</g><g class=\"series\" data-series=\"\(h(series.name))\" data-points=\"\(series.points.count)\" fill=\"\(Palette.colour(0))\">"
        for (i, p) in series.points.enumerated() {
            let yy = top + Double(i) * band
            let bh = min(band * 0.7, 26)
            s += "<text x=\"\(f(left + labelWidth - 6))\" y=\"\(f(yy + band / 2 + 4))\" text-anchor=\"end\" fill=\"#1A1A1A\">\(h(clip(p.label, 18)))</text>"
            s += "<rect class=\"pt\" x=\"\(f(x(0)))\" y=\"\(f(yy + (band - bh) / 2))\" width=\"\(f(max(0, x(p.y) - x(0))))\" height=\"\(f(bh))\"><title>\(h(p.label)): \(h(chart.format(p.y)))</title></rect>"
            s += "<text x=\"\(f(x(p.y) + 4))\" y=\"\(f(yy + band / 2 + 4))\" fill=\"#333\">\(h(chart.format(p.y)))</text>"
        }
        return s + "</g>"
    }

    func drawGrouped(_ chart: Chart) -> String {
        let all = chart.series.flatMap(\.points)
        let (y, yAxisSVG) = yAxis(chart, values: all.map(\.y))
        let n = Double(max(chart.categories.count, 1))
        let band = (width - left - right) / n
        let barW = band * 0.8 / Double(max(chart.series.count, 1))
        var s = yAxisSVG + "<g class=\"axis x\">"
        for (i, c) in chart.categories.enumerated() {
            s += "<text x=\"\(f(left + band * (Double(i) + 0.5)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\" fill=\"#444\">\(h(clip(c, 16)))</text>"
        }
        s += "</g>"
        for (j, series) in chart.series.enumerated() {
            s += "<g class=\"series\" data-series=\"\(h(series.name))\" data-points=\"\(series.points.count)\" fill=\"\(Palette.colour(j))\">"
            for p in series.points {
                let bx = left + band * p.x + band * 0.1 + Double(j) * barW
                s += "<rect class=\"pt\" x=\"\(f(bx))\" y=\"\(f(y(p.y)))\" width=\"\(f(max(1, barW - 2)))\" height=\"\(f(max(0, y(0) - y(p.y))))\"><title>\(h(series.name)) · \(h(p.label)): \(h(chart.format(p.y)))</title></rect>"
            }
            s += "</g>"
        }
        return s
    }

    func drawHeatmap(_ chart: Chart) -> String {
        let cols = Double(max(chart.categories.count, 1)), rows = Double(max(chart.series.count, 1))
        let cw = (width - left - right) / cols, ch = plotHeight / rows
        var s = "<g class=\"axis x\">"
        let step = max(1, Int(ceil(cols / 16)))
        for (i, c) in chart.categories.enumerated() where i % step == 0 {
            s += "<text x=\"\(f(left + cw * (Double(i) + 0.5)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\" fill=\"#444\">\(h(c))</text>"
        }
        s += "</g>"
        let showText = cw >= 34 && ch >= 14
        let scaleTop = heatmapMax(chart)
        for (r, series) in chart.series.enumerated() {
            let yy = top + Double(r) * ch
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(yy + ch / 2 + 4))\" text-anchor=\"end\" fill=\"#1A1A1A\" font-size=\"\(ch < 12 ? 8 : 11)\">\(h(series.name))</text>"
            s += "<g class=\"series\" data-series=\"\(h(series.name))\" data-points=\"\(series.points.count)\">"
            for p in series.points {
                let xx = left + cw * p.x
                s += "<rect class=\"pt\" x=\"\(f(xx))\" y=\"\(f(yy))\" width=\"\(f(max(1, cw - 1)))\" height=\"\(f(max(1, ch - 1)))\" fill=\"\(Palette.sequential(p.y / scaleTop))\"><title>cohort \(h(series.name)), month \(h(p.label)): \(h(chart.format(p.y)))</title></rect>"
                if showText {
                    s += "<text x=\"\(f(xx + cw / 2))\" y=\"\(f(yy + ch / 2 + 4))\" text-anchor=\"middle\" font-size=\"9\" fill=\"\(Palette.onSequential(p.y / scaleTop))\">\(Int((p.y * 100).rounded()))</text>"
                }
            }
            s += "</g>"
        }
        return s
    }

    /// The colour scale's top: the largest value drawn (at least 1%), so small rates still show contrast.
    func heatmapMax(_ chart: Chart) -> Double {
        max(0.01, chart.series.flatMap(\.points).map(\.y).max() ?? 1)
    }

    func heatmapLegend(_ chart: Chart, y: Double) -> String {
        var s = "<g class=\"legend\"><text x=\"\(f(left))\" y=\"\(f(y + 10))\" fill=\"#1A1A1A\">retention: 0%</text>"
        for i in 0..<10 {
            s += "<rect x=\"\(f(left + 80 + Double(i) * 22))\" y=\"\(f(y))\" width=\"22\" height=\"12\" fill=\"\(Palette.sequential(Double(i) / 9))\"/>"
        }
        return s + "<text x=\"\(f(left + 80 + 226))\" y=\"\(f(y + 10))\" fill=\"#1A1A1A\">\(h(chart.format(heatmapMax(chart)))) of the cohort active (the largest value)</text></g>"
    }

    // MARK: helpers

    func f(_ v: Double) -> String { String(format: "%.1f", v.isFinite ? v : 0) }
    func h(_ s: String) -> String { ValueFormat.html(s) }
    func clip(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(n - 1)) + "…" : s }
}
