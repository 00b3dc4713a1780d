import ColumnStore
import Foundation
import Testing
@testable import Ingest

/// The stream's message parser: the real sample's shape (bare NaN), and the dead-letter rules.
@Suite struct StreamParserTests {
    static let real = #"{"session_id": "session_003011", "user_id": "user_01141", "movie_id": "movie_0416", "watch_date": "2025-12-01", "device_type": "Desktop", "watch_duration_minutes": 50.5, "progress_percentage": 21.0, "action": "stopped", "quality": "4K", "location_country": "USA", "is_download": false, "user_rating": NaN, "timestamp": "2025-12-01 02:02:01"}"#

    func parse(_ text: String) -> (ParsedEvent?, String?, EventParser) {
        var parser = EventParser()
        var event = ParsedEvent()
        var bytes = Array(text.utf8)
        do {
            try bytes.withUnsafeMutableBytes { try parser.parse(UnsafeRawBufferPointer($0), into: &event) }
            return (event, nil, parser)
        } catch {
            return (nil, (error as? DeadLetterReason)?.text ?? "\(error)", parser)
        }
    }

    @Test func parsesARealSampleEventWithBareNaNAsMissing() throws {
        let (e, reason, parser) = parse(Self.real)
        #expect(reason == nil)
        let event = try #require(e)
        #expect(parser.string(event.session) == "session_003011")
        #expect(parser.string(event.user) == "user_01141")
        #expect(parser.string(event.action) == "stopped")
        #expect(event.duration == 50.5)
        #expect(event.progress == 21.0)
        #expect(event.userRating == nil)
        #expect(event.isDownload == false)
        #expect(event.watchDate == CivilTime.days(year: 2025, month: 12, day: 1))
        #expect(event.eventTime == Int64(CivilTime.days(year: 2025, month: 12, day: 1)) * CivilTime.microsPerDay + Int64(2 * 3600 + 2 * 60 + 1) * 1_000_000)
    }

    @Test(.enabled(if: RealSample.isPresent, RealSample.absenceNote))
    func everyLineOfTheRealSampleParses() throws {
        let text = try String(contentsOf: RealSample.directory.appendingPathComponent("watch_events.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4_500)
        var failures: [String] = []
        var nanRatings = 0
        for line in lines {
            let (e, reason, _) = parse(String(line))
            if let reason { failures.append(reason) }
            if let e, e.userRating == nil, line.contains("\"user_rating\": NaN") { nanRatings += 1 }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(nanRatings == lines.filter { $0.contains("\"user_rating\": NaN") }.count)
    }

    /// Short decimals are parsed without `strtod`; every number must come out as the double `strtod` gives
    /// (the nearest one), whichever path parses it, and a number `strtod` rejects stays a dead letter.
    @Test(arguments: ["0", "-0", "7", "007", "50.5", "21.0", "99.9", "0.1", "0.3", "-12.75", "100", "100.0000001",
                      "123456789012345", "1234567890123456", "9007199254740993", "0.000000000000001", "1.7976931348623157e308",
                      "2.5E-3", "1e2", "-1.5e+1", "1.", "12345678.9012345", "4.35", "2.675", "0.1000000000000000055511151231257827"])
    func numbersParseToTheNearestDouble(_ text: String) throws {
        let (e, reason, _) = parse(Self.real.replacingOccurrences(of: "\"watch_duration_minutes\": 50.5", with: "\"watch_duration_minutes\": \(text)"))
        let expected = strtod(text, nil)
        if expected < 0 {
            #expect(reason?.hasPrefix("impossible value: watch_duration_minutes") == true)
        } else {
            #expect(reason == nil)
            let d = try #require(e?.duration)
            #expect(d.bitPattern == expected.bitPattern, "\(text): \(d) against strtod's \(expected)")
        }
    }

    @Test(arguments: ["-", "1.2.3", "--1", "1e", ".5e"])
    func malformedNumbersAreDeadLetters(_ text: String) {
        let (_, reason, _) = parse(Self.real.replacingOccurrences(of: "\"watch_duration_minutes\": 50.5", with: "\"watch_duration_minutes\": \(text)"))
        #expect(reason?.hasPrefix("not JSON") == true, "\(text): \(reason ?? "parsed")")
    }

    @Test func escapedStringsAreDecoded() throws {
        let text = Self.real.replacingOccurrences(of: "\"USA\"", with: #""U\"S\u00e9\\A""#)
        let (e, reason, parser) = parse(text)
        #expect(reason == nil)
        #expect(parser.string(try #require(e).country!) == "U\"Sé\\A")
    }

    @Test(arguments: [
        ("not json at all", "not JSON"),
        (#"{"session_id": "s1", "#, "not JSON"),
        (#"[1, 2]"#, "not JSON"),
        (#"{"user_id": "u", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 00:00:00"}"#, "missing key field session_id"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started"}"#, "missing key field timestamp"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started", "event_time": "yesterday"}"#, "impossible value: event_time"),
        (#"{"session_id": "s", "user_id": 7, "movie_id": "m", "action": "started", "timestamp": "2025-12-01 00:00:00"}"#, "wrong type: user_id"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 00:00:00", "progress_percentage": 140}"#, "impossible value: progress_percentage"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 00:00:00", "watch_duration_minutes": -3}"#, "impossible value: watch_duration_minutes"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 00:00:00", "watch_duration_minutes": "long"}"#, "wrong type: watch_duration_minutes"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 00:00:00", "user_rating": 4.5}"#, "impossible value: user_rating"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started", "timestamp": "2025-02-30 00:00:00"}"#, "impossible value: timestamp"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "", "timestamp": "2025-12-01 00:00:00"}"#, "key field action is empty"),
        (#"{"session_id": "s", "user_id": "u", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 00:00:00", "is_download": "yes"}"#, "wrong type: is_download"),
    ])
    func badMessagesGetAReason(_ text: String, _ expected: String) {
        let (e, reason, _) = parse(text)
        #expect(e == nil)
        #expect(reason?.hasPrefix(expected) == true, "got \(reason ?? "no reason") for \(text)")
    }

    @Test func csvRowsAreSpreadOverTheirDayAndSentInEventTimeOrder() throws {
        let csv = """
            session_id,user_id,movie_id,watch_date,device_type,watch_duration_minutes,progress_percentage,action,quality,location_country,is_download,user_rating
            s1,u1,m1,2024-01-02,TV,10.5,,started,HD,USA,False,
            s2,u2,m2,2024-01-01,TV,,50,completed,HD,USA,True,4.0
            s3,u3,m3,2024-01-02,TV,1,2,paused,HD,Canada,False,

            """
        let messages = try StreamInput.loadCSV(Data(csv.utf8), path: "t.csv")
        #expect(messages.count == 3)
        let day1 = Int64(CivilTime.days(year: 2024, month: 1, day: 1)) * CivilTime.microsPerDay
        let day2 = day1 + CivilTime.microsPerDay
        // One row on day 1: the middle of the day. Two rows on day 2: 1/4 and 3/4 of it, in file order.
        #expect(messages.map(\.eventTime) == [day1 + 43_200_000_000, day2 + 21_600_000_000, day2 + 64_800_000_000])
        #expect(messages.map { $0.key.map { String(decoding: $0, as: UTF8.self) } } == ["u2", "u1", "u3"])
        var parser = EventParser()
        var e = ParsedEvent()
        try messages[0].value.withUnsafeBytes { try parser.parse($0, into: &e) }
        #expect(e.duration == nil && e.progress == 50 && e.userRating == 4 && e.isDownload == true)
        #expect(e.eventTime == day1 + 43_200_000_000)
    }

    @Test func jsonLinesKeepTheirTimestampAndFileOrder() throws {
        let lines = [
            #"{"session_id": "a", "user_id": "u9", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 10:00:00"}"#,
            #"{"session_id": "b", "user_id": "u8", "movie_id": "m", "action": "started", "timestamp": "2025-12-01 09:00:00"}"#,
            #"{"session_id": "c", "user_id": "u7", "movie_id": "m", "action": "started", "watch_date": "2025-12-02"}"#,
        ].joined(separator: "\n")
        var messages = try StreamInput.loadJSONLines(Data(lines.utf8), path: "t.jsonl")
        #expect(messages.map { String(decoding: $0.key!, as: UTF8.self) } == ["u9", "u8", "u7"])
        #expect(messages[0].eventTime == EventTime.parseTimestamp("2025-12-01 10:00:00"))
        #expect(messages[2].eventTime == EventTime.parseTimestamp("2025-12-02 12:00:00"))
        StreamInput.shift(&messages, by: 3_600_000_000)
        #expect(String(decoding: messages[1].value, as: UTF8.self).contains("\"timestamp\": \"2025-12-01 10:00:00\""))
        #expect(String(decoding: messages[2].value, as: UTF8.self).contains("\"event_time\": \"2025-12-02 13:00:00\""))
    }
}

@Suite struct EventTimeTests {
    @Test(arguments: [
        ("2025-12-01 02:02:01", "2025-12-01 02:02:01"),
        ("2025-12-01T02:02:01Z", "2025-12-01 02:02:01"),
        ("2025-12-01 02:02:01.5", "2025-12-01 02:02:01.500000"),
        ("2025-12-01 02:02:01+00", "2025-12-01 02:02:01"),
        ("2025-12-01 02:02:01+01:30", "2025-12-01 00:32:01"),
        ("2025-12-01 02:02:01-0200", "2025-12-01 04:02:01"),
    ])
    func timestampsWithAndWithoutAZoneAreReadAsUTC(_ text: String, _ utc: String) {
        #expect(EventTime.parseTimestamp(text).map(CivilTime.formatTimestamp) == utc)
    }

    @Test(arguments: ["2025-12-01", "2025-12-01 24:00:00", "2025-12-01 02:02:01+1", "2025-12-01 02:02:01.1234567", "2025-12-01 02:02:01 "])
    func malformedTimestampsAreRejected(_ text: String) {
        #expect(EventTime.parseTimestamp(text) == nil)
    }
}
