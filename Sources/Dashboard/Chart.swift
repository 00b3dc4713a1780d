/// One chart of a dashboard: what it shows, independent of how it is drawn.
struct Chart {
    enum Kind {
        /// One line per series over `x` (time, date or number).
        case line
        /// Bars stacked per `x` position, one colour per series.
        case stackedBars
        /// Horizontal bars, one per category, of a single series.
        case bars
        /// Vertical bars grouped per category, one bar per series.
        case groupedBars
        /// A grid: one row per series, one cell per point, colour by value (0...1).
        case heatmap
    }

    /// How `Point.x` is read and labelled.
    enum XScale {
        /// Microseconds since 1970 (TIMESTAMP).
        case time
        /// Days since 1970 (DATE), labelled `YYYY-MM`.
        case month
        /// Category index into `categories`.
        case category
    }

    var id: String
    var title: String
    var kind: Kind
    var xScale: XScale
    /// Axis titles with their units, e.g. "window start (UTC)", "active users (count)".
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Category names for `.category` x values (bars, grouped bars, heatmap columns).
    var categories: [String] = []
    /// How values are printed (tooltips, heatmap cells, bar ends).
    var valueFormat: ValueStyle = .number
    /// The data's freshness and source, shown under the chart.
    var freshness: String
    /// When set, the chart is not drawn and this explains why (no data yet, and how to get it).
    var emptyMessage: String?

    enum ValueStyle {
        case number
        /// A rate 0...1 shown as a percentage.
        case percent
        /// Minutes with one decimal.
        case minutes
    }

    /// An axis tick: the unit is in the axis title, so ticks carry no decimals they do not need.
    func formatTick(_ v: Double) -> String {
        switch valueFormat {
        case .number, .minutes: return ValueFormat.short(v)
        case .percent: return String(format: abs(v * 100 - (v * 100).rounded()) < 1e-6 ? "%.0f%%" : "%.1f%%", v * 100)
        }
    }

    func format(_ v: Double) -> String {
        switch valueFormat {
        case .number: return ValueFormat.short(v)
        case .percent: return String(format: "%.1f%%", v * 100)
        case .minutes: return String(format: "%.1f min", v)
        }
    }
}

/// One named series of a chart.
struct Series {
    var name: String
    var points: [Point]
}

/// One data point; `label` is the x value as the data holds it (for tooltips and tests).
struct Point {
    var x: Double
    var y: Double
    var label: String
}
