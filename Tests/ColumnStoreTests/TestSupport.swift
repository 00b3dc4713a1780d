import Foundation
import Testing
@testable import ColumnStore

/// Runs `body` with a fresh directory under the system temporary directory, removed afterwards.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("nq-columnstore-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A column holding `values` (`.null` for NULL).
func makeColumn(_ type: ColumnType, _ values: [Value]) -> Column {
    var b = ColumnBuilder(type: type)
    for v in values { b.append(v) }
    return b.finish()
}

/// Every row of a column as a scalar.
func rows(of column: Column) -> [Value] { (0..<column.count).map { column.value(at: $0) } }

/// Equality that tells NaN payloads, −0.0 and 0.0 apart (bit patterns for floats).
func identical(_ a: Value, _ b: Value) -> Bool {
    if case .float64(let x) = a, case .float64(let y) = b { return x.bitPattern == y.bitPattern }
    return a == b
}

func identical(_ a: [Value], _ b: [Value]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
}

/// The StoreError `body` throws; records an issue and returns nil when it throws nothing or another error.
func storeError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> StoreError? {
    do {
        try body()
        Issue.record("expected a StoreError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let e as StoreError {
        return e
    } catch {
        Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

func isCorruptSegment(_ e: StoreError?) -> Bool {
    if case .corruptSegment? = e { return true }
    return false
}

/// Writes `c.body` as the only block of a one-column segment and reads it back: a case with an error must
/// fail with `corruptSegment` naming the problem and the file, one without must decode to `c.expected`
/// (floats compared bit for bit).
func expectBodyCase(_ c: BodyCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try withTemporaryDirectory { dir in
        let path = dir + "/body.nqs"
        try writeFile(path, assembleSegment(rows: c.rows, blockRows: c.rows, columns: [(name: "c", type: c.type, bodies: [c.body])]))
        let reader = try SegmentReader(path: path)
        if let message = c.error {
            let e = storeError({ _ = try reader.readBlock(column: 0, block: 0) }, sourceLocation: sourceLocation)
            #expect(isCorruptSegment(e), sourceLocation: sourceLocation)
            #expect(e?.description.contains(message) == true, "\(String(describing: e))", sourceLocation: sourceLocation)
            #expect(e?.description.contains(path) == true, sourceLocation: sourceLocation)
        } else {
            #expect(identical(rows(of: try reader.readBlock(column: 0, block: 0)), c.expected), sourceLocation: sourceLocation)
        }
    }
}

/// Reads a whole file.
func fileBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Little-endian field access on a byte array.
extension Array where Element == UInt8 {
    func u32(at i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[i + $1]) << (8 * $1) } }
    mutating func putU32(_ v: UInt32, at i: Int) { for k in 0..<4 { self[i + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
    mutating func putU64(_ v: UInt64, at i: Int) { for k in 0..<8 { self[i + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
}

func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 { bytes.withUnsafeBytes { Checksum.crc32($0) } }

/// Recomputes the footer CRC in the trailer (after the footer was edited in place).
func resealFooter(_ bytes: inout [UInt8]) {
    let trailer = bytes.count - SegmentFormat.trailerSize
    let length = Int(bytes.u32(at: trailer))
    bytes.putU32(crc32(bytes[(trailer - length)..<trailer]), at: trailer + 4)
}

/// Recomputes the CRC of the frame at `offset` with `length` bytes.
func resealFrame(_ bytes: inout [UInt8], offset: Int, length: Int) {
    bytes.putU32(crc32(bytes[(offset + 4)..<(offset + length)]), at: offset)
}

/// Builds a segment file from hand-made block bodies (raw frames, no zone bounds), for inputs the
/// writer would never produce.
func assembleSegment(rows: Int, blockRows: Int, columns: [(name: String, type: ColumnType, bodies: [[UInt8]])]) -> [UInt8] {
    var file = SegmentFormat.magic + [UInt8(SegmentFormat.version & 0xFF), UInt8(SegmentFormat.version >> 8)]
    var f = BinaryWriter()
    f.u64(UInt64(rows))
    f.u32(UInt32(blockRows))
    f.u16(UInt16(columns.count))
    var entries: [[(offset: Int, length: Int)]] = []
    for c in columns {
        var list: [(offset: Int, length: Int)] = []
        for body in c.bodies {
            var w = BinaryWriter()
            w.u32(0)
            w.u8(SegmentFormat.Method.none.rawValue)
            w.u32(UInt32(body.count))
            w.u32(UInt32(body.count))
            w.raw(body)
            var frame = w.bytes
            resealFrame(&frame, offset: 0, length: frame.count)
            list.append((file.count, frame.count))
            file += frame
        }
        entries.append(list)
    }
    for (c, column) in columns.enumerated() {
        f.string(column.name)
        f.u8(column.type.tag)
        f.u32(UInt32(column.bodies.count))
        for (b, e) in entries[c].enumerated() {
            f.u64(UInt64(e.offset))
            f.u32(UInt32(e.length))
            f.u32(UInt32(min(blockRows, rows - b * blockRows)))
            f.u32(0)
            f.zoneValue(nil)
            f.zoneValue(nil)
        }
    }
    var t = BinaryWriter()
    t.u32(UInt32(f.bytes.count))
    t.u32(f.bytes.withUnsafeBytes { Checksum.crc32($0) })
    t.raw(SegmentFormat.trailerMagic)
    return file + f.bytes + t.bytes
}
