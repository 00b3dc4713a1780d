/// search_logs.csv: one row per search.
///
/// 32 queries (seven long-tail ones 40 % as frequent), results_returned uniform 0–100, a click on
/// position 1–10 for about half the searches (written `2`, not `2.0`, though the column has blanks),
/// four devices evenly, search_duration_seconds ≈ Gamma(2, 10), 15 % typos, 25.5 % filtered, 70/30
/// USA/Canada. Missing: clicked_result_position 51.1 %, search_duration_seconds 4.8 %.
struct SearchLogsTable: GeneratedTable {
    let table = "search_logs"
    let columns = [
        "search_id", "user_id", "search_query", "search_date", "results_returned", "clicked_result_position",
        "device_type", "search_duration_seconds", "had_typo", "used_filters", "location_country",
    ]
    let nullRates = [0.5113, 0.0482]
    let maxRowBytes = 200
    let tag: UInt64 = 5

    let keys: ForeignKeys
    let idWidth: Int
    private let queries = Categorical(GeneratorVocabulary.searchQueries,
                                      weights: GeneratorVocabulary.searchQueries.indices.map { $0 < 25 ? 1.0 : 0.4 })
    private let devices = Categorical(GeneratorVocabulary.fourDevices)
    private let countries = Categorical(GeneratorVocabulary.countries, weights: GeneratorVocabulary.countryWeights)
    private let days = DayRange.events
    private let dates = DateTable.shared

    init(count: Int, keys: ForeignKeys) {
        self.keys = keys
        idWidth = max(6, String(count).count)
    }

    func writeRow(_ index: Int, into out: inout ByteWriter, rng: inout SplitMix64, nulls: UInt32) {
        out.append(SearchLogsTable.prefix.storage, count: 7)
        out.padded(index + 1, width: idWidth)
        out.comma()
        keys.writeUser(into: &out, rng: &rng)
        out.comma()
        queries.write(&out, &rng)
        out.comma()
        out.date(days.random(&rng), dates)
        out.comma()
        out.integer(rng.below(101))
        out.comma()
        if nulls & 1 == 0 { out.integer(rng.between(1, 10)) }
        out.comma()
        devices.write(&out, &rng)
        out.comma()
        if nulls & 2 == 0 { out.decimal(max(1, Int(rng.gamma2(scale: 100).rounded())), scale: 1) }
        out.comma()
        out.bool(rng.chance(0.151))
        out.comma()
        out.bool(rng.chance(0.255))
        out.comma()
        countries.write(&out, &rng)
        out.newline()
    }

    static let prefix = ByteTable(["search_"])
}
