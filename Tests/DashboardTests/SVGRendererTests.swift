import Foundation
import Testing
@testable import Dashboard

@Suite struct SVGRendererTests {
    func count(_ pattern: String, in text: String) -> Int {
        (try? NSRegularExpression(pattern: pattern).numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))) ?? -1
    }

    func chart(_ kind: Chart.Kind, _ series: [Series], categories: [String] = []) -> Chart {
        Chart(id: "c1", title: "Title <A&B>", kind: kind, xScale: kind == .line || kind == .stackedBars ? .month : .category,
              xLabel: "month (UTC)", yLabel: "users (count)", series: series, categories: categories, freshness: "Source: t · last run X")
    }

    static let twoSeries = [
        Series(name: "Basic", points: (0..<3).map { Point(x: Double($0 * 31), y: Double($0 + 1), label: "m\($0)") }),
        Series(name: "Pre<mium>", points: (0..<2).map { Point(x: Double($0 * 31), y: Double($0 * 2), label: "m\($0)") }),
    ]

    @Test(arguments: [Chart.Kind.line, .stackedBars, .groupedBars, .heatmap])
    func drawsOneGroupPerSeriesWithOneMarkPerPoint(kind: Chart.Kind) {
        let svg = SVGRenderer().render(chart(kind, Self.twoSeries, categories: ["a", "b", "c"]))
        #expect(count("<g class=\"series\" data-series=\"Basic\" data-points=\"3\"", in: svg) == 1)
        #expect(count("data-series=\"Pre&lt;mium&gt;\" data-points=\"2\"", in: svg) == 1)
        #expect(count("class=\"pt\"", in: svg) == 5)
        #expect(svg.contains("Title &lt;A&amp;B&gt;"))
        #expect(!svg.contains("<mium>"))
    }

    @Test func aLineChartHasTitleAxisLabelsLegendAndFreshness() {
        let svg = SVGRenderer().render(chart(.line, Self.twoSeries))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("class=\"chart-title\""))
        #expect(svg.contains(">month (UTC)</text>") && svg.contains(">users (count)</text>"))
        #expect(count("data-legend=", in: svg) == 2)
        #expect(svg.contains("class=\"freshness\"") && svg.contains("last run X"))
    }

    @Test func seriesPastThePaletteGetADashPattern() {
        let many = (0..<10).map { Series(name: "s\($0)", points: [Point(x: 0, y: 1, label: ""), Point(x: 1, y: 2, label: "")]) }
        let svg = SVGRenderer().render(chart(.line, many))
        #expect(count("stroke-dasharray", in: svg) == 4) // two series' paths and legend lines
    }

    @Test(arguments: [(0.0, 7.0), (0.0, 0.3), (0.0, 1234.0), (-5.0, 12.0), (0.0, 0.0)])
    func tickValuesCoverTheDataWithRoundSteps(lo: Double, hi: Double) {
        let ticks = SVGRenderer.niceTicks(lo, hi)
        #expect(ticks.first! <= min(lo, 0))
        #expect(ticks.last! >= hi)
        #expect(ticks.count >= 2 && ticks.count <= 13)
    }
}
