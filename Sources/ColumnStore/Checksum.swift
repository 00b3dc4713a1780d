import CZlib

/// CRC-32 (ISO-HDLC polynomial, as zlib computes it). The only file that imports CZlib.
public enum Checksum {
    public static func crc32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return seed }
        var crc = UInt(seed)
        var p = base.assumingMemoryBound(to: UInt8.self)
        var left = bytes.count
        while left > 0 {
            let n = min(left, Int(UInt32.max >> 1))
            crc = CZlib.crc32(crc, p, UInt32(n))
            p += n
            left -= n
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
