import ArgumentParser
import Dashboard
import Foundation

/// `nq dashboard`: the real-time and historical dashboards, as a static site or served live.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Build or serve the real-time and historical dashboards.",
        subcommands: [Build.self, Serve.self]
    )

    /// `nq dashboard build --out site/`
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Write the dashboards as self-contained HTML (opens from disk; nothing fetched).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Directory to write index.html, realtime.html and historical*.html into.") var out: String = "site"

        func run() throws {
            let summary = try SiteBuilder(source: DashboardSource(storePath: global.storePath)).build(into: out)
            let index = (summary.directory as NSString).appendingPathComponent("index.html")
            print("wrote \(summary.files.count) pages to \(summary.directory); open \(index)")
        }
    }

    /// `nq dashboard serve [--port 8080]`
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the dashboards and the JSON API (/api/<table>) live from the store.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Port to listen on (0: any free port). Default: 8080.") var port: Int = 8080
        @Option(help: "Address to listen on. Default: 127.0.0.1 (this machine only).") var host: String = "127.0.0.1"
        @Option(help: "Seconds between refreshes of the real-time page. Default: 5.") var refresh: Int = 5

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, got \(port)") }
            guard refresh >= 1 else { throw ValidationError("--refresh must be at least 1 second") }
        }

        /// Runs the server in a task and waits for it here (NQ.main is synchronous); the task ends on
        /// SIGINT or SIGTERM, or with the error that stopped it.
        func run() throws {
            let server = DashboardServer(source: DashboardSource(storePath: global.storePath),
                                         configuration: .init(host: host, port: port, refreshSeconds: refresh))
            let done = DispatchSemaphore(value: 0)
            let outcome = Outcome()
            Task {
                do { try await server.run() } catch { outcome.error = error }
                done.signal()
            }
            done.wait()
            if let error = outcome.error { throw error }
        }
    }

    /// The server task's error, handed to the waiting thread after the semaphore.
    final class Outcome: @unchecked Sendable {
        // @unchecked: written once by the task before `signal()`, read after `wait()`.
        var error: Error?
    }
}
