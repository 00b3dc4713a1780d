/// recommendation_logs.csv: titles shown to users (not in the real sample; built from the README).
///
/// Five recommendation types (personalized 35 %, trending, genre_based 20 % each, similar_users 15 %,
/// new_releases 10 %), recommendation_score uniform 0.000–1.000, position_in_list 1–20, a click chance
/// falling from 25 % at position 1 to 6 % at position 20, four devices, time of day (evening most),
/// algorithm versions v1.2–v2.0. Missing: recommendation_score 10 %, algorithm_version 5 %.
struct RecommendationLogsTable: GeneratedTable {
    let table = "recommendation_logs"
    let columns = [
        "recommendation_id", "user_id", "movie_id", "recommendation_date", "recommendation_type",
        "recommendation_score", "was_clicked", "position_in_list", "device_type", "time_of_day",
        "algorithm_version",
    ]
    let nullRates = [0.10, 0.05]
    let maxRowBytes = 200
    let tag: UInt64 = 6

    let keys: ForeignKeys
    let idWidth: Int
    private let types = Categorical(["personalized", "trending", "genre_based", "similar_users", "new_releases"],
                                    weights: [35, 20, 20, 15, 10])
    private let devices = Categorical(GeneratorVocabulary.fourDevices)
    private let times = Categorical(["morning", "afternoon", "evening", "night"], weights: [20, 25, 40, 15])
    private let versions = Categorical(["v1.2", "v1.3", "v1.4", "v2.0"], weights: [15, 25, 30, 30])
    private let days = DayRange.events
    private let dates = DateTable.shared

    init(count: Int, keys: ForeignKeys) {
        self.keys = keys
        idWidth = max(7, String(count).count)
    }

    func writeRow(_ index: Int, into out: inout ByteWriter, rng: inout SplitMix64, nulls: UInt32) {
        out.append(RecommendationLogsTable.prefix.storage, count: 4)
        out.padded(index + 1, width: idWidth)
        out.comma()
        keys.writeUser(into: &out, rng: &rng)
        out.comma()
        keys.writeMovie(into: &out, rng: &rng)
        out.comma()
        out.date(days.random(&rng), dates)
        out.comma()
        types.write(&out, &rng)
        out.comma()
        if nulls & 1 == 0 { out.decimal(rng.below(1_001), scale: 3) }
        out.comma()
        let position = rng.between(1, 20)
        out.bool(rng.chance(0.25 - 0.01 * Double(position - 1)))
        out.comma()
        out.integer(position)
        out.comma()
        devices.write(&out, &rng)
        out.comma()
        times.write(&out, &rng)
        out.comma()
        if nulls & 2 == 0 { versions.write(&out, &rng) }
        out.newline()
    }

    static let prefix = ByteTable(["rec_"])
}
