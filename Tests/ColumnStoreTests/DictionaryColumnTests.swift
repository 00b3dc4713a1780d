import Testing
@testable import ColumnStore

@Suite struct DictionaryColumnTests {
    /// Dictionaries whose longest entry takes each copy path: 8-byte words (at most 8 bytes), 16-byte
    /// words (9 to 16), and one copy per row (longer), each with an empty entry among the others.
    static let dictionaries: [[String]] = [
        ["", "a", "Mobile", "12345678"],
        ["Drama", "", "123456789", "Science Fiction!"],
        ["x", "", "a string of more than sixteen bytes", "é ü ñ — multibyte"],
        [""],
    ]

    /// Codes that visit every entry, repeat some, and end on each entry in turn (the last row's word
    /// copy must not run past the output).
    static func codes(_ entries: Int, rows: Int) -> [UInt16] {
        (0..<rows).map { UInt16(($0 * 7 + $0 / 3) % entries) }
    }

    /// Every row comes out as `entries[codes[i]]`, for each copy path, with and without a selection
    /// (in any order, with repeats), with NULLs kept, and for no rows at all.
    @Test(arguments: DictionaryColumnTests.dictionaries.indices, [0, 1, 5, 64, 1000])
    func materializedRowsAreTheirEntries(dictionary: Int, rows: Int) {
        let strings = DictionaryColumnTests.dictionaries[dictionary]
        let codes = DictionaryColumnTests.codes(strings.count, rows: rows)
        let validity: [Bool]? = rows > 1 ? (0..<rows).map { $0 % 4 != 1 } : nil
        let d = DictionaryColumn(entries: StringArray(strings), codes: codes, validity: validity)
        let all = d.materialize(nil)
        all.verify()
        #expect(all.count == rows)
        for i in 0..<rows {
            #expect(all.value(at: i) == (validity?[i] ?? true ? Value.string(strings[Int(codes[i])]) : Value.null), "row \(i)")
        }
        let selection: [Int32] = rows == 0 ? [] : [Int32(rows - 1), 0, Int32(rows / 2), Int32(rows - 1)]
        let picked = d.materialize(selection)
        picked.verify()
        #expect(picked.count == selection.count)
        for (j, i) in selection.map(Int.init).enumerated() {
            #expect(picked.value(at: j) == (validity?[i] ?? true ? Value.string(strings[Int(codes[i])]) : Value.null), "selected row \(i)")
        }
    }

    /// The output holds exactly the rows' bytes (no slack from the word copies is counted).
    @Test func theOutputBytesAreExactlyTheRowsBytes() {
        let d = DictionaryColumn(entries: StringArray(["ab", "cde"]), codes: [1, 0, 1], validity: nil)
        guard case .string(let s) = d.materialize(nil).values else { Issue.record("not a string column"); return }
        #expect(s.bytes == Array("cdeabcde".utf8))
        #expect(s.ends == [3, 5, 8])
    }
}
