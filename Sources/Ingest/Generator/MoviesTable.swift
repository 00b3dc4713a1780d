import Foundation

/// movies.csv: the catalogue (1,000 titles at every scale).
///
/// Content types are dealt as exact quotas (44.4 % Movie, 25.4 % TV Series, 13.6 % Documentary,
/// 11.5 % Stand-up Comedy, 5.1 % Limited Series) in seeded random order, because the type decides which
/// columns may be filled: production_budget and box_office_revenue only for movies (80 % and 72.5 % of
/// them), number_of_seasons (91.5 %) and number_of_episodes (always) only for series. Durations depend
/// on the type, with 2.5 % outliers of 300–590 minutes and exactly one 0-minute title.
struct MoviesTable: GeneratedTable {
    let table = "movies"
    let columns = [
        "movie_id", "title", "content_type", "genre_primary", "genre_secondary", "release_year",
        "duration_minutes", "rating", "language", "country_of_origin", "imdb_rating", "production_budget",
        "box_office_revenue", "number_of_seasons", "number_of_episodes", "is_netflix_original",
        "added_to_platform", "content_warning",
    ]
    /// genre_secondary, imdb_rating; then budget and box office among movies, seasons among series.
    let nullRates = [0.6413, 0.1442, 0.20, 0.275, 0.085]
    let maxRowBytes = 300
    let tag: UInt64 = 2
    let idWidth: Int

    private static let typeNames = ["Movie", "TV Series", "Documentary", "Stand-up Comedy", "Limited Series"]
    private static let typeShares = [444, 254, 136, 115, 51]
    /// Duration (mean, standard deviation, minimum) per content type, in minutes.
    private static let durations: [(Double, Double, Int)] = [(110, 25, 10), (45, 14, 6), (87, 18, 19), (60, 16, 19), (50, 24, 0)]

    private let types: [UInt8]
    private let zeroMinuteRow: Int
    private let typeTable = ByteTable(MoviesTable.typeNames)
    private let openers = ByteTable(GeneratorVocabulary.titleOpeners + GeneratorVocabulary.titleNouns)
    private let nouns = ByteTable(GeneratorVocabulary.titleNouns)
    private let genres = ByteTable(GeneratorVocabulary.genres)
    private let ratings = Categorical(["TV-Y", "NC-17", "TV-MA", "TV-Y7", "TV-14", "PG", "G", "PG-13", "TV-PG", "R", "TV-G"])
    private let languages = Categorical(["English", "Spanish", "French", "Hindi", "Japanese", "Italian", "Korean", "German"],
                                        weights: [608, 103, 67, 60, 55, 53, 53, 41])
    private let origins = Categorical(["USA", "South Korea", "Canada", "UK", "Japan", "Germany", "France", "India"],
                                      weights: [543, 118, 102, 88, 57, 48, 44, 40])
    private let addedDays = DayRange((2020, 8, 2), (2025, 8, 1))
    private let dates = DateTable.shared

    init(count: Int, seed: UInt64) {
        idWidth = max(4, String(count).count)
        var rng = SplitMix64(seed: seed, tag, 0x7459_5045)
        var quota: [UInt8] = []
        var cumulative = 0
        for (type, share) in MoviesTable.typeShares.enumerated() {
            cumulative += share
            let end = (cumulative * count * 2 + 1_000) / 2_000
            quota += Array(repeating: UInt8(type), count: max(0, end - quota.count))
        }
        rng.shuffle(&quota)
        types = quota
        let limited = quota.indices.filter { quota[$0] == 4 }
        zeroMinuteRow = limited.isEmpty ? (count > 0 ? rng.below(count) : -1) : limited[rng.below(limited.count)]
    }

    func writeRow(_ index: Int, into out: inout ByteWriter, rng: inout SplitMix64, nulls: UInt32) {
        let type = Int(types[index])
        out.append(MoviesTable.prefix.storage, count: 6)
        out.padded(index + 1, width: idWidth)
        out.comma()
        out.append(openers, rng.below(openers.count))
        out.byte(UInt8(ascii: " "))
        out.append(nouns, rng.below(nouns.count))
        out.comma()
        out.append(typeTable, type)
        out.comma()
        out.append(genres, rng.below(genres.count))
        out.comma()
        // Independent of the primary genre, as in the real file (where 16 titles repeat it).
        if nulls & 1 == 0 { out.append(genres, rng.below(genres.count)) }
        out.comma()
        out.integer(rng.chance(0.975) ? rng.between(1990, 2024) : rng.between(1950, 1989))
        out.comma()
        out.integerAsFloat(duration(type: type, row: index, rng: &rng))
        out.comma()
        ratings.write(&out, &rng)
        out.comma()
        languages.write(&out, &rng)
        out.comma()
        origins.write(&out, &rng)
        out.comma()
        if nulls & 2 == 0 {
            out.decimal(min(100, max(5, Int(((6.3 + 1.8 * rng.normal()) * 10).rounded()))), scale: 1)
        }
        out.comma()
        let isMovie = type == 0
        if isMovie && nulls & 4 == 0 {
            out.integerAsFloat(MoviesTable.logNormal(mean: 15.14, deviation: 1.45, below: 4e8, rng: &rng))
        }
        out.comma()
        if isMovie && nulls & 8 == 0 {
            out.integerAsFloat(MoviesTable.logNormal(mean: 16.27, deviation: 2.0, below: 2.5e9, rng: &rng))
        }
        out.comma()
        let isSeries = type == 1 || type == 4
        if isSeries && nulls & 16 == 0 { out.integerAsFloat(rng.between(1, 14)) }
        out.comma()
        if isSeries { out.integerAsFloat(rng.between(6, 199)) }
        out.comma()
        out.bool(rng.chance(0.306))
        out.comma()
        out.date(addedDays.random(&rng), dates)
        out.comma()
        out.bool(rng.chance(0.193))
        out.newline()
    }

    static let prefix = ByteTable(["movie_"])

    /// A log-normal money amount in whole units, redrawn above `limit` (no pile-up at a cap).
    private static func logNormal(mean: Double, deviation: Double, below limit: Double, rng: inout SplitMix64) -> Int {
        while true {
            let value = Foundation.exp(mean + deviation * rng.normal()).rounded()
            if value >= 1 && value < limit { return Int(value) }
        }
    }

    private func duration(type: Int, row: Int, rng: inout SplitMix64) -> Int {
        let (mean, deviation, minimum) = MoviesTable.durations[type]
        let typical = max(minimum, Int((mean + deviation * rng.normal()).rounded()))
        let outlier = rng.chance(0.025) ? rng.between(300, 590) : nil
        if row == zeroMinuteRow { return 0 }
        if typical == 0 { return 1 }
        return outlier ?? typical
    }
}
