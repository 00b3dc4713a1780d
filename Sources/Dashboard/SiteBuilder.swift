import Foundation

/// `nq dashboard build`: writes the dashboards as static, self-contained HTML files.
public struct SiteBuilder {
    public let source: DashboardSource

    public init(source: DashboardSource) {
        self.source = source
    }

    /// What a build wrote.
    public struct Summary: Sendable {
        public var directory: String
        public var files: [String]
    }

    /// Writes `index.html`, `realtime.html`, `historical.html` and one historical page per
    /// country × plan filter combination (`historical--country-X--plan-Y.html`) into `directory`.
    /// - Throws: `DashboardError.write` naming the file that could not be written.
    public func build(into directory: String) throws -> Summary {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DashboardError.write(path: directory, underlying: error.localizedDescription)
        }
        let snap = source.snapshot()
        let pages = DashboardPages(source: source)
        var files: [(String, String)] = [
            ("index.html", pages.index(snap, mode: .staticSite)),
            ("realtime.html", pages.realtime(snap, filters: DashboardFilters(), mode: .staticSite)),
        ]
        let (countries, plans) = pages.filterValues(snap)
        for c in [nil] + countries.map(Optional.some) {
            for p in [nil] + plans.map(Optional.some) {
                files.append((DashboardPages.historicalFile(country: c, plan: p),
                              pages.historical(snap, filters: DashboardFilters(country: c, plan: p), mode: .staticSite)))
            }
        }
        for (name, html) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                try html.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw DashboardError.write(path: path, underlying: error.localizedDescription)
            }
        }
        return Summary(directory: directory, files: files.map(\.0))
    }
}
