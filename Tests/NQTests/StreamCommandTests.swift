import Foundation
import Testing

/// `nq produce` and `nq consume` argument handling and failures that need no broker, run as the real binary.
/// (Streaming itself is tested against librdkafka's mock cluster in IngestTests and a real broker in
/// Tests/oracle/test_streaming.py.)
@Suite struct StreamCommandTests {
    @Test func finalNeedsUntilEnd() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.nq("consume", "--topic", "t", "--final")
        #expect(o.status != 0)
        #expect(o.stderr.contains("--final needs --until-end"), "\(o.stderr)")
    }

    @Test func exportWithoutABigQueryProjectFailsBeforeConsumingAndSaysWhatIsMissing() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.nq("consume", "--brokers", "127.0.0.1:1", "--topic", "t", "--export")
        #expect(o.status != 0)
        #expect(o.stderr.contains("no BigQuery project"), "\(o.stderr)")
    }

    @Test(arguments: [["--window", "soon"], ["--lateness", "-2m"], ["--window", "0s"]])
    func badDurationsAreRejected(_ args: [String]) throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.run(["--store", t.store, "consume", "--topic", "t"] + args)
        #expect(o.status != 0)
        #expect(o.stderr.contains(args[0]), "\(o.stderr)")
    }

    @Test func paceOptionsExcludeEachOther() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.nq("produce", "--from", "x.csv", "--rate", "10", "--max")
        #expect(o.status != 0)
        #expect(o.stderr.contains("exclude each other"), "\(o.stderr)")
    }

    @Test func aMissingInputFileIsNamed() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.nq("produce", "--brokers", "127.0.0.1:1", "--from", "nowhere.csv")
        #expect(o.status != 0)
        #expect(o.stderr.contains("nowhere.csv: no such file"), "\(o.stderr)")
    }

    @Test func anUnreachableBrokerIsNamedByUntilEnd() throws {
        let t = try NQRunner(); defer { t.cleanUp() }
        let o = try t.nq("consume", "--brokers", "127.0.0.1:1", "--topic", "t", "--until-end",
                         "--kafka-option", "socket.connection.setup.timeout.ms=1000", "--connect-timeout", "3")
        #expect(o.status != 0)
        #expect(o.stderr.contains("broker 127.0.0.1:1 not reachable"), "\(o.stderr)")
    }
}
