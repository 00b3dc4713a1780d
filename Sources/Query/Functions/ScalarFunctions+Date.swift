import Foundation
import ColumnStore

/// DATE and TIMESTAMP functions. A DATE is days since 1970-01-01 (Int32), a TIMESTAMP microseconds
/// since 1970-01-01 00:00:00 UTC (Int64); the time zone is always UTC. Weeks (WEEK) start on
/// Sunday and ISO weeks (ISOWEEK) on Monday, as in BigQuery.
extension ScalarFunctions {
    static let dateTruncParts: Set<DatePart> = [.day, .week, .isoWeek, .month, .quarter, .year, .isoYear]
    static let timeParts: Set<DatePart> = [.microsecond, .millisecond, .second, .minute, .hour]
    static let timestampTruncParts: Set<DatePart> = dateTruncParts.union(timeParts)
    static let dateExtractParts: Set<DatePart> = [.dayOfWeek, .day, .dayOfYear, .week, .isoWeek, .month, .quarter, .year, .isoYear]
    static let dateDiffParts: Set<DatePart> = dateTruncParts
    static let dateAddParts: Set<DatePart> = [.day, .week, .month, .quarter, .year]
    static let timestampParts: Set<DatePart> = timeParts.union([.day])
    static let lastDayParts: Set<DatePart> = [.week, .isoWeek, .month, .quarter, .year, .isoYear]

    static var dateEntries: [String: Entry] {
        [
            "DATE_TRUNC": Entry(["DATE_TRUNC(DATE, DAY|WEEK|ISOWEEK|MONTH|QUARTER|YEAR|ISOYEAR)",
                                 "DATE_TRUNC(TIMESTAMP, MICROSECOND|…|ISOYEAR)"]) { call in
                guard call.args.count == 2, case .value(let t) = call.args[0], case .part(let p) = call.args[1] else { throw call.mismatch() }
                if (t == nil || t == .date) && dateTruncParts.contains(p) {
                    return call.resolved(.date, [.date, nil]) { args, _ in
                        let out = truncDates(args, p)
                        try checkTruncRange(out, input: column(args, 0), "DATE_TRUNC", p)
                        return out
                    }
                }
                if t == .timestamp && timestampTruncParts.contains(p) {
                    return call.resolved(.timestamp, [.timestamp, nil]) { args, _ in
                        let out = truncTimestamps(args, p)
                        try checkTruncRange(out, input: column(args, 0), "DATE_TRUNC", p)
                        return out
                    }
                }
                throw call.mismatch()
            },
            "TIMESTAMP_TRUNC": Entry(["TIMESTAMP_TRUNC(TIMESTAMP, MICROSECOND|MILLISECOND|SECOND|MINUTE|HOUR|DAY|WEEK|ISOWEEK|MONTH|QUARTER|YEAR|ISOYEAR)"]) { call in
                guard call.args.count == 2, case .value(let t) = call.args[0], t == nil || t == .timestamp,
                      case .part(let p) = call.args[1], timestampTruncParts.contains(p) else { throw call.mismatch() }
                return call.resolved(.timestamp, [.timestamp, nil]) { args, _ in
                    let out = truncTimestamps(args, p)
                    try checkTruncRange(out, input: column(args, 0), "TIMESTAMP_TRUNC", p)
                    return out
                }
            },
            "EXTRACT": Entry(["EXTRACT(DAYOFWEEK|DAY|DAYOFYEAR|WEEK|ISOWEEK|MONTH|QUARTER|YEAR|ISOYEAR FROM DATE)",
                              "EXTRACT(MICROSECOND|MILLISECOND|SECOND|MINUTE|HOUR|…|ISOYEAR FROM TIMESTAMP)",
                              "EXTRACT(DATE FROM TIMESTAMP)"]) { call in
                guard call.args.count == 2, case .part(let p) = call.args[0], case .value(let t) = call.args[1] else { throw call.mismatch() }
                if (t == nil || t == .date) && dateExtractParts.contains(p) {
                    return call.resolved(.int64, [nil, .date]) { args, _ in
                        let a = column(args, 1)
                        let f = Cal.extractor(p)
                        return Column(values: .int64(map(dates(a), a.validity, 0, f)), validity: a.validity)
                    }
                }
                guard t == .timestamp else { throw call.mismatch() }
                if p == .date {
                    return call.resolved(.date, [nil, .timestamp]) { args, _ in
                        let a = column(args, 1)
                        return Column(values: .date(map(int64s(a), a.validity, 0) { Cal.split($0).days }), validity: a.validity)
                    }
                }
                if dateExtractParts.contains(p) {
                    return call.resolved(.int64, [nil, .timestamp]) { args, _ in
                        let a = column(args, 1)
                        let f = Cal.extractor(p)
                        return Column(values: .int64(map(int64s(a), a.validity, 0) { f(Cal.split($0).days) }), validity: a.validity)
                    }
                }
                if timeParts.contains(p) {
                    return call.resolved(.int64, [nil, .timestamp]) { args, _ in
                        let a = column(args, 1)
                        let (unit, modulus): (Int64, Int64)
                        switch p {
                        case .microsecond: (unit, modulus) = (1, 1_000_000)
                        case .millisecond: (unit, modulus) = (1_000, 1_000)
                        case .second: (unit, modulus) = (1_000_000, 60)
                        case .minute: (unit, modulus) = (60_000_000, 60)
                        default: (unit, modulus) = (3_600_000_000, 24)
                        }
                        return Column(values: .int64(map(int64s(a), a.validity, 0) { Cal.split($0).micros / unit % modulus }),
                                      validity: a.validity)
                    }
                }
                throw call.mismatch()
            },
            "DATE_DIFF": Entry(["DATE_DIFF(DATE, DATE, DAY|WEEK|ISOWEEK|MONTH|QUARTER|YEAR|ISOYEAR)"]) { call in
                guard call.args.count == 3, case .value(let t1) = call.args[0], case .value(let t2) = call.args[1],
                      t1 == nil || t1 == .date, t2 == nil || t2 == .date,
                      case .part(let p) = call.args[2], dateDiffParts.contains(p) else { throw call.mismatch() }
                return call.resolved(.int64, [.date, .date, nil]) { args, _ in
                    let a = column(args, 0), b = column(args, 1)
                    let validity = both(a.validity, b.validity)
                    let f: (Int32, Int32) -> Int64
                    switch p {
                    case .day: f = { Int64($0) - Int64($1) }
                    case .week: f = { (Int64(Cal.trunc($0, .week)) - Int64(Cal.trunc($1, .week))) / 7 }
                    case .isoWeek: f = { (Int64(Cal.trunc($0, .isoWeek)) - Int64(Cal.trunc($1, .isoWeek))) / 7 }
                    case .month: f = { Cal.monthNumber($0) - Cal.monthNumber($1) }
                    case .quarter: f = { Cal.quarterNumber($0) - Cal.quarterNumber($1) }
                    case .year: f = { Int64(CivilTime.civil(days: $0).year - CivilTime.civil(days: $1).year) }
                    default: f = { Int64(Cal.isoYear($0) - Cal.isoYear($1)) }
                    }
                    return Column(values: .int64(map(dates(a), dates(b), validity, 0, f)), validity: validity)
                }
            },
            "TIMESTAMP_DIFF": Entry(["TIMESTAMP_DIFF(TIMESTAMP, TIMESTAMP, MICROSECOND|MILLISECOND|SECOND|MINUTE|HOUR|DAY)"]) { call in
                guard call.args.count == 3, case .value(let t1) = call.args[0], case .value(let t2) = call.args[1],
                      t1 == nil || t1 == .timestamp, t2 == nil || t2 == .timestamp,
                      case .part(let p) = call.args[2], timestampParts.contains(p) else { throw call.mismatch() }
                let unit = Cal.micros(per: p)
                return call.resolved(.int64, [.timestamp, .timestamp, nil]) { args, _ in
                    let a = column(args, 0), b = column(args, 1)
                    let validity = both(a.validity, b.validity)
                    let out = try map(int64s(a), int64s(b), validity, 0) { x, y -> Int64 in
                        let (d, overflow) = x.subtractingReportingOverflow(y)
                        guard !overflow else { throw QueryError.runtime(message: "int64 overflow in TIMESTAMP_DIFF") }
                        return d / unit  // truncates toward zero
                    }
                    return Column(values: .int64(out), validity: validity)
                }
            },
            "DATE_ADD": dateAddEntry("DATE_ADD", sign: 1),
            "DATE_SUB": dateAddEntry("DATE_SUB", sign: -1),
            "TIMESTAMP_ADD": timestampAddEntry("TIMESTAMP_ADD", sign: 1),
            "TIMESTAMP_SUB": timestampAddEntry("TIMESTAMP_SUB", sign: -1),
            "DATE": Entry(["DATE(INT64, INT64, INT64)", "DATE(TIMESTAMP)"]) { call in
                switch call.match([[.int64, .int64, .int64], [.timestamp]]) {
                case 0:
                    return call.resolved(.date, [.int64, .int64, .int64]) { args, rows in
                        let y = column(args, 0), m = column(args, 1), d = column(args, 2)
                        let validity = allValid([y, m, d])
                        let ys = int64s(y), ms = int64s(m), ds = int64s(d)
                        var out = [Int32](repeating: 0, count: rows)
                        for i in 0..<rows where validity?[i] ?? true {
                            guard let days = Cal.date(ys[i], ms[i], ds[i]) else {
                                throw QueryError.runtime(message: "Invalid date: DATE(\(ys[i]), \(ms[i]), \(ds[i]))")
                            }
                            out[i] = days
                        }
                        return Column(values: .date(out), validity: validity)
                    }
                case 1:
                    return call.resolved(.date, [.timestamp]) { args, _ in
                        let a = column(args, 0)
                        return Column(values: .date(map(int64s(a), a.validity, 0) { Cal.split($0).days }), validity: a.validity)
                    }
                default: throw call.mismatch()
                }
            },
            "TIMESTAMP": Entry(["TIMESTAMP(STRING)", "TIMESTAMP(DATE)"]) { call in
                switch call.match([[.string], [.date]]) {
                case 0: return call.resolved(.timestamp, [.string]) { args, _ in try castStringToTimestamp(column(args, 0), safe: false) }
                case 1: return call.resolved(.timestamp, [.date]) { args, _ in castDateToTimestamp(column(args, 0)) }
                default: throw call.mismatch()
                }
            },
            "LAST_DAY": Entry(["LAST_DAY(DATE)", "LAST_DAY(DATE, WEEK|ISOWEEK|MONTH|QUARTER|YEAR|ISOYEAR)"]) { call in
                guard (1...2).contains(call.args.count), case .value(let t) = call.args[0], t == nil || t == .date else { throw call.mismatch() }
                var p = DatePart.month
                if call.args.count == 2 {
                    guard case .part(let given) = call.args[1], lastDayParts.contains(given) else { throw call.mismatch() }
                    p = given
                }
                return call.resolved(.date, call.args.count == 2 ? [.date, nil] : [.date]) { args, _ in
                    mapDate(args) { Cal.lastDay($0, p) }
                }
            },
            "CURRENT_DATE": Entry(["CURRENT_DATE()"]) { call in
                guard call.args.isEmpty else { throw call.mismatch() }
                let today = Cal.split(Cal.now()).days  // one value for the whole statement, as BigQuery
                return call.resolved(.date, []) { _, rows in
                    Column(values: .date([Int32](repeating: today, count: rows)))
                }
            },
            "CURRENT_TIMESTAMP": Entry(["CURRENT_TIMESTAMP()"]) { call in
                guard call.args.isEmpty else { throw call.mismatch() }
                let now = Cal.now()
                return call.resolved(.timestamp, []) { _, rows in
                    Column(values: .timestamp([Int64](repeating: now, count: rows)))
                }
            },
            "UNIX_DATE": Entry(["UNIX_DATE(DATE)"]) { call in
                guard call.match([[.date]]) == 0 else { throw call.mismatch() }
                return call.resolved(.int64, [.date]) { args, _ in
                    let a = column(args, 0)
                    return Column(values: .int64(map(dates(a), nil, 0) { Int64($0) }), validity: a.validity)
                }
            },
            "DATE_FROM_UNIX_DATE": Entry(["DATE_FROM_UNIX_DATE(INT64)"]) { call in
                guard call.match([[.int64]]) == 0 else { throw call.mismatch() }
                return call.resolved(.date, [.int64]) { args, _ in
                    let a = column(args, 0)
                    let out = try map(int64s(a), a.validity, Int32(0)) { v -> Int32 in
                        guard v >= Int64(Cal.minDate) && v <= Int64(Cal.maxDate) else {
                            throw QueryError.runtime(message: "Date overflow: DATE_FROM_UNIX_DATE(\(v))")
                        }
                        return Int32(v)
                    }
                    return Column(values: .date(out), validity: a.validity)
                }
            },
            "UNIX_SECONDS": unixEntry("UNIX_SECONDS", 1_000_000),
            "UNIX_MILLIS": unixEntry("UNIX_MILLIS", 1_000),
            "UNIX_MICROS": unixEntry("UNIX_MICROS", 1),
            "TIMESTAMP_SECONDS": fromUnixEntry("TIMESTAMP_SECONDS", 1_000_000),
            "TIMESTAMP_MILLIS": fromUnixEntry("TIMESTAMP_MILLIS", 1_000),
            "TIMESTAMP_MICROS": fromUnixEntry("TIMESTAMP_MICROS", 1),
            "FORMAT_DATE": formatEntry("FORMAT_DATE", .date),
            "FORMAT_TIMESTAMP": formatEntry("FORMAT_TIMESTAMP", .timestamp),
        ]
    }

    // MARK: - Entry shapes

    /// DATE_ADD / DATE_SUB(date, INTERVAL n DAY|WEEK|MONTH|QUARTER|YEAR). Month arithmetic keeps the
    /// day of month, clamped to the last day of the resulting month (2024-01-31 + 1 MONTH = 2024-02-29).
    static func dateAddEntry(_ name: String, sign: Int64) -> Entry {
        Entry(["\(name)(DATE, INTERVAL INT64 DAY|WEEK|MONTH|QUARTER|YEAR)"]) { call in
            guard call.args.count == 2, case .value(let t) = call.args[0], t == nil || t == .date,
                  case .interval(let n, let p) = call.args[1], n == nil || n == .int64, dateAddParts.contains(p) else { throw call.mismatch() }
            return call.resolved(.date, [.date, .int64]) { args, _ in
                let a = column(args, 0), b = column(args, 1)
                let validity = both(a.validity, b.validity)
                // MONTH, QUARTER and YEAR go through a civil date; a batch's (date, amount) pairs repeat.
                var recent = p == .day || p == .week ? nil : RecentDateAdds()
                let out = try map(dates(a), int64s(b), validity, Int32(0)) { d, n -> Int32 in
                    if let r = recent?.result(d, n) { return r }
                    let amount = sign < 0 ? (n == .min ? nil : -n) : n
                    guard let amount, let r = Cal.add(d, amount, p) else {
                        throw QueryError.runtime(message: "Date overflow: \(name)(\(CivilTime.formatDate(d)), INTERVAL \(n) \(p.rawValue))")
                    }
                    recent?.remember(d, n, r)
                    return r
                }
                return Column(values: .date(out), validity: validity)
            }
        }
    }

    /// TIMESTAMP_ADD / TIMESTAMP_SUB(ts, INTERVAL n MICROSECOND|…|DAY); a DAY is 24 hours (UTC).
    static func timestampAddEntry(_ name: String, sign: Int64) -> Entry {
        Entry(["\(name)(TIMESTAMP, INTERVAL INT64 MICROSECOND|MILLISECOND|SECOND|MINUTE|HOUR|DAY)"]) { call in
            guard call.args.count == 2, case .value(let t) = call.args[0], t == nil || t == .timestamp,
                  case .interval(let n, let p) = call.args[1], n == nil || n == .int64, timestampParts.contains(p) else { throw call.mismatch() }
            let unit = Cal.micros(per: p)
            return call.resolved(.timestamp, [.timestamp, .int64]) { args, _ in
                let a = column(args, 0), b = column(args, 1)
                let validity = both(a.validity, b.validity)
                let out = try map(int64s(a), int64s(b), validity, Int64(0)) { ts, n -> Int64 in
                    let (delta, o1) = n.multipliedReportingOverflow(by: unit * sign)
                    let (r, o2) = ts.addingReportingOverflow(delta)
                    guard !o1, !o2, r >= Cal.minTimestamp, r <= Cal.maxTimestamp else {
                        throw QueryError.runtime(message: "Timestamp overflow: \(name)(\(CivilTime.formatTimestamp(ts))+00, INTERVAL \(n) \(p.rawValue))")
                    }
                    return r
                }
                return Column(values: .timestamp(out), validity: validity)
            }
        }
    }

    /// UNIX_SECONDS / UNIX_MILLIS / UNIX_MICROS: whole units since the epoch, rounded down.
    static func unixEntry(_ name: String, _ unit: Int64) -> Entry {
        Entry(["\(name)(TIMESTAMP)"]) { call in
            guard call.match([[.timestamp]]) == 0 else { throw call.mismatch() }
            return call.resolved(.int64, [.timestamp]) { args, _ in
                let a = column(args, 0)
                return Column(values: .int64(map(int64s(a), nil, 0) { Cal.floorDiv($0, unit) }), validity: a.validity)
            }
        }
    }

    /// TIMESTAMP_SECONDS / TIMESTAMP_MILLIS / TIMESTAMP_MICROS.
    static func fromUnixEntry(_ name: String, _ unit: Int64) -> Entry {
        Entry(["\(name)(INT64)"]) { call in
            guard call.match([[.int64]]) == 0 else { throw call.mismatch() }
            return call.resolved(.timestamp, [.int64]) { args, _ in
                let a = column(args, 0)
                let out = try map(int64s(a), a.validity, 0) { v -> Int64 in
                    let (r, overflow) = v.multipliedReportingOverflow(by: unit)
                    guard !overflow, r >= Cal.minTimestamp, r <= Cal.maxTimestamp else {
                        throw QueryError.runtime(message: "Timestamp overflow: \(name)(\(v))")
                    }
                    return r
                }
                return Column(values: .timestamp(out), validity: a.validity)
            }
        }
    }

    // MARK: - Loops

    static func mapDate(_ args: [FunctionArgument], _ f: (Int32) -> Int32) -> Column {
        let a = column(args, 0)
        return Column(values: .date(map(dates(a), a.validity, 0, f)), validity: a.validity)
    }

    /// `DATE_TRUNC(date, p)` of every row. When the valid dates span no more days than there are rows,
    /// each day of the span is truncated once into a table that the rows then read (the dates of a
    /// batch usually span a few years at most); otherwise each row is truncated by itself.
    static func truncDates(_ args: [FunctionArgument], _ p: DatePart) -> Column {
        let a = column(args, 0)
        let d = dates(a)
        var lo = Int32.max, hi = Int32.min
        for i in d.indices where a.validity?[i] ?? true {
            lo = min(lo, d[i])
            hi = max(hi, d[i])
        }
        guard lo <= hi, Int(hi) - Int(lo) < d.count else { return mapDate(args) { Cal.trunc($0, p) } }
        let table = (lo...hi).map { Cal.trunc($0, p) }
        return table.withUnsafeBufferPointer { t in
            mapDate(args) { t[Int($0 - lo)] }
        }
    }

    /// Truncating to a Sunday-start WEEK can step before 0001-01-01 (a Monday); BigQuery's range ends
    /// there, so such a result is an error naming the input, never a year-0 date.
    static func checkTruncRange(_ out: Column, input: Column, _ name: String, _ p: DatePart) throws {
        func fail(_ text: String) -> QueryError { QueryError.runtime(message: "Date overflow: \(name)(\(text), \(p.rawValue))") }
        switch (out.values, input.values) {
        case let (.date(r), .date(d)):
            for i in 0..<r.count where r[i] < Cal.minDate && (out.validity?[i] ?? true) { throw fail(CivilTime.formatDate(d[i])) }
        case let (.timestamp(r), .timestamp(t)):
            for i in 0..<r.count where r[i] < Cal.minTimestamp && (out.validity?[i] ?? true) { throw fail(CivilTime.formatTimestamp(t[i])) }
        default: break
        }
    }

    static func truncTimestamps(_ args: [FunctionArgument], _ p: DatePart) -> Column {
        let a = column(args, 0)
        let out: [Int64]
        if timeParts.contains(p) || p == .day {
            let unit = Cal.micros(per: p)
            out = map(int64s(a), a.validity, 0) { $0 - Cal.floorMod($0, unit) }
        } else {
            out = map(int64s(a), a.validity, 0) { Int64(Cal.trunc(Cal.split($0).days, p)) * CivilTime.microsPerDay }
        }
        return Column(values: .timestamp(out), validity: a.validity)
    }

    // MARK: - Calendar arithmetic

    /// Proleptic Gregorian calendar arithmetic on day numbers and microsecond timestamps.
    enum Cal {
        static let minDate: Int32 = CivilTime.days(year: 1, month: 1, day: 1)
        static let maxDate: Int32 = CivilTime.days(year: 9999, month: 12, day: 31)
        static let minTimestamp = Int64(minDate) * CivilTime.microsPerDay
        static let maxTimestamp = (Int64(maxDate) + 1) * CivilTime.microsPerDay - 1

        /// Microseconds since the epoch, now.
        static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down)) }

        @inline(__always)
        static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
            let q = a / b
            return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
        }

        @inline(__always)
        static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
            let r = a % b
            return r < 0 ? r + b : r
        }

        /// The day and the microseconds into it of a timestamp (floored, so negative timestamps fall
        /// on the previous day).
        @inline(__always)
        static func split(_ micros: Int64) -> (days: Int32, micros: Int64) {
            let days = floorDiv(micros, CivilTime.microsPerDay)
            return (Int32(truncatingIfNeeded: days), micros - days * CivilTime.microsPerDay)
        }

        static func micros(per p: DatePart) -> Int64 {
            switch p {
            case .microsecond: return 1
            case .millisecond: return 1_000
            case .second: return 1_000_000
            case .minute: return 60_000_000
            case .hour: return 3_600_000_000
            default: return CivilTime.microsPerDay
            }
        }

        /// 0 = Sunday … 6 = Saturday.
        @inline(__always)
        static func weekday(_ d: Int32) -> Int {
            let r = (Int(d) + 4) % 7  // 1970-01-01 was a Thursday
            return r < 0 ? r + 7 : r
        }

        /// The Thursday of `d`'s ISO week (Monday-start); its year is the ISO year.
        @inline(__always)
        static func isoThursday(_ d: Int32) -> Int32 { d - Int32((weekday(d) + 6) % 7) + 3 }

        static func isoYear(_ d: Int32) -> Int { CivilTime.civil(days: isoThursday(d)).year }

        static func isoWeek(_ d: Int32) -> Int {
            let t = isoThursday(d)
            return Int(t - CivilTime.days(year: CivilTime.civil(days: t).year, month: 1, day: 1)) / 7 + 1
        }

        /// The Monday that starts ISO year `y`.
        static func isoYearStart(_ y: Int) -> Int32 {
            let jan4 = CivilTime.days(year: y, month: 1, day: 4)
            return jan4 - Int32((weekday(jan4) + 6) % 7)
        }

        static func monthNumber(_ d: Int32) -> Int64 {
            let c = CivilTime.civil(days: d)
            return Int64(c.year) * 12 + Int64(c.month - 1)
        }

        static func quarterNumber(_ d: Int32) -> Int64 {
            let c = CivilTime.civil(days: d)
            return Int64(c.year) * 4 + Int64((c.month - 1) / 3)
        }

        /// The first day of the part containing `d`.
        static func trunc(_ d: Int32, _ p: DatePart) -> Int32 {
            switch p {
            case .week: return d - Int32(weekday(d))
            case .isoWeek: return d - Int32((weekday(d) + 6) % 7)
            case .month:
                let c = CivilTime.civil(days: d)
                return CivilTime.days(year: c.year, month: c.month, day: 1)
            case .quarter:
                let c = CivilTime.civil(days: d)
                return CivilTime.days(year: c.year, month: (c.month - 1) / 3 * 3 + 1, day: 1)
            case .year: return CivilTime.days(year: CivilTime.civil(days: d).year, month: 1, day: 1)
            case .isoYear: return isoYearStart(isoYear(d))
            default: return d
            }
        }

        /// The last day of the part containing `d`.
        static func lastDay(_ d: Int32, _ p: DatePart) -> Int32 {
            let c = CivilTime.civil(days: d)
            switch p {
            case .week: return trunc(d, .week) + 6
            case .isoWeek: return trunc(d, .isoWeek) + 6
            case .quarter:
                let m = (c.month - 1) / 3 * 3 + 3
                return CivilTime.days(year: c.year, month: m, day: CivilTime.daysInMonth(year: c.year, month: m))
            case .year: return CivilTime.days(year: c.year, month: 12, day: 31)
            case .isoYear: return isoYearStart(isoYear(d) + 1) - 1
            default: return CivilTime.days(year: c.year, month: c.month, day: CivilTime.daysInMonth(year: c.year, month: c.month))
            }
        }

        /// An INT64-valued EXTRACT of a date part.
        static func extractor(_ p: DatePart) -> (Int32) -> Int64 {
            switch p {
            case .dayOfWeek: return { Int64(weekday($0) + 1) }
            case .day: return { Int64(CivilTime.civil(days: $0).day) }
            case .dayOfYear: return { Int64(dayOfYear($0)) }
            case .week: return { Int64((dayOfYear($0) - 1 + 7 - weekday($0)) / 7) }
            case .isoWeek: return { Int64(isoWeek($0)) }
            case .month: return { Int64(CivilTime.civil(days: $0).month) }
            case .quarter: return { Int64((CivilTime.civil(days: $0).month - 1) / 3 + 1) }
            case .year: return { Int64(CivilTime.civil(days: $0).year) }
            default: return { Int64(isoYear($0)) }
            }
        }

        /// 1-based day of the year.
        @inline(__always)
        static func dayOfYear(_ d: Int32) -> Int {
            Int(d - CivilTime.days(year: CivilTime.civil(days: d).year, month: 1, day: 1)) + 1
        }

        /// A valid DATE in 0001-01-01 … 9999-12-31, or nil.
        static func date(_ y: Int64, _ m: Int64, _ d: Int64) -> Int32? {
            guard (1...9999).contains(y), (1...12).contains(m), d >= 1,
                  d <= Int64(CivilTime.daysInMonth(year: Int(y), month: Int(m))) else { return nil }
            return CivilTime.days(year: Int(y), month: Int(m), day: Int(d))
        }

        /// `d` plus `n` parts (DAY, WEEK, MONTH, QUARTER, YEAR), or nil outside the DATE range.
        static func add(_ d: Int32, _ n: Int64, _ p: DatePart) -> Int32? {
            switch p {
            case .day, .week:
                let (delta, overflow) = n.multipliedReportingOverflow(by: p == .week ? 7 : 1)
                guard !overflow else { return nil }
                let (r, o2) = Int64(d).addingReportingOverflow(delta)
                guard !o2, r >= Int64(minDate), r <= Int64(maxDate) else { return nil }
                return Int32(r)
            default:
                let perPart: Int64 = p == .year ? 12 : (p == .quarter ? 3 : 1)
                guard n.magnitude < 1_000_000 else { return nil }  // far beyond the 10,000-year range
                let c = CivilTime.civil(days: d)
                let total = Int64(c.year) * 12 + Int64(c.month - 1) + n * perPart
                let y = floorDiv(total, 12), m = Int(floorMod(total, 12)) + 1
                guard (1...9999).contains(y) else { return nil }
                return CivilTime.days(year: Int(y), month: m, day: Swift.min(c.day, CivilTime.daysInMonth(year: Int(y), month: m)))
            }
        }
    }
}
