import Dispatch

/// Writes a set of equal-length columns as one immutable segment file.
///
/// Blocks are written column after column; each column is cut into blocks of `blockRows` rows, each
/// block encoded (`BlockCodec`), LZ4-compressed when that saves bytes, and framed with its CRC-32.
/// Columns are encoded and compressed in parallel; the file is written to a temporary name, fsynced
/// and renamed, so a reader never sees a partial segment.
public enum SegmentWriter {
    /// Writes the segment and returns its summary.
    /// - Parameters:
    ///   - schema: one entry per column, in order.
    ///   - columns: the values, all of the same length.
    ///   - path: the final file name; `path + ".tmp"` is used while writing.
    ///   - blockRows: rows per block. Default: 65,536.
    /// - Throws: `StoreError.io` when the file cannot be written.
    public static func write(schema: [ColumnSchema], columns: [Column], to path: String,
                             blockRows: Int = SegmentFormat.defaultBlockRows) throws -> SegmentSummary {
        let (chunks, summary) = encode(schema: schema, columns: columns, blockRows: blockRows)
        try FileIO.writeDurably(chunks, tmpPath: path + ".tmp", finalPath: path)
        return summary
    }

    /// The bytes of a segment, as chunks to be written in order, and its summary.
    public static func encode(schema: [ColumnSchema], columns: [Column], blockRows: Int = SegmentFormat.defaultBlockRows)
        -> (chunks: [[UInt8]], summary: SegmentSummary)
    {
        precondition(schema.count == columns.count, "schema and columns differ in count")
        precondition(blockRows > 0)
        let rows = columns.first?.count ?? 0
        for (s, c) in zip(schema, columns) {
            precondition(c.count == rows, "column \(s.name) has \(c.count) rows, expected \(rows)")
            precondition(c.type == s.type, "column \(s.name) holds \(c.type), schema says \(s.type)")
        }
        let blockCount = rows == 0 ? 0 : (rows + blockRows - 1) / blockRows
        // Encode and compress every block of every column in parallel; each job fills its own slot.
        typealias Encoded = (frame: [UInt8], zone: ZoneMap, raw: Int)
        let jobs = columns.count * blockCount
        var slots = [Encoded?](repeating: nil, count: jobs)
        slots.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: jobs) { job in
                let c = job / blockCount, b = job % blockCount
                let range = (b * blockRows)..<min(rows, (b + 1) * blockRows)
                let body = BlockCodec.encode(columns[c], range: range)
                out[job] = (makeFrame(body), ZoneMap.compute(columns[c], range: range), body.count)
            }
        }
        let encoded: [[Encoded]] = (0..<columns.count).map { c in
            (0..<blockCount).map { slots[c * blockCount + $0]! }
        }

        var chunks: [[UInt8]] = [SegmentFormat.magic + withUnsafeBytes(of: SegmentFormat.version.littleEndian, Array.init)]
        var offset = SegmentFormat.headerSize
        var metas: [SegmentColumnMeta] = []
        var rawBytes = 0
        for (c, blocks) in encoded.enumerated() {
            var meta = SegmentColumnMeta(schema: schema[c], blocks: [])
            for blk in blocks {
                meta.blocks.append(BlockMeta(offset: offset, length: blk.frame.count, zone: blk.zone))
                offset += blk.frame.count
                rawBytes += blk.raw
                chunks.append(blk.frame)
            }
            metas.append(meta)
        }
        var f = BinaryWriter()
        f.u64(UInt64(rows))
        f.u32(UInt32(blockRows))
        f.u16(UInt16(schema.count))
        for meta in metas {
            f.string(meta.schema.name)
            f.u8(meta.schema.type.tag)
            f.u32(UInt32(meta.blocks.count))
            for b in meta.blocks {
                f.u64(UInt64(b.offset))
                f.u32(UInt32(b.length))
                f.u32(UInt32(b.zone.rowCount))
                f.u32(UInt32(b.zone.nullCount))
                f.zoneValue(b.zone.min)
                f.zoneValue(b.zone.max)
            }
        }
        let footer = f.bytes
        var t = BinaryWriter()
        t.u32(UInt32(footer.count))
        t.u32(footer.withUnsafeBytes { Checksum.crc32($0) })
        t.raw(SegmentFormat.trailerMagic)
        chunks.append(footer)
        chunks.append(t.bytes)
        let stored = offset + footer.count + t.bytes.count
        return (chunks, SegmentSummary(rows: rows, rawBytes: rawBytes, storedBytes: stored, columns: metas))
    }

    /// Frames a block body: CRC-32 over method, sizes and payload; LZ4 when it is smaller.
    static func makeFrame(_ body: [UInt8]) -> [UInt8] {
        let compressed = body.withUnsafeBytes { LZ4.compress($0) }
        let method: SegmentFormat.Method = compressed == nil ? .none : .lz4
        let payload = compressed ?? body
        var w = BinaryWriter(capacity: payload.count + SegmentFormat.frameHeaderSize)
        w.u32(0)
        w.u8(method.rawValue)
        w.u32(UInt32(payload.count))
        w.u32(UInt32(body.count))
        w.raw(payload)
        let crc = w.bytes.withUnsafeBytes { Checksum.crc32(UnsafeRawBufferPointer(rebasing: $0[4...])) }
        withUnsafeBytes(of: crc.littleEndian) { c in for i in 0..<4 { w.bytes[i] = c[i] } }
        return w.bytes
    }
}
