import Foundation
import Testing

/// The root command's own flags and its error for an unknown subcommand, run as the real binary.
@Suite struct CommandLineTests {
    @Test func versionFlagPrintsTheVersionAndExitsZero() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.run(["--version"])
        #expect(o.status == 0, "\(o.stderr)")
        let printed = o.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // Semantic version: three dot-separated numbers.
        let parts = printed.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil }, "printed: \(printed)")
    }

    @Test func helpListsEverySubcommandUsersCallByName() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.run(["--help"])
        #expect(o.status == 0, "\(o.stderr)")
        for name in ["query", "ingest", "tables", "describe", "gen", "batch", "schedule", "produce", "consume", "export", "dashboard"] {
            #expect(o.stdout.contains("  \(name)"), "missing \(name) in:\n\(o.stdout)")
        }
    }
}
