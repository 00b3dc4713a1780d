/// What `nq gen` generates: the size of the data set and the seed that fixes its bytes.
public struct GeneratorConfiguration: Sendable, Equatable {
    /// Rows of watch_history.csv, duplicates included; every other table scales from it (`GeneratorScale`).
    public var events: Int
    /// The same seed gives byte-identical files; different seeds give different files.
    public var seed: UInt64

    public init(events: Int = 100_000, seed: UInt64 = 7) {
        self.events = events
        self.seed = seed
    }
}

/// The row counts of the six tables for `events` watch events.
///
/// The real data set has 100,000 unique watch events (105,000 rows with 5,000 duplicates), 10,000 users,
/// 1,000 movies, 15,000 reviews, 25,000 searches and 50,000 recommendations, each table followed by
/// exact duplicates (users 300, movies 40, reviews 450, searches 1,500, recommendations 2,000). For
/// `events = N`:
/// - watch_history: `W = N * 100 / 105` unique rows (integer division; 1 when N = 1, since a duplicate
///   needs an original), then `N - W` duplicates, so the file has exactly N data rows (N = 105,000 gives
///   the real 100,000 + 5,000);
/// - users `max(10, W / 10)`, reviews `W * 15 / 100`, search_logs `W / 4`, recommendation_logs `W / 2`
///   unique rows (each rounded half up), i.e. the real ratios to W;
/// - movies: always 1,000 (the catalogue does not grow with activity; never fewer than 10);
/// - duplicates of each table at its real rate, rounded half up: users 3 %, movies 4 %, reviews 3 %,
///   search_logs 6 %, recommendation_logs 4 %.
/// Ids are zero-padded as in the real files (user_00001, movie_0001, review_000001, search_000001,
/// session_000001, rec_0000001); the padding widens only when a count needs more digits.
public struct GeneratorScale: Sendable, Equatable {
    public let users: TableSize
    public let movies: TableSize
    public let watchHistory: TableSize
    public let reviews: TableSize
    public let searchLogs: TableSize
    public let recommendationLogs: TableSize

    public init(events: Int) {
        let events = max(events, 0)
        let watch = max(events * 100 / 105, min(events, 1))
        watchHistory = TableSize(unique: watch, duplicates: events - watch)
        func ratio(_ real: Int) -> Int { (watch * real * 2 + 100_000) / 200_000 }
        users = TableSize(unique: max(10, ratio(10_000)), duplicatesPer: 300, of: 10_000)
        movies = TableSize(unique: 1_000, duplicatesPer: 40, of: 1_000)
        reviews = TableSize(unique: ratio(15_000), duplicatesPer: 450, of: 15_000)
        searchLogs = TableSize(unique: ratio(25_000), duplicatesPer: 1_500, of: 25_000)
        recommendationLogs = TableSize(unique: ratio(50_000), duplicatesPer: 2_000, of: 50_000)
    }
}

extension GeneratorScale {
    /// The row counts of one table: unique rows, then exact duplicates appended at the end.
    public struct TableSize: Sendable, Equatable {
        public let unique: Int
        public let duplicates: Int
        public var total: Int { unique + duplicates }

        public init(unique: Int, duplicates: Int) {
            self.unique = unique
            self.duplicates = duplicates
        }

        /// `unique` rows plus duplicates at `numerator / denominator` of them, rounded half up.
        init(unique: Int, duplicatesPer numerator: Int, of denominator: Int) {
            self.init(unique: unique, duplicates: (unique * numerator * 2 + denominator) / (denominator * 2))
        }
    }
}

/// One file written by `DataGenerator`.
public struct GeneratedFile: Sendable, Equatable {
    /// The table name, e.g. `watch_history`.
    public let table: String
    public let path: String
    /// Data rows, duplicates included (the header is not counted).
    public let rows: Int

    public init(table: String, path: String, rows: Int) {
        self.table = table
        self.path = path
        self.rows = rows
    }
}
