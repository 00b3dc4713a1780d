import ColumnStore

/// The scalar function library of nq's GoogleSQL subset, with BigQuery's semantics.
///
/// Every function is resolved once per call site for its static argument types (`resolve`) and
/// evaluated a batch at a time: the evaluator switches on the argument columns' types once and loops
/// over their typed arrays. Functions propagate NULL (any NULL argument gives NULL) unless their
/// documentation says otherwise (IF, COALESCE, IFNULL, NULLIF).
///
/// The families live in `ScalarFunctions+Conditional.swift`, `+Math`, `+String`, `+Date`,
/// `+Format` and `+Cast`; the shared column loops in `+Kernels`.
public enum ScalarFunctions {
    /// Resolves `name` (upper-case) for the argument types.
    ///
    /// Throws `QueryError.unknownName` (with the closest known name) for an unknown function and
    /// `QueryError.type` naming the function and every argument type when no signature fits.
    public static func resolve(_ name: String, _ args: [ArgumentType], location: SourceLocation?, sql: String) throws -> ResolvedFunction {
        let key = name.uppercased()
        guard let entry = registry[key] else {
            if outsideSubset.contains(key) {
                throw QueryError.notSupported(construct: "function \(key)", location: location, sql: sql)
            }
            throw QueryError.unknownName(kind: "function", name: name,
                                         suggestion: ColumnStore.closestName(to: key, in: sortedNames),
                                         location: location, sql: sql)
        }
        return try entry.resolve(Call(name: key, args: args, location: location, sql: sql, signatures: entry.signatures))
    }

    /// GoogleSQL functions nq does not implement (arrays, structs, JSON, regular expressions, geography,
    /// quantiles...): named as "not supported" rather than "unknown".
    static let outsideSubset: Set<String> = [
        "ARRAY", "ARRAY_AGG", "ARRAY_CONCAT", "ARRAY_CONCAT_AGG", "ARRAY_LENGTH", "ARRAY_REVERSE", "ARRAY_TO_STRING",
        "GENERATE_ARRAY", "GENERATE_DATE_ARRAY", "GENERATE_TIMESTAMP_ARRAY", "STRING_AGG", "STRUCT", "UNNEST",
        "JSON_EXTRACT", "JSON_EXTRACT_SCALAR", "JSON_QUERY", "JSON_VALUE", "TO_JSON", "TO_JSON_STRING", "PARSE_JSON",
        "REGEXP_CONTAINS", "REGEXP_EXTRACT", "REGEXP_EXTRACT_ALL", "REGEXP_REPLACE", "REGEXP_INSTR", "SPLIT",
        "PERCENTILE_CONT", "PERCENTILE_DISC", "APPROX_QUANTILES", "APPROX_TOP_COUNT", "APPROX_TOP_SUM",
        "NTILE", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE", "CUME_DIST", "PERCENT_RANK", "STDDEV", "STDDEV_POP",
        "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "CORR", "COVAR_POP", "COVAR_SAMP", "LOGICAL_AND",
        "LOGICAL_OR", "BIT_AND", "BIT_OR", "BIT_XOR", "ST_GEOGPOINT", "ST_DISTANCE", "FARM_FINGERPRINT", "MD5",
        "SHA1", "SHA256", "SHA512", "GENERATE_UUID", "SESSION_USER", "ML.PREDICT",
    ]

    /// Every function name `resolve` knows, sorted.
    public static var names: [String] { sortedNames }

    static let sortedNames: [String] = registry.keys.sorted()

    static let registry: [String: Entry] = {
        var all: [String: Entry] = [:]
        for family in [conditionalEntries, mathEntries, stringEntries, dateEntries] {
            all.merge(family) { _, _ in preconditionFailure("a scalar function is registered twice") }
        }
        return all
    }()

    /// One registered function: how it is written (for error messages) and how it resolves.
    struct Entry: Sendable {
        var signatures: [String]
        var resolve: @Sendable (Call) throws -> ResolvedFunction

        init(_ signatures: [String], _ resolve: @escaping @Sendable (Call) throws -> ResolvedFunction) {
            self.signatures = signatures
            self.resolve = resolve
        }
    }

    /// A call being resolved: the function, its argument types, and where it is written.
    struct Call {
        var name: String
        var args: [ArgumentType]
        var location: SourceLocation?
        var sql: String
        var signatures: [String]

        /// The types of the arguments when all are values (`nil` entries are untyped NULLs),
        /// or `nil` when a date part or an interval is among them.
        var valueTypes: [ColumnType?]? {
            var types: [ColumnType?] = []
            for a in args {
                guard case .value(let t) = a else { return nil }
                types.append(t)
            }
            return types
        }

        /// "No matching signature for function F for argument types: A, B. Supported signatures: …"
        func mismatch() -> QueryError {
            let list = args.map(ScalarFunctions.describe).joined(separator: ", ")
            var message = "No matching signature for function \(name) for argument types: " + (list.isEmpty ? "(none)" : list)
            if !signatures.isEmpty {
                message += ". Supported signature" + (signatures.count == 1 ? ": " : "s: ") + signatures.joined(separator: "; ")
            }
            return .type(message: message, location: location, sql: sql)
        }

        /// The index of the first signature the (all-value) arguments fit: exactly (an untyped NULL
        /// fits any type) or, failing that, with INT64 arguments coerced to FLOAT64.
        func match(_ signatures: [[ColumnType]]) -> Int? {
            guard let types = valueTypes else { return nil }
            for coercing in [false, true] {
                for (k, signature) in signatures.enumerated() where signature.count == types.count {
                    let fits = zip(types, signature).allSatisfy { t, s in
                        t == nil || t == s || (coercing && t == .int64 && s == .float64)
                    }
                    if fits { return k }
                }
            }
            return nil
        }

        /// A resolved function named after this call.
        func resolved(_ result: ColumnType, _ argumentTypes: [ColumnType?],
                      _ evaluate: @escaping ([FunctionArgument], Int) throws -> Column) -> ResolvedFunction {
            ResolvedFunction(name: name, resultType: result, argumentTypes: argumentTypes, evaluate: evaluate)
        }
    }

    /// How an argument type is named in error messages.
    static func describe(_ a: ArgumentType) -> String {
        switch a {
        case .value(let t): return t?.rawValue ?? "NULL"
        case .part(let p): return p.rawValue
        case .interval(let t, let p): return "INTERVAL \(t?.rawValue ?? "NULL") \(p.rawValue)"
        }
    }

    /// The common supertype of value types as BigQuery coerces them: equal types, or INT64 mixed
    /// with FLOAT64 → FLOAT64. Untyped NULLs adopt the others' type; all-NULL is INT64 (the type of
    /// BigQuery's NULL literal). `nil` when there is none.
    static func supertype(_ types: [ColumnType?]) -> ColumnType? {
        var result: ColumnType? = nil
        for case let t? in types {
            switch (result, t) {
            case (nil, _): result = t
            case (let r?, _) where r == t: break
            case (.int64?, .float64), (.float64?, .int64): result = .float64
            default: return nil
            }
        }
        return result ?? .int64
    }
}
