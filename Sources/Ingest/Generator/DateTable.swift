import ColumnStore

/// Every `YYYY-MM-DD` between two dates, precomputed once with `CivilTime` (10 bytes each) so rows
/// copy a date instead of formatting it.
final class DateTable: @unchecked Sendable {
    let firstDay: Int32
    let lastDay: Int32
    let storage: UnsafeMutablePointer<UInt8>

    init(from first: (Int, Int, Int), through last: (Int, Int, Int)) {
        firstDay = CivilTime.days(year: first.0, month: first.1, day: first.2)
        lastDay = CivilTime.days(year: last.0, month: last.1, day: last.2)
        let count = Int(lastDay - firstDay) + 1
        storage = .allocate(capacity: count * 10)
        for offset in 0..<count {
            let civil = CivilTime.civil(days: firstDay + Int32(offset))
            let digits = [civil.year / 1000, civil.year / 100 % 10, civil.year / 10 % 10, civil.year % 10,
                          -1, civil.month / 10, civil.month % 10, -1, civil.day / 10, civil.day % 10]
            for (index, digit) in digits.enumerated() {
                storage[offset * 10 + index] = digit < 0 ? UInt8(ascii: "-") : UInt8(48 + digit)
            }
        }
    }

    deinit { storage.deallocate() }

    /// The table shared by all generated files: 2020-01-01 through 2026-12-31.
    static let shared = DateTable(from: (2020, 1, 1), through: (2026, 12, 31))
}

/// A closed range of days, sampled uniformly.
struct DayRange {
    let first: Int32
    let count: Int

    init(_ from: (Int, Int, Int), _ through: (Int, Int, Int)) {
        first = CivilTime.days(year: from.0, month: from.1, day: from.2)
        count = Int(CivilTime.days(year: through.0, month: through.1, day: through.2) - first) + 1
    }

    @inline(__always)
    func random(_ rng: inout SplitMix64) -> Int32 {
        first + Int32(truncatingIfNeeded: rng.below(count))
    }

    /// Event dates (watch, reviews, searches, recommendations): 2024-01-01 through 2025-12-31.
    static let events = DayRange((2024, 1, 1), (2025, 12, 31))
}
