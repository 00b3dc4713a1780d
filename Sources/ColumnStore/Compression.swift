import CLZ4

/// LZ4 block compression (liblz4). The only file that imports CLZ4.
enum LZ4 {
    /// Compresses `input`; returns nil when the output would not be smaller (store raw then).
    static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        guard input.count > 0, input.count <= Int(LZ4_MAX_INPUT_SIZE) else { return nil }
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let written = out.withUnsafeMutableBytes { dst in
            LZ4_compress_default(
                input.baseAddress!.assumingMemoryBound(to: CChar.self),
                dst.baseAddress!.assumingMemoryBound(to: CChar.self),
                Int32(input.count), Int32(bound))
        }
        guard written > 0, Int(written) < input.count else { return nil }
        out.removeLast(bound - Int(written))
        return out
    }

    /// Decompresses exactly `uncompressedSize` bytes; returns nil if the input is malformed.
    static func decompress(_ input: UnsafeRawBufferPointer, uncompressedSize: Int) -> [UInt8]? {
        if uncompressedSize == 0 { return input.isEmpty ? [] : nil }
        guard let src = input.baseAddress else { return nil }
        var n: Int32 = -1
        // Not zero-filled first: LZ4 writes every byte it reports, and a short result is discarded.
        let out = [UInt8](unsafeUninitializedCapacity: uncompressedSize) { dst, initialized in
            n = LZ4_decompress_safe(
                src.assumingMemoryBound(to: CChar.self),
                UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(input.count), Int32(uncompressedSize))
            initialized = n == Int32(uncompressedSize) ? uncompressedSize : 0
        }
        return n == Int32(uncompressedSize) ? out : nil
    }
}
