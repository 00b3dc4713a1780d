import ColumnStore
import Testing
@testable import Query

// Support for the scalar function tests: arguments written as literals (`3`, `2.5`, `"abc"`, `nil`,
// `.date("2024-01-31")`, `.part(.month)`, `.interval(1, .month)`), evaluated the way the binder
// calls functions (untyped NULLs get the wanted type, INT64 is widened to FLOAT64 where asked).
// Everything is namespaced in `ScalarFunctionTests` so other suites' helpers cannot collide.

extension ScalarFunctionTests {
    /// One function argument (or an expected result).
    enum Arg: Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
              ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
        case value(Value)
        /// A NULL of a known type (`nil` is an untyped NULL literal).
        case typedNull(ColumnType)
        case datePart(DatePart)
        case intervalOf(Value, DatePart)

        init(integerLiteral v: Int64) { self = .value(.int64(v)) }
        init(floatLiteral v: Double) { self = .value(.float64(v)) }
        init(stringLiteral v: String) { self = .value(.string(v)) }
        init(booleanLiteral v: Bool) { self = .value(.bool(v)) }
        init(nilLiteral: ()) { self = .value(.null) }

        static func part(_ p: DatePart) -> Arg { .datePart(p) }
        static func interval(_ n: Int64, _ p: DatePart) -> Arg { .intervalOf(.int64(n), p) }
        static func date(_ s: String) -> Arg { .value(ScalarFunctionTests.date(s)) }
        static func ts(_ s: String) -> Arg { .value(ScalarFunctionTests.timestamp(s)) }

        var argumentType: ArgumentType {
            switch self {
            case .value(let v): return .value(ScalarFunctionTests.type(of: v))
            case .typedNull(let t): return .value(t)
            case .datePart(let p): return .part(p)
            case .intervalOf(let v, let p): return .interval(ScalarFunctionTests.type(of: v), p)
            }
        }

        /// The expected value this argument stands for.
        var expected: Value {
            switch self {
            case .value(let v), .intervalOf(let v, _): return v
            case .typedNull, .datePart: return .null
            }
        }

        /// The runtime argument, as a `rows`-row column of the type the function asked for.
        func runtime(_ want: ColumnType?, rows: Int) -> FunctionArgument {
            switch self {
            case .datePart(let p): return .part(p)
            case .intervalOf(let v, let p): return .interval(ScalarFunctionTests.column(want!, Array(repeating: v, count: rows)), p)
            case .value(let v): return .value(ScalarFunctionTests.column(want!, Array(repeating: v, count: rows)))
            case .typedNull: return .value(ScalarFunctionTests.column(want!, Array(repeating: .null, count: rows)))
            }
        }

        var description: String {
            switch self {
            case .value(let v): return ScalarFunctionTests.show(v)
            case .typedNull(let t): return "NULL:\(t.rawValue)"
            case .datePart(let p): return p.rawValue
            case .intervalOf(let v, let p): return "INTERVAL \(ScalarFunctionTests.show(v)) \(p.rawValue)"
            }
        }
    }

    /// One row of a function table: `NAME(args) = expected`.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var args: [Arg]
        var expected: Arg
        var testDescription: String { "\(name)(\(args.map(\.description).joined(separator: ", "))) = \(expected)" }
    }

    static func c(_ name: String, _ args: Arg..., is expected: Arg) -> Case { Case(name: name, args: args, expected: expected) }

    // MARK: - Values

    static func type(of v: Value) -> ColumnType? {
        switch v {
        case .null: return nil
        case .int64: return .int64
        case .float64: return .float64
        case .bool: return .bool
        case .date: return .date
        case .timestamp: return .timestamp
        case .string: return .string
        }
    }

    /// `YYYY-MM-DD`.
    static func date(_ s: String) -> Value {
        let p = s.split(separator: "-").map { Int($0)! }
        return .date(CivilTime.days(year: p[0], month: p[1], day: p[2]))
    }

    /// `YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]` in UTC, parsed independently of the code under test.
    static func timestamp(_ s: String) -> Value {
        let halves = s.split(separator: " ")
        guard case .date(let days) = date(String(halves[0])) else { fatalError() }
        var micros: Int64 = 0
        if halves.count > 1 {
            let hms = halves[1].split(separator: ":")
            micros = (Int64(hms[0])! * 3600 + Int64(hms[1])! * 60) * 1_000_000
            if hms.count > 2 {
                let sec = hms[2].split(separator: ".")
                micros += Int64(sec[0])! * 1_000_000
                if sec.count > 1 { micros += Int64(String(sec[1]) + String(repeating: "0", count: 6 - sec[1].count))! }
            }
        }
        return .timestamp(Int64(days) * CivilTime.microsPerDay + micros)
    }

    static func show(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .int64(let x): return "\(x)"
        case .float64(let x): return "\(x)"
        case .bool(let x): return "\(x)"
        case .date(let x): return "DATE '\(CivilTime.formatDate(x))'"
        case .timestamp(let x): return "TIMESTAMP '\(CivilTime.formatTimestamp(x))'"
        case .string(let x): return "'\(x)'"
        }
    }

    /// A column of `type` holding `values`; INT64 values are widened when `type` is FLOAT64.
    static func column(_ type: ColumnType, _ values: [Value]) -> Column {
        var b = ColumnBuilder(type: type)
        for v in values {
            if case .int64(let x) = v, type == .float64 { b.append(.float64(Double(x))) } else { b.append(v) }
        }
        return b.finish()
    }

    static func rows(_ c: Column) -> [Value] { (0..<c.count).map { c.value(at: $0) } }

    /// Equal values, where NaN equals NaN.
    static func same(_ a: Value, _ b: Value) -> Bool {
        if case .float64(let x) = a, case .float64(let y) = b, x.isNaN && y.isNaN { return true }
        return a == b
    }

    // MARK: - Calling functions

    /// Resolves `name` for the arguments' types and evaluates it on `rows` identical rows; checks the
    /// result column's shape and returns its first row.
    static func evaluate(_ name: String, _ args: [Arg], rows: Int = 1) throws -> Value {
        let f = try ScalarFunctions.resolve(name, args.map(\.argumentType), location: nil, sql: "")
        #expect(f.argumentTypes.count == args.count, "argumentTypes has one entry per argument")
        let result = try f.evaluate(args.enumerated().map { $1.runtime(f.argumentTypes[$0], rows: rows) }, rows)
        result.verify()
        #expect(result.count == rows)
        #expect(result.type == f.resultType, "\(name) produced \(result.type.rawValue), declared \(f.resultType.rawValue)")
        return rows == 0 ? .null : result.value(at: 0)
    }

    static func check(_ c: Case, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let got = try evaluate(c.name, c.args)
        #expect(same(got, c.expected.expected), "\(c.testDescription), got \(show(got))", sourceLocation: sourceLocation)
    }

    /// CAST / SAFE_CAST of one value.
    static func cast(_ v: Arg, _ to: ColumnType, safe: Bool = false) throws -> Value {
        guard case .value(let from) = v.argumentType else { fatalError("cast of a non-value") }
        let f = try ScalarFunctions.cast(from: from, to: to, safe: safe, location: nil, sql: "")
        let result = try f.evaluate([v.runtime(f.argumentTypes[0], rows: 1)], 1)
        result.verify()
        #expect(result.type == to)
        return result.value(at: 0)
    }

    // MARK: - Errors

    /// The message of the `QueryError.runtime` that `body` throws; records an issue otherwise.
    static func runtimeError(_ body: () throws -> Any, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
        do {
            let v = try body()
            Issue.record("expected a runtime error, got \(v)", sourceLocation: sourceLocation)
        } catch QueryError.runtime(let message) {
            return message
        } catch {
            Issue.record("expected a runtime error, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// The message of the `QueryError.type` that `body` throws; records an issue otherwise.
    static func typeError(_ body: () throws -> Any, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
        do {
            let v = try body()
            Issue.record("expected a type error, got \(v)", sourceLocation: sourceLocation)
        } catch QueryError.type(let message, _, _) {
            return message
        } catch {
            Issue.record("expected a type error, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// Resolving only (for type errors).
    static func resolve(_ name: String, _ args: [Arg]) throws -> ResolvedFunction {
        try ScalarFunctions.resolve(name, args.map(\.argumentType), location: nil, sql: "")
    }
}
