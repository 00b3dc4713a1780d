import ColumnStore
import Foundation

/// The result of one statement.
public struct QueryResult {
    public var columnNames: [String]
    public var types: [ColumnType]
    public var columns: [Column]
    public var rowCount: Int
    /// For statements without rows (CREATE TABLE AS, DROP TABLE, EXPLAIN's text is rows).
    public var message: String?

    public func value(row: Int, column: Int) -> Value { columns[column].value(at: row) }
}

/// Runs GoogleSQL statements against a store.
public final class QueryEngine {
    let store: Store
    /// Logical → physical table names: statements read, create and drop the physical table wherever
    /// they name the logical one (keys lower-case). `nq batch` stages its results this way.
    public var tableRedirects: [String: String] = [:]
    /// Rows per segment that CREATE TABLE AS writes (and so the most rows it holds at once).
    /// Default: `Store.maxSegmentRows`.
    var createTableSegmentRows = Store.maxSegmentRows

    public init(store: Store) {
        self.store = store
    }

    /// Parses `sql` without running it (for checking a whole pipeline before any statement runs).
    public static func parse(_ sql: String) throws -> [Statement] { try SQLParser.parse(sql) }

    private func physical(_ name: String) -> String { tableRedirects[name.lowercased()] ?? name }

    /// Parses and runs every statement of `sql`, in order.
    /// - Throws: `QueryError` with the location and a caret for syntax errors, unknown names with the
    ///   closest existing name, type errors naming both types, and "not supported" for constructs
    ///   outside nq's subset. Nothing in the store changes when a statement fails.
    public func execute(_ sql: String) throws -> [QueryResult] {
        let statements = try SQLParser.parse(sql)
        guard !statements.isEmpty else {
            throw QueryError.syntax(message: "no statement", location: SourceLocation(line: 1, column: 1, offset: 0), sql: sql)
        }
        return try statements.map { try run($0, sql: sql) }
    }

    /// Runs one parsed statement; `sql` is its source text (for error carets).
    public func execute(_ statement: Statement, sql: String) throws -> QueryResult { try run(statement, sql: sql) }

    func run(_ statement: Statement, sql: String, parameters: [String: Value] = [:]) throws -> QueryResult {
        do {
            return try runUnmapped(statement, sql: sql, parameters: parameters)
        } catch let e as StoreError {
            throw QueryError.store(e)
        }
    }

    private func runUnmapped(_ statement: Statement, sql: String, parameters: [String: Value]) throws -> QueryResult {
        let planner = Planner(store: store, sql: sql, statement: statement, redirects: tableRedirects)
        planner.parameters = parameters
        switch statement {
        case .query(let q):
            let plan = try planner.planQuery(q)
            let batch = try plan.root.drain()
            return QueryResult(columnNames: plan.scope.columns.map(\.name), types: plan.scope.types, columns: batch.columns, rowCount: batch.count)
        case .explain(let q):
            let plan = try planner.planQuery(q)
            let lines = plan.root.explain(0)
            let column = Column(values: .string(StringArray(lines)))
            return QueryResult(columnNames: ["plan"], types: [.string], columns: [column], rowCount: lines.count)
        case .createTableAs(let logicalName, let q, let orReplace, let ifNotExists):
            guard !logicalName.hasPrefix("_") else {
                throw QueryError.type(message: "table names starting with _ are reserved for nq's system tables", location: nil, sql: sql)
            }
            let name = physical(logicalName)
            if try store.tableIfExists(name) != nil {
                if ifNotExists { return QueryResult(columnNames: [], types: [], columns: [], rowCount: 0, message: "table \(name) already exists; nothing done") }
                if !orReplace { throw QueryError.store(.tableExists(name)) }
            }
            let plan = try planner.planQuery(q)
            var seen = Set<String>()
            for c in plan.scope.columns {
                guard !c.name.isEmpty, !(c.name.hasPrefix("f") && c.name.hasSuffix("_") && Int(c.name.dropFirst().dropLast()) != nil) else {
                    throw QueryError.type(message: "CREATE TABLE AS SELECT needs a name for every column (add AS alias)", location: nil, sql: sql)
                }
                guard seen.insert(c.name.lowercased()).inserted else {
                    throw QueryError.type(message: "CREATE TABLE AS SELECT has two columns named \(c.name)", location: nil, sql: sql)
                }
            }
            let schema = TableSchema(name: name, columns: plan.scope.columns.map { ColumnSchema(name: $0.name, type: $0.type) })
            let rows = try createTable(schema, from: plan.root)
            return QueryResult(columnNames: [], types: [], columns: [], rowCount: 0, message: "created table \(logicalName) (\(rows) rows)")
        case .dropTable(let logicalName, let ifExists):
            let name = physical(logicalName)
            guard try store.tableIfExists(name) != nil else {
                if ifExists { return QueryResult(columnNames: [], types: [], columns: [], rowCount: 0, message: "table \(name) does not exist; nothing done") }
                throw QueryError.unknownName(kind: "table", name: name, suggestion: closestName(to: name, in: try store.tableNames()), location: nil, sql: sql)
            }
            try store.write { writer in try writer.commit { tx in try tx.dropTable(name) } }
            return QueryResult(columnNames: [], types: [], columns: [], rowCount: 0, message: "dropped table \(logicalName)")
        }
    }
}

extension QueryEngine {
    /// The text of each statement of `sql` (split at the `;` tokens outside strings and comments),
    /// trimmed, without the `;` — for sending statements one by one to another engine.
    public static func statementTexts(_ sql: String) throws -> [String] {
        let bytes = Array(sql.utf8)
        var texts: [String] = []
        var start = 0
        for t in try Lexer.tokenize(sql) {
            let isEnd = t.kind == .end
            guard isEnd || (t.kind == .symbol && t.text == ";") else { continue }
            let end = isEnd ? bytes.count : t.location.offset
            let text = String(decoding: bytes[start..<max(start, end)], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty, try !SQLParser.parse(text).isEmpty { texts.append(text) }
            start = end + 1
            if isEnd { break }
        }
        return texts
    }
}
