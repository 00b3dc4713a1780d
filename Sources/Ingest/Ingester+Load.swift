import ColumnStore
import Dispatch
import Foundation

/// The rows of one file, typed and written as pending segments.
struct LoadedFile {
    var segments: [PendingSegment]
    var rows: Int
    var rejects: [RejectedRow]
}

extension Ingester {
    /// Types the file's rows in parallel chunks; each chunk becomes one segment.
    func load(_ file: PreparedFile, writer: StoreWriter) throws -> LoadedFile {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return try file.data.withUnsafeBytes { (all: UnsafeRawBufferPointer) -> LoadedFile in
            let body = UnsafeRawBufferPointer(rebasing: all[file.bodyOffset...])
            let wanted = max(1, min(4096, (body.count + options.chunkBytes - 1) / options.chunkBytes))
            let chunkCount = wanted == 1 ? 1 : ((wanted + cores - 1) / cores) * cores
            let chunks = CSVChunker.split(body, into: chunkCount, firstLine: file.bodyFirstLine)
            var outcomes = [Result<(PendingSegment?, Int, [RejectedRow]), Error>?](repeating: nil, count: chunks.count)
            outcomes.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
                    let chunk = chunks[i]
                    out[i] = Result {
                        let buf = UnsafeRawBufferPointer(rebasing: body[chunk.range])
                        let (columns, rejects) = try typeRows(buf, firstLine: chunk.firstLine, file: file)
                        let rows = columns.first?.count ?? 0
                        let segment = rows == 0 ? nil : try writer.writeSegment(schema: file.schema, columns: columns)
                        return (segment, rows, rejects)
                    }
                }
            }
            var loaded = LoadedFile(segments: [], rows: 0, rejects: [])
            for outcome in outcomes {
                let (segment, rows, rejects) = try outcome!.get()
                if let segment { loaded.segments.append(segment) }
                loaded.rows += rows
                loaded.rejects += rejects
            }
            return loaded
        }
    }

    /// Types every record of `buffer` into column builders; untypable rows become rejects.
    func typeRows(_ buffer: UnsafeRawBufferPointer, firstLine: Int, file: PreparedFile) throws -> ([Column], [RejectedRow]) {
        let schema = file.schema
        let estimate = max(16, buffer.count / max(1, 10 * schema.columns.count))
        var builders = schema.columns.map { ColumnBuilder(type: $0.type, capacity: estimate) }
        var rejects: [RejectedRow] = []
        let mapping = file.fieldToColumn
        let expected = mapping.count
        func reject(_ line: Int, _ column: String?, _ reason: String, _ raw: UnsafeRawBufferPointer) {
            rejects.append(RejectedRow(table: file.table, file: file.path, line: line, column: column, reason: reason,
                                       rawLine: String(decoding: raw, as: UTF8.self)))
        }
        do {
            try CSVParser.forEachRecord(in: buffer, firstLine: firstLine) { record in
                guard record.fieldCount == expected else {
                    reject(record.lineNumber, nil, RejectReason.wrongFieldCount(expected: expected, found: record.fieldCount).description, record.rawLine)
                    return
                }
                for f in 0..<expected {
                    let c = mapping[f]
                    let failure = record.withField(f) { field in
                        FieldCoercer.append(field, quoted: record.fieldIsQuoted(f), to: &builders[c])
                    }
                    if let failure {
                        // Undo the fields of this row already appended, then record the reject.
                        for g in 0..<f { builders[mapping[g]].removeLast() }
                        reject(record.lineNumber, schema.columns[c].name, failure.description, record.rawLine)
                        return
                    }
                }
            }
        } catch let e as CSVError {
            throw IngestError.badCSV(path: file.path, line: e.line, message: e.message)
        }
        return (builders.indices.map { builders[$0].finish() }, rejects)
    }
}
