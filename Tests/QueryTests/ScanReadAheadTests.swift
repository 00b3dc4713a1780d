import ColumnStore
import Foundation
import Testing
@testable import Query

/// Scans of tables with several segments, whose blocks are read on worker threads across segment
/// boundaries (`ScanReadAhead`): the rows, their order, pruning and errors are checked against the
/// rows as written, filtered in Swift.
@Suite struct ScanReadAheadTests {
    /// One written row of `t(k INT64, s STRING, x FLOAT64)`; nil is NULL.
    struct Row: Equatable {
        var k: Int64?
        var s: String?
        var x: Double?
    }

    /// Rows per segment: segment 2 holds only keys from 1000 on (prunable by `k < 1000` from the
    /// catalog), the others keys below 1000; blocks of 16 rows, the last of each segment partial.
    static let segmentSizes = [100, 37, 64, 50, 1]

    static func row(_ i: Int, segment: Int) -> Row {
        let k: Int64? = i % 13 == 5 ? nil : Int64(segment == 2 ? 1000 + i : i)
        let s: String? = i % 7 == 0 ? nil : ["a", "b", "c"][i % 3]
        let x: Double? = i % 11 == 3 ? nil : Double(i % 10) * 0.5
        return Row(k: k, s: s, x: x)
    }

    static let segments: [[Row]] = {
        var out: [[Row]] = []
        var start = 0
        for (segment, n) in segmentSizes.enumerated() {
            out.append((start..<(start + n)).map { row($0, segment: segment) })
            start += n
        }
        return out
    }()

    static var rows: [Row] { segments.flatMap { $0 } }

    static func store() throws -> (Store, String, [PendingSegment]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nq-readahead-\(UUID().uuidString)").path
        let store = try Store(path: path)
        let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "k", type: .int64), ColumnSchema(name: "s", type: .string),
                                                      ColumnSchema(name: "x", type: .float64)])
        let written = try store.write { w -> [PendingSegment] in
            let segs = try segments.map { rows in
                var kb = ColumnBuilder(type: .int64), sb = ColumnBuilder(type: .string), xb = ColumnBuilder(type: .float64)
                for r in rows {
                    kb.append(r.k.map(Value.int64) ?? .null)
                    sb.append(r.s.map(Value.string) ?? .null)
                    xb.append(r.x.map(Value.float64) ?? .null)
                }
                return try w.writeSegment(schema: schema, columns: [kb.finish(), sb.finish(), xb.finish()], blockRows: 16)
            }
            try w.commit { tx in
                try tx.createTable(schema, source: "test")
                try tx.addSegments(segs, to: "t")
            }
            return segs
        }
        return (store, path, written)
    }

    static func values(_ r: QueryResult, column: Int) -> [Value] {
        (0..<r.rowCount).map { r.value(row: $0, column: column) }
    }

    @Test func anUnfilteredScanReturnsEveryRowInSegmentAndBlockOrder() throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select k, s from t")[0]
        #expect(Self.values(r, column: 0) == Self.rows.map { $0.k.map(Value.int64) ?? .null })
        #expect(Self.values(r, column: 1) == Self.rows.map { $0.s.map(Value.string) ?? .null })
    }

    @Test func aPushedDownFilterKeepsExactlyTheRowsThePredicateKeepsInOrder() throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select k from t where x > 2.5 and s = 'b'")[0]
        let expected = Self.rows.filter { ($0.x ?? -1) > 2.5 && $0.x != nil && $0.s == "b" }
        #expect(!expected.isEmpty)
        #expect(Self.values(r, column: 0) == expected.map { $0.k.map(Value.int64) ?? .null })
    }

    @Test func segmentsAndBlocksPrunedByZoneMapsDoNotChangeTheAggregates() throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = QueryEngine(store: store)
        // k < 1000 prunes segment 2 from the catalog; k >= 1000 and k < 1010 reads only its first block.
        for (sql, keep) in [("select count(*), sum(k) from t where k < 1000", { (k: Int64) in k < 1000 }),
                            ("select count(*), sum(k) from t where k >= 1000 and k < 1010", { (k: Int64) in k >= 1000 && k < 1010 }),
                            ("select count(*), sum(k) from t where k > 5000", { (k: Int64) in k > 5000 })] {
            let kept = Self.rows.compactMap(\.k).filter(keep)
            let r = try engine.execute(sql)[0]
            #expect(r.value(row: 0, column: 0) == .int64(Int64(kept.count)), "\(sql)")
            #expect(r.value(row: 0, column: 1) == (kept.isEmpty ? .null : .int64(kept.reduce(0, +))), "\(sql)")
        }
    }

    @Test func aCorruptedBlockInALaterSegmentIsReportedWithItsPlace() throws {
        let (store, path, segs) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let file = store.segmentPath(segs[3].file)
        let block = try SegmentReader(path: file).columns[0].blocks[1]
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[block.offset + block.length - 1] ^= 0x5A
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        for sql in ["select sum(k) from t", "select k from t", "select count(*) from t where k < 1000"] {
            let e = #expect(throws: QueryError.self, "\(sql)") { try QueryEngine(store: store).execute(sql) }
            guard case let .store(.checksumMismatch(p, column, b, offset, _, _))? = e else {
                Issue.record("\(sql): expected checksumMismatch, got \(String(describing: e))")
                continue
            }
            #expect(p == file && column == "k" && b == 1 && offset == block.offset, "\(sql)")
        }
    }

    @Test func aLimitThatStopsPullingEarlyReturnsTheFirstRowsAndEndsTheScan() throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = QueryEngine(store: store)
        let expected = Self.rows.prefix(5).map { $0.k.map(Value.int64) ?? .null }
        // Repeated: a read-ahead whose workers were not stopped would be left waiting for a consumer.
        for _ in 0..<25 {
            let r = try engine.execute("select k from t limit 5")[0]
            #expect(Self.values(r, column: 0) == expected)
        }
    }

    @Test func aTableWithoutRowsInItsFilterYieldsOneCountRow() throws {
        let (store, path, _) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute("select count(*) from t where s = 'zzz'")[0]
        #expect(r.rowCount == 1 && r.value(row: 0, column: 0) == .int64(0))
    }
}
