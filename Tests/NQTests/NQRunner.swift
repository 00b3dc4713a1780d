import Foundation

/// Runs the real `nq` binary, as a user would, and captures its output and exit code.
struct NQRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The repository root, found from this file's path.
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The nq binary: $NQ_BIN, else the one built next to the running test bundle, else .build/debug/nq.
    static let binary: String = {
        if let env = ProcessInfo.processInfo.environment["NQ_BIN"], !env.isEmpty { return env }
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent().appendingPathComponent("nq")) }
        for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("nq")) }
        candidates.append(repoRoot.appendingPathComponent(".build/debug/nq"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates.last!.path
    }()

    let directory: URL

    /// A fresh temporary working directory for one test.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nq-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    var store: String { directory.appendingPathComponent("store").path }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes a file in the working directory and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        try contents.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    /// Runs `nq ARGS` in the working directory with `NQ_STORE` unset unless given.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: NQRunner.binary)
        p.arguments = arguments
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NQ_STORE")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// `nq --store STORE ARGS`.
    func nq(_ arguments: String...) throws -> Output { try run(["--store", store] + arguments) }

    /// Rows per table, from `nq tables --format csv`.
    func tableRows() throws -> [String: Int] {
        let o = try nq("tables", "--format", "csv")
        var out: [String: Int] = [:]
        for line in o.stdout.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            out[String(f[0])] = Int(f[1])
        }
        return out
    }
}
