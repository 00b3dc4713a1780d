import ColumnStore
import Testing
@testable import Query

/// The scalar function library: resolution, conditional and math functions here; strings, dates and
/// casts in the `ScalarFunctionTests+…` files. Expectations are computed by hand from BigQuery's
/// documented semantics.
@Suite struct ScalarFunctionTests {
    // MARK: - Resolution

    @Test("An unknown function is an unknown-name error suggesting the closest function")
    func unknownFunctionSuggestsClosest() {
        do {
            _ = try ScalarFunctions.resolve("DATE_TRUNK", [.value(.date), .part(.month)], location: nil, sql: "")
            Issue.record("DATE_TRUNK resolved")
        } catch QueryError.unknownName(let kind, let name, let suggestion, _, _) {
            #expect(kind == "function")
            #expect(name == "DATE_TRUNK")
            #expect(suggestion == "DATE_TRUNC")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("An unknown name far from every function has no suggestion")
    func unknownFunctionWithoutSuggestion() {
        do {
            _ = try ScalarFunctions.resolve("FROBNICATE_WIDGETS", [], location: nil, sql: "")
            Issue.record("resolved")
        } catch QueryError.unknownName(_, _, let suggestion, _, _) {
            #expect(suggestion == nil)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("A signature mismatch is a type error naming the function and every argument type",
          arguments: [
              (c("DATE_TRUNC", "x", .part(.day), is: nil), "DATE_TRUNC for argument types: STRING, DAY"),
              (c("DATE_TRUNC", .date("2024-01-01"), .part(.hour), is: nil), "DATE_TRUNC for argument types: DATE, HOUR"),
              // CONCAT takes any type that casts to STRING (BigQuery: CONCAT('Summer', ' ', 1923)), so only
              // no argument at all is a mismatch.
              (c("CONCAT", is: nil), "CONCAT for argument types: (none)"),
              (c("ABS", "a", is: nil), "ABS for argument types: STRING"),
              (c("ROUND", 1.5, 1, 2, is: nil), "ROUND for argument types: FLOAT64, INT64, INT64"),
              (c("COALESCE", "a", 1, is: nil), "COALESCE for argument types: STRING, INT64"),
              (c("IF", 1, "a", "b", is: nil), "IF for argument types: INT64, STRING, STRING"),
              (c("MOD", 1.5, 2, is: nil), "MOD for argument types: FLOAT64, INT64"),
              (c("EXTRACT", .part(.hour), .date("2024-01-01"), is: nil), "EXTRACT for argument types: HOUR, DATE"),
              (c("DATE_ADD", .ts("2024-01-01"), .interval(1, .hour), is: nil), "DATE_ADD for argument types: TIMESTAMP, INTERVAL INT64 HOUR"),
              (c("TIMESTAMP_DIFF", .ts("2024-01-01"), .ts("2024-01-01"), .part(.month), is: nil),
               "TIMESTAMP_DIFF for argument types: TIMESTAMP, TIMESTAMP, MONTH"),
              (c("UPPER", is: nil), "UPPER for argument types: (none)"),
          ])
    func signatureMismatch(_ c: Case, _ expected: String) {
        let message = Self.typeError { try Self.resolve(c.name, c.args) }
        #expect(message?.contains("No matching signature for function " + expected) == true, "\(message ?? "")")
    }

    @Test("The type error lists the supported signatures")
    func mismatchListsSignatures() {
        let message = Self.typeError { try Self.resolve("SUBSTR", [1]) }
        #expect(message?.contains("SUBSTR(STRING, INT64, INT64)") == true)
    }

    @Test("Function names resolve in any case")
    func namesAreCaseInsensitive() throws {
        #expect(try Self.resolve("abs", [-2]).name == "ABS")
    }

    @Test("names lists every function once, sorted")
    func namesAreSortedAndComplete() {
        let names = ScalarFunctions.names
        #expect(names == names.sorted())
        #expect(Set(names).count == names.count)
        for required in ["IF", "COALESCE", "IFNULL", "NULLIF", "ABS", "ROUND", "SAFE_DIVIDE", "FLOOR", "CEIL", "CEILING", "SQRT",
                         "POW", "POWER", "MOD", "LN", "LOG10", "GREATEST", "LEAST", "DIV", "LOWER", "UPPER", "LENGTH", "CONCAT",
                         "SUBSTR", "STARTS_WITH", "ENDS_WITH", "STRPOS", "TRIM", "LTRIM", "RTRIM", "REPLACE", "DATE_TRUNC",
                         "TIMESTAMP_TRUNC", "EXTRACT", "DATE_DIFF", "TIMESTAMP_DIFF", "DATE_ADD", "DATE_SUB", "TIMESTAMP_ADD",
                         "TIMESTAMP_SUB", "FORMAT_DATE", "FORMAT_TIMESTAMP", "DATE", "TIMESTAMP", "LAST_DAY", "CURRENT_DATE",
                         "CURRENT_TIMESTAMP"] {
            #expect(names.contains(required), "\(required) is missing")
        }
    }

    @Test("INT64 arguments of FLOAT64 functions are coerced: the resolved argument types ask the binder for FLOAT64")
    func int64IsCoercedToFloat64() throws {
        let round = try Self.resolve("ROUND", [7])
        #expect(round.argumentTypes == [.float64])
        #expect(round.resultType == .float64)
        let abs = try Self.resolve("ABS", [7])
        #expect(abs.argumentTypes == [.int64])
        #expect(abs.resultType == .int64)
        let untyped = try Self.resolve("ABS", [nil])
        #expect(untyped.resultType == .int64, "an untyped NULL takes the first signature, as BigQuery's INT64 NULL literal")
    }

    // MARK: - Conditional

    @Test("IF, COALESCE, IFNULL and NULLIF choose values as BigQuery does", arguments: [
        c("IF", true, 1, 2, is: 1),
        c("IF", false, 1, 2, is: 2),
        c("IF", nil, 1, 2, is: 2),
        c("IF", .typedNull(.bool), "a", "b", is: "b"),
        c("IF", true, nil, 2, is: nil),
        c("IF", true, 1, 2.5, is: 1.0),
        c("IF", false, .date("2024-01-01"), nil, is: nil),
        c("COALESCE", nil, 2, 3, is: 2),
        c("COALESCE", .typedNull(.int64), .typedNull(.int64), is: nil),
        c("COALESCE", nil, nil, is: nil),
        c("COALESCE", 1, 2.5, is: 1.0),
        c("COALESCE", .typedNull(.string), "b", "c", is: "b"),
        c("COALESCE", "a", is: "a"),
        c("IFNULL", nil, "x", is: "x"),
        c("IFNULL", "a", "x", is: "a"),
        c("IFNULL", .typedNull(.float64), 2, is: 2.0),
        c("NULLIF", 1, 1, is: nil),
        c("NULLIF", 1, 2, is: 1),
        c("NULLIF", nil, 1, is: nil),
        c("NULLIF", 1, nil, is: 1),
        c("NULLIF", "a", "a", is: nil),
        c("NULLIF", "a", "ab", is: "a"),
        c("NULLIF", 2, 2.0, is: nil),
        c("NULLIF", .date("2024-01-01"), .date("2024-01-02"), is: .date("2024-01-01")),
    ])
    func conditional(_ c: Case) throws { try Self.check(c) }

    @Test("IF, COALESCE and NULLIF work row by row over columns with NULLs")
    func conditionalColumns() throws {
        let a = Self.column(.int64, [.int64(1), .null, .null, .int64(4)])
        let b = Self.column(.int64, [.null, .int64(2), .null, .int64(5)])
        let c = Self.column(.int64, [.int64(3), .int64(3), .null, .int64(6)])
        let coalesce = try Self.resolve("COALESCE", [.typedNull(.int64), .typedNull(.int64), .typedNull(.int64)])
        #expect(Self.rows(try coalesce.evaluate([.value(a), .value(b), .value(c)], 4)) == [.int64(1), .int64(2), .null, .int64(4)])

        let cond = Self.column(.bool, [.bool(true), .bool(false), .null, .bool(true)])
        let ifFunction = try Self.resolve("IF", [.typedNull(.bool), .typedNull(.int64), .typedNull(.int64)])
        #expect(Self.rows(try ifFunction.evaluate([.value(cond), .value(a), .value(c)], 4)) == [.int64(1), .int64(3), .null, .int64(4)])

        let s1 = Self.column(.string, [.string("x"), .string("y"), .null, .string("")])
        let s2 = Self.column(.string, [.string("x"), .string("z"), .string("w"), .null])
        let nullif = try Self.resolve("NULLIF", [.typedNull(.string), .typedNull(.string)])
        let result = try nullif.evaluate([.value(s1), .value(s2)], 4)
        result.verify()
        #expect(Self.rows(result) == [.null, .string("y"), .null, .string("")])
    }

    // MARK: - Math

    @Test("Math functions compute BigQuery's results", arguments: [
        c("ABS", -3, is: 3),
        c("ABS", 3, is: 3),
        c("ABS", -2.5, is: 2.5),
        c("ABS", nil, is: nil),
        c("ABS", .typedNull(.float64), is: nil),
        c("SIGN", -7, is: -1),
        c("SIGN", 0.0, is: 0.0),
        c("SIGN", 2.5, is: 1.0),
        c("ROUND", 2.5, is: 3.0),
        c("ROUND", -2.5, is: -3.0),
        c("ROUND", 2.4, is: 2.0),
        c("ROUND", 0.5, is: 1.0),
        c("ROUND", 7, is: 7.0),
        c("ROUND", 1.2345, 2, is: 1.23),
        c("ROUND", 1.5, 0, is: 2.0),
        c("ROUND", -1.25, 1, is: -1.3),
        c("ROUND", 12345.0, -2, is: 12300.0),
        c("ROUND", 15.0, -1, is: 20.0),
        c("ROUND", -15.0, -1, is: -20.0),
        c("ROUND", 123.456, 400, is: 123.456),
        c("ROUND", 123.0, -400, is: 0.0),
        c("ROUND", nil, is: nil),
        c("ROUND", 2.5, nil, is: nil),
        c("TRUNC", 2.7, is: 2.0),
        c("TRUNC", -2.7, is: -2.0),
        c("TRUNC", 1.2399, 2, is: 1.23),
        c("FLOOR", -1.5, is: -2.0),
        c("FLOOR", 3, is: 3.0),
        c("CEIL", 1.2, is: 2.0),
        c("CEILING", -1.2, is: -1.0),
        c("SQRT", 16, is: 4.0),
        c("SQRT", 2.25, is: 1.5),
        c("POW", 2, 10, is: 1024.0),
        c("POWER", 2.0, -1, is: 0.5),
        c("POW", -2.0, 3, is: -8.0),
        c("EXP", 0, is: 1.0),
        c("LN", 1, is: 0.0),
        c("LOG10", 1000, is: 3.0),
        c("LOG10", .value(.float64(-.infinity)), is: .value(.float64(.nan))),
        c("LOG", 100, 10, is: 2.0),
        c("MOD", 7, 3, is: 1),
        c("MOD", -7, 3, is: -1),
        c("MOD", 7, -3, is: 1),
        c("MOD", .value(.int64(.min)), -1, is: 0),
        c("MOD", 7, nil, is: nil),
        c("DIV", 7, 2, is: 3),
        c("DIV", -7, 2, is: -3),
        c("DIV", 7, -2, is: -3),
        c("SAFE_DIVIDE", 1, 4, is: 0.25),
        c("SAFE_DIVIDE", 1, 0, is: nil),
        c("SAFE_DIVIDE", 0.0, 0.0, is: nil),
        c("SAFE_DIVIDE", nil, 1, is: nil),
        c("SAFE_DIVIDE", 1e308, 1e-10, is: nil),
        c("SAFE_DIVIDE", -3.0, 2, is: -1.5),
        c("IEEE_DIVIDE", 1.0, 0.0, is: .value(.float64(.infinity))),
        c("GREATEST", 1, 5, 3, is: 5),
        c("GREATEST", 1, 2.5, is: 2.5),
        c("GREATEST", 1, nil, 3, is: nil),
        c("GREATEST", 1.0, .value(.float64(.nan)), is: .value(.float64(.nan))),
        c("LEAST", .value(.float64(.nan)), 1.0, is: .value(.float64(.nan))),
        c("LEAST", "b", "a", "c", is: "a"),
        c("GREATEST", "b", "ab", "é", is: "é"),
        c("LEAST", .date("2024-01-02"), .date("2023-12-31"), is: .date("2023-12-31")),
        c("LEAST", 4, is: 4),
    ])
    func math(_ c: Case) throws { try Self.check(c) }

    @Test("Math errors are runtime errors as in BigQuery", arguments: [
        (c("ABS", .value(.int64(.min)), is: nil), "int64 overflow"),
        (c("SQRT", -1.0, is: nil), "Argument to SQRT cannot be negative: -1"),
        (c("MOD", 1, 0, is: nil), "division by zero: MOD(1, 0)"),
        (c("DIV", 1, 0, is: nil), "division by zero: DIV(1, 0)"),
        (c("DIV", .value(.int64(.min)), -1, is: nil), "int64 overflow"),
        (c("LN", 0, is: nil), "LN"),
        (c("LOG10", -1, is: nil), "LOG10"),
        (c("POW", 0, -1, is: nil), "POW(0, -1)"),
        (c("POW", -8, 0.5, is: nil), "POW(-8, 0.5)"),
        (c("EXP", 1000, is: nil), "overflow"),
        (c("ROUND", 1.7e308, -308, is: nil), "overflow"),
    ])
    func mathErrors(_ c: Case, _ expected: String) {
        let message = Self.runtimeError { try Self.evaluate(c.name, c.args) }
        #expect(message?.contains(expected) == true, "\(message ?? "")")
    }

    @Test("A NULL row never raises an error, even when its zero placeholder would")
    func nullRowsDoNotRaise() throws {
        let a = Self.column(.int64, [.int64(7), .int64(8), .int64(9)])
        let b = Self.column(.int64, [.int64(2), .null, .int64(4)])
        let mod = try Self.resolve("MOD", [.typedNull(.int64), .typedNull(.int64)])
        #expect(Self.rows(try mod.evaluate([.value(a), .value(b)], 3)) == [.int64(1), .null, .int64(1)])
        let x = Column(values: .float64([-1, 4]), validity: [false, true])  // a NULL slot holding -1
        let sqrt = try Self.resolve("SQRT", [.typedNull(.float64)])
        #expect(Self.rows(try sqrt.evaluate([.value(x)], 2)) == [.null, .float64(2)])
    }

    @Test("Functions evaluate zero-row batches")
    func emptyBatches() throws {
        for (name, args) in [("ABS", [Arg(integerLiteral: 1)]), ("UPPER", ["a"]), ("DATE_TRUNC", [.date("2024-01-01"), .part(.month)]),
                             ("COALESCE", [nil, 1])] as [(String, [Arg])] {
            #expect(try Self.evaluate(name, args, rows: 0) == .null)
        }
    }
}
