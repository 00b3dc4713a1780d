/// Constants of the segment file format, version 1. The byte layout is specified in
/// docs/segment-format.md; change both together and bump `version`.
public enum SegmentFormat {
    public static let version: UInt16 = 1
    /// "NQSEG", a zero byte, then the version as u16 LE.
    static let magic: [UInt8] = Array("NQSEG".utf8) + [0]
    static let headerSize = 8
    static let trailerMagic: [UInt8] = Array("NQSEGEND".utf8)
    /// u32 footer length, u32 footer CRC-32, 8-byte trailer magic.
    static let trailerSize = 16
    /// u32 CRC-32, u8 method, u32 compressed size, u32 uncompressed size.
    static let frameHeaderSize = 13
    /// Default rows per block.
    public static let defaultBlockRows = 65_536
    /// Upper bound on a block's uncompressed size, checked before allocating.
    static let maxBlockBytes = 1 << 30

    enum Method: UInt8 {
        case none = 0
        case lz4 = 1
    }
}

/// Where one block of one column lives in a segment file, with its zone map.
public struct BlockMeta: Sendable, Equatable {
    public var offset: Int
    public var length: Int
    public var zone: ZoneMap
}

/// One column of a segment: its schema and its blocks.
public struct SegmentColumnMeta: Sendable, Equatable {
    public var schema: ColumnSchema
    public var blocks: [BlockMeta]

    /// The segment-level zone map (all blocks merged).
    public var zone: ZoneMap {
        blocks.dropFirst().reduce(blocks.first?.zone ?? ZoneMap(rowCount: 0, nullCount: 0, min: nil, max: nil)) { $0.merged(with: $1.zone) }
    }
}

/// What a finished segment holds, as recorded in the catalog.
public struct SegmentSummary: Sendable {
    public var rows: Int
    public var rawBytes: Int
    public var storedBytes: Int
    public var columns: [SegmentColumnMeta]
}

extension BinaryWriter {
    mutating func zoneValue(_ v: Value?) {
        guard let v, !v.isNull else { u8(0); return }
        u8(1)
        switch v {
        case .int64(let x), .timestamp(let x): i64(x)
        case .date(let x): i64(Int64(x))
        case .float64(let x): f64(x)
        case .bool(let x): u8(x ? 1 : 0)
        case .string(let s):
            let b = Array(s.utf8.prefix(ZoneMap.maxStringBound))
            u16(UInt16(b.count))
            raw(b)
        case .null: break
        }
    }
}

extension BinaryReader {
    mutating func zoneValue(_ type: ColumnType) throws -> Value? {
        let flag = try u8()
        guard flag == 1 else {
            if flag != 0 { throw fail("bad zone-map flag \(flag)") }
            return nil
        }
        switch type {
        case .int64: return .int64(try i64())
        case .timestamp: return .timestamp(try i64())
        case .date:
            let d = try i64()
            guard let d32 = Int32(exactly: d) else { throw fail("date out of range") }
            return .date(d32)
        case .float64: return .float64(try f64())
        case .bool: return .bool(try u8() != 0)
        case .string: return .string(try string())
        }
    }
}
