import Foundation
import Testing

/// `nq ingest`, `tables`, `describe` and `check`, run as the real binary.
@Suite struct IngestCommandTests {
    static let reviewsHeader = "review_id,user_id,movie_id,rating,review_date,device_type,is_verified_watch,helpful_votes,total_votes,review_text,sentiment,sentiment_score\n"

    func reviews(_ rows: [String]) -> String { Self.reviewsHeader + rows.map { $0 + "\n" }.joined() }

    static let goodRows = [
        "review_000001,user_07066,movie_0360,4,2025-03-29,Mobile,False,3.0,5.0,Fantastic cinematography and plot twists.,positive,0.711",
        "review_000002,user_02953,movie_0095,5,2024-07-19,Mobile,True,2.0,2.0,\"Slow, but worth it\",positive,0.645",
        "review_000003,user_05528,movie_0518,4,2025-02-11,Tablet,True,,,,neutral,",
    ]

    @Test func loadsAFileIntoTheTableNamedAfterIt() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let file = try t.write("reviews.csv", reviews(Self.goodRows))
        let o = try t.nq("ingest", file)
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.contains("reviews: 3 rows loaded, 0 rejected"))
        #expect(try t.tableRows() == ["reviews": 3])
        let d = try t.nq("describe", "reviews", "--format", "csv", "--summarize")
        // helpful_votes: 3 + 2 = 5 with one NULL; review_text: one NULL.
        #expect(d.stdout.contains("helpful_votes,INT64,1,2,3,2,5"), "\(d.stdout)")
        #expect(d.stdout.contains("review_text,STRING,1,Fantastic cinematography and plot twists.,\"Slow, but worth it\",2,"), "\(d.stdout)")
    }

    @Test func acceptsTheStoreBeforeOrAfterTheSubcommandOrFromTheEnvironment() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let file = try t.write("reviews.csv", reviews(Self.goodRows))
        #expect(try t.run(["ingest", "--store", t.store, file]).status == 0)
        let viaEnv = try t.run(["tables", "--format", "csv"], environment: ["NQ_STORE": t.store])
        #expect(viaEnv.stdout.contains("reviews,3,"))
        let viaFlag = try t.run(["--store=\(t.store)", "tables", "--format", "csv"])
        #expect(viaFlag.stdout.contains("reviews,3,"))
    }

    @Test func reingestingTheSameContentIsANoOpThatSaysSo() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let file = try t.write("reviews.csv", reviews(Self.goodRows))
        #expect(try t.nq("ingest", file).status == 0)
        let again = try t.nq("ingest", file)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already loaded"))
        #expect(try t.tableRows() == ["reviews": 3])
    }

    @Test func newContentForATableNeedsAppendOrReplace() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        #expect(try t.nq("ingest", try t.write("reviews.csv", reviews(Self.goodRows))).status == 0)
        try FileManager.default.createDirectory(atPath: t.path("more"), withIntermediateDirectories: true)
        let second = try t.write("more/reviews.csv", reviews(Array(Self.goodRows.prefix(2))))
        let refused = try t.nq("ingest", second)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--append"))
        #expect(try t.tableRows() == ["reviews": 3])
        #expect(try t.nq("ingest", "--append", second).status == 0)
        #expect(try t.tableRows() == ["reviews": 5])
        #expect(try t.nq("ingest", "--replace", second).status == 0)
        #expect(try t.tableRows() == ["reviews": 2])
    }

    @Test func untypableRowsGoToRejectsWithLineAndReason() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let rows = Self.goodRows + [
            "review_000004,user_1,movie_1,4x.5,2025-03-29,Mobile,False,3.0,5.0,x,positive,0.1",   // line 5
            "review_000005,user_1,movie_1,43.5,2025-03-29,Mobile,False,3.0,5.0,x,positive,0.1",   // line 6
            "review_000006,user_1,movie_1,4,2025-02-30,Mobile,False,3.0,5.0,x,positive,0.1",      // line 7
            "review_000007,user_1,movie_1,4,2025-02-03,Mobile",                                   // line 8
        ]
        let file = try t.write("reviews.csv", reviews(rows))
        let o = try t.nq("ingest", file)
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.contains("reviews: 3 rows loaded, 4 rejected"), "\(o.stdout)")
        #expect(try t.tableRows() == ["reviews": 3, "_rejects": 4])
        let r = try t.nq("describe", "_rejects", "--format", "csv")
        #expect(r.stdout.contains("line_number,INT64,0,5,8"), "\(r.stdout)")
    }

    @Test func invalidUTF8InAStringIsRejected() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        var bytes = Array((Self.reviewsHeader + Self.goodRows[0] + "\n").utf8)
        bytes += Array("review_000009,user_1,movie_1,4,2025-03-29,Mobile,False,3.0,5.0,bad ".utf8) + [0xC3, 0x28] + Array(",positive,0.1\n".utf8)
        let file = try t.write("reviews.csv", bytes: bytes)
        let o = try t.nq("ingest", file)
        #expect(o.stdout.contains("1 rows loaded, 1 rejected"), "\(o.stdout) \(o.stderr)")
    }

    @Test(arguments: [
        ("missing", "no such file"),
        ("empty", "file is empty"),
        ("header", "unknown column ratng (did you mean rating?)"),
    ])
    func badFilesFailWithOneLineAndWriteNothing(kind: String, message: String) throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let good = try t.write("movies_ok.csv", "a,b\n1,2\n")
        let file: String
        switch kind {
        case "missing": file = t.path("reviews.csv")
        case "empty": file = try t.write("reviews.csv", "")
        default: file = try t.write("reviews.csv", Self.reviewsHeader.replacingOccurrences(of: ",rating,", with: ",ratng,") + Self.goodRows[0] + "\n")
        }
        let o = try t.nq("ingest", good, file)
        #expect(o.status != 0)
        #expect(o.stderr.contains(message), "\(o.stderr)")
        #expect(o.stderr.contains("reviews.csv"))
        #expect(o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
        // The good file named first was not loaded either: the ingest is all or nothing.
        #expect(try t.tableRows().isEmpty)
    }

    @Test func anUnusableStoreIsAClearError() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let notADirectory = try t.write("plain-file", "x")
        let o = try t.run(["--store", notADirectory, "tables"])
        #expect(o.status != 0)
        #expect(o.stderr.contains("cannot use store \(notADirectory)"), "\(o.stderr)")
        let missing = try t.run(["--store", t.path("nowhere"), "describe", "users"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no such store"), "\(missing.stderr)")
    }

    @Test func aCSVForATableWithoutSchemaGetsInferredTypes() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let file = try t.write("ratings_extra.csv", "id,score,ok,day,note\n1,2.5,True,2024-01-02,hi\n2,3.0,False,2024-01-03,\n")
        let o = try t.nq("ingest", file)
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.contains("types inferred"))
        let d = try t.nq("describe", "ratings_extra", "--format", "csv")
        for expected in ["id,INT64", "score,FLOAT64", "ok,BOOL", "day,DATE", "note,STRING"] {
            #expect(d.stdout.contains(expected), "\(d.stdout)")
        }
    }

    @Test func anInferredColumnOfZerosAndOnesIsINT64AndOneOfWordsIsBOOL() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let file = try t.write("flags_extra.csv", "flag,word,mixed\n1,yes,1\n0,no,true\n1,No,0\n")
        #expect(try t.nq("ingest", file).status == 0)
        let d = try t.nq("describe", "flags_extra", "--format", "csv")
        for expected in ["flag,INT64", "word,BOOL", "mixed,STRING"] {
            #expect(d.stdout.contains(expected), "\(d.stdout)")
        }
        let q = try t.nq("query", "--format", "csv", "select sum(flag), countif(word) from flags_extra")
        #expect(q.stdout == "f0_,f1_\n2,1\n", "\(q.stdout)\(q.stderr)")
    }

    @Test func aFlippedByteInASegmentIsDetectedAndNamed() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        #expect(try t.nq("ingest", try t.write("reviews.csv", reviews(Self.goodRows))).status == 0)
        #expect(try t.nq("check").status == 0)
        let segments = t.store + "/segments"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: segments).first)
        let path = segments + "/" + name
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[20] ^= 0x40   // inside the first block's payload
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let o = try t.nq("check")
        #expect(o.status != 0)
        #expect(o.stderr.contains(name))
        #expect(o.stderr.contains("block 0"))
        #expect(o.stderr.contains("checksum mismatch"))
        let d = try t.nq("describe", "reviews", "--summarize")
        #expect(d.status != 0)
    }

    @Test func compactMergesSmallSegments() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        for i in 0..<3 {
            try FileManager.default.createDirectory(atPath: t.path("d\(i)"), withIntermediateDirectories: true)
            let f = try t.write("d\(i)/reviews.csv", reviews([Self.goodRows[i]]))
            #expect(try t.nq("ingest", "--append", f).status == 0)
        }
        let c = try t.nq("compact", "reviews")
        #expect(c.stdout.contains("reviews: 3 -> 1 segments"), "\(c.stdout)")
        #expect(try t.tableRows() == ["reviews": 3])
        #expect(try t.nq("check").status == 0)
    }
}
