import ColumnStore
import Dispatch
import Foundation
import Testing
@testable import Query

/// A CTE named more than once is pulled once and streamed to every reference (`SharedCTE`): each
/// reference reads every batch in order, and once the statement is planned a batch is kept only until
/// every reference has read it. Expected values are worked out by hand or by plain Swift loops.
@Suite struct SharedCTEStreamingTests {
    /// Emits `count` batches, batch b holding the values b * 10 ..< b * 10 + 3, and throws after
    /// `failAfter` batches when set. Counts its pulls.
    final class Numbered: Operator {
        let outputTypes: [ColumnType] = [.int64]
        let count: Int
        let failAfter: Int?
        private(set) var pulls = 0

        init(count: Int, failAfter: Int? = nil) {
            self.count = count
            self.failAfter = failAfter
        }

        func next() throws -> Batch? {
            defer { pulls += 1 }
            if let failAfter, pulls == failAfter { throw QueryError.type(message: "boom", location: nil, sql: "") }
            guard pulls < count else { return nil }
            let b = Int64(pulls)
            return Batch(columns: [Column(values: .int64([b * 10, b * 10 + 1, b * 10 + 2]))], count: 3)
        }

        func explain(_ depth: Int) -> [String] { [pad(depth) + "numbered"] }
    }

    static func values(_ op: Operator) throws -> [Int64] {
        var out: [Int64] = []
        while let b = try op.next() {
            for i in 0..<b.count { if case .int64(let v) = b.columns[0].value(at: i) { out.append(v) } }
        }
        return out
    }

    /// The number of a `Numbered` batch: its first value / 10.
    static func batchNumber(_ b: Batch) -> Int64 {
        if case .int64(let v) = b.columns[0].value(at: 0) { return v / 10 }
        return -1
    }

    /// A `SharedCTE` over `plan` with a reference of each label, in order, sealed (the statement planned).
    static func sealed(_ plan: Operator, _ labels: [String]) -> (SharedCTE, [SharedCTESource]) {
        let shared = SharedCTE(plan: plan)
        let readers = labels.map { SharedCTESource(types: [.int64], shared: shared, label: $0) }
        shared.seal()
        return (shared, readers)
    }

    static func expected(_ count: Int) -> [Int64] {
        var out: [Int64] = []
        for b in 0..<Int64(count) { out += [b * 10, b * 10 + 1, b * 10 + 2] }
        return out
    }

    @Test("two references read one after the other each get every batch, and the plan is pulled once per batch")
    func readOneAfterTheOther() throws {
        let plan = Numbered(count: 5)
        let (shared, readers) = Self.sealed(plan, ["a", "b"])
        let a = readers[0], b = readers[1]
        #expect(try Self.values(a) == Self.expected(5))
        // b has read nothing yet: all five batches are held for it.
        #expect(shared.keptCount == 5)
        #expect(try Self.values(b) == Self.expected(5))
        #expect(shared.keptCount == 0)
        #expect(plan.pulls == 6)
        #expect(try a.next() == nil)
    }

    @Test("references read in step hold at most the one batch between them")
    func readInStep() throws {
        let (shared, readers) = Self.sealed(Numbered(count: 4), ["a", "b"])
        let a = readers[0], b = readers[1]
        var maxKept = 0
        var seenA: [Int64] = [], seenB: [Int64] = []
        while true {
            let x = try a.next()
            maxKept = max(maxKept, shared.keptCount)
            let y = try b.next()
            if let x { seenA.append(Self.batchNumber(x)) }
            if let y { seenB.append(Self.batchNumber(y)) }
            if x == nil && y == nil { break }
        }
        #expect(seenA == [0, 1, 2, 3] && seenB == [0, 1, 2, 3])
        #expect(maxKept == 1)
        #expect(shared.keptCount == 0)
    }

    @Test("a reference that is gone holds no batch; before sealing every batch is kept")
    func goneReferencesAndSealing() throws {
        let shared = SharedCTE(plan: Numbered(count: 3))
        let a = SharedCTESource(types: [.int64], shared: shared, label: "a")
        // Read while planning: nothing is dropped, a reference planned later still reads it whole.
        #expect(try Self.values(a) == Self.expected(3))
        #expect(shared.keptCount == 3)
        var b: SharedCTESource? = SharedCTESource(types: [.int64], shared: shared, label: "b")
        let c = SharedCTESource(types: [.int64], shared: shared, label: "c")
        shared.seal()
        #expect(shared.keptCount == 3)
        b = nil
        #expect(b == nil)
        #expect(try Self.values(c) == Self.expected(3))
        #expect(shared.keptCount == 0)
    }

    @Test("the CTE's error reaches every reference after the batches before it")
    func errorReachesEveryReference() throws {
        let (_, readers) = Self.sealed(Numbered(count: 5, failAfter: 2), ["a", "b"])
        let a = readers[0], b = readers[1]
        for r in [a, b] {
            #expect(try r.next()?.count == 3)
            #expect(try r.next()?.count == 3)
            #expect(throws: QueryError.self) { try r.next() }
            #expect(throws: QueryError.self) { try r.next() }
        }
    }

    @Test("two references read on two threads at once each get every batch in order")
    func readOnTwoThreads() throws {
        let plan = Numbered(count: 200)
        let (shared, readers) = Self.sealed(plan, ["a", "b"])
        var got = [Result<[Int64], Error>?](repeating: nil, count: 2)
        got.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: 2) { i in out[i] = Result { try Self.values(readers[i]) } }
        }
        #expect(try got[0]!.get() == Self.expected(200))
        #expect(try got[1]!.get() == Self.expected(200))
        #expect(plan.pulls == 201)
        #expect(shared.keptCount == 0)
    }

    @Test("a reader ahead of one whose thread waits for it does not wait for ever, and both read everything")
    func noDeadlockWhenTheOtherThreadWaits() throws {
        let (shared, readers) = Self.sealed(Numbered(count: 50), ["a", "b"])
        let a = readers[0], b = readers[1]
        // b reads one batch on a side thread, then that thread waits until a has read everything.
        let aDone = DispatchSemaphore(value: 0)
        var bValues: [Int64] = []
        let side = SideThread {
            bValues = [Self.batchNumber(try #require(try b.next()))]
            aDone.wait()
            bValues += try Self.values(b).map { $0 / 10 }
        }
        #expect(try Self.values(a) == Self.expected(50))
        aDone.signal()
        try side.wait()
        #expect(Array(Set(bValues)).sorted() == (0..<50).map { Int64($0) })
        #expect(shared.keptCount == 0)
    }

    @Test("a CTE read by two aggregations, a cross join with two shifts and a scalar subquery gives the hand-computed counts")
    func statementWithStreamedCTE() throws {
        let got = try OverlappedJoinBuildTests.rows("""
            with s as (select mod(i, 5) as b, i from big where i < 1000),
            a as (select b, count(*) as n, count(distinct i) as d from s group by b),
            e as (select b + k.shift as b, count(distinct i) as either from s cross join (select 0 as shift union all select 1 as shift) as k group by 1)
            select a.b, a.n, e.either, (select max(i) from s) as top from a join e on e.b = a.b order by a.b
            """)
        // Each bucket b of 0..<5 holds 200 values of i; e's bucket b holds bucket b's and bucket b-1's.
        let expected: [[Value]] = (0..<5).map { b in
            [.int64(Int64(b)), .int64(200), .int64(b == 0 ? 200 : 400), .int64(999)]
        }
        #expect(got == expected)
    }
}
