import Foundation
import Testing

/// `nq export` and `nq query --engine bigquery` argument and configuration errors, run as the real binary
/// (nothing here reaches a network; the emulator tests are in Tests/oracle/test_bigquery.py).
@Suite struct ExportCommandTests {
    static let clean = ["NQ_BIGQUERY_PROJECT": "", "NQ_BIGQUERY_DATASET": "", "NQ_BIGQUERY_ENDPOINT": "", "NQ_BIGQUERY_TOKEN": "",
                        "GOOGLE_APPLICATION_CREDENTIALS": ""]

    func storeWithATable(_ t: NQRunner) throws {
        let file = try t.write("dq_report.csv", "n\n1\n")
        #expect(try t.nq("ingest", file).status == 0)
    }

    @Test func exportNeedsEitherTablesOrAllResults() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        try storeWithATable(t)
        let none = try t.run(["export", "--store", t.store, "--project", "p", "--dataset", "d"], environment: Self.clean)
        #expect(none.status != 0)
        #expect(none.stderr.contains("give --tables T1,T2 or --all-results"), "\(none.stderr)")
        let both = try t.run(["export", "--store", t.store, "--project", "p", "--dataset", "d", "--tables", "x", "--all-results"], environment: Self.clean)
        #expect(both.status != 0)
    }

    @Test func aMissingProjectOrDatasetNamesWhereToSetIt() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        try storeWithATable(t)
        let noProject = try t.run(["export", "--store", t.store, "--tables", "dq_report"], environment: Self.clean)
        #expect(noProject.status != 0)
        #expect(noProject.stderr.contains("no BigQuery project: give --project, set NQ_BIGQUERY_PROJECT, or put \"project\" in \(t.store)/bigquery.json"), "\(noProject.stderr)")
        let noDataset = try t.run(["export", "--store", t.store, "--tables", "dq_report"], environment: Self.clean.merging(["NQ_BIGQUERY_PROJECT": "p"]) { $1 })
        #expect(noDataset.stderr.contains("no BigQuery dataset: give --dataset, set NQ_BIGQUERY_DATASET"), "\(noDataset.stderr)")
    }

    @Test func aTableTheStoreLacksIsAnErrorBeforeAnyRequest() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        try storeWithATable(t)
        // The endpoint is a closed loopback port: an attempted request would show as a network error.
        let o = try t.run(["export", "--store", t.store, "--project", "p", "--dataset", "d", "--tables", "dq_report,nosuch",
                           "--endpoint", "http://127.0.0.1:9"], environment: Self.clean)
        #expect(o.status != 0)
        #expect(o.stderr.contains("no table nosuch in the store"), "\(o.stderr)")
        #expect(!o.stderr.contains("network error"))
    }

    @Test func allResultsWithNoResultTablesSaysWhichItLooksFor() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let file = try t.write("other.csv", "n\n1\n")
        #expect(try t.nq("ingest", file).status == 0)
        let o = try t.run(["export", "--store", t.store, "--project", "p", "--dataset", "d", "--all-results"], environment: Self.clean)
        #expect(o.status != 0)
        #expect(o.stderr.contains("the store has none of the result tables (monthly_engagement, cohort_retention"), "\(o.stderr)")
    }
}
