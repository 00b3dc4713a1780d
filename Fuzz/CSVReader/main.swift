// Fuzz target for the CSV reader: any byte string must parse (or throw a CSVError) without trapping,
// chunked parsing must give exactly the records, line numbers and error of a sequential parse, and
// every field coerced into every column type must either append one row or return a RejectReason
// (leaving the builder unchanged), with STRING acceptance matching the standard library's UTF-8
// validation and FLOAT64 values matching strtod.
//
// Built with `-sanitize=fuzzer -DFUZZING` this is a libFuzzer binary (see scripts/fuzz.sh). SwiftPM
// links Linux executables with `--defsym main=<Module>_main`, so libFuzzer's own `main` is never
// linked in; the top-level code below hands control to libFuzzer through `LLVMFuzzerRunDriver`.
// Without FUZZING it is an ordinary executable:
//   FuzzCSVReader FILE...           runs the fuzz function over each file (reproduce a crash)
// In both builds:
//   FuzzCSVReader --make-seeds DIR  writes a few small CSVs to DIR as a seed corpus
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzSupport
import ColumnStore
import Ingest

/// A parsed record copied out of the callback, for comparing parses.
struct ParsedRecord: Equatable {
    var line: Int
    var fields: [[UInt8]]
    var quoted: [Bool]
    var raw: [UInt8]
}

/// Parses `buffer` sequentially, or range by range when `chunks > 1`, and returns the records and
/// the error (if any). Checks per-record invariants on the way.
func parse(_ buffer: UnsafeRawBufferPointer, chunks: Int) -> ([ParsedRecord], CSVError?) {
    var records: [ParsedRecord] = []
    var previousLine = 0
    func collect(_ r: CSVRecord) {
        precondition(r.fieldCount >= 1, "a record without fields")
        precondition(r.lineNumber > previousLine, "line numbers must increase")
        previousLine = r.lineNumber
        var fields: [[UInt8]] = []
        var quoted: [Bool] = []
        for i in 0..<r.fieldCount {
            fields.append(r.withField(i) { Array($0) })
            quoted.append(r.fieldIsQuoted(i))
        }
        records.append(ParsedRecord(line: r.lineNumber, fields: fields, quoted: quoted, raw: Array(r.rawLine)))
    }
    let ranges: [(range: Range<Int>, firstLine: Int)] =
        chunks > 1 || buffer.isEmpty ? CSVChunker.split(buffer, into: chunks, firstLine: 1) : [(0..<buffer.count, 1)]
    // The ranges must tile the buffer in order.
    var expectedStart = 0
    for (range, _) in ranges {
        precondition(range.lowerBound == expectedStart && !range.isEmpty, "chunks must be contiguous and non-empty")
        expectedStart = range.upperBound
    }
    precondition(expectedStart == buffer.count, "chunks must cover the buffer")
    precondition(!buffer.isEmpty || ranges.isEmpty, "an empty buffer has no chunks")
    for (range, firstLine) in ranges {
        do {
            try CSVParser.forEachRecord(in: UnsafeRawBufferPointer(rebasing: buffer[range]), firstLine: firstLine, collect)
        } catch let error as CSVError {
            precondition(range.upperBound == buffer.count, "only the last chunk may end inside quotes")
            return (records, error)
        } catch {
            fatalError("unexpected error \(error)")
        }
    }
    return (records, nil)
}

/// The text of `bytes` without surrounding spaces and tabs, NUL-terminated, parsed by strtod.
func strtodReference(_ bytes: [UInt8]) -> Double {
    var s = bytes[...]
    while let f = s.first, f == 0x20 || f == 0x09 { s.removeFirst() }
    while let l = s.last, l == 0x20 || l == 0x09 { s.removeLast() }
    var cString = s.map { CChar(bitPattern: $0) }
    cString.append(0)
    return strtod(cString, nil)
}

/// Coerces every field into every column type and checks the builder contract.
func coerceAll(_ records: [ParsedRecord]) {
    var builders = ColumnType.allCases.map { ColumnBuilder(type: $0) }
    var acceptedFloats: [(index: Int, text: [UInt8])] = []
    for record in records {
        for (field, quoted) in zip(record.fields, record.quoted) {
            for t in builders.indices {
                let before = builders[t].count
                let reason = field.withUnsafeBytes { FieldCoercer.append($0, quoted: quoted, to: &builders[t]) }
                let type = builders[t].type
                if let reason {
                    precondition(builders[t].count == before, "a rejected field changed the builder")
                    precondition(!reason.description.isEmpty)
                    if type == .string {
                        precondition(String(validating: field, as: UTF8.self) == nil, "valid UTF-8 rejected: \(reason)")
                        guard case .invalidUTF8(let offset) = reason else { fatalError("STRING reject \(reason)") }
                        precondition(offset < field.count, "UTF-8 error offset past the field")
                        precondition(String(validating: field[..<offset], as: UTF8.self) != nil,
                                     "bytes before the reported UTF-8 error are invalid")
                    }
                } else {
                    precondition(builders[t].count == before + 1, "an accepted field did not append one row")
                    if type == .string {
                        precondition(String(validating: field, as: UTF8.self) != nil, "invalid UTF-8 accepted")
                    }
                    if type == .float64 && !field.isEmpty {
                        acceptedFloats.append((before, field))
                    }
                }
            }
        }
    }
    for t in builders.indices {
        let column = builders[t].finish()
        column.verify()
        if case .float64(let values) = column.values {
            for (index, text) in acceptedFloats {
                let v = values[index]
                let lower = String(decoding: text, as: UTF8.self).lowercased()
                if lower.contains("n") { continue }  // nan / inf / infinity keywords
                let reference = strtodReference(text)
                precondition(v.bitPattern == reference.bitPattern, "FLOAT64 \(lower) = \(v), strtod says \(reference)")
            }
        }
        if case .bool(let values) = column.values {
            precondition(values.allSatisfy { $0 <= 1 }, "bool byte other than 0/1")
        }
    }
}

/// Runs every check on one input.
func exercise(_ input: UnsafeRawBufferPointer) {
    let body = UnsafeRawBufferPointer(rebasing: input[CSVParser.skipBOM(input)...])
    let (records, error) = parse(body, chunks: 1)
    let chunkCount = 2 + (input.count % 6)
    let (chunked, chunkedError) = parse(body, chunks: chunkCount)
    precondition(chunked == records, "chunked parse (\(chunkCount) chunks) differs from the sequential parse")
    precondition(chunkedError == error, "chunked parse error \(String(describing: chunkedError)) differs from \(String(describing: error))")
    coerceAll(records)
}

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    exercise(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// Small CSVs covering the dialect: quoting, escapes, CRLF, BOM, quoted newlines, blank lines,
/// stray quotes and values of every column type, valid and not.
let seeds: [(String, String)] = [
    ("simple.csv", "id,name,score,ok,day,at\n1,alice,3.5,true,2024-02-29,2024-02-29 12:34:56.789\n2,bob,,False,2023-01-01,2023-01-01T00:00:00Z\n"),
    ("quoted.csv", "a,b,c\n\"x, y\",\"he said \"\"hi\"\"\",\"\"\n\"multi\nline\",2,3\n"),
    ("crlf-bom.csv", "\u{FEFF}a,b\r\n1,2\r\n\r\n3,\"4\r\n5\"\r\n"),
    ("numbers.csv", "43.0,43.5,4x.5,1e3,-9223372036854775808,9223372036854775808,NaN,-inf,1e999,0x10\n"),
    ("odd.csv", "ab\"c,\"d\"e,f\rg,\n,,\n\"unterminated\n"),
    ("dates.csv", "2024-02-30,2024-13-01,0000-01-01,9999-12-31,2024-01-01 10:00+05:30,2024-01-01 24:00\n"),
]

/// Writes the seed CSVs into `directory` (created if needed).
func makeSeeds(in directory: String) -> Bool {
    mkdir(directory, 0o755)
    for (name, text) in seeds {
        guard let f = fopen(directory + "/" + name, "wb") else { return false }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, f)
        fclose(f)
        if written != bytes.count { return false }
    }
    return true
}

fuzzMain(name: "FuzzCSVReader", callback: fuzzCSVReader, makeSeeds: makeSeeds(in:))
