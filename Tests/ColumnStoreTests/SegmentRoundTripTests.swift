import Foundation
import Testing
@testable import ColumnStore

/// Fifty rows of each type; with `withNulls`, every fourth row and the whole third block (rows 14..<21
/// at 7 rows per block) are NULL.
func sampleValues(_ type: ColumnType, withNulls: Bool, count: Int = 50) -> [Value] {
    (0..<count).map { i -> Value in
        if withNulls && (i % 4 == 1 || (14..<21).contains(i)) { return .null }
        switch type {
        case .int64: return .int64(i == 3 ? .min : i == 10 ? .max : Int64((i * 7919) % 1000 - 500))
        case .float64: return .float64(Double((i * 37) % 101) * 1.25 - 60)
        case .bool: return .bool(i % 3 == 0)
        case .date: return .date(Int32(i * 1000 - 30_000))
        case .timestamp: return .timestamp(Int64(i) * 3_600_000_001 - 90 * 86_400_000_000)
        case .string: return .string(i % 5 == 0 ? "" : "value \((i * 31) % 17) ü")
        }
    }
}

/// Zone map of `values` computed the naive way, independently of `ZoneMap.compute` (inputs here hold
/// no NaN and no string longer than 64 bytes).
func referenceZone(_ values: ArraySlice<Value>) -> ZoneMap {
    let present = values.filter { !$0.isNull }
    func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.int64(x), .int64(y)), let (.timestamp(x), .timestamp(y)): return x < y
        case let (.float64(x), .float64(y)): return x < y
        case let (.date(x), .date(y)): return x < y
        case let (.bool(x), .bool(y)): return (x ? 1 : 0) < (y ? 1 : 0)
        case let (.string(x), .string(y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        default: fatalError("mixed types")
        }
    }
    var lo: Value? = nil, hi: Value? = nil
    for v in present {
        if lo == nil || less(v, lo!) { lo = v }
        if hi == nil || less(hi!, v) { hi = v }
    }
    return ZoneMap(rowCount: values.count, nullCount: values.count - present.count, min: lo, max: hi)
}

/// The uncompressed body of one block, read straight from the file.
func blockBody(_ reader: SegmentReader, column c: Int, block b: Int) throws -> [UInt8] {
    let meta = reader.columns[c].blocks[b]
    let frame = Array(try fileBytes(reader.path)[meta.offset..<(meta.offset + meta.length)])
    let payload = Array(frame[SegmentFormat.frameHeaderSize...])
    switch frame[4] {
    case 0: return payload
    case 1: return try #require(payload.withUnsafeBytes { LZ4.decompress($0, uncompressedSize: Int(frame.u32(at: 9))) })
    default: throw StoreError.corruptSegment(path: reader.path, detail: "method \(frame[4])")
    }
}

@Suite struct SegmentRoundTripTests {
    @Test(arguments: ColumnType.allCases, [false, true])
    func everyTypeReadsBackAsWrittenWithHandComputedZoneMaps(type: ColumnType, withNulls: Bool) throws {
        try withTemporaryDirectory { dir in
            let values = sampleValues(type, withNulls: withNulls)
            let ids = (0..<values.count).map { Value.int64(Int64($0)) }
            let path = dir + "/seg.nqs"
            let schema = [ColumnSchema(name: "id", type: .int64), ColumnSchema(name: "v", type: type)]
            let summary = try SegmentWriter.write(schema: schema, columns: [makeColumn(.int64, ids), makeColumn(type, values)],
                                                  to: path, blockRows: 7)
            let reader = try SegmentReader(path: path)
            #expect(reader.rowCount == 50)
            #expect(reader.blockRows == 7)
            #expect(reader.blockCount == 8)
            #expect(reader.columns.map(\.schema) == schema)
            #expect(reader.columns == summary.columns, "footer reads back as the writer described it")
            #expect(summary.rows == 50)
            #expect(summary.storedBytes == (try FileIO.fileSize(path)))

            for b in 0..<8 {
                let range = (b * 7)..<min(50, b * 7 + 7)
                #expect(reader.columns[1].blocks[b].zone == referenceZone(values[range]), "block \(b)")
                let block = try reader.readBlock(column: 1, block: b)
                #expect(identical(rows(of: block), Array(values[range])), "block \(b)")
            }
            #expect(identical(rows(of: try reader.readColumn(0)), ids))
            #expect(identical(rows(of: try reader.readColumn(1)), values))
            #expect(reader.columns[1].zone == referenceZone(values[...]))
            if withNulls {
                #expect(reader.columns[1].blocks[2].zone == ZoneMap(rowCount: 7, nullCount: 7, min: nil, max: nil))
            }
        }
    }

    @Test func zoneMapsOfASmallColumnAreExactlyTheHandWrittenOnes() throws {
        try withTemporaryDirectory { dir in
            let values: [Value] = [.int64(5), .null, .int64(-3), .int64(9), .null, .null, .int64(2)]
            let path = dir + "/seg.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "x", type: .int64)], columns: [makeColumn(.int64, values)],
                                        to: path, blockRows: 3)
            let reader = try SegmentReader(path: path)
            #expect(reader.columns[0].blocks.map(\.zone) == [
                ZoneMap(rowCount: 3, nullCount: 1, min: .int64(-3), max: .int64(5)),
                ZoneMap(rowCount: 3, nullCount: 2, min: .int64(9), max: .int64(9)),
                ZoneMap(rowCount: 1, nullCount: 0, min: .int64(2), max: .int64(2)),
            ])
            #expect(reader.columns[0].zone == ZoneMap(rowCount: 7, nullCount: 3, min: .int64(-3), max: .int64(9)))
        }
    }

    @Test(arguments: [
        (distinct: 3, rows: 49, blockRows: 7, encoding: BlockCodec.dictionary, codeWidth: UInt8(1)),
        (distinct: 200, rows: 1000, blockRows: 1000, encoding: BlockCodec.dictionary, codeWidth: UInt8(1)),
        (distinct: 300, rows: 700, blockRows: 700, encoding: BlockCodec.dictionary, codeWidth: UInt8(2)),
        (distinct: 50, rows: 50, blockRows: 7, encoding: BlockCodec.plain, codeWidth: UInt8(0)),
        (distinct: 1000, rows: 1000, blockRows: 1000, encoding: BlockCodec.plain, codeWidth: UInt8(0)),
    ])
    func stringsUseDictionaryEncodingAtLowCardinalityAndPlainAtHigh(
        distinct: Int, rows count: Int, blockRows: Int, encoding: UInt8, codeWidth: UInt8
    ) throws {
        try withTemporaryDirectory { dir in
            let values: [Value] = (0..<count).map { i in
                i % 11 == 4 ? .null : .string("category-\((i * 7) % distinct)")
            }
            let path = dir + "/seg.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "s", type: .string)], columns: [makeColumn(.string, values)],
                                        to: path, blockRows: blockRows)
            let reader = try SegmentReader(path: path)
            for b in 0..<reader.blockCount {
                let body = try blockBody(reader, column: 0, block: b)
                #expect(body[0] == encoding, "block \(b)")
                if encoding == BlockCodec.dictionary && body[0] == encoding {
                    // encoding, null flag, bitmap, u32 count, count × i32 ends, entry bytes, code width.
                    let p = 2 + (body[1] == 1 ? (reader.columns[0].blocks[b].zone.rowCount + 7) / 8 : 0)
                    let entries = Int(body.u32(at: p))
                    #expect(entries <= distinct + 1, "distinct values plus the empty string of NULL rows")
                    let entryBytes = entries == 0 ? 0 : Int(body.u32(at: p + 4 + (entries - 1) * 4))
                    #expect(body[p + 4 + entries * 4 + entryBytes] == codeWidth, "block \(b)")
                }
            }
            #expect(identical(rows(of: try reader.readColumn(0)), values))
            #expect(reader.columns[0].zone == referenceZone(values[...]))
        }
    }

    @Test(arguments: [true, false])
    func emptyStringsAndNullsStayDistinct(lowCardinality: Bool) throws {
        try withTemporaryDirectory { dir in
            let values: [Value] = (0..<40).map { i in
                switch i % 4 {
                case 0: return .string("")
                case 1: return .null
                case 2: return .string(lowCardinality ? "a" : "unique-\(i)")
                default: return .string(lowCardinality ? "" : "other-\(i)")
                }
            }
            let path = dir + "/seg.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "s", type: .string)], columns: [makeColumn(.string, values)],
                                        to: path, blockRows: 40)
            let reader = try SegmentReader(path: path)
            #expect(try blockBody(reader, column: 0, block: 0)[0] == (lowCardinality ? BlockCodec.dictionary : BlockCodec.plain))
            let column = try reader.readColumn(0)
            #expect(identical(rows(of: column), values))
            #expect(column.nullCount == 10)
            #expect(reader.columns[0].zone.min == .string(""))
        }
    }

    @Test func zeroRowSegmentsOfEveryTypeHaveNoBlocksAndEmptyColumns() throws {
        try withTemporaryDirectory { dir in
            let schema = ColumnType.allCases.map { ColumnSchema(name: "c_\($0.rawValue)", type: $0) }
            let path = dir + "/empty.nqs"
            let summary = try SegmentWriter.write(schema: schema, columns: ColumnType.allCases.map { Column(values: .empty($0)) }, to: path)
            #expect(summary.rows == 0)
            #expect(summary.rawBytes == 0)
            let reader = try SegmentReader(path: path)
            #expect(reader.rowCount == 0)
            #expect(reader.blockCount == 0)
            #expect(reader.columns.map(\.schema) == schema)
            for c in schema.indices {
                let column = try reader.readColumn(c)
                #expect(column.count == 0)
                #expect(column.type == schema[c].type)
                #expect(reader.columns[c].zone == ZoneMap(rowCount: 0, nullCount: 0, min: nil, max: nil))
            }
            try reader.verifyAll()
        }
    }

    @Test func specialFloatsRoundTripBitForBitAndNaNDropsTheZoneBounds() throws {
        try withTemporaryDirectory { dir in
            let payloadNaN = Double(nan: 0x1234, signaling: false)
            let values: [Value] = [
                .float64(.nan), .float64(.infinity), .float64(-.infinity), .float64(-0.0),      // block 0: NaN
                .float64(0.0), .float64(-0.0), .float64(2.5), .float64(-.infinity),             // block 1
                .float64(.greatestFiniteMagnitude), .float64(.leastNonzeroMagnitude), .null, .float64(.infinity), // block 2
                .float64(payloadNaN), .float64(-.nan), .null, .float64(1),                       // block 3: NaNs
            ]
            let path = dir + "/floats.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "f", type: .float64)], columns: [makeColumn(.float64, values)],
                                        to: path, blockRows: 4)
            let reader = try SegmentReader(path: path)
            #expect(identical(rows(of: try reader.readColumn(0)), values))
            let zones = reader.columns[0].blocks.map(\.zone)
            #expect(zones[0] == ZoneMap(rowCount: 4, nullCount: 0, min: nil, max: nil))
            #expect(zones[1] == ZoneMap(rowCount: 4, nullCount: 0, min: .float64(-.infinity), max: .float64(2.5)))
            #expect(zones[2] == ZoneMap(rowCount: 4, nullCount: 1, min: .float64(.leastNonzeroMagnitude), max: .float64(.infinity)))
            #expect(zones[3] == ZoneMap(rowCount: 4, nullCount: 1, min: nil, max: nil))
            #expect(reader.columns[0].zone == ZoneMap(rowCount: 16, nullCount: 2, min: nil, max: nil), "a NaN block leaves the segment unbounded")
        }
    }

    @Test(arguments: [ColumnType.int64, .timestamp])
    func int64ExtremesRoundTripAndBoundTheZoneMap(type: ColumnType) throws {
        try withTemporaryDirectory { dir in
            let raw: [Int64] = [0, .max, -1, .min, 1, .min + 1, .max - 1]
            let values = raw.map { type == .int64 ? Value.int64($0) : Value.timestamp($0) }
            let path = dir + "/ints.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "x", type: type)], columns: [makeColumn(type, values)],
                                        to: path, blockRows: 3)
            let reader = try SegmentReader(path: path)
            #expect(rows(of: try reader.readColumn(0)) == values)
            let wrap = { (v: Int64) in type == .int64 ? Value.int64(v) : Value.timestamp(v) }
            #expect(reader.columns[0].blocks.map(\.zone.min) == [wrap(-1), wrap(.min), wrap(.max - 1)])
            #expect(reader.columns[0].blocks.map(\.zone.max) == [wrap(.max), wrap(1), wrap(.max - 1)])
            #expect(reader.columns[0].zone == ZoneMap(rowCount: 7, nullCount: 0, min: wrap(.min), max: wrap(.max)))
        }
    }

    @Test func datesBefore1970AndAtTheInt32LimitsRoundTrip() throws {
        try withTemporaryDirectory { dir in
            let days: [Int32] = [CivilTime.days(year: 1, month: 1, day: 1), CivilTime.days(year: 1900, month: 1, day: 1), -1, 0,
                                 CivilTime.days(year: 1969, month: 7, day: 20), .min, .max, CivilTime.days(year: -44, month: 3, day: 15)]
            let values = days.map(Value.date)
            let path = dir + "/dates.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "d", type: .date)], columns: [makeColumn(.date, values)],
                                        to: path, blockRows: 4)
            let reader = try SegmentReader(path: path)
            #expect(rows(of: try reader.readColumn(0)) == values)
            #expect(reader.columns[0].blocks[0].zone.min == .date(-719_162))
            #expect(reader.columns[0].blocks[0].zone.max == .date(0))
            #expect(reader.columns[0].zone == ZoneMap(rowCount: 8, nullCount: 0, min: .date(.min), max: .date(.max)))
        }
    }

    @Test func longStringBoundsArePrefixesCutAtCharacterBoundaries() throws {
        try withTemporaryDirectory { dir in
            // The 64-byte cut falls inside "é" (C3 A9): the stored minimum must stop before it, or the
            // replacement character it would decode to (EF BF BD) would sort above the real minimum.
            let longMin = String(repeating: "a", count: 63) + "é" + "zzz"
            let longMax = String(repeating: "b", count: 70)
            let values: [Value] = [.string(longMax), .string(longMin), .string("b")]
            let path = dir + "/long.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "s", type: .string)], columns: [makeColumn(.string, values)], to: path)
            let reader = try SegmentReader(path: path)
            let zone = reader.columns[0].zone
            #expect(zone.min == .string(String(repeating: "a", count: 63)))
            #expect(zone.max == nil, "a maximum longer than 64 bytes is not stored")
            if case .string(let lo)? = zone.min { #expect(!Value.less(.string(longMin), .string(lo))) }
            #expect(rows(of: try reader.readColumn(0)) == values)

            let short = ZoneMap.compute(makeColumn(.string, [.string(String(repeating: "c", count: 64)), .string("d")]), range: 0..<2)
            #expect(short.min == .string(String(repeating: "c", count: 64)))
            #expect(short.max == .string("d"))
        }
    }

    @Test func framesAreLZ4CompressedOnlyWhenThatIsSmaller() throws {
        try withTemporaryDirectory { dir in
            let repetitive = makeColumn(.int64, (0..<64).map { _ in .int64(7) })
            let noisy = makeColumn(.int64, (0..<64).map { .int64(Int64(truncatingIfNeeded: UInt64($0 + 1) &* 0x9E37_79B9_7F4A_7C15)) })
            let path = dir + "/lz4.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "r", type: .int64), ColumnSchema(name: "n", type: .int64)],
                                        columns: [repetitive, noisy], to: path)
            let reader = try SegmentReader(path: path)
            let file = try fileBytes(path)
            let methods = reader.columns.map { file[$0.blocks[0].offset + 4] }
            #expect(methods == [SegmentFormat.Method.lz4.rawValue, SegmentFormat.Method.none.rawValue])
            for column in reader.columns {
                let o = column.blocks[0].offset
                let compressed = file.u32(at: o + 5), uncompressed = file.u32(at: o + 9)
                #expect(Int(compressed) == column.blocks[0].length - SegmentFormat.frameHeaderSize)
                #expect(file[o + 4] == 1 ? compressed < uncompressed : compressed == uncompressed)
            }
            #expect(rows(of: try reader.readColumn(0)) == rows(of: repetitive))
            #expect(rows(of: try reader.readColumn(1)) == rows(of: noisy))
        }
    }

    @Test func fileLayoutMatchesTheDocumentedHeaderTrailerAndFooterOffsets() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/layout.nqs"
            let summary = try SegmentWriter.write(schema: [ColumnSchema(name: "x", type: .int64)],
                                                  columns: [makeColumn(.int64, (0..<10).map { .int64(Int64($0)) })], to: path, blockRows: 4)
            let file = try fileBytes(path)
            #expect(Array(file[0..<8]) == Array("NQSEG".utf8) + [0, 1, 0])
            #expect(Array(file[(file.count - 8)...]) == Array("NQSEGEND".utf8))
            let footerLength = Int(file.u32(at: file.count - 16))
            let footerOffset = file.count - 16 - footerLength
            #expect(file.u32(at: file.count - 12) == crc32(file[footerOffset..<(file.count - 16)]))
            let blocks = summary.columns[0].blocks
            #expect(blocks.first?.offset == 8)
            #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0.offset + $0.length == $1.offset }, "frames are back to back")
            #expect(blocks.last.map { $0.offset + $0.length } == footerOffset)
            for b in blocks { #expect(file.u32(at: b.offset) == crc32(file[(b.offset + 4)..<(b.offset + b.length)])) }
            // Footer prefix: u64 rows, u32 blockRows, u16 columns, u16 name length, "x", type tag 2, u32 block count.
            #expect(Array(file[footerOffset..<(footerOffset + 20)]) == [10, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 1, 0, 1, 0, 0x78, 2, 3, 0])
        }
    }

    @Test func crc32IsZlibsChecksum() {
        let check = Array("123456789".utf8)
        #expect(check.withUnsafeBytes { Checksum.crc32($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { Checksum.crc32($0) } == 0)
    }

    @Test("a long buffer's CRC-32 is zlib's, whole or continued from a seed")
    func crc32OfALongBufferMatchesZlibWholeAndSeeded() {
        // Expected values from Python's zlib.crc32 over bytes (i * 7 + 3) & 0xFF, i < 100,000.
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        bytes.withUnsafeBytes { all in
            #expect(Checksum.crc32(all) == 0xF730_CAA8)
            let head = UnsafeRawBufferPointer(rebasing: all[..<12_345])
            #expect(Checksum.crc32(head) == 0x7F1F_5B5C)
            #expect(Checksum.crc32(UnsafeRawBufferPointer(rebasing: all[12_345...]), seed: Checksum.crc32(head)) == 0xF730_CAA8)
        }
    }
}
