/// Colours of the charts: the Okabe-Ito palette, safe for the common colour-vision deficiencies,
/// ordered so that the first colours contrast most on white (its yellow comes last). Series past the
/// eighth reuse the colours with a dash pattern, so no two series look alike.
enum Palette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#555555", "#C9B800"]
    static let dashes = ["", "6 3", "2 3", "8 3 2 3"]

    static func colour(_ i: Int) -> String { colours[i % colours.count] }
    static func dash(_ i: Int) -> String { dashes[(i / colours.count) % dashes.count] }

    /// A sequential blue scale for heatmaps: 0 → very light, 1 → dark blue.
    static func sequential(_ t: Double) -> String {
        let t = max(0, min(1, t))
        let from = (0xF0, 0xF5, 0xFB), to = (0x08, 0x30, 0x6B)
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return String(format: "#%02X%02X%02X", mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
    }

    /// Text colour that reads on a heatmap cell of value `t`.
    static func onSequential(_ t: Double) -> String { t > 0.5 ? "#FFFFFF" : "#1A1A1A" }
}
