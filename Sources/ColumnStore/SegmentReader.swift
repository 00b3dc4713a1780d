/// Reads a segment file written by `SegmentWriter`: validates the header, trailer and footer on open,
/// and each block's frame and CRC-32 before decompressing it.
public final class SegmentReader {
    public let path: String
    public let rowCount: Int
    public let blockRows: Int
    public let columns: [SegmentColumnMeta]
    private let file: ReadOnlyFile

    /// Opens and validates the segment's structure (not yet its blocks).
    /// - Throws: `StoreError.corruptSegment` naming the file and what is wrong; `StoreError.io`.
    public convenience init(path: String) throws {
        try self.init(file: ReadOnlyFile(path: path))
    }

    /// Validates the structure of a segment file already open.
    init(file: ReadOnlyFile) throws {
        self.file = file
        let path = file.path
        self.path = path
        let minimum = SegmentFormat.headerSize + SegmentFormat.trailerSize
        guard file.size >= minimum else {
            throw StoreError.corruptSegment(path: path, detail: "file of \(file.size) bytes is shorter than the \(minimum)-byte minimum")
        }
        let header = try file.read(offset: 0, count: SegmentFormat.headerSize)
        guard Array(header[0..<6]) == SegmentFormat.magic else {
            throw StoreError.corruptSegment(path: path, detail: "bad magic: not an nq segment")
        }
        let version = UInt16(header[6]) | UInt16(header[7]) << 8
        guard version == SegmentFormat.version else {
            throw StoreError.corruptSegment(path: path, detail: "unsupported segment format version \(version) (this nq reads \(SegmentFormat.version))")
        }
        let trailer = try file.read(offset: file.size - SegmentFormat.trailerSize, count: SegmentFormat.trailerSize)
        guard Array(trailer[8..<16]) == SegmentFormat.trailerMagic else {
            throw StoreError.corruptSegment(path: path, detail: "bad trailer magic (truncated or overwritten file)")
        }
        let (footerLength, footerCRC): (Int, UInt32) = try trailer.withUnsafeBytes {
            var r = BinaryReader($0, path: path, what: "trailer")
            return (Int(try r.u32()), try r.u32())
        }
        let footerOffset = file.size - SegmentFormat.trailerSize - footerLength
        guard footerLength > 0, footerOffset >= SegmentFormat.headerSize else {
            throw StoreError.corruptSegment(path: path, detail: "footer length \(footerLength) does not fit the \(file.size)-byte file")
        }
        let footer = try file.read(offset: footerOffset, count: footerLength)
        let actual = footer.withUnsafeBytes { Checksum.crc32($0) }
        guard actual == footerCRC else {
            throw StoreError.corruptSegment(path: path, detail: "footer at offset \(footerOffset): checksum mismatch, expected \(hex(footerCRC)), found \(hex(actual))")
        }
        let dataEnd = footerOffset
        (rowCount, blockRows, columns) = try footer.withUnsafeBytes { buf in
            var r = BinaryReader(buf, path: path, what: "footer")
            let rowsField = try r.u64()
            guard let rows = Int(exactly: rowsField) else { throw r.fail("row count \(rowsField) too large") }
            let blockRows = Int(try r.u32())
            let columnCount = Int(try r.u16())
            guard blockRows > 0 else { throw r.fail("zero rows per block") }
            let expectedBlocks = rows / blockRows + (rows % blockRows == 0 ? 0 : 1)
            var columns: [SegmentColumnMeta] = []
            for _ in 0..<columnCount {
                let name = try r.string()
                let tag = try r.u8()
                guard let type = ColumnType(tag: tag) else { throw r.fail("unknown type tag \(tag)") }
                let blockCount = Int(try r.u32())
                guard blockCount == expectedBlocks else { throw r.fail("column \(name) has \(blockCount) blocks, expected \(expectedBlocks)") }
                var blocks: [BlockMeta] = []
                for b in 0..<blockCount {
                    let offsetField = try r.u64()
                    let offset = Int(exactly: offsetField) ?? Int.max
                    let length = Int(try r.u32())
                    let blockRowCount = Int(try r.u32())
                    let nulls = Int(try r.u32())
                    let lo = try r.zoneValue(type), hi = try r.zoneValue(type)
                    let expectedRows = min(blockRows, rows - b * blockRows)
                    guard offset >= SegmentFormat.headerSize, length >= SegmentFormat.frameHeaderSize, length <= dataEnd - offset else {
                        throw r.fail("block \(b) of column \(name) at offset \(offset) length \(length) lies outside the data area")
                    }
                    guard blockRowCount == expectedRows, nulls <= blockRowCount else {
                        throw r.fail("block \(b) of column \(name) claims \(blockRowCount) rows and \(nulls) nulls, expected \(expectedRows) rows")
                    }
                    blocks.append(BlockMeta(offset: offset, length: length, zone: ZoneMap(rowCount: blockRowCount, nullCount: nulls, min: lo, max: hi)))
                }
                columns.append(SegmentColumnMeta(schema: ColumnSchema(name: name, type: type), blocks: blocks))
            }
            guard r.remaining == 0 else { throw r.fail("\(r.remaining) unexpected trailing bytes") }
            return (rows, blockRows, columns)
        }
    }

    public var blockCount: Int { columns.first?.blocks.count ?? 0 }

    /// Reads, verifies and decodes one block of one column.
    /// - Throws: `StoreError.checksumMismatch` naming the file, column, block, offset and both checksums.
    public func readBlock(column c: Int, block b: Int) throws -> Column {
        try readBlockColumn(column: c, block: b).materialize(nil)
    }

    /// Reads, verifies and decodes one block of one column, keeping a dictionary-encoded STRING block
    /// as its dictionary and codes (see `BlockColumn`).
    /// - Throws: `StoreError.checksumMismatch` naming the file, column, block, offset and both checksums.
    public func readBlockColumn(column c: Int, block b: Int) throws -> BlockColumn {
        let meta = columns[c]
        let blk = meta.blocks[b]
        let frame = try file.read(offset: blk.offset, count: blk.length)
        return try frame.withUnsafeBytes { buf in
            var r = BinaryReader(buf, path: path, what: "block \(b) of column \(meta.schema.name) at offset \(blk.offset)")
            let stored = try r.u32()
            let actual = Checksum.crc32(UnsafeRawBufferPointer(rebasing: buf[4...]))
            guard stored == actual else {
                throw StoreError.checksumMismatch(path: path, column: meta.schema.name, block: b, offset: blk.offset, expected: stored, actual: actual)
            }
            let methodByte = try r.u8()
            let compressedSize = Int(try r.u32())
            let uncompressedSize = Int(try r.u32())
            guard compressedSize == r.remaining else { throw r.fail("compressed size \(compressedSize) differs from the frame's \(r.remaining) payload bytes") }
            guard uncompressedSize <= SegmentFormat.maxBlockBytes else { throw r.fail("uncompressed size \(uncompressedSize) exceeds the limit") }
            // LZ4 expands at most 255-fold; a larger claim is corrupt (and must not cost a huge allocation).
            guard methodByte != SegmentFormat.Method.lz4.rawValue || uncompressedSize <= compressedSize * 255 else {
                throw r.fail("uncompressed size \(uncompressedSize) impossible for \(compressedSize) LZ4 bytes")
            }
            let payload = try r.raw(compressedSize)
            switch SegmentFormat.Method(rawValue: methodByte) {
            case .none?:
                guard uncompressedSize == compressedSize else { throw r.fail("raw block sizes differ") }
                return try BlockCodec.decodeBlock(payload, type: meta.schema.type, rows: blk.zone.rowCount, path: path, what: r.what)
            case .lz4?:
                guard let body = LZ4.decompress(payload, uncompressedSize: uncompressedSize) else {
                    throw r.fail("LZ4 payload does not decompress to \(uncompressedSize) bytes")
                }
                return try body.withUnsafeBytes {
                    try BlockCodec.decodeBlock($0, type: meta.schema.type, rows: blk.zone.rowCount, path: path, what: r.what)
                }
            case nil:
                throw r.fail("unknown compression method \(methodByte)")
            }
        }
    }

    /// Reads a whole column (all blocks concatenated).
    public func readColumn(_ c: Int) throws -> Column {
        var parts: [Column] = []
        var stringBytes = 0
        for b in 0..<columns[c].blocks.count {
            let part = try readBlock(column: c, block: b)
            if case .string(let s) = part.values {
                // String offsets are Int32: a column's strings must fit in Int32.max bytes.
                stringBytes += s.bytes.count
                guard stringBytes <= Int(Int32.max) else {
                    throw StoreError.corruptSegment(path: path, detail: "column \(columns[c].schema.name) holds more than \(Int32.max) string bytes")
                }
            }
            parts.append(part)
        }
        return Column.concatenate(parts, type: columns[c].schema.type)
    }

    /// Reads and verifies every block of every column.
    public func verifyAll() throws {
        for c in columns.indices {
            for b in columns[c].blocks.indices { _ = try readBlock(column: c, block: b) }
        }
    }
}

extension Column {
    /// Concatenates columns of one type.
    public static func concatenate(_ parts: [Column], type: ColumnType) -> Column {
        if parts.count == 1 { return parts[0] }
        var b = ColumnBuilder(type: type, capacity: parts.reduce(0) { $0 + $1.count })
        for p in parts { b.append(contentsOf: p) }
        return b.finish()
    }
}

extension ColumnBuilder {
    /// Appends every row of `column` (same type).
    public mutating func append(contentsOf column: Column) {
        precondition(column.type == type)
        if column.validity != nil || validity != nil {
            if validity == nil { validity = [Bool](repeating: true, count: count) }
            validity!.append(contentsOf: column.validity ?? [Bool](repeating: true, count: column.count))
        }
        switch column.values {
        case .int64(let v), .timestamp(let v): ints.append(contentsOf: v)
        case .float64(let v): doubles.append(contentsOf: v)
        case .bool(let v): bools.append(contentsOf: v)
        case .date(let v): dates.append(contentsOf: v)
        case .string(let s):
            let base = Int32(strings.bytes.count)
            strings.bytes.append(contentsOf: s.bytes)
            strings.ends.append(contentsOf: s.ends.map { $0 + base })
        }
        _count += column.count
    }
}
