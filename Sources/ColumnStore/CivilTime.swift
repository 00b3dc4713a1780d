/// Conversions between civil dates/times and the stored integer forms (days and microseconds since
/// 1970-01-01 UTC), proleptic Gregorian, using Howard Hinnant's days-from-civil algorithm.
public enum CivilTime {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 for a valid year/month/day.
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// The year, month and day of a day number.
    @inlinable
    public static func civil(days: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    @inlinable
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Day of week of a day number, 1 = Sunday … 7 = Saturday (BigQuery's DAYOFWEEK).
    @inlinable
    public static func dayOfWeek(days: Int32) -> Int {
        // 1970-01-01 was a Thursday (5).
        let r = (Int(days) + 4) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// `YYYY-MM-DD`.
    public static func formatDate(_ days: Int32) -> String {
        let c = civil(days: days)
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC; the fraction is printed only when non-zero.
    public static func formatTimestamp(_ micros: Int64) -> String {
        var days = micros / microsPerDay
        var rem = micros % microsPerDay
        if rem < 0 {
            rem += microsPerDay
            days -= 1
        }
        let secs = Int(rem / microsPerSecond)
        let frac = Int(rem % microsPerSecond)
        var s = formatDate(Int32(days)) + " " + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
        if frac != 0 { s += "." + pad(frac, 6) }
        return s
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(abs(v))
        let padded = s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        return v < 0 ? "-" + padded : padded
    }
}
