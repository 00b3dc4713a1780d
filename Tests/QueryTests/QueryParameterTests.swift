import ColumnStore
import Foundation
import Testing
@testable import Query

/// Named query parameters (`@name`) bound as typed literals by `QueryEngine.execute(_:parameters:)`.
@Suite struct QueryParameterTests {
    /// A fresh store with `t(d DATE, country STRING, n INT64)` of four rows.
    static func store() throws -> (Store, String) {
        let path = TemporaryStore.path("params")
        let store = try Store(path: path)
        _ = try QueryEngine(store: store).execute("""
            create table t as
            select cast('2025-01-01' as date) as d, 'US' as country, 1 as n union all
            select cast('2025-02-01' as date), 'CA', 2 union all
            select cast('2025-03-01' as date), 'US', 3 union all
            select cast('2025-04-01' as date), 'x\\'; drop table t; --', 4
            """)
        return (store, path)
    }

    func ints(_ r: QueryResult, column: Int = 0) -> [Int64] {
        (0..<r.rowCount).compactMap { if case .int64(let v) = r.value(row: $0, column: column) { return v } else { return nil } }
    }

    @Test func filtersByATypedDateAndAStringParameter() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(
            "select n from t where d >= @from and country = @Country order by n",
            parameters: ["from": .date(CivilTime.days(year: 2025, month: 2, day: 1)), "country": .string("US")])
        #expect(ints(r[0]) == [3])
    }

    @Test func aStringValueIsComparedAsAValueNeverReadAsSQL() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = QueryEngine(store: store)
        let injected = "x'; drop table t; --"
        let r = try engine.execute("select n from t where country = @c", parameters: ["c": .string(injected)])
        #expect(ints(r[0]) == [4])
        let quoteTrick = try engine.execute("select count(*) from t where country = @c", parameters: ["c": .string("US' or '1'='1")])
        #expect(ints(quoteTrick[0]) == [0])
        #expect(try ints(engine.execute("select count(*) from t")[0]) == [4])
    }

    @Test func aParameterWithoutAValueIsAnErrorNamingIt() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try QueryEngine(store: store).execute("select n from t where country = @contry", parameters: ["country": .string("US")])
        } throws: { error in
            "\(error)".contains("unknown query parameter @contry") && "\(error)".contains("did you mean @country?")
        }
    }

    @Test func positionalParametersAreNotSupported() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try QueryEngine(store: store).execute("select n from t where n = ?", parameters: [:])
        } throws: { error in "\(error)".contains("not supported: positional query parameter") }
    }

    @Test func aParameterTypeMismatchIsATypeError() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: QueryError.self) {
            _ = try QueryEngine(store: store).execute("select n from t where n + @x > 0", parameters: ["x": .string("1")])
        }
    }

    @Test func parametersWorkInSelectGroupByAndLimit() throws {
        let (store, path) = try Self.store(); defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try QueryEngine(store: store).execute(
            "select country, sum(n) * @k as s from t group by country order by s desc limit @lim",
            parameters: ["k": .int64(10), "lim": .int64(1)])
        #expect(r[0].rowCount == 1)
        #expect(ints(r[0], column: 1) == [40])
    }
}
