import ArgumentParser
import Foundation

/// `nq schedule install|list|remove|exec`: cron entries that run nq on a schedule.
struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run nq on a schedule with cron (one entry per store).",
        discussion: """
            nq schedule install --cron "0 3 * * *" -- batch --export
            nq schedule list
            nq schedule remove
            The entry runs under flock(1), so runs never overlap, and appends to <store>/logs/schedule.log.
            """,
        subcommands: [Install.self, List.self, Remove.self, Exec.self]
    )

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "install", abstract: "Add (or replace) this store's crontab entry.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The five cron fields, e.g. \"0 3 * * *\".") var cron: String
        @Argument(parsing: .postTerminator, help: "The nq command line to run, after --.") var command: [String] = []

        func validate() throws {
            guard !command.isEmpty else { throw ValidationError("give the nq command to run after --, e.g. -- batch --export") }
            _ = try CronEntry.validateFields(cron)
        }

        func run() throws {
            let store = try CronEntry.absolute(global.storePath)
            guard FileManager.default.fileExists(atPath: store + "/catalog.sqlite") else {
                throw ValidationError("no nq store at \(store) (run `nq ingest` first, or pass --store)")
            }
            try FileManager.default.createDirectory(atPath: store + "/logs", withIntermediateDirectories: true)
            let entry = CronEntry(schedule: try CronEntry.validateFields(cron), nq: CronEntry.currentExecutable(), store: store, command: command)
            let existing = try Crontab.read()
            let updated = Crontab.replacing(store: store, in: existing, with: entry.line)
            try Crontab.write(updated)
            print("installed: \(entry.line)")
            print("log: \(entry.logPath)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Show the nq entries of the crontab (of every store).")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let lines = Crontab.nqLines(try Crontab.read())
            if lines.isEmpty { print("no nq schedule entries") }
            for l in lines { print(l) }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove this store's crontab entry.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let store = try CronEntry.absolute(global.storePath)
            let existing = try Crontab.read()
            let updated = Crontab.replacing(store: store, in: existing, with: nil)
            if updated == existing {
                print("no schedule entry for \(store)")
            } else {
                try Crontab.write(updated)
                print("removed the schedule entry for \(store)")
            }
        }
    }

    /// What a crontab entry runs: the nq command as a child, its output and exit status in the log.
    struct Exec: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "exec", abstract: "Run an nq command line and log its exit status (used by crontab entries).", shouldDisplay: false)
        @OptionGroup var global: GlobalOptions
        @Argument(parsing: .postTerminator) var command: [String] = []

        func run() throws {
            let store = try CronEntry.absolute(global.storePath)
            let stamp = { ISO8601DateFormatter().string(from: Date()) }
            print("\(stamp()) nq schedule: start: nq --store \(store) \(command.joined(separator: " "))")
            fflush(stdout)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CronEntry.currentExecutable())
            p.arguments = ["--store", store] + command
            try p.run()
            p.waitUntilExit()
            let status = p.terminationStatus
            print("\(stamp()) nq schedule: end: exit status \(status)")
            fflush(stdout)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// One crontab line for a store.
struct CronEntry {
    var schedule: String
    var nq: String
    var store: String
    var command: [String]

    static let marker = "# nq schedule store="

    var logPath: String { store + "/logs/schedule.log" }

    /// `flock -n` skips a run while the previous one still holds the lock (exit status 75, logged).
    var line: String {
        let q = CronEntry.shellQuote
        let run = ["flock", "-n", "-E", "75", q(store + "/SCHEDULE.lock"), q(nq), "--store", q(store), "schedule", "exec", "--"]
            + command.map(q)
        return "\(schedule) \(run.joined(separator: " ")) >> \(q(logPath)) 2>&1 || echo \"nq schedule: exit status $? (75: the previous run still held the lock)\" >> \(q(logPath)) \(CronEntry.marker)\(store)"
    }

    /// Single-quotes for sh; `%` is special in crontab lines, so it is escaped too.
    static func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''").replacingOccurrences(of: "%", with: "\\%") + "'"
    }

    static func validateFields(_ cron: String) throws -> String {
        let fields = cron.split(separator: " ", omittingEmptySubsequences: true)
        let allowed = Set("0123456789*/,-")
        guard fields.count == 5, fields.allSatisfy({ $0.allSatisfy { allowed.contains($0) } }) else {
            throw ValidationError("--cron needs five cron fields of digits, *, /, - and , (for example \"0 3 * * *\"), got \"\(cron)\"")
        }
        return fields.joined(separator: " ")
    }

    static func absolute(_ path: String) throws -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }

    static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// The user's crontab, through the real `crontab` command.
enum Crontab {
    static var command: String { ProcessInfo.processInfo.environment["NQ_CRONTAB"] ?? "crontab" }

    static func read() throws -> String {
        let (status, out, err) = try run(["-l"], input: nil)
        if status != 0 {
            if err.contains("no crontab") { return "" }
            throw ValidationError("crontab -l failed (\(status)): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return out
    }

    static func write(_ text: String) throws {
        let (status, _, err) = try run(["-"], input: text)
        guard status == 0 else { throw ValidationError("crontab - failed (\(status)): \(err.trimmingCharacters(in: .whitespacesAndNewlines))") }
    }

    static func nqLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.contains(CronEntry.marker) }
    }

    /// `text` with the entry of `store` replaced by `line` (removed when nil; added when absent).
    static func replacing(store: String, in text: String, with line: String?) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let mine = { (l: String) in l.hasSuffix(CronEntry.marker + store) }
        var out: [String] = []
        var placed = false
        for l in lines {
            if mine(l) {
                if let line, !placed { out.append(line); placed = true }
            } else {
                out.append(l)
            }
        }
        if let line, !placed { out.append(line) }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    private static func run(_ args: [String], input: String?) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [command] + args
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        do { try p.run() } catch {
            throw ValidationError("cannot run \(command): \(error) (install Debian's cron package)")
        }
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
