// Fuzz target for SegmentReader: any byte string, opened as a segment file, must either read or throw
// a StoreError — never trap, never hang, never return a block that breaks Column's invariants.
//
// Built with `-sanitize=fuzzer -DFUZZING` this is a libFuzzer binary (see scripts/fuzz.sh). SwiftPM
// links Linux executables with `--defsym main=<Module>_main`, so libFuzzer's own `main` never runs;
// the top-level code below hands control to libFuzzer through `LLVMFuzzerRunDriver` instead.
// Without FUZZING it is an ordinary executable:
//   FuzzSegmentReader FILE...          runs the fuzz function over each file (reproduce a crash)
// In both builds:
//   FuzzSegmentReader --make-seeds DIR writes valid segments to DIR as a seed corpus
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzSupport
import ColumnStore
import Foundation

/// One temporary file per process, rewritten for every input.
let scratchPath = FileManager.default.temporaryDirectory.path + "/nq-fuzz-segment-\(getpid()).nqs"

/// Writes `bytes` to the scratch file (truncating it).
func writeScratch(_ bytes: UnsafeRawBufferPointer) {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { fatalError("cannot create \(scratchPath): errno \(errno)") }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 {
            if errno == EINTR { continue }
            fatalError("cannot write \(scratchPath): errno \(errno)")
        }
        done += n
    }
}

/// Opens the file as a segment and reads every block; checks what a successful read promises.
func exercise(path: String) {
    let reader: SegmentReader
    do { reader = try SegmentReader(path: path) } catch is StoreError { return } catch {
        fatalError("SegmentReader.init threw a non-StoreError: \(error)")
    }
    for (c, column) in reader.columns.enumerated() {
        for (b, block) in column.blocks.enumerated() {
            let decoded: Column
            do { decoded = try reader.readBlock(column: c, block: b) } catch is StoreError { continue } catch {
                fatalError("readBlock threw a non-StoreError: \(error)")
            }
            // A block that decodes must hold what the footer promised.
            precondition(decoded.type == column.schema.type, "decoded type differs from the footer's")
            precondition(decoded.count == block.zone.rowCount, "decoded row count differs from the footer's")
            decoded.verify()
            if case .bool(let v) = decoded.values { precondition(v.allSatisfy { $0 <= 1 }, "bool byte other than 0/1") }
        }
    }
}

/// A copy of `bytes` whose footer and block checksums are recomputed, or nil when nothing changed.
///
/// Almost every mutation of a valid segment breaks a CRC-32, and the reader rightly stops there; to let
/// the fuzzer reach the footer parser and the block decoder too, each input is also tried with its
/// checksums repaired (footer first, then, if the footer parses, every block frame it lists).
func repairingChecksums(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
    let trailerSize = 16, headerSize = 8
    guard bytes.count >= headerSize + trailerSize else { return nil }
    var fixed = Array(bytes)
    func u32(at i: Int) -> UInt32 { fixed[i..<(i + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    func put(_ v: UInt32, at i: Int) { for k in 0..<4 { fixed[i + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
    let trailer = fixed.count - trailerSize
    let footerLength = Int(u32(at: trailer))
    guard footerLength <= trailer - headerSize else { return nil }
    let footerCRC = fixed.withUnsafeBytes { Checksum.crc32(UnsafeRawBufferPointer(rebasing: $0[(trailer - footerLength)..<trailer])) }
    put(footerCRC, at: trailer + 4)
    fixed.withUnsafeBytes { writeScratch($0) }
    if let reader = try? SegmentReader(path: scratchPath) {
        for column in reader.columns {
            for block in column.blocks {
                let crc = fixed.withUnsafeBytes {
                    Checksum.crc32(UnsafeRawBufferPointer(rebasing: $0[(block.offset + 4)..<(block.offset + block.length)]))
                }
                put(crc, at: block.offset)
            }
        }
    }
    return fixed.elementsEqual(bytes) ? nil : fixed
}

/// The libFuzzer entry point: the input as given, then with its checksums repaired.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegmentReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    writeScratch(input)
    exercise(path: scratchPath)
    if let repaired = repairingChecksums(input) {
        repaired.withUnsafeBytes { writeScratch($0) }
        exercise(path: scratchPath)
    }
    return 0
}

/// Valid segments covering every type, NULLs, plain and dictionary strings, several blocks, raw and
/// LZ4 frames, and zero rows — so the fuzzer starts from real structure.
func makeSeeds(in directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    func col(_ type: ColumnType, _ values: [Value]) -> Column {
        var b = ColumnBuilder(type: type)
        for v in values { b.append(v) }
        return b.finish()
    }
    func write(_ name: String, _ columns: [(String, ColumnType, [Value])], blockRows: Int) throws {
        let path = directory + "/" + name + ".nqs"
        try? FileManager.default.removeItem(atPath: path)
        _ = try SegmentWriter.write(schema: columns.map { ColumnSchema(name: $0.0, type: $0.1) },
                                    columns: columns.map { col($0.1, $0.2) }, to: path, blockRows: blockRows)
    }
    let n = 12
    var ints: [Value] = [], floats: [Value] = [], bools: [Value] = [], dates: [Value] = []
    var stamps: [Value] = [], lowCard: [Value] = [], highCard: [Value] = []
    for i in 0..<n {
        ints.append(i % 5 == 4 ? .null : .int64(Int64(i) * 1000 - 3000))
        floats.append(i % 4 == 3 ? .null : .float64(Double(i) * 0.5 - 1))
        bools.append(i % 3 == 2 ? .null : .bool(i % 2 == 0))
        dates.append(i == 5 ? .null : .date(Int32(i) * 400 - 2000))
        stamps.append(i == 7 ? .null : .timestamp(Int64(i) * 86_400_000_000 + 123))
        let words = ["a", "bb", ""]
        lowCard.append(i == 1 ? .null : .string(words[i % 3]))
        highCard.append(.string("value-\(i * 7919)"))
    }
    var all: [(String, ColumnType, [Value])] = []
    all.append(("i", .int64, ints))
    all.append(("f", .float64, floats))
    all.append(("b", .bool, bools))
    all.append(("d", .date, dates))
    all.append(("t", .timestamp, stamps))
    all.append(("s", .string, lowCard))
    all.append(("h", .string, highCard))
    try write("all-types", all, blockRows: 5)
    try write("single-block", [("i", .int64, ints), ("s", .string, highCard)], blockRows: 64)
    try write("dictionary", [("s", .string, (0..<40).map { .string(["red", "green", "blue"][$0 % 3]) })], blockRows: 40)
    try write("compressible", [("i", .int64, (0..<64).map { _ in .int64(7) }),
                               ("s", .string, (0..<64).map { _ in .string(String(repeating: "x", count: 30)) })], blockRows: 32)
    try write("wide-dictionary", [("s", .string, (0..<600).map { .string("k\($0 % 300)") })], blockRows: 600)
    try write("empty", [("i", .int64, []), ("s", .string, [])], blockRows: 8)
    try write("no-columns", [], blockRows: 8)
}

fuzzMain(name: "FuzzSegmentReader", callback: fuzzSegmentReader, makeSeeds: { directory in
    do {
        try makeSeeds(in: directory)
        return true
    } catch {
        fputs("cannot write seeds: \(error)\n", stderr)
        return false
    }
}, atExit: { unlink(scratchPath) })
