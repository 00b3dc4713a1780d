import ArgumentParser
import ColumnStore
import Foundation

/// `nq describe TABLE`: columns, types, null counts, min/max (from the zone maps), segments.
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a table's columns, types, null counts, min/max and segments.",
        discussion: "--summarize scans the data and adds count, sum and (for BOOL) the number of true values."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The table.") var table: String
    @Option(help: "Output format: table, csv, json or markdown.") var format: OutputFormat = .table
    @Flag(help: "Scan every row to add count and sum per column.") var summarize = false
    @Flag(help: "List the segments too.") var segments = false

    func run() throws {
        let store = try global.openStore(create: false)
        let t = try store.table(table)
        var stats: [ColumnStats]? = nil
        if summarize {
            stats = t.schema.columns.map { ColumnStats(type: $0.type) }
            for s in t.segments {
                let reader = try store.openSegment(s)
                for c in t.schema.columns.indices { stats![c].add(try reader.readColumn(c)) }
            }
        }
        var header = ["column", "type", "null_count", "min", "max"]
        var numeric = [false, false, true, false, false]
        if stats != nil {
            header += ["count", "sum"]
            numeric += [true, true]
        }
        var rows: [[String?]] = []
        for (i, c) in t.schema.columns.enumerated() {
            let z = t.zone(column: i)
            var row: [String?] = [c.name, c.type.rawValue, String(z.nullCount), z.min?.displayText, z.max?.displayText]
            if let s = stats?[i] { row += [String(s.count), s.sumText] }
            rows.append(row)
        }
        if format == .json {
            print("{\"table\":\(jsonString(t.name)),\"rows\":\(t.rows),\"segments\":\(t.segments.count),\"raw_bytes\":\(t.rawBytes),\"stored_bytes\":\(t.storedBytes),\"schema\":\(jsonString(t.source)),\"columns\":")
            print(TextRows(header: header, rows: rows, numeric: numeric).render(.json), terminator: "")
            print("}")
            return
        }
        if format == .table {
            print("table \(t.name): \(t.rows) rows in \(t.segments.count) segment\(t.segments.count == 1 ? "" : "s"), \(t.rawBytes) raw bytes, \(t.storedBytes) stored bytes (schema: \(t.source))")
        }
        print(TextRows(header: header, rows: rows, numeric: numeric).render(format), terminator: "")
        if segments {
            let segRows = t.segments.map { [String($0.id), $0.file, String($0.rows), String($0.rawBytes), String($0.storedBytes)] as [String?] }
            print(TextRows(header: ["segment", "file", "rows", "raw_bytes", "stored_bytes"], rows: segRows, numeric: [true, false, true, true, true]).render(format), terminator: "")
        }
    }
}

/// Full-scan statistics of one column.
struct ColumnStats {
    let type: ColumnType
    var count = 0
    var intSum: Int64 = 0
    var intOverflow = false
    var doubleSum = 0.0
    var trueCount = 0

    init(type: ColumnType) { self.type = type }

    mutating func add(_ column: Column) {
        let valid: (Int) -> Bool = { i in column.validity?[i] ?? true }
        switch column.values {
        case .int64(let v):
            for i in v.indices where valid(i) {
                count += 1
                let (s, o) = intSum.addingReportingOverflow(v[i])
                intSum = s
                intOverflow = intOverflow || o
            }
        case .float64(let v):
            for i in v.indices where valid(i) { count += 1; doubleSum += v[i] }
        case .bool(let v):
            for i in v.indices where valid(i) { count += 1; trueCount += Int(v[i]) }
        default:
            count += column.count - column.nullCount
        }
    }

    var sumText: String? {
        switch type {
        case .int64: return intOverflow ? "overflow" : String(intSum)
        case .float64: return "\(doubleSum)"
        case .bool: return String(trueCount)
        default: return nil
        }
    }
}
