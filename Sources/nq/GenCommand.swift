import ArgumentParser
import Foundation
import Ingest

/// `nq gen --out data/ --events 10000000 --seed 7`: writes the six CSV files of the data set.
struct Gen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate the six CSV files of the Netflix 2025 user-behaviour data set at any scale.",
        discussion: """
            Writes users.csv, movies.csv, watch_history.csv, reviews.csv, search_logs.csv and \
            recommendation_logs.csv into --out (created if missing). --events is the number of \
            watch_history rows, duplicates included; the other tables keep the real data set's ratios \
            to it (movies stay at 1,000). The same seed always gives byte-identical files.
            """
    )

    @Option(name: .long, help: "Output directory (created if missing).")
    var out: String

    @Option(name: .long, help: "watch_history rows, duplicates included; other tables scale from it.")
    var events: Int = 100_000

    @Option(name: .long, help: "Seed; the same seed gives byte-identical files.")
    var seed: UInt64 = 7

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must be 0 or more (got \(events))") }
    }

    func run() throws {
        let generator = DataGenerator(configuration: GeneratorConfiguration(events: events, seed: seed))
        let start = DispatchTime.now().uptimeNanoseconds
        let files = try generator.write(to: out)
        let seconds = max(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, 1e-9)
        let width = files.map(\.table.count).max() ?? 0
        for file in files {
            let name = file.table.padding(toLength: width, withPad: " ", startingAt: 0)
            print("\(name)  \(String(file.rows).leftPadded(to: 11)) rows  \(file.path)")
        }
        let total = files.reduce(0) { $0 + $1.rows }
        print("\(total) rows in \(String(format: "%.2f", seconds)) s (\(Int(Double(total) / seconds)) rows/s)")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
