import Foundation
import Testing
@testable import Ingest

/// `nq gen`: determinism, the scale rule, and fidelity to the real sample in shared/data/kaggle-sample.
///
/// The fidelity tests compare a small generated data set (20,000 events) with the real files, computing
/// the real value sets, missing rates and duplicate rates here rather than hard-coding them. They need
/// the sample, which lives outside the repository (`../shared/data/kaggle-sample` from the repo root);
/// when it is absent they are reported as skipped with the reason, never passed silently.
@Suite struct GeneratorTests {
    static let events = 20_000

    // MARK: Determinism

    @Test func sameSeedGivesByteIdenticalFilesWhateverTheChunkScheduling() throws {
        let configuration = GeneratorConfiguration(events: Self.events, seed: 7)
        // Small chunks so every table spans several chunks and batches.
        let parallel = try Fixture.generate(DataGenerator(configuration: configuration, chunkRows: 1_000, chunksPerBatch: 4))
        let sequential = try Fixture.generate(DataGenerator(configuration: configuration, chunkRows: 1_000, chunksPerBatch: 1))
        let again = try Fixture.generate(DataGenerator(configuration: configuration, chunkRows: 1_000, chunksPerBatch: 4))
        defer { [parallel, sequential, again].forEach(Fixture.remove) }
        for table in DataGenerator.tables {
            let bytes = try Data(contentsOf: parallel.appendingPathComponent(table + ".csv"))
            #expect(bytes == (try Data(contentsOf: sequential.appendingPathComponent(table + ".csv"))), "\(table)")
            #expect(bytes == (try Data(contentsOf: again.appendingPathComponent(table + ".csv"))), "\(table)")
        }
    }

    @Test func differentSeedsGiveDifferentFiles() throws {
        let seven = try Fixture.generate(DataGenerator(configuration: GeneratorConfiguration(events: 2_000, seed: 7)))
        let eight = try Fixture.generate(DataGenerator(configuration: GeneratorConfiguration(events: 2_000, seed: 8)))
        defer { [seven, eight].forEach(Fixture.remove) }
        for table in DataGenerator.tables {
            let a = try Data(contentsOf: seven.appendingPathComponent(table + ".csv"))
            let b = try Data(contentsOf: eight.appendingPathComponent(table + ".csv"))
            #expect(a != b, "\(table) is the same for seeds 7 and 8")
        }
    }

    // MARK: Scale

    @Test func rowCountsFollowTheScaleRule() throws {
        let files = try Fixture.shared.get().files
        let rows = Dictionary(uniqueKeysWithValues: files.map { ($0.table, $0.rows) })
        for (table, expected) in Self.expectedRows(events: Self.events) {
            #expect(rows[table] == expected.unique + expected.duplicates, "\(table)")
            let table = try Fixture.generatedTable(table)
            #expect(table.rows.count == expected.unique + expected.duplicates)
            #expect(Set(table.rows.map { $0[0] }).count == expected.unique, "\(table): distinct ids")
        }
        #expect(rows["watch_history"] == Self.events)
    }

    @Test func tinyScalesKeepFloorsAndHeadersAndTheRuleHoldsAtEverySize() throws {
        let directory = try Fixture.generate(DataGenerator(configuration: GeneratorConfiguration(events: 0, seed: 1)))
        defer { Fixture.remove(directory) }
        let users = try CSVFile(url: directory.appendingPathComponent("users.csv"))
        let movies = try CSVFile(url: directory.appendingPathComponent("movies.csv"))
        let watch = try CSVFile(url: directory.appendingPathComponent("watch_history.csv"))
        #expect(users.rows.count == 10)
        #expect(movies.rows.count == 1_040)
        #expect(watch.rows.isEmpty && watch.header.first == "session_id")

        let one = try Fixture.generate(DataGenerator(configuration: GeneratorConfiguration(events: 1, seed: 1)))
        defer { Fixture.remove(one) }
        #expect(try CSVFile(url: one.appendingPathComponent("watch_history.csv")).rows.count == 1)
        for events in [1, 2, 104, 105, 20_000, 10_000_000] {
            let scale = GeneratorScale(events: events)
            let expected = Self.expectedRows(events: events)
            let sizes = ["users": scale.users, "movies": scale.movies, "watch_history": scale.watchHistory,
                         "reviews": scale.reviews, "search_logs": scale.searchLogs,
                         "recommendation_logs": scale.recommendationLogs]
            for (table, size) in sizes {
                #expect(size.unique == expected[table]?.unique && size.duplicates == expected[table]?.duplicates,
                        "\(table) at \(events) events")
            }
        }
    }

    @Test func idsAreZeroPaddedAsInTheRealFilesAndWidenOnlyWhenNeeded() throws {
        #expect(try Fixture.generatedTable("users").rows[0][0] == "user_00001")
        #expect(try Fixture.generatedTable("movies").rows[0][0] == "movie_0001")
        #expect(try Fixture.generatedTable("watch_history").rows[0][0] == "session_000001")
        #expect(try Fixture.generatedTable("reviews").rows[0][0] == "review_000001")
        #expect(try Fixture.generatedTable("search_logs").rows[0][0] == "search_000001")
        #expect(try Fixture.generatedTable("recommendation_logs").rows[0][0] == "rec_0000001")
        #expect(UsersTable(count: 123_456).idWidth == 6)
        #expect(WatchHistoryTable(count: 9_523_809, keys: ForeignKeys(users: 952_381, movies: 1_000)).idWidth == 7)
        #expect(ForeignKeys(users: 952_381, movies: 1_000).userWidth == 6)
    }

    // MARK: Format

    @Test func filesAreASCIIWithLFLineEndingsAndNoBOM() throws {
        for table in DataGenerator.tables {
            let bytes = try Data(contentsOf: Fixture.shared.get().directory.appendingPathComponent(table + ".csv"))
            #expect(!bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(table) starts with a BOM")
            #expect(!bytes.contains(13), "\(table) contains CR")
            #expect(bytes.allSatisfy { $0 < 128 }, "\(table) is not ASCII")
            #expect(bytes.last == 10, "\(table) does not end with a newline")
        }
    }

    @Test func valuesAreFormattedLikeTheRealFiles() throws {
        let users = try Fixture.generatedTable("users")
        #expect(users.column("age").allSatisfy { $0.isEmpty || $0.matches(#"^-?\d+\.0$"#) })
        #expect(users.column("created_at").allSatisfy { $0.matches(#"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$"#) })
        #expect(users.column("subscription_start_date").allSatisfy { $0.matches(#"^202[2-5]-\d\d-\d\d$"#) })
        #expect(users.column("is_active").allSatisfy { $0 == "True" || $0 == "False" })
        let searches = try Fixture.generatedTable("search_logs")
        #expect(searches.column("clicked_result_position").allSatisfy { $0.isEmpty || $0.matches(#"^\d+$"#) })
        let reviews = try Fixture.generatedTable("reviews")
        let quoted = reviews.quotedFields(column: "review_text")
        #expect(!quoted.isEmpty && quoted.allSatisfy { $0.contains(",") }, "review_text quoted only with a comma")
        #expect(reviews.column("review_text").allSatisfy { !$0.contains(",") || quoted.contains($0) })
        let watch = try Fixture.generatedTable("watch_history")
        for name in ["watch_date"] {
            #expect(watch.column(name).allSatisfy { $0 >= "2024-01-01" && $0 <= "2025-12-31" })
        }
        #expect(watch.column("watch_duration_minutes").allSatisfy { $0.isEmpty || $0.matches(#"^\d+\.\d$"#) })
        let movies = try Fixture.generatedTable("movies")
        #expect(movies.column("duration_minutes").filter { $0 == "0.0" }.count >= 1, "a 0-minute title")
    }

    @Test func everyForeignKeyResolves() throws {
        let users = Set(try Fixture.generatedTable("users").column("user_id"))
        let movies = Set(try Fixture.generatedTable("movies").column("movie_id"))
        for table in ["watch_history", "reviews", "search_logs", "recommendation_logs"] {
            let file = try Fixture.generatedTable(table)
            #expect(file.column("user_id").allSatisfy(users.contains), "\(table).user_id")
            if file.header.contains("movie_id") {
                #expect(file.column("movie_id").allSatisfy(movies.contains), "\(table).movie_id")
            }
        }
    }

    @Test func invalidArgumentsAreReportedClearly() throws {
        let negative = DataGenerator(configuration: GeneratorConfiguration(events: -1, seed: 7))
        #expect(throws: GeneratorError.invalidEventCount(-1)) { try negative.write(to: NSTemporaryDirectory()) }
        let file = Fixture.temporaryDirectory().appendingPathExtension("txt")
        try Data("x".utf8).write(to: file)
        defer { Fixture.remove(file) }
        let generator = DataGenerator(configuration: GeneratorConfiguration(events: 10, seed: 7))
        #expect(throws: GeneratorError.notADirectory(path: file.path)) { try generator.write(to: file.path) }
        #expect(GeneratorError.cannotCreateDirectory(path: "/x", reason: "Permission denied").description
            == "cannot create directory /x: Permission denied")
    }

    // MARK: Fidelity to the real sample

    @Test(.enabled(if: RealSample.isPresent, RealSample.absenceNote))
    func headersEqualTheRealHeaders() throws {
        for table in RealSample.csvTables {
            #expect(try Fixture.generatedTable(table).header == RealSample.table(table).header, "\(table)")
        }
        // watch_history: the real events' keys, less the replay timestamp.
        #expect(try Fixture.generatedTable("watch_history").header == RealSample.watchEvents().header)
        // recommendation_logs: the README's column list.
        #expect(try Fixture.generatedTable("recommendation_logs").header == RealSample.readmeColumns(of: "recommendation_logs"))
    }

    @Test(.enabled(if: RealSample.isPresent, RealSample.absenceNote))
    func lowCardinalityValuesAreSubsetsOfTheRealOnes() throws {
        for table in RealSample.csvTables + ["watch_history"] {
            let real = try table == "watch_history" ? RealSample.watchEvents() : RealSample.table(table)
            let generated = try Fixture.generatedTable(table)
            for name in real.header where !real.ignoredForValueSets.contains(name) {
                let realValues = Set(real.column(name))
                guard realValues.count <= 40 else { continue }
                let extra = Set(generated.column(name)).subtracting(realValues)
                #expect(extra.isEmpty, "\(table).\(name) has values the real file lacks: \(extra.sorted().prefix(5))")
            }
        }
    }

    @Test(.enabled(if: RealSample.isPresent, RealSample.absenceNote))
    func missingRatesAreWithinTwoPointsOfTheRealOnes() throws {
        for table in RealSample.csvTables + ["watch_history"] {
            let real = try table == "watch_history" ? RealSample.watchEvents() : RealSample.table(table)
            let generated = try Fixture.generatedTable(table)
            for name in real.header {
                let realRate = real.missingRate(name)
                let generatedRate = generated.missingRate(name)
                #expect(abs(realRate - generatedRate) <= 0.02,
                        "\(table).\(name): \(generatedRate * 100) % missing, real \(realRate * 100) %")
            }
        }
    }

    @Test(.enabled(if: RealSample.isPresent, RealSample.absenceNote))
    func duplicateRowsAreAppendedAtTheEndAtTheRealRates() throws {
        for table in RealSample.csvTables {
            let real = try RealSample.table(table)
            let generated = try Fixture.generatedTable(table)
            let realRate = real.duplicateRate
            #expect(abs(generated.duplicateRate - realRate) <= 0.002, "\(table): \(generated.duplicateRate) vs \(realRate)")
            let unique = Set(generated.rows.map { $0[0] }).count
            let head = generated.rows.prefix(unique)
            #expect(Set(head.map { $0[0] }).count == unique, "\(table): duplicates only after the unique rows")
            let headRows = Set(head)
            #expect(generated.rows.dropFirst(unique).allSatisfy(headRows.contains), "\(table): tail rows are exact copies")
        }
    }

    /// The scale rule, restated independently of `GeneratorScale`: unique rows and duplicates per table.
    static func expectedRows(events: Int) -> [String: (unique: Int, duplicates: Int)] {
        let watch = events == 1 ? 1 : events * 100 / 105
        func share(_ value: Int, _ numerator: Int, _ denominator: Int) -> Int {
            Int((Double(value) * Double(numerator) / Double(denominator)).rounded(.toNearestOrAwayFromZero))
        }
        let users = max(10, share(watch, 10_000, 100_000))
        let reviews = share(watch, 15_000, 100_000)
        let searches = share(watch, 25_000, 100_000)
        let recommendations = share(watch, 50_000, 100_000)
        return [
            "watch_history": (watch, events - watch),
            "users": (users, share(users, 300, 10_000)),
            "movies": (1_000, 40),
            "reviews": (reviews, share(reviews, 450, 15_000)),
            "search_logs": (searches, share(searches, 1_500, 25_000)),
            "recommendation_logs": (recommendations, share(recommendations, 2_000, 50_000)),
        ]
    }
}

// MARK: - Helpers

/// Generated data sets in temporary directories; one shared 20,000-event set for the read-only tests.
private enum Fixture {
    static let shared: Result<(directory: URL, files: [GeneratedFile]), Error> = Result {
        let directory = temporaryDirectory()
        let generator = DataGenerator(configuration: GeneratorConfiguration(events: GeneratorTests.events, seed: 7))
        return (directory, try generator.write(to: directory.path))
    }

    static let tables: Result<[String: CSVFile], Error> = Result {
        let directory = try shared.get().directory
        return try Dictionary(uniqueKeysWithValues: DataGenerator.tables.map {
            ($0, try CSVFile(url: directory.appendingPathComponent($0 + ".csv")))
        })
    }

    static func generatedTable(_ name: String) throws -> CSVFile {
        try #require(try tables.get()[name])
    }

    static func temporaryDirectory() -> URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("nq-gen-\(UUID().uuidString)")
    }

    static func generate(_ generator: DataGenerator) throws -> URL {
        let directory = temporaryDirectory().appendingPathComponent("nested")
        _ = try generator.write(to: directory.path)
        return directory
    }

    static func remove(_ url: URL) { try? FileManager.default.removeItem(at: url) }
}

/// The real files, found relative to this source file: <repo>/../shared/data/kaggle-sample.
enum RealSample {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/kaggle-sample").standardized
    static let isPresent = FileManager.default.fileExists(atPath: directory.appendingPathComponent("users.csv").path)
    static let absenceNote: Comment = "real sample not found at \(directory.path): fidelity checks skipped"
    static let csvTables = ["users", "movies", "reviews", "search_logs"]

    private static let tables: Result<[String: CSVFile], Error> = Result {
        try Dictionary(uniqueKeysWithValues: csvTables.map {
            ($0, try CSVFile(url: directory.appendingPathComponent($0 + ".csv")))
        })
    }

    static func table(_ name: String) throws -> CSVFile { try #require(try tables.get()[name]) }

    /// watch_events.jsonl as a watch_history table: keys in file order less `timestamp`, `NaN` as missing,
    /// JSON booleans as `True`/`False`. December 2025 only, so its watch_date says nothing of the range.
    static func watchEvents() throws -> CSVFile { try events.get() }

    private static let events: Result<CSVFile, Error> = Result {
        let text = try String(contentsOf: directory.appendingPathComponent("watch_events.jsonl"), encoding: .utf8)
        var header: [String] = []
        var rows: [[String]] = []
        for line in text.split(separator: "\n") {
            let pairs = line.dropFirst(2).dropLast().components(separatedBy: ", \"").map { pair -> (String, String) in
                let parts = pair.components(separatedBy: "\": ")
                var value = parts[1]
                if value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
                switch value {
                case "NaN": value = ""
                case "true": value = "True"
                case "false": value = "False"
                default: break
                }
                return (parts[0], value)
            }.filter { $0.0 != "timestamp" }
            header = pairs.map(\.0)
            rows.append(pairs.map(\.1))
        }
        var file = CSVFile(header: header, rows: rows)
        file.ignoredForValueSets = ["watch_date"]
        return file
    }

    /// The column list README.md gives for a table that is not in the sample.
    static func readmeColumns(of table: String) throws -> [String] {
        let text = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("- \(table):") })
        var item = String(lines[start].dropFirst("- \(table):".count))
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("  ") else { break }
            item += " " + line
        }
        let withoutNotes = item.replacingOccurrences(of: #"\([^)]*\)"#, with: "", options: .regularExpression)
        let list = withoutNotes.split(separator: ";", maxSplits: 1).first.map(String.init) ?? withoutNotes
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// A CSV file small enough to hold in memory: header, rows of fields (quotes removed), and which
/// values of each column were written quoted.
struct CSVFile {
    var header: [String]
    var rows: [[String]]
    var quoted: [Int: Set<String>] = [:]
    /// Columns whose value sets a sample does not represent (excluded from subset checks).
    var ignoredForValueSets: Set<String> = []

    init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    init(url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
        header = []
        rows = []
        var fields: [String] = []
        var index = 0
        // Fields never span lines in these files; quotes only wrap fields (with "" as an escaped quote).
        while index < bytes.count {
            var field: String
            var wasQuoted = false
            if bytes[index] == quote {
                wasQuoted = true
                var value: [UInt8] = []
                index += 1
                while index < bytes.count {
                    if bytes[index] == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            value.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    value.append(bytes[index])
                    index += 1
                }
                field = String(decoding: value, as: UTF8.self)
            } else {
                let start = index
                while index < bytes.count && bytes[index] != comma && bytes[index] != newline { index += 1 }
                field = String(decoding: bytes[start..<index], as: UTF8.self)
            }
            if wasQuoted { quoted[fields.count, default: []].insert(field) }
            fields.append(field)
            let terminator = index < bytes.count ? bytes[index] : newline
            index += 1
            if terminator == newline {
                if header.isEmpty { header = fields } else { rows.append(fields) }
                fields = []
            }
        }
    }

    func column(_ name: String) -> [String] {
        guard let index = header.firstIndex(of: name) else { return [] }
        return rows.map { $0[index] }
    }

    func quotedFields(column name: String) -> Set<String> {
        header.firstIndex(of: name).flatMap { quoted[$0] } ?? []
    }

    func missingRate(_ name: String) -> Double {
        rows.isEmpty ? 0 : Double(column(name).filter(\.isEmpty).count) / Double(rows.count)
    }

    var duplicateRate: Double {
        rows.isEmpty ? 0 : Double(rows.count - Set(rows).count) / Double(rows.count)
    }
}

extension String {
    func matches(_ pattern: String) -> Bool { range(of: pattern, options: .regularExpression) != nil }
}
