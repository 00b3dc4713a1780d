/// users.csv: one row per subscriber, Faker-style names, emails and cities.
///
/// Distributions follow the real file: age ≈ Normal(35, 12.5) rounded (so a few negative ages and
/// a `-0.0`), plus 0.25 % outliers up to 109, clamped to -7…109; monthly_spend ≈ Gamma(2, 8.06) with
/// 1.5 % outliers up to 997.80; 70/30 USA/Canada with a matching state or province;
/// subscription_start_date 2022-08-02…2025-08-01 and created_at 2022-08-03…2025-08-02 (independent,
/// as in the real data); missing age 11.9 %, gender 8 %, monthly_spend 9.9 %, household_size 15 %.
struct UsersTable: GeneratedTable {
    let table = "users"
    let columns = [
        "user_id", "email", "first_name", "last_name", "age", "gender", "country", "state_province", "city",
        "subscription_plan", "subscription_start_date", "is_active", "monthly_spend", "primary_device",
        "household_size", "created_at",
    ]
    let nullRates = [0.1193, 0.0800, 0.0987, 0.1500]
    let maxRowBytes = 400
    let tag: UInt64 = 1
    let idWidth: Int

    private let firstNames = ByteTable(GeneratorVocabulary.firstNames)
    private let lastNames = ByteTable(GeneratorVocabulary.lastNames)
    private let lowerFirstNames = ByteTable(GeneratorVocabulary.firstNames.map { $0.lowercased() })
    private let lowerLastNames = ByteTable(GeneratorVocabulary.lastNames.map { $0.lowercased() })
    private let cityPrefixes = ByteTable(GeneratorVocabulary.cityPrefixes.map { $0 + " " })
    private let citySuffixes = ByteTable(GeneratorVocabulary.citySuffixes)
    private let domains = ByteTable(GeneratorVocabulary.emailDomains.map { "@" + $0 })
    private let genders = Categorical(["Female", "Male", "Prefer not to say", "Other"], weights: [4324, 4228, 471, 453])
    private let countries = Categorical(GeneratorVocabulary.countries, weights: GeneratorVocabulary.countryWeights)
    private let states = ByteTable(GeneratorVocabulary.usStates)
    private let provinces = ByteTable(GeneratorVocabulary.canadianProvinces)
    private let plans = Categorical(["Standard", "Premium", "Basic", "Premium+"], weights: [3520, 3510, 1960, 1010])
    private let devices = Categorical(GeneratorVocabulary.sixDevices)
    private let households = Categorical(["1.0", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0", "8.0"],
                                         weights: [1719, 2659, 1717, 1350, 695, 371, 172, 72])
    private let subscriptionDays = DayRange((2022, 8, 2), (2025, 8, 1))
    private let createdDays = DayRange((2022, 8, 3), (2025, 8, 2))
    private let dates = DateTable.shared

    init(count: Int) {
        idWidth = max(5, String(count).count)
    }

    func writeRow(_ index: Int, into out: inout ByteWriter, rng: inout SplitMix64, nulls: UInt32) {
        out.append(UsersTable.prefix.storage, count: 5)
        out.padded(index + 1, width: idWidth)
        out.comma()
        writeEmail(into: &out, rng: &rng)
        out.comma()
        out.append(firstNames, rng.below(firstNames.count))
        out.comma()
        out.append(lastNames, rng.below(lastNames.count))
        out.comma()
        if nulls & 1 == 0 { writeAge(into: &out, rng: &rng) }
        out.comma()
        if nulls & 2 == 0 { genders.write(&out, &rng) }
        out.comma()
        let canada = countries.write(&out, &rng) == 1
        out.comma()
        if canada {
            out.append(provinces, rng.below(provinces.count))
        } else {
            out.append(states, rng.below(states.count))
        }
        out.comma()
        writeCity(into: &out, rng: &rng)
        out.comma()
        plans.write(&out, &rng)
        out.comma()
        out.date(subscriptionDays.random(&rng), dates)
        out.comma()
        out.bool(rng.chance(0.852))
        out.comma()
        if nulls & 4 == 0 {
            let cents = rng.chance(0.015)
                ? rng.between(20_000, 99_780)
                : max(1, Int((rng.gamma2(scale: 8.06) * 100).rounded()))
            out.decimal(cents, scale: 2)
        }
        out.comma()
        devices.write(&out, &rng)
        out.comma()
        if nulls & 8 == 0 { households.write(&out, &rng) }
        out.comma()
        out.date(createdDays.random(&rng), dates)
        out.byte(UInt8(ascii: " "))
        out.timeOfDay(rng.below(86_400))
        out.byte(UInt8(ascii: "."))
        out.padded(rng.between(1, 999_999), width: 6)
        out.newline()
    }

    static let prefix = ByteTable(["user_"])

    private func writeAge(into out: inout ByteWriter, rng: inout SplitMix64) {
        if rng.chance(0.0025) {
            out.integerAsFloat(rng.between(90, 109))
            return
        }
        let raw = 35 + 12.5 * rng.normal()
        let age = min(109, max(-7, Int(raw.rounded())))
        if age == 0 && raw < 0 {
            out.decimal(0, scale: 1, negativeZero: true)
        } else {
            out.integerAsFloat(age)
        }
    }

    /// Faker's four email shapes over random names (unrelated to the row's own name, as in the real file).
    private func writeEmail(into out: inout ByteWriter, rng: inout SplitMix64) {
        switch rng.below(100) {
        case 0..<24:
            out.append(lowerFirstNames, rng.below(lowerFirstNames.count))
            out.padded(rng.below(100), width: 2)
        case 24..<49:
            out.append(lowerLastNames, rng.below(lowerLastNames.count))
            out.append(lowerFirstNames, rng.below(lowerFirstNames.count))
        case 49..<74:
            out.append(lowerFirstNames, rng.below(lowerFirstNames.count))
            out.append(lowerLastNames, rng.below(lowerLastNames.count))
        default:
            let first = rng.below(lowerFirstNames.count)
            out.byte(lowerFirstNames.storage[Int(lowerFirstNames.offsets[first])])
            out.append(lowerLastNames, rng.below(lowerLastNames.count))
        }
        out.append(domains, rng.below(domains.count))
    }

    /// Faker's en_US city shapes: "North Noahstad", "South Noah", "Traciebury", "Carlsonfurt".
    private func writeCity(into out: inout ByteWriter, rng: inout SplitMix64) {
        switch rng.below(4) {
        case 0:
            out.append(cityPrefixes, rng.below(cityPrefixes.count))
            out.append(firstNames, rng.below(firstNames.count))
            out.append(citySuffixes, rng.below(citySuffixes.count))
        case 1:
            out.append(cityPrefixes, rng.below(cityPrefixes.count))
            out.append(firstNames, rng.below(firstNames.count))
        case 2:
            out.append(firstNames, rng.below(firstNames.count))
            out.append(citySuffixes, rng.below(citySuffixes.count))
        default:
            out.append(lastNames, rng.below(lastNames.count))
            out.append(citySuffixes, rng.below(citySuffixes.count))
        }
    }
}
