import Foundation
import Testing
@testable import ColumnStore

/// A segment with LZ4 and raw frames, plain and dictionary strings, NULLs and several blocks.
struct SampleSegment {
    static let schema = [ColumnSchema(name: "repeats", type: .int64), ColumnSchema(name: "label", type: .string),
                         ColumnSchema(name: "noise", type: .float64), ColumnSchema(name: "flag", type: .bool)]
    static let rowCount = 40
    static let columns: [Column] = [
        makeColumn(.int64, (0..<rowCount).map { _ in .int64(7) }),
        makeColumn(.string, (0..<rowCount).map { $0 % 6 == 5 ? .null : .string(["north", "south", "east"][$0 % 3]) }),
        makeColumn(.float64, (0..<rowCount).map { .float64(Double($0 * 7919 % 613) / 7) }),
        makeColumn(.bool, (0..<rowCount).map { $0 % 4 == 0 ? .null : .bool($0 % 3 == 0) }),
    ]

    let path: String
    let bytes: [UInt8]
    let metas: [SegmentColumnMeta]

    init(in dir: String) throws {
        path = dir + "/sample.nqs"
        metas = try SegmentWriter.write(schema: Self.schema, columns: Self.columns, to: path, blockRows: 16).columns
        bytes = try fileBytes(path)
    }

    var footerRange: Range<Int> {
        let end = bytes.count - SegmentFormat.trailerSize
        return (end - Int(bytes.u32(at: end)))..<end
    }

    /// The (column, block) whose frame holds byte `offset`.
    func frame(containing offset: Int) -> (column: Int, block: Int, meta: BlockMeta)? {
        for (c, m) in metas.enumerated() {
            for (b, blk) in m.blocks.enumerated() where (blk.offset..<(blk.offset + blk.length)).contains(offset) { return (c, b, blk) }
        }
        return nil
    }
}

enum Region: String, CaseIterable, Sendable {
    case header, frameHeader, payload, footer, trailer

    func offsets(in s: SampleSegment) -> [Int] {
        switch self {
        case .header: return Array(0..<SegmentFormat.headerSize)
        case .frameHeader, .payload:
            return s.metas.flatMap(\.blocks).flatMap { b -> Range<Int> in
                self == .frameHeader ? b.offset..<(b.offset + SegmentFormat.frameHeaderSize)
                                     : (b.offset + SegmentFormat.frameHeaderSize)..<(b.offset + b.length)
            }
        case .footer: return Array(s.footerRange)
        case .trailer: return Array((s.bytes.count - SegmentFormat.trailerSize)..<s.bytes.count)
        }
    }
}

/// A hand-made block body and what reading it must report.
struct BodyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var type: ColumnType
    var rows: Int
    var body: [UInt8]
    /// nil: the body is valid and decodes to `expected`.
    var error: String?
    var expected: [Value] = []
    var testDescription: String { name }
}

func le32(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func le64(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }

let bodyCases: [BodyCase] = [
    BodyCase(name: "valid INT64 with a NULL", type: .int64, rows: 2, body: [0, 1, 0b10] + le64(0) + le64(-5), error: nil,
             expected: [.null, .int64(-5)]),
    BodyCase(name: "valid dictionary", type: .string, rows: 3, body: [1, 0] + le32(UInt32(2)) + le32(Int32(2)) + le32(Int32(3)) + Array("hiX".utf8) + [1, 1, 0, 1],
             error: nil, expected: [.string("X"), .string("hi"), .string("X")]),
    BodyCase(name: "null flag 2", type: .int64, rows: 1, body: [0, 2] + le64(1), error: "bad null flag"),
    BodyCase(name: "dictionary encoding for INT64", type: .int64, rows: 1, body: [1, 0] + le64(1), error: "unknown encoding"),
    BodyCase(name: "unknown encoding 9", type: .string, rows: 1, body: [9, 0] + le32(Int32(0)), error: "unknown encoding"),
    BodyCase(name: "values truncated", type: .int64, rows: 3, body: [0, 0] + le64(1) + le64(2), error: "truncated"),
    BodyCase(name: "bitmap truncated", type: .date, rows: 20, body: [0, 1, 0xFF], error: "truncated"),
    BodyCase(name: "trailing bytes", type: .date, rows: 1, body: [0, 0] + le32(Int32(1)) + [0], error: "trailing bytes"),
    BodyCase(name: "bool byte 2", type: .bool, rows: 2, body: [0, 0, 1, 2], error: "bool byte"),
    BodyCase(name: "string offsets decrease", type: .string, rows: 2, body: [0, 0] + le32(Int32(3)) + le32(Int32(1)) + Array("abc".utf8),
             error: "offsets decrease"),
    BodyCase(name: "negative string offset", type: .string, rows: 1, body: [0, 0] + le32(Int32(-4)), error: "offsets decrease"),
    BodyCase(name: "string bytes truncated", type: .string, rows: 1, body: [0, 0] + le32(Int32(1000)) + Array("abc".utf8),
             error: "string bytes truncated"),
    BodyCase(name: "dictionary too large", type: .string, rows: 1, body: [1, 0] + le32(UInt32(70_000)), error: "dictionary of 70000 entries"),
    BodyCase(name: "dictionary code out of range", type: .string, rows: 2, body: [1, 0] + le32(UInt32(1)) + le32(Int32(1)) + Array("a".utf8) + [1, 0, 1],
             error: "out of range"),
    BodyCase(name: "empty dictionary with codes", type: .string, rows: 1, body: [1, 0] + le32(UInt32(0)) + [1, 0], error: "out of range"),
    BodyCase(name: "code width 3", type: .string, rows: 1, body: [1, 0] + le32(UInt32(1)) + le32(Int32(1)) + Array("a".utf8) + [3, 0, 0, 0],
             error: "code width"),
    BodyCase(name: "dictionary expanding to 2 GiB", type: .string, rows: 2048,
             body: [1, 0] + le32(UInt32(1)) + le32(Int32(1 << 20)) + [UInt8](repeating: 0x61, count: 1 << 20) + [1] + [UInt8](repeating: 0, count: 2048),
             error: "expand beyond"),
]

@Suite struct CorruptionTests {
    @Test(arguments: Region.allCases, [UInt8(0x01), 0x80, 0xFF])
    func aFlippedByteMakesEveryReadOfTheAffectedPartThrow(region: Region, mask: UInt8) throws {
        try withTemporaryDirectory { dir in
            let sample = try SampleSegment(in: dir)
            let offsets = region.offsets(in: sample)
            #expect(!offsets.isEmpty)
            let corruptPath = dir + "/corrupt.nqs"
            for offset in offsets {
                var bytes = sample.bytes
                bytes[offset] ^= mask
                try writeFile(corruptPath, bytes)
                switch region {
                case .header, .footer, .trailer:
                    let e = storeError { _ = try SegmentReader(path: corruptPath) }
                    #expect(isCorruptSegment(e), "byte \(offset): \(String(describing: e))")
                    if case .corruptSegment(let p, _)? = e { #expect(p == corruptPath) }
                case .frameHeader, .payload:
                    let (c, b, blk) = try #require(sample.frame(containing: offset))
                    let reader = try SegmentReader(path: corruptPath)
                    let e = storeError { _ = try reader.readBlock(column: c, block: b) }
                    let storedCRC = bytes.u32(at: blk.offset)
                    let actualCRC = crc32(bytes[(blk.offset + 4)..<(blk.offset + blk.length)])
                    guard case let .checksumMismatch(path, column, block, frameOffset, expected, actual)? = e else {
                        Issue.record("byte \(offset): expected checksumMismatch, got \(String(describing: e))")
                        continue
                    }
                    #expect(path == corruptPath)
                    #expect(column == SampleSegment.schema[c].name)
                    #expect(block == b)
                    #expect(frameOffset == blk.offset)
                    #expect(expected == storedCRC && actual == actualCRC && expected != actual, "byte \(offset)")
                    #expect(e!.description.contains("block \(b) of column \(column)"))
                    #expect(e!.description.contains(hex(expected)) && e!.description.contains(hex(actual)))
                    #expect(throws: StoreError.self) { try reader.readColumn(c) }
                    #expect(throws: StoreError.self) { try reader.verifyAll() }
                    // Blocks of the other columns are untouched.
                    let other = (c + 1) % SampleSegment.schema.count
                    #expect(rows(of: try reader.readColumn(other)) == rows(of: SampleSegment.columns[other]))
                }
            }
        }
    }

    @Test func everyTruncationFailsToOpenWithCorruptSegment() throws {
        try withTemporaryDirectory { dir in
            let sample = try SampleSegment(in: dir)
            let path = dir + "/short.nqs"
            for length in 0..<sample.bytes.count {
                try writeFile(path, Array(sample.bytes[0..<length]))
                let e = storeError { _ = try SegmentReader(path: path) }
                #expect(isCorruptSegment(e), "length \(length)")
            }
        }
    }

    @Test func appendedGarbageFailsToOpenWithCorruptSegment() throws {
        try withTemporaryDirectory { dir in
            let sample = try SampleSegment(in: dir)
            try writeFile(sample.path, sample.bytes + [0, 1, 2])
            #expect(isCorruptSegment(storeError { _ = try SegmentReader(path: sample.path) }))
        }
    }

    @Test func theUntouchedSampleReadsBack() throws {
        try withTemporaryDirectory { dir in
            let sample = try SampleSegment(in: dir)
            let reader = try SegmentReader(path: sample.path)
            let methods = Set(sample.metas.flatMap(\.blocks).map { sample.bytes[$0.offset + 4] })
            #expect(methods == [0, 1], "the sample has both raw and LZ4 frames")
            for c in SampleSegment.schema.indices {
                #expect(rows(of: try reader.readColumn(c)) == rows(of: SampleSegment.columns[c]))
            }
        }
    }

    @Test func aMissingFileThrowsIOErrorNamingThePath() throws {
        try withTemporaryDirectory { dir in
            let e = storeError { _ = try SegmentReader(path: dir + "/nope.nqs") }
            guard case let .io(_, path, errno, _)? = e else { Issue.record("got \(String(describing: e))"); return }
            #expect(path == dir + "/nope.nqs")
            #expect(errno == ENOENT)
        }
    }

    @Test func anUnsupportedVersionIsNamedInTheError() throws {
        try withTemporaryDirectory { dir in
            let sample = try SampleSegment(in: dir)
            var bytes = sample.bytes
            bytes[6] = 2
            try writeFile(sample.path, bytes)
            let e = storeError { _ = try SegmentReader(path: sample.path) }
            #expect(e?.description.contains("unsupported segment format version 2") == true)
        }
    }

    /// Footers with a valid CRC but hostile contents: each must be rejected on open, without trapping.
    @Test(arguments: [
        ("rows = UInt64.max", 0, UInt64.max, 8),
        ("rows = Int64.max", 0, UInt64(Int64.max), 8),
        ("rows = 2^63", 0, UInt64(1) << 63, 8),
        ("blockRows = 0", 8, 0, 4),
        ("block offset = UInt64.max", 22, UInt64.max, 8),
        ("block offset near Int.max", 22, UInt64(Int64.max) - 3, 8),
        ("block offset inside the header", 22, 3, 8),
        ("block offset past the footer", 22, 1 << 20, 8),
        ("block length past the footer", 30, 0xFFFF_FFFF, 4),
        ("block length below the frame header", 30, 12, 4),
        ("block row count", 34, 15, 4),
        ("null count above row count", 38, 17, 4),
        ("block count", 18, 2, 4),
        ("type tag", 17, 99, 1),
        ("zone flag", 42, 2, 1),
        ("column count", 12, 9, 2),
    ] as [(String, Int, UInt64, Int)])
    func hostileFooterFieldsAreRejectedOnOpen(field: String, at position: Int, value: UInt64, width: Int) throws {
        try withTemporaryDirectory { dir in
            // One INT64 column "x" of 16 rows in one block; footer layout:
            // 0 rows u64, 8 blockRows u32, 12 columns u16, 14 name length u16, 16 "x", 17 tag u8, 18 block count u32,
            // 22 offset u64, 30 length u32, 34 rows u32, 38 nulls u32, 42 min flag …
            let path = dir + "/hostile.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "x", type: .int64)],
                                        columns: [makeColumn(.int64, (0..<16).map { .int64(Int64($0)) })], to: path, blockRows: 16)
            var bytes = try fileBytes(path)
            let footer = bytes.count - SegmentFormat.trailerSize - Int(bytes.u32(at: bytes.count - SegmentFormat.trailerSize))
            #expect(bytes[footer + 16] == UInt8(ascii: "x") && bytes[footer + 17] == ColumnType.int64.tag)
            for k in 0..<width { bytes[footer + position + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
            resealFooter(&bytes)
            try writeFile(path, bytes)
            let e = storeError { _ = try SegmentReader(path: path) }
            #expect(isCorruptSegment(e), "\(field): \(String(describing: e))")
        }
    }

    /// Frames with a valid CRC but impossible sizes or methods: rejected before decompressing.
    @Test(arguments: [
        ("LZ4 size beyond 255×", 1, UInt32(0x3FFF_FFFF), "impossible"),
        ("size beyond the 1 GiB limit", 1, UInt32(0x4000_0001), "exceeds the limit"),
        ("LZ4 size one byte short", 1, UInt32(0), "does not decompress"),
        ("raw sizes differ", 0, UInt32(0), "raw block sizes differ"),
        ("unknown method", 7, UInt32(0), "unknown compression method 7"),
    ] as [(String, UInt8, UInt32, String)])
    func hostileFrameHeadersAreRejectedBeforeDecompressing(name: String, method: UInt8, uncompressed: UInt32, message: String) throws {
        try withTemporaryDirectory { dir in
            let sample = try SampleSegment(in: dir)
            // Column 0 ("repeats") is LZ4-compressed.
            let blk = sample.metas[0].blocks[0]
            var bytes = sample.bytes
            #expect(bytes[blk.offset + 4] == 1)
            bytes[blk.offset + 4] = method
            let size = uncompressed == 0 ? bytes.u32(at: blk.offset + 9) - 1 : uncompressed
            bytes.putU32(size, at: blk.offset + 9)
            resealFrame(&bytes, offset: blk.offset, length: blk.length)
            try writeFile(sample.path, bytes)
            let reader = try SegmentReader(path: sample.path)
            let e = storeError { _ = try reader.readBlock(column: 0, block: 0) }
            #expect(isCorruptSegment(e))
            #expect(e?.description.contains(message) == true, "\(name): \(String(describing: e))")
            #expect(e?.description.contains("block 0 of column repeats") == true)
        }
    }

    @Test(arguments: bodyCases)
    func handMadeBlockBodiesDecodeOrThrowCorruptSegment(_ c: BodyCase) throws {
        try expectBodyCase(c)
    }
}
