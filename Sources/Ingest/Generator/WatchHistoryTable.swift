/// watch_history.csv: one row per viewing session, the hot table (`--events` rows).
///
/// As in the real events, the columns are independent: users and titles uniform, watch_date uniform
/// over 2024–2025, five devices evenly, watch_duration_minutes ≈ Gamma(2, 30.75) (median ≈ 52) with
/// 1.2 % long sessions of 200–782.7 minutes, progress_percentage uniform 0.0–100.0, actions evenly,
/// quality HD 50 % / 4K 30 % / SD 15 % / Ultra HD 4.5 %, 70/30 USA/Canada, 19 % downloads, and a
/// 1–5 user_rating on one session in five. Missing: duration 11.7 %, progress 8.1 %, rating 80.5 %.
struct WatchHistoryTable: GeneratedTable {
    let table = "watch_history"
    let columns = [
        "session_id", "user_id", "movie_id", "watch_date", "device_type", "watch_duration_minutes",
        "progress_percentage", "action", "quality", "location_country", "is_download", "user_rating",
    ]
    let nullRates = [0.117, 0.081, 0.805]
    let maxRowBytes = 200
    let tag: UInt64 = 3

    let keys: ForeignKeys
    let idWidth: Int
    private let devices = Categorical(GeneratorVocabulary.fiveDevices)
    private let actions = Categorical(["started", "completed", "stopped", "paused"])
    private let qualities = Categorical(["HD", "4K", "SD", "Ultra HD"], weights: [50.3, 30.0, 15.2, 4.5])
    private let countries = Categorical(GeneratorVocabulary.countries, weights: GeneratorVocabulary.countryWeights)
    private let ratings = Categorical(["1.0", "2.0", "3.0", "4.0", "5.0"], weights: [9.7, 13.8, 27.5, 29.8, 19.3])
    private let days = DayRange.events
    private let dates = DateTable.shared

    init(count: Int, keys: ForeignKeys) {
        self.keys = keys
        idWidth = max(6, String(count).count)
    }

    func writeRow(_ index: Int, into out: inout ByteWriter, rng: inout SplitMix64, nulls: UInt32) {
        out.append(WatchHistoryTable.prefix.storage, count: 8)
        out.padded(index + 1, width: idWidth)
        out.comma()
        keys.writeUser(into: &out, rng: &rng)
        out.comma()
        keys.writeMovie(into: &out, rng: &rng)
        out.comma()
        out.date(days.random(&rng), dates)
        out.comma()
        devices.write(&out, &rng)
        out.comma()
        if nulls & 1 == 0 {
            let tenths = rng.chance(0.012)
                ? rng.between(2_000, 7_827)
                : Int(rng.gamma2(scale: 307.5).rounded())
            out.decimal(tenths, scale: 1)
        }
        out.comma()
        if nulls & 2 == 0 { out.decimal(rng.below(1_001), scale: 1) }
        out.comma()
        actions.write(&out, &rng)
        out.comma()
        qualities.write(&out, &rng)
        out.comma()
        countries.write(&out, &rng)
        out.comma()
        out.bool(rng.chance(0.194))
        out.comma()
        if nulls & 4 == 0 { ratings.write(&out, &rng) }
        out.newline()
    }

    static let prefix = ByteTable(["session_"])
}

/// Draws `user_id` and `movie_id` values that exist in the generated users and movies, uniformly
/// (as in the real files, where every foreign key resolves).
struct ForeignKeys {
    let users: Int
    let movies: Int
    let userWidth: Int
    let movieWidth: Int

    init(users: Int, movies: Int) {
        self.users = users
        self.movies = movies
        userWidth = max(5, String(users).count)
        movieWidth = max(4, String(movies).count)
    }

    @inline(__always)
    func writeUser(into out: inout ByteWriter, rng: inout SplitMix64) {
        out.append(UsersTable.prefix.storage, count: 5)
        out.padded(rng.below(users) + 1, width: userWidth)
    }

    @inline(__always)
    func writeMovie(into out: inout ByteWriter, rng: inout SplitMix64) {
        out.append(MoviesTable.prefix.storage, count: 6)
        out.padded(rng.below(movies) + 1, width: movieWidth)
    }
}
