#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ColumnStore
import Foundation

/// Runs a directory of SQL files (`pipelines/batch/*.sql`, in file-name order) as one all-or-nothing
/// batch run over a store.
///
/// Every statement must be `CREATE [OR REPLACE] TABLE name AS SELECT ...`. During the run each such
/// table is built under a staging name (`_stage_<name>`), and later statements that read `name` read
/// the staged table, so the files see each other's results while the published tables stay as they
/// were. When every statement has succeeded, one catalog transaction swaps the staged tables in,
/// drops the scratch tables (`tmp_...`), appends the run's data-quality counts (the file-produced
/// `tmp_dq_counts`) to `dq_report` and records the run in `_runs`. A failure — or a SIGKILL — before
/// that transaction leaves the previous results readable and intact; the next run removes the
/// leftovers and records the killed run as `killed`.
public final class BatchPipeline {
    public static let stagePrefix = "_stage_"
    public static let scratchPrefix = "tmp_"
    public static let dqCountsTable = "tmp_dq_counts"
    public static let dqReportTable = "dq_report"
    public static let runsTable = "_runs"

    /// One pipeline file: its path, text and parsed statements.
    struct File {
        var path: String
        var text: String
        var statements: [Statement]
        var name: String { (path as NSString).lastPathComponent }
    }

    let store: Store
    let files: [File]
    /// Tables the run creates, in creation order (logical names).
    public let outputs: [String]
    /// Published result tables (outputs that are not scratch), in creation order.
    public var results: [String] { outputs.filter { !$0.hasPrefix(BatchPipeline.scratchPrefix) } }

    /// Reads and parses every `*.sql` file of `directory`, in file-name order. Nothing runs yet.
    /// - Throws: `QueryError.pipelineSetup` for a missing or empty directory or an unreadable file, and
    ///   what `init(store:sources:)` throws.
    public convenience init(store: Store, directory: String) throws {
        try self.init(store: store, sources: try BatchPipeline.sources(directory: directory))
    }

    /// The `*.sql` files of `directory` (path, text), in file-name order.
    /// - Throws: `QueryError.pipelineSetup` for a missing or empty directory or an unreadable file.
    public static func sources(directory: String) throws -> [(path: String, text: String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw QueryError.pipelineSetup("no pipeline directory \(directory)")
        }
        let sources = try names.filter { $0.hasSuffix(".sql") }.sorted().map { name -> (path: String, text: String) in
            let path = directory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw QueryError.pipelineSetup("cannot read \(path)")
            }
            return (path, text)
        }
        guard !sources.isEmpty else { throw QueryError.pipelineSetup("no .sql files in \(directory)") }
        return sources
    }

    /// The pipeline compiled into nq (`pipelines/batch/*.sql` when it was built).
    public static var builtinSources: [(path: String, text: String)] {
        builtinBatchPipeline.map { ("pipelines/batch/" + $0.file, $0.sql) }
    }

    /// The pipeline compiled into nq.
    public convenience init(builtinFor store: Store) throws {
        try self.init(store: store, sources: BatchPipeline.builtinSources)
    }

    /// Parses the files (in the given order). Nothing runs yet.
    /// - Throws: a syntax error naming the file, a statement that is not CREATE TABLE AS, or a table
    ///   name with a `_` prefix or a dataset qualifier (`QueryError.pipeline` / `.pipelineSetup`).
    public init(store: Store, sources: [(path: String, text: String)]) throws {
        self.store = store
        var files: [File] = []
        var outputs: [String] = []
        for (path, text) in sources {
            let statements: [Statement]
            do { statements = try QueryEngine.parse(text) } catch let e as QueryError {
                throw QueryError.pipeline(file: path, statement: 0, underlying: e)
            }
            for (i, s) in statements.enumerated() {
                guard case .createTableAs(let table, _, _, _) = s else {
                    throw QueryError.pipelineSetup("\(path), statement \(i + 1): a pipeline file may only hold CREATE TABLE ... AS SELECT statements")
                }
                guard !table.hasPrefix("_"), !table.contains(".") else {
                    throw QueryError.pipelineSetup("\(path), statement \(i + 1): the table name \(table) is not allowed (no _ prefix, no dataset qualifier)")
                }
                if !outputs.contains(table.lowercased()) { outputs.append(table.lowercased()) }
            }
            files.append(File(path: path, text: text, statements: statements))
        }
        guard !files.isEmpty else { throw QueryError.pipelineSetup("the pipeline has no files") }
        self.files = files
        self.outputs = outputs
    }

    /// The outcome of a successful run.
    public struct Summary: Sendable {
        public var runID: String
        /// Published tables with their row counts, in creation order.
        public var tables: [(name: String, rows: Int)]
        public var dataQualityRows: Int
        public var seconds: Double
    }

    /// Runs the pipeline. `log` receives one line per statement and one per published table.
    /// - Throws: `QueryError.pipeline` naming the file and statement that failed; the published tables,
    ///   `dq_report` and the earlier `_runs` rows are then as they were, and `_runs` records the failure.
    public func run(log: (String) -> Void = { _ in }) throws -> Summary {
        let lock = try BatchLock(path: store.path + "/BATCH.lock")
        defer { lock.release() }
        let started = BatchPipeline.nowMicros()
        let runID = BatchPipeline.makeRunID(micros: started)
        let runs = RunsTable(store: store)
        try cleanUpInterruptedRuns(runs)
        try runs.record(runID: runID, started: started, ended: nil, status: "running", rowCounts: nil, message: nil)
        log("run \(runID): \(files.count) files")

        let engine = QueryEngine(store: store)
        engine.tableRedirects = Dictionary(uniqueKeysWithValues: outputs.map { ($0, BatchPipeline.stagePrefix + $0) })
        do {
            for file in files {
                for (i, statement) in file.statements.enumerated() {
                    let result: QueryResult
                    let t0 = BatchPipeline.nowMicros(), cpu0 = BatchPipeline.cpuSeconds()
                    do { result = try engine.execute(statement, sql: file.text) } catch let e as QueryError {
                        throw QueryError.pipeline(file: file.path, statement: i + 1, underlying: e)
                    }
                    let seconds = Double(BatchPipeline.nowMicros() - t0) / 1e6
                    let cpu = BatchPipeline.cpuSeconds() - cpu0
                    log("  \(file.name): \(result.message ?? "") in \(String(format: "%.2f", seconds)) s"
                        + " (CPU \(String(format: "%.2f", cpu)) s, peak RSS so far \(BatchPipeline.peakRSSMiB()) MiB)")
                }
            }
            let summary = try publish(runID: runID, started: started, runs: runs)
            for t in summary.tables { log("  published \(t.name): \(t.rows) rows") }
            return summary
        } catch {
            let message = "\(error)"
            try? dropStaged()
            try? runs.record(runID: runID, started: started, ended: BatchPipeline.nowMicros(), status: "failed", rowCounts: nil, message: message)
            throw error
        }
    }

    private func staged(_ name: String) -> String { BatchPipeline.stagePrefix + name }

    /// Swaps every staged table in, in one transaction with dq_report and _runs.
    private func publish(runID: String, started: Int64, runs: RunsTable) throws -> Summary {
        var tables: [(name: String, rows: Int)] = []
        for name in results {
            tables.append((name, try store.table(staged(name)).rows))
        }
        let dq = try store.tableIfExists(staged(BatchPipeline.dqCountsTable))
        let dqColumns = try dq.map { _ in try store.readAll(staged(BatchPipeline.dqCountsTable)) }
        let ended = BatchPipeline.nowMicros()
        let counts = "{" + tables.map { "\"\($0.name)\":\($0.rows)" }.joined(separator: ",") + "}"
        var dqRows = 0
        try store.write { writer in
            var dqSegment: PendingSegment?
            if let dq, let dqColumns {
                let (schema, columns) = try DataQualityReport.rows(runID: runID, counts: dq.schema, columns: dqColumns)
                dqRows = columns.first?.count ?? 0
                if dqRows > 0 { dqSegment = try writer.writeSegment(schema: schema, columns: columns) }
            }
            let runsSegment = try runs.rewrite(writer: writer, runID: runID, started: started, ended: ended,
                                               status: "succeeded", rowCounts: counts, message: nil)
            try writer.commit { tx in
                for name in outputs {
                    if name.hasPrefix(BatchPipeline.scratchPrefix) {
                        try tx.dropTable(staged(name))
                    } else {
                        if try tx.table(name) != nil { try tx.dropTable(name) }
                        try tx.renameTable(staged(name), to: name)
                    }
                }
                if let dqSegment {
                    if let existing = try tx.table(BatchPipeline.dqReportTable) {
                        guard existing.schema.columns == DataQualityReport.schema.columns else {
                            throw QueryError.pipelineSetup("the table \(BatchPipeline.dqReportTable) does not have the columns (run_id, table, rule, rows); drop or rename it")
                        }
                    } else {
                        try tx.createTable(DataQualityReport.schema, source: "system")
                    }
                    try tx.addSegments([dqSegment], to: BatchPipeline.dqReportTable)
                }
                try runs.replace(in: tx, with: runsSegment)
            }
        }
        return Summary(runID: runID, tables: tables, dataQualityRows: dqRows, seconds: Double(ended - started) / 1e6)
    }

    /// Drops every staging table (of this run after a failure, or of runs that were killed).
    private func dropStaged() throws {
        let leftovers = try store.tableNames().filter { $0.hasPrefix(BatchPipeline.stagePrefix) }
        guard !leftovers.isEmpty else { return }
        try store.write { writer in try writer.commit { tx in for t in leftovers { try tx.dropTable(t) } } }
    }

    /// Runs that were still `running` while we hold the batch lock were killed: mark them and drop
    /// their staging tables.
    private func cleanUpInterruptedRuns(_ runs: RunsTable) throws {
        try dropStaged()
        try runs.markInterrupted()
    }

    static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    private static func getSelfUsage(_ usage: inout rusage) {
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
    }

    /// User + system CPU seconds of this process so far (all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        BatchPipeline.getSelfUsage(&usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The process's peak resident set size so far, in MiB (`ru_maxrss`).
    static func peakRSSMiB() -> Int {
        var usage = rusage()
        BatchPipeline.getSelfUsage(&usage)
        #if canImport(Darwin)
        return Int(usage.ru_maxrss) / (1024 * 1024)
        #else
        return Int(usage.ru_maxrss) / 1024
        #endif
    }

    /// `YYYYMMDDTHHMMSSZ-xxxxxx`: sortable by start time, unique by the random suffix.
    static func makeRunID(micros: Int64) -> String {
        let text = CivilTime.formatTimestamp(micros)  // "YYYY-MM-DD HH:MM:SS[.ffffff]"
        let digits = text.prefix(19).filter { $0.isNumber }
        let stamp = String(digits.prefix(8)) + "T" + String(digits.dropFirst(8).prefix(6)) + "Z"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return stamp + "-" + String(repeating: "0", count: 8 - suffix.count) + suffix
    }
}

/// An exclusive, non-blocking `flock` on a file of the store, so batch runs never overlap.
final class BatchLock {
    private var fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw QueryError.pipelineSetup("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            fd = -1
            throw QueryError.pipelineSetup("another nq batch is running on this store (\(path) is locked)")
        }
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
