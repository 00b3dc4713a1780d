import Foundation

/// `nq gen`: writes the six CSV files of the "Netflix 2025 User Behavior" data set at any scale,
/// imitating the real files' headers, value sets, missing rates, duplicate rows and formatting.
///
/// Output: users.csv, movies.csv, watch_history.csv, reviews.csv, search_logs.csv and
/// recommendation_logs.csv in the output directory (created if missing), ASCII with LF line endings,
/// missing values as empty fields, integers of nullable columns as floats (`43.0`), booleans
/// `True`/`False`, dates `YYYY-MM-DD`. Row counts follow `GeneratorScale`. The bytes depend only on
/// the configuration: each table and each chunk of 65,536 rows draws from its own SplitMix64 stream,
/// so chunks are generated in parallel on all cores and still come out identical for a given seed.
public struct DataGenerator: Sendable {
    public let configuration: GeneratorConfiguration

    /// Rows per chunk (part of the output's identity) and chunks per parallel batch (not).
    let chunkRows: Int
    let chunksPerBatch: Int

    public init(configuration: GeneratorConfiguration) {
        self.init(configuration: configuration, chunkRows: GeneratorFileWriter.defaultChunkRows,
                  chunksPerBatch: GeneratorFileWriter.defaultChunksPerBatch)
    }

    /// For tests: small chunks exercise the chunking and scheduling on small tables.
    init(configuration: GeneratorConfiguration, chunkRows: Int, chunksPerBatch: Int) {
        precondition(chunkRows > 0 && chunksPerBatch > 0)
        self.configuration = configuration
        self.chunkRows = chunkRows
        self.chunksPerBatch = chunksPerBatch
    }

    /// The row counts this configuration produces.
    public var scale: GeneratorScale { GeneratorScale(events: configuration.events) }

    /// Writes the six files into `directory` and returns them in the order written.
    public func write(to directory: String) throws -> [GeneratedFile] {
        guard configuration.events >= 0 else { throw GeneratorError.invalidEventCount(configuration.events) }
        try DataGenerator.makeDirectory(directory)
        let scale = self.scale
        let writer = GeneratorFileWriter(seed: configuration.seed, chunkRows: chunkRows, chunksPerBatch: chunksPerBatch)
        let keys = ForeignKeys(users: scale.users.unique, movies: scale.movies.unique)
        func path(_ table: String) -> String {
            URL(fileURLWithPath: directory).appendingPathComponent(table + ".csv").path
        }
        var files: [GeneratedFile] = []
        let users = UsersTable(count: scale.users.unique)
        files.append(try writer.write(users, size: scale.users, to: path(users.table)))
        let movies = MoviesTable(count: scale.movies.unique, seed: configuration.seed)
        files.append(try writer.write(movies, size: scale.movies, to: path(movies.table)))
        let watch = WatchHistoryTable(count: scale.watchHistory.unique, keys: keys)
        files.append(try writer.write(watch, size: scale.watchHistory, to: path(watch.table)))
        let reviews = ReviewsTable(count: scale.reviews.unique, keys: keys)
        files.append(try writer.write(reviews, size: scale.reviews, to: path(reviews.table)))
        let searches = SearchLogsTable(count: scale.searchLogs.unique, keys: keys)
        files.append(try writer.write(searches, size: scale.searchLogs, to: path(searches.table)))
        let recommendations = RecommendationLogsTable(count: scale.recommendationLogs.unique, keys: keys)
        files.append(try writer.write(recommendations, size: scale.recommendationLogs, to: path(recommendations.table)))
        return files
    }

    /// The table names, in the order `write` produces them.
    public static let tables = ["users", "movies", "watch_history", "reviews", "search_logs", "recommendation_logs"]

    private static func makeDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw GeneratorError.notADirectory(path: directory) }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
            throw GeneratorError.cannotCreateDirectory(path: directory, reason: reason)
        }
    }
}
