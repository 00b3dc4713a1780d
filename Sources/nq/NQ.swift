import ArgumentParser
import ColumnStore
import Foundation

/// `nq`: the command-line entry point. Subcommands share the global `--store DIR` option, which may
/// appear before the subcommand (`nq --store d tables`) or after it (`nq tables --store d`).
@main
struct NQ: ParsableCommand {
    /// Printed by `nq --version`. Semantic versioning; 0.x while the store format may still change.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "nq",
        abstract: "A columnar analytics engine for streaming-platform user behaviour.",
        discussion: """
            The store is the directory named by --store, else $NQ_STORE, else ./nq-data.
            """,
        version: NQ.version,
        subcommands: [QueryCommand.self, Ingest.self, Tables.self, Describe.self, Gen.self, Compact.self, Check.self,
                      Batch.self, Schedule.self, Produce.self, Consume.self, ExportCommand.self, UploadRaw.self,
                      DashboardCommand.self],
        defaultSubcommand: QueryCommand.self
    )

    static func main() {
        MallocTuning.apply()
        var arguments = Array(CommandLine.arguments.dropFirst())
        GlobalOptions.hoistStoreOption(&arguments)
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory. Default: $NQ_STORE, else ./nq-data.")
    var store: String?

    var storePath: String {
        store ?? ProcessInfo.processInfo.environment["NQ_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "./nq-data"
    }

    /// Moves a `--store X` / `--store=X` that precedes the subcommand name to after it (after the leaf
    /// name for command groups), so the subcommand's own `--store` option receives it.
    static func hoistStoreOption(_ args: inout [String]) {
        var i = 0, moved: [String] = []
        while i < args.count, args[i].hasPrefix("-") {
            if args[i] == "--store", i + 1 < args.count {
                moved += args[i...(i + 1)]
                args.removeSubrange(i...(i + 1))
            } else if args[i].hasPrefix("--store=") {
                moved.append(args.remove(at: i))
            } else {
                i += 1
            }
        }
        guard !moved.isEmpty, i < args.count else { args.insert(contentsOf: moved, at: min(i, args.count)); return }
        // A command group (`schedule install`): the option belongs after the leaf subcommand's name.
        let groups = Set(NQ.configuration.subcommands.filter { !$0.configuration.subcommands.isEmpty }.map { $0._commandName })
        let leaf = groups.contains(args[i]) && i + 1 < args.count && !args[i + 1].hasPrefix("-") ? i + 1 : i
        args.insert(contentsOf: moved, at: leaf + 1)
    }

    func openStore(create: Bool) throws -> Store {
        try Store(path: storePath, create: create)
    }
}
