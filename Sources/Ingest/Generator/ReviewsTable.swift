/// reviews.csv: star ratings with a canned text whose tone matches the rating.
///
/// rating 1–5 (5 %, 9.8 %, 24.7 %, 34.9 %, 25.5 %); sentiment follows it (4–5 positive, 3 neutral,
/// 1–2 negative) and sentiment_score is uniform in the sentiment's band (0.6–1.0, 0.4–0.6, 0.0–0.4, three
/// decimals); review_text is one of the sentiment's ten texts (the one with a comma is quoted);
/// helpful_votes ≈ Poisson(3) ≤ 13 and total_votes = max(helpful, Poisson(5)) ≤ 16, missing together.
/// Missing: votes 11.75 %, review_text 5.1 %, sentiment_score 7.8 %.
struct ReviewsTable: GeneratedTable {
    let table = "reviews"
    let columns = [
        "review_id", "user_id", "movie_id", "rating", "review_date", "device_type", "is_verified_watch",
        "helpful_votes", "total_votes", "review_text", "sentiment", "sentiment_score",
    ]
    let nullRates = [0.1175, 0.0508, 0.0783]
    let maxRowBytes = 300
    let tag: UInt64 = 4

    let keys: ForeignKeys
    let idWidth: Int
    private let ratings = Categorical(["1", "2", "3", "4", "5"], weights: [756, 1477, 3710, 5234, 3823])
    private let devices = Categorical(GeneratorVocabulary.fourDevices)
    private let sentiments = ByteTable(["negative", "neutral", "positive"])
    private let texts = [ByteTable(GeneratorVocabulary.negativeReviews), ByteTable(GeneratorVocabulary.neutralReviews),
                         ByteTable(GeneratorVocabulary.positiveReviews)]
    private let days = DayRange.events
    private let dates = DateTable.shared

    init(count: Int, keys: ForeignKeys) {
        self.keys = keys
        idWidth = max(6, String(count).count)
    }

    func writeRow(_ index: Int, into out: inout ByteWriter, rng: inout SplitMix64, nulls: UInt32) {
        out.append(ReviewsTable.prefix.storage, count: 7)
        out.padded(index + 1, width: idWidth)
        out.comma()
        keys.writeUser(into: &out, rng: &rng)
        out.comma()
        keys.writeMovie(into: &out, rng: &rng)
        out.comma()
        let rating = ratings.write(&out, &rng) + 1
        out.comma()
        out.date(days.random(&rng), dates)
        out.comma()
        devices.write(&out, &rng)
        out.comma()
        out.bool(rng.chance(0.806))
        out.comma()
        if nulls & 1 == 0 {
            let helpful = min(13, rng.poisson(mean: 3))
            let total = min(16, max(helpful, rng.poisson(mean: 5)))
            out.integerAsFloat(helpful)
            out.comma()
            out.integerAsFloat(total)
        } else {
            out.comma()
        }
        out.comma()
        let sentiment = rating >= 4 ? 2 : rating == 3 ? 1 : 0
        if nulls & 2 == 0 {
            let choices = texts[sentiment]
            out.append(choices, rng.below(choices.count))
        }
        out.comma()
        out.append(sentiments, sentiment)
        out.comma()
        if nulls & 4 == 0 {
            let (low, high) = sentiment == 2 ? (600, 1_000) : sentiment == 1 ? (400, 600) : (0, 400)
            out.decimal(rng.between(low, high), scale: 3)
        }
        out.newline()
    }

    static let prefix = ByteTable(["review_"])
}
