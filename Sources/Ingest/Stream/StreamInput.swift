import ColumnStore
import Foundation

/// One message to produce: key (user_id), JSON payload and the event time it carries.
public struct StreamMessage: Sendable {
    public var key: [UInt8]?
    public var value: [UInt8]
    /// Microseconds since the epoch, or nil when the line has no usable time (it is sent as is).
    public var eventTime: Int64?
}

/// Turns `watch_history.csv` or a JSON-lines replay log into the messages `nq produce` sends.
///
/// Event times (docs/streaming.md, "Event time of CSV rows"): a line that carries `event_time` or
/// `timestamp` keeps it. A CSV row (or JSON line) with only a `watch_date` D is the k-th of the n rows of
/// day D in file order (k from 0) and gets D 00:00:00 + floor((2k + 1) · 86400 / (2n)) seconds, so a
/// day's events are spread evenly over it, half a gap from midnight at each end. CSV rows are then
/// sent in event-time order (ties in file order); JSON lines are a replay log and are sent in file
/// order, so an out-of-order line reaches the consumer as a late event.
public enum StreamInput {
    public static func load(path: String, shiftMicros: (Int64?) -> Int64 = { _ in 0 }) throws -> [StreamMessage] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StreamError.input(path: path, line: nil, message: FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        let firstByte = data.first(where: { $0 > 0x20 })
        if path.hasSuffix(".json") || path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") || firstByte == UInt8(ascii: "{") {
            return try loadJSONLines(data, path: path)
        }
        return try loadCSV(data, path: path)
    }

    /// Moves every message's event time by `shift` microseconds (`--now`), rewriting the payload.
    public static func shift(_ messages: inout [StreamMessage], by shift: Int64) {
        guard shift != 0 else { return }
        for i in messages.indices {
            guard let t = messages[i].eventTime else { continue }
            let shifted = t + shift
            messages[i].eventTime = shifted
            if let r = timeValueRange(messages[i].value) {
                messages[i].value.replaceSubrange(r, with: Array(CivilTime.formatTimestamp(shifted).utf8))
            }
        }
    }

    // MARK: CSV

    static let csvColumns = ["session_id", "user_id", "movie_id", "watch_date", "device_type", "watch_duration_minutes",
                             "progress_percentage", "action", "quality", "location_country", "is_download", "user_rating"]
    private enum Kind { case string, number, bool }
    private static let kinds: [String: Kind] = [
        "watch_duration_minutes": .number, "progress_percentage": .number, "user_rating": .number, "is_download": .bool,
    ]

    static func loadCSV(_ data: Data, path: String) throws -> [StreamMessage] {
        var header: [String] = []
        var rows: [(fields: [String], line: Int)] = []
        do {
            try data.withUnsafeBytes { raw in
                let skip = CSVParser.skipBOM(raw)
                try CSVParser.forEachRecord(in: UnsafeRawBufferPointer(rebasing: raw[skip...]), firstLine: 1) { rec in
                    if header.isEmpty { header = rec.strings } else { rows.append((rec.strings, rec.lineNumber)) }
                }
            }
        } catch let e as CSVError {
            throw StreamError.input(path: path, line: e.line, message: e.message)
        }
        guard !header.isEmpty else { throw StreamError.input(path: path, line: nil, message: "empty file (expected a header line)") }
        guard let dateIndex = header.firstIndex(of: "watch_date"), header.contains("user_id") else {
            throw StreamError.input(path: path, line: 1, message: "header has no watch_date/user_id column: not watch_history.csv")
        }
        let userIndex = header.firstIndex(of: "user_id")!
        let days: [Int32?] = rows.map { r in
            guard dateIndex < r.fields.count else { return nil }
            var s = r.fields[dateIndex]
            return s.withUTF8 { EventTime.parseDate(UnsafeRawBufferPointer($0)) }
        }
        let times = spread(days)
        var out: [(Int64, Int, StreamMessage)] = []
        out.reserveCapacity(rows.count)
        var previous = Int64.min
        for (i, r) in rows.enumerated() {
            var json = "{"
            for (c, name) in header.enumerated() {
                let v = c < r.fields.count ? r.fields[c] : ""
                if c > 0 { json += ", " }
                json += JSONText.quoted(name) + ": "
                json += value(v, kinds[name] ?? .string)
            }
            if let t = times[i] { json += ", \"event_time\": \"" + CivilTime.formatTimestamp(t) + "\"" }
            json += "}"
            let key = userIndex < r.fields.count && !r.fields[userIndex].isEmpty ? Array(r.fields[userIndex].utf8) : nil
            let sortTime = times[i] ?? previous
            previous = sortTime
            out.append((sortTime, i, StreamMessage(key: key, value: Array(json.utf8), eventTime: times[i])))
        }
        out.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return out.map { $0.2 }
    }

    /// The spread rule: the k-th of n rows of day D → D + floor((2k + 1) · 86400 / (2n)) seconds.
    static func spread(_ days: [Int32?]) -> [Int64?] {
        var count: [Int32: Int] = [:]
        for d in days { if let d { count[d, default: 0] += 1 } }
        var seen: [Int32: Int] = [:]
        return days.map { d in
            guard let d else { return nil }
            let k = seen[d, default: 0]
            seen[d] = k + 1
            let n = count[d]!
            let seconds = Int64((2 * k + 1) * 86_400 / (2 * n))
            return Int64(d) * CivilTime.microsPerDay + seconds * CivilTime.microsPerSecond
        }
    }

    private static func value(_ v: String, _ kind: Kind) -> String {
        if v.isEmpty { return "null" }
        switch kind {
        case .number:
            if let d = Double(v), d.isFinite, v.allSatisfy({ "0123456789.-+eE".contains($0) }) { return v }
        case .bool:
            switch v {
            case "True", "true", "TRUE", "1": return "true"
            case "False", "false", "FALSE", "0": return "false"
            default: break
            }
        case .string: break
        }
        return JSONText.quoted(v)
    }

    // MARK: JSON lines

    static func loadJSONLines(_ data: Data, path: String) throws -> [StreamMessage] {
        var lines: [[UInt8]] = []
        data.withUnsafeBytes { raw in
            var start = 0
            for i in 0...raw.count {
                if i == raw.count || raw[i] == 0x0A {
                    var end = i
                    if end > start, raw[end - 1] == 0x0D { end -= 1 }
                    let line = Array(raw[start..<end])
                    if line.contains(where: { $0 > 0x20 }) { lines.append(line) }
                    start = i + 1
                }
            }
        }
        var times: [Int64?] = lines.map { line in timeValueRange(line).flatMap { r in line[r].withUnsafeBytes { EventTime.parseTimestamp($0) } } }
        // Lines without a time but with a watch_date get the spread rule; the time is added to the line.
        let days: [Int32?] = lines.indices.map { i in
            guard timeValueRange(lines[i]) == nil, let r = stringValueRange(lines[i], field: "watch_date") else { return nil }
            return lines[i][r].withUnsafeBytes { EventTime.parseDate($0) }
        }
        let spreadTimes = spread(days)
        var out: [StreamMessage] = []
        out.reserveCapacity(lines.count)
        for i in lines.indices {
            var line = lines[i]
            if times[i] == nil, let t = spreadTimes[i], let close = line.lastIndex(of: UInt8(ascii: "}")) {
                line.insert(contentsOf: Array(", \"event_time\": \"\(CivilTime.formatTimestamp(t))\"".utf8), at: close)
                times[i] = t
            }
            let key = stringValueRange(line, field: "user_id").map { Array(line[$0]) }
            out.append(StreamMessage(key: key, value: line, eventTime: times[i]))
        }
        return out
    }

    /// The byte range of the event time's string value (`event_time`, else `timestamp`) in a JSON line.
    static func timeValueRange(_ line: [UInt8]) -> Range<Int>? {
        stringValueRange(line, field: "event_time") ?? stringValueRange(line, field: "timestamp")
    }

    /// The byte range of a top-level string field's value (without quotes, no escapes), or nil.
    static func stringValueRange(_ line: [UInt8], field: String) -> Range<Int>? {
        let pattern = Array("\"\(field)\"".utf8)
        guard line.count > pattern.count else { return nil }
        var i = 0
        while i + pattern.count <= line.count {
            if line[i] == pattern[0], Array(line[i..<(i + pattern.count)]) == pattern {
                var j = i + pattern.count
                while j < line.count, line[j] == 0x20 { j += 1 }
                guard j < line.count, line[j] == UInt8(ascii: ":") else { i += 1; continue }
                j += 1
                while j < line.count, line[j] == 0x20 { j += 1 }
                guard j < line.count, line[j] == UInt8(ascii: "\"") else { return nil }
                let start = j + 1
                var k = start
                while k < line.count, line[k] != UInt8(ascii: "\""), line[k] != UInt8(ascii: "\\") { k += 1 }
                guard k < line.count, line[k] == UInt8(ascii: "\"") else { return nil }
                return start..<k
            }
            i += 1
        }
        return nil
    }
}
