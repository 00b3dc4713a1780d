import Foundation
import Testing
@testable import ColumnStore

/// Encodes all of `column` as one block body and decodes it back.
private func roundTrip(_ column: Column) throws -> (body: [UInt8], decoded: Column) {
    let body = BlockCodec.encode(column, range: 0..<column.count)
    let decoded = try body.withUnsafeBytes {
        try BlockCodec.decode($0, type: column.type, rows: column.count, path: "test", what: "block")
    }
    return (body, decoded)
}

/// Decodes a hand-made body of `rows` rows.
private func decodeBody(_ body: [UInt8], _ type: ColumnType, rows: Int) throws -> Column {
    try body.withUnsafeBytes { try BlockCodec.decode($0, type: type, rows: rows, path: "test", what: "block") }
}

private func doubles(_ values: [Double]) -> Column { makeColumn(.float64, values.map { .float64($0) }) }

/// The first value of a decimal block's frame, for checking the chosen exponent and width.
private struct PackedHeader: Equatable {
    var encoding: UInt8
    var exponent: UInt8?
    var base: Int64
    var width: UInt8

    /// Reads the header of a body without NULLs.
    init(_ body: [UInt8]) {
        encoding = body[0]
        var at = 2
        exponent = nil
        if encoding == BlockCodec.decimal { exponent = body[at]; at += 1 }
        base = body[at..<(at + 8)].withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        width = body[at + 8]
    }

    init(encoding: UInt8, exponent: UInt8? = nil, base: Int64, width: UInt8) {
        self.encoding = encoding
        self.exponent = exponent
        self.base = base
        self.width = width
    }
}

@Suite struct NumericPackingTests {
    @Test("a small INT64 block is written as its minimum and one byte per value, exactly as specified")
    func int64FrameOfReferenceBytes() throws {
        let column = makeColumn(.int64, [.int64(5), .int64(7), .int64(6), .int64(260)])
        let (body, decoded) = try roundTrip(column)
        // encoding 2, no NULLs, base 5, width 1 (260 − 5 = 255 still fits a byte).
        #expect(body == [2, 0] + le64(5) + [1] + [0, 2, 1, 255])
        #expect(rows(of: decoded) == rows(of: column))
    }

    @Test("a span of 256 needs two-byte distances and 65 536 four-byte ones")
    func widthsGrowWithTheSpan() throws {
        let two = makeColumn(.int64, (0..<8).map { .int64($0 == 3 ? -100 + 256 : -100) })
        #expect(PackedHeader(try roundTrip(two).body) == PackedHeader(encoding: 2, base: -100, width: 2))
        let four = makeColumn(.timestamp, (0..<8).map { .timestamp($0 == 3 ? 1_000 + 65_536 : 1_000) })
        let (body, decoded) = try roundTrip(four)
        #expect(PackedHeader(body) == PackedHeader(encoding: 2, base: 1_000, width: 4))
        #expect(rows(of: decoded) == rows(of: four))
    }

    @Test("Int64.min and Int64.max in one block stay plain and round-trip; so do spans just over 32 bits")
    func int64ExtremesStayPlain() throws {
        for values: [Int64] in [[.min, .max, 0, -1], [0, 1 << 32], [.max, .max - (1 << 32)], [.min, .min + (1 << 32) + 7]] {
            let column = makeColumn(.int64, values.map { .int64($0) })
            let (body, decoded) = try roundTrip(column)
            #expect(body[0] == BlockCodec.plain, "\(values)")
            #expect(rows(of: decoded) == rows(of: column))
        }
        // A span of exactly 2^32 − 1 next to Int64.max still packs (four bytes, base = the minimum).
        let edge = makeColumn(.int64, Array(repeating: Int64.max, count: 6).map { .int64($0) } + [.int64(.max - 0xFFFF_FFFF)])
        let (body, decoded) = try roundTrip(edge)
        #expect(PackedHeader(body) == PackedHeader(encoding: 2, base: .max - 0xFFFF_FFFF, width: 4))
        #expect(rows(of: decoded) == rows(of: edge))
    }

    @Test("an all-equal block packs to one byte per row and reads back")
    func allEqualBlock() throws {
        let column = makeColumn(.int64, Array(repeating: .int64(-42), count: 100))
        let (body, decoded) = try roundTrip(column)
        #expect(body.count == 2 + 9 + 100)
        #expect(PackedHeader(body) == PackedHeader(encoding: 2, base: -42, width: 1))
        #expect(rows(of: decoded) == rows(of: column))
    }

    @Test("NULL slots hold zero, which widens the frame but round-trips with the bitmap")
    func nullsRoundTrip() throws {
        let values: [Value] = [.int64(-1_000_000), .null, .int64(-999_990), .null, .int64(-999_995)]
        let column = makeColumn(.int64, values)
        let (body, decoded) = try roundTrip(column)
        #expect(body[0] == BlockCodec.frameOfReference)
        #expect(rows(of: decoded) == values)
        // Enough rows that two-byte distances beat four-byte plain dates.
        let dates: [Value] = Array(repeating: [.date(-3), .null, .date(20_000), .date(20_100)], count: 5).flatMap { $0 }
        let dateColumn = makeColumn(.date, dates)
        let (dateBody, decodedDates) = try roundTrip(dateColumn)
        #expect(dateBody[0] == BlockCodec.frameOfReference)
        #expect(rows(of: decodedDates) == dates)
    }

    @Test("two years of dates pack to two bytes a day; dates at the Int32 limits stay plain")
    func dates() throws {
        let days = (0..<1_000).map { Value.date(Int32(19_723 + ($0 * 37) % 730)) }
        let column = makeColumn(.date, days)
        let (body, decoded) = try roundTrip(column)
        #expect(PackedHeader(body) == PackedHeader(encoding: 2, base: 19_723, width: 2))
        #expect(body.count == 2 + 9 + 2 * 1_000)
        #expect(rows(of: decoded) == days)
        let limits = makeColumn(.date, [.date(.min), .date(.max), .date(0)])
        let (limitBody, limitDecoded) = try roundTrip(limits)
        #expect(limitBody[0] == BlockCodec.plain)
        #expect(rows(of: limitDecoded) == rows(of: limits))
    }

    @Test("one-decimal doubles are stored as tenths in a frame of reference, exactly as specified")
    func decimalBytes() throws {
        let column = doubles([21.5, 0.1, 10.1, 21.5])
        let (body, decoded) = try roundTrip(column)
        // encoding 3, no NULLs, exponent 1, base 1 (0.1), width 1, distances 214, 0, 100, 214.
        #expect(body == [3, 0, 1] + le64(1) + [1] + [214, 0, 100, 214])
        #expect(identical(rows(of: decoded), rows(of: column)))
    }

    @Test("the smallest exponent is chosen: integers get 0, cents get 2, negative values shift the base")
    func smallestExponent() throws {
        #expect(PackedHeader(try roundTrip(doubles([3, -2, 7, 1e6])).body) == PackedHeader(encoding: 3, exponent: 0, base: -2, width: 4))
        let cents = doubles([-0.25, 19.99, 0.5, 3])
        let (body, decoded) = try roundTrip(cents)
        #expect(PackedHeader(body) == PackedHeader(encoding: 3, exponent: 2, base: -25, width: 2))
        #expect(identical(rows(of: decoded), rows(of: cents)))
        let fourDigits = doubles([1.2345, 0.0001, 2])
        #expect(PackedHeader(try roundTrip(fourDigits).body).exponent == 4)
    }

    @Test("-0.0, NaN, infinity, 1e300, 0.30000000000000004 and five decimals keep a block plain, bit for bit",
          arguments: [-0.0, .nan, .infinity, -.infinity, 1e300, 0.30000000000000004, 1.23456, 9_007_199_254_740_993.0 / 2])
    func nonQualifyingDoubles(odd: Double) throws {
        let column = doubles([21.5, 0.1, odd, 10.1, 0])
        let (body, decoded) = try roundTrip(column)
        #expect(body[0] == BlockCodec.plain)
        #expect(identical(rows(of: decoded), rows(of: column)))
    }

    @Test("integers up to 2^53 qualify at exponent 0 but a span over 32 bits stays plain")
    func largeIntegralDoubles() throws {
        let column = doubles([9_007_199_254_740_991, -9_007_199_254_740_991, 0])
        let (body, decoded) = try roundTrip(column)
        #expect(body[0] == BlockCodec.plain)
        #expect(identical(rows(of: decoded), rows(of: column)))
        #expect(PackedHeader(try roundTrip(doubles([4e15, 4e15 + 1])).body) == PackedHeader(encoding: 3, exponent: 0, base: 4_000_000_000_000_000, width: 1))
    }

    @Test("many decimal doubles round-trip bit for bit through a segment of several blocks, NULLs included")
    func decimalSegmentRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Value] = []
        for i in 0..<5_000 {
            if i % 97 == 0 { values.append(.null); continue }
            let e = [1, 10, 100, 1_000, 10_000][i / 1_000]
            values.append(.float64(Double(Int64.random(in: -2_000_000...2_000_000, using: &generator)) / Double(e)))
        }
        let column = makeColumn(.float64, values)
        try withTemporaryDirectory { dir in
            let path = dir + "/d.nqs"
            _ = try SegmentWriter.write(schema: [ColumnSchema(name: "d", type: .float64)], columns: [column], to: path, blockRows: 1_000)
            let read = try SegmentReader(path: path).readColumn(0)
            #expect(identical(rows(of: read), values))
        }
        for b in 0..<5 {
            let body = BlockCodec.encode(column, range: (b * 1_000)..<((b + 1) * 1_000))
            #expect(body[0] == BlockCodec.decimal, "block \(b)")
            #expect(body[2 + 125] == UInt8(b), "block \(b) exponent")  // after the 125-byte bitmap
        }
    }

    @Test("decimal blocks that repeat few distinct values (one division per value, then lookups) decode bit for bit",
          arguments: [(10.0, 200), (100.0, 3_000), (2.0, 200_000)])
    func repeatedDecimalsThroughATable(divisor: Double, distinct: Int) throws {
        // 80 000 rows cycling through `distinct` values (k − 70) / divisor, NULLs every 13th row: one-byte and
        // two-byte distances through the table, four-byte ones (too many distinct values) by division.
        let values: [Value] = (0..<80_000).map { $0 % 13 == 0 ? .null : .float64(Double(($0 * 7_919) % distinct - 70) / divisor) }
        let column = makeColumn(.float64, values)
        let (body, decoded) = try roundTrip(column)
        #expect(body[0] == BlockCodec.decimal)
        #expect(identical(rows(of: decoded), values))
        // The same values spread over fewer rows than the table needs take the per-row division.
        let short = makeColumn(.float64, Array(values.prefix(distinct / 2 + 8)))
        #expect(identical(rows(of: try roundTrip(short).decoded), rows(of: short)))
    }

    @Test("plain INT64, TIMESTAMP, DATE and FLOAT64 bodies written the old way still read")
    func oldPlainBodiesRead() throws {
        #expect(rows(of: try decodeBody([0, 0] + le64(5) + le64(6), .int64, rows: 2)) == [.int64(5), .int64(6)])
        #expect(rows(of: try decodeBody([0, 0] + le64(5) + le64(6), .timestamp, rows: 2)) == [.timestamp(5), .timestamp(6)])
        #expect(rows(of: try decodeBody([0, 1, 0b01] + le32(Int32(20_000)) + le32(Int32(0)), .date, rows: 2)) == [.date(20_000), .null])
        let f = withUnsafeBytes(of: 21.5.bitPattern.littleEndian, Array.init) + withUnsafeBytes(of: 0.1.bitPattern.littleEndian, Array.init)
        #expect(rows(of: try decodeBody([0, 0] + f, .float64, rows: 2)) == [.float64(21.5), .float64(0.1)])
    }

    @Test("every truncation and every flipped byte of packed bodies decodes to the right row count or throws corruptSegment")
    func mutatedPackedBodiesNeverTrap() throws {
        let columns = [
            makeColumn(.int64, (0..<40).map { $0 % 7 == 0 ? .null : .int64(Int64($0) * 1_000 - 7) }),
            makeColumn(.date, (0..<40).map { .date(Int32(19_000 + $0 * 3)) }),
            makeColumn(.timestamp, (0..<40).map { .timestamp(1_700_000_000_000_000 + Int64($0)) }),
            doubles((0..<40).map { Double($0) * 0.25 - 3 }),
        ]
        for column in columns {
            let body = BlockCodec.encode(column, range: 0..<column.count)
            #expect(body[0] == BlockCodec.frameOfReference || body[0] == BlockCodec.decimal, "\(column.type)")
            var variants: [[UInt8]] = (0..<body.count).map { Array(body[0..<$0]) }
            for i in body.indices { for mask: UInt8 in [0x01, 0x80, 0xFF] { var b = body; b[i] ^= mask; variants.append(b) } }
            for b in variants {
                do {
                    let c = try decodeBody(b, column.type, rows: column.count)
                    #expect(c.count == column.count && c.type == column.type)
                    c.verify()
                } catch is StoreError {
                } catch {
                    Issue.record("\(column.type): \(error)")
                }
            }
        }
    }

    @Test("corrupt packed bodies throw corruptSegment naming the problem", arguments: packedBodyCases)
    func corruptPackedBodies(_ c: BodyCase) throws {
        try expectBodyCase(c)
    }
}

let packedBodyCases: [BodyCase] = [
    BodyCase(name: "valid frame with wrapping base", type: .int64, rows: 2, body: [2, 0] + le64(.max) + [1, 0, 1], error: nil,
             expected: [.int64(.max), .int64(.min)]),
    BodyCase(name: "valid date frame", type: .date, rows: 2, body: [2, 0] + le64(-1) + [2, 0, 0, 2, 0], error: nil,
             expected: [.date(-1), .date(1)]),
    BodyCase(name: "valid decimal", type: .float64, rows: 2, body: [3, 0, 3] + le64(-5) + [1, 0, 10], error: nil,
             expected: [.float64(-0.005), .float64(0.005)]),
    BodyCase(name: "frame width 3", type: .int64, rows: 1, body: [2, 0] + le64(0) + [3, 0, 0, 0], error: "bad frame-of-reference width 3"),
    BodyCase(name: "frame width 8", type: .timestamp, rows: 1, body: [2, 0] + le64(0) + [8] + le64(0), error: "bad frame-of-reference width 8"),
    BodyCase(name: "frame width 0", type: .date, rows: 1, body: [2, 0] + le64(0) + [0], error: "bad frame-of-reference width 0"),
    BodyCase(name: "distances truncated", type: .int64, rows: 4, body: [2, 0] + le64(0) + [2, 0, 0, 1, 0], error: "truncated"),
    BodyCase(name: "frame header truncated", type: .date, rows: 1, body: [2, 0, 1, 2, 3], error: "truncated"),
    BodyCase(name: "frame trailing bytes", type: .int64, rows: 1, body: [2, 0] + le64(0) + [1, 0, 9], error: "trailing bytes"),
    BodyCase(name: "decimal exponent 5", type: .float64, rows: 1, body: [3, 0, 5] + le64(0) + [1, 0], error: "decimal exponent 5 out of range"),
    BodyCase(name: "decimal exponent 255", type: .float64, rows: 1, body: [3, 0, 255] + le64(0) + [1, 0], error: "decimal exponent 255"),
    BodyCase(name: "decimal width 5", type: .float64, rows: 1, body: [3, 0, 1] + le64(0) + [5, 0], error: "bad frame-of-reference width 5"),
    BodyCase(name: "decimal without exponent", type: .float64, rows: 1, body: [3, 0], error: "truncated"),
    BodyCase(name: "frame for FLOAT64", type: .float64, rows: 1, body: [2, 0] + le64(0) + [1, 0], error: "unknown encoding 2 for"),
    BodyCase(name: "decimal for INT64", type: .int64, rows: 1, body: [3, 0, 0] + le64(0) + [1, 0], error: "unknown encoding 3 for"),
    BodyCase(name: "frame for BOOL", type: .bool, rows: 1, body: [2, 0] + le64(0) + [1, 0], error: "unknown encoding 2 for"),
    BodyCase(name: "decimal for STRING", type: .string, rows: 1, body: [3, 0, 0] + le64(0) + [1, 0], error: "unknown encoding 3 for"),
]

@Suite struct ValidityBitmapTests {
    @Test("a validity bitmap expands to one Bool per row, bit i mod 8 of byte i / 8, for every length and pattern", arguments: [1, 7, 8, 9, 15, 16, 17, 64, 1_001])
    func expandsEveryBit(rows n: Int) {
        var generator = SystemRandomNumberGenerator()
        for pattern in 0..<4 {
            let bitmap: [UInt8] = (0..<((n + 7) / 8)).map { k in
                switch pattern {
                case 0: return 0
                case 1: return 0xFF
                case 2: return UInt8(truncatingIfNeeded: k &* 37)
                default: return UInt8.random(in: 0...255, using: &generator)
                }
            }
            let expected = (0..<n).map { (bitmap[$0 / 8] >> ($0 % 8)) & 1 == 1 }
            let expanded = bitmap.withUnsafeBytes { BlockCodec.expandValidity($0, count: n) }
            #expect(expanded == expected, "pattern \(pattern)")
        }
    }
}
