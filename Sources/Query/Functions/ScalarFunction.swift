import ColumnStore

/// The static type of an argument as the binder sees it.
public enum ArgumentType: Sendable, Equatable {
    /// A value of a type; `nil` is an untyped NULL literal (it adopts whatever type fits).
    case value(ColumnType?)
    /// A bare date part: `DATE_TRUNC(d, MONTH)`.
    case part(DatePart)
    /// `INTERVAL n PART`; `n` has the given type.
    case interval(ColumnType?, DatePart)
}

/// A runtime argument: equal-length columns, or a constant date part.
public enum FunctionArgument {
    case value(Column)
    case part(DatePart)
    case interval(Column, DatePart)
}

/// A scalar function resolved for concrete argument types.
public struct ResolvedFunction {
    public var name: String
    public var resultType: ColumnType
    /// For each argument: the column type the binder must give it (the binder casts an untyped NULL
    /// literal, and INT64 to FLOAT64 where the function asks for FLOAT64). `nil` for parts.
    public var argumentTypes: [ColumnType?]
    /// Computes `rows` results from the arguments (each `.value` column has `rows` rows).
    /// Throws `QueryError.runtime` for errors BigQuery raises at run time (bad cast, overflow, …).
    public var evaluate: ([FunctionArgument], _ rows: Int) throws -> Column

    public init(name: String, resultType: ColumnType, argumentTypes: [ColumnType?],
                evaluate: @escaping ([FunctionArgument], Int) throws -> Column) {
        self.name = name
        self.resultType = resultType
        self.argumentTypes = argumentTypes
        self.evaluate = evaluate
    }
}
