import ColumnStore
import Crypto
import Foundation

/// A file checked and ready to load: mapped, hashed, header matched to a schema.
struct PreparedFile {
    var path: String
    var table: String
    var data: Data
    var sha256: String
    var schema: TableSchema
    var inferred: Bool
    /// For each CSV field position, the schema column it fills.
    var fieldToColumn: [Int]
    /// Byte offset where the first data record starts, and its physical line number.
    var bodyOffset: Int
    var bodyFirstLine: Int
}

private struct StopAfterFirst: Error {}

extension Ingester {
    /// Opens, hashes and checks one file: it must exist, be non-empty, and have a header that names
    /// exactly the schema's columns (in any order) when the table has a schema.
    func prepare(_ path: String) throws -> PreparedFile {
        guard FileManager.default.fileExists(atPath: path) else { throw IngestError.missingFile(path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw IngestError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard !data.isEmpty else { throw IngestError.emptyFile(path) }
        let table = options.table ?? Ingester.tableName(forFile: path)
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()

        // Header: the first record after an optional BOM.
        var header: [String] = []
        var bodyOffset = 0, bodyFirstLine = 2
        try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            let start = CSVParser.skipBOM(all)
            let buf = UnsafeRawBufferPointer(rebasing: all[start...])
            do {
                try CSVParser.forEachRecord(in: buf, firstLine: 1) { record in
                    for i in 0..<record.fieldCount {
                        header.append(record.withField(i) { String(decoding: $0, as: UTF8.self) })
                    }
                    let raw = record.rawLine
                    // The body starts after the header's line ending (LF or CRLF).
                    var end = (raw.baseAddress! - all.baseAddress!) + raw.count
                    if end < all.count, all[end] == 0x0D { end += 1 }
                    if end < all.count, all[end] == 0x0A { end += 1 }
                    bodyOffset = end
                    bodyFirstLine = 2 + raw.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    throw StopAfterFirst()
                }
            } catch is StopAfterFirst {
            } catch let e as CSVError {
                throw IngestError.badCSV(path: path, line: e.line, message: e.message)
            }
        }
        guard !header.isEmpty, !(header.count == 1 && header[0].isEmpty) else { throw IngestError.emptyFile(path) }
        let trimmed = header.map { $0.trimmingCharacters(in: .whitespaces) }

        if let schema = schemas[table] {
            var mapping: [Int] = []
            var seen = Set<Int>()
            for name in trimmed {
                guard let idx = schema.index(of: name) else {
                    let suggestion = closestName(to: name, in: schema.columns.map(\.name)).map { " (did you mean \($0)?)" } ?? ""
                    throw IngestError.headerMismatch(path: path, table: table, detail: "unknown column \(name)\(suggestion)")
                }
                guard seen.insert(idx).inserted else {
                    throw IngestError.headerMismatch(path: path, table: table, detail: "column \(name) appears twice")
                }
                mapping.append(idx)
            }
            let missing = schema.columns.indices.filter { !seen.contains($0) }.map { schema.columns[$0].name }
            guard missing.isEmpty else {
                throw IngestError.headerMismatch(path: path, table: table, detail: "missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
            }
            return PreparedFile(path: path, table: table, data: data, sha256: sha, schema: schema, inferred: false,
                                fieldToColumn: mapping, bodyOffset: bodyOffset, bodyFirstLine: bodyFirstLine)
        }
        // No schema: the header names the columns and a sample of rows decides their types.
        var names: [String] = []
        for (i, n) in trimmed.enumerated() {
            var name = n.isEmpty ? "column\(i + 1)" : n
            while names.contains(where: { $0.lowercased() == name.lowercased() }) { name += "_\(i + 1)" }
            names.append(name)
        }
        let types = inferTypes(data: data, bodyOffset: bodyOffset, firstLine: bodyFirstLine, columns: names.count)
        let schema = TableSchema(name: table, columns: zip(names, types).map { ColumnSchema(name: $0, type: $1) })
        return PreparedFile(path: path, table: table, data: data, sha256: sha, schema: schema, inferred: true,
                            fieldToColumn: Array(0..<names.count), bodyOffset: bodyOffset, bodyFirstLine: bodyFirstLine)
    }

    /// `watch_history.csv` → `watch_history`: the file name without directory and extension, lowercased,
    /// with characters other than letters, digits and `_` replaced by `_`.
    public static func tableName(forFile path: String) -> String {
        var base = (path as NSString).lastPathComponent
        if let dot = base.lastIndex(of: ".") { base = String(base[..<dot]) }
        let cleaned = base.lowercased().map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }
        return String(cleaned)
    }

    /// The narrowest type that every non-empty sampled field of each column parses as, trying BOOL,
    /// INT64, FLOAT64, DATE, TIMESTAMP, then STRING. A column with no values is STRING. Inference takes
    /// BOOL only from words (`true`, `no`, …): a column of `0`/`1` digits is INT64, as BigQuery's schema
    /// auto-detection and DuckDB's CSV sniffer read it (a declared BOOL column still accepts `1`/`0`).
    func inferTypes(data: Data, bodyOffset: Int, firstLine: Int, columns: Int) -> [ColumnType] {
        let order: [ColumnType] = [.bool, .int64, .float64, .date, .timestamp, .string]
        var candidate = [Int](repeating: 0, count: columns)
        var sawValue = [Bool](repeating: false, count: columns)
        var scratch = order.map { ColumnBuilder(type: $0) }
        var sampled = 0
        let limit = options.inferenceSampleRows
        data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            let body = UnsafeRawBufferPointer(rebasing: all[bodyOffset...])
            try? CSVParser.forEachRecord(in: body, firstLine: firstLine) { record in
                guard record.fieldCount == columns else { return }
                for c in 0..<columns {
                    record.withField(c) { field in
                        guard !field.isEmpty else { return }
                        sawValue[c] = true
                        if candidate[c] == 0, let first = field.first, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                            candidate[c] = 1
                        }
                        while candidate[c] < order.count - 1 {
                            if FieldCoercer.append(field, quoted: record.fieldIsQuoted(c), to: &scratch[candidate[c]]) == nil { break }
                            candidate[c] += 1
                        }
                    }
                }
                sampled += 1
                if sampled % 4096 == 0 { scratch = order.map { ColumnBuilder(type: $0) } }
                if sampled >= limit { throw StopAfterFirst() }
            }
        }
        return (0..<columns).map { sawValue[$0] ? order[candidate[$0]] : .string }
    }
}
