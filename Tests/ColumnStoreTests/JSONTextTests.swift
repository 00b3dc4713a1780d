import ColumnStore
import Foundation
import Testing

@Suite("JSON text quoting")
struct JSONTextTests {
    static let samples: [String] = [
        "", "plain", "quote \" and backslash \\", "tab\tnew\nline\rreturn", "\u{0}\u{1}\u{1f}\u{7f}",
        "Ünïcödé 東京 🎬", "<script>&amp;</script>", "slash / stays",
    ]

    @Test("Every sample round-trips through Foundation's JSON parser, with and without HTML escaping", arguments: samples)
    func roundTrip(_ s: String) throws {
        for html in [false, true] {
            let text = "[" + JSONText.quoted(s, escapingHTML: html) + "]"
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
            #expect(parsed == [s])
        }
    }

    @Test("Control characters use the short escapes where JSON has them and \\u00xx otherwise")
    func exactBytes() {
        #expect(JSONText.quoted("a\"b\\c\nd\re\tf") == #""a\"b\\c\nd\re\tf""#)
        #expect(JSONText.quoted("\u{1}\u{1f}") == #""\u0001\u001f""#)
        #expect(JSONText.escaped("é/") == "é/")
    }

    @Test("HTML escaping turns <, > and & into \\u escapes so the text can sit in a script element")
    func htmlEscapes() {
        #expect(JSONText.quoted("<a>&", escapingHTML: true) == #""\u003ca\u003e\u0026""#)
        #expect(JSONText.quoted("<a>&") == #""<a>&""#)
    }
}
