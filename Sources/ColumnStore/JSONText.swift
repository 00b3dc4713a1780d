/// JSON string literals for values that leave the store: CLI `--format json`, BigQuery rows, the
/// dashboards' API and the stream producer's messages all quote text the same way (RFC 8259).
public enum JSONText {
    /// `s` as a quoted JSON string. With `escapingHTML`, `<`, `>` and `&` become `\u003c`, `\u003e` and
    /// `\u0026` so that the text can sit inside an HTML `<script>` element.
    public static func quoted(_ s: String, escapingHTML: Bool = false) -> String {
        "\"" + escaped(s, escapingHTML: escapingHTML) + "\""
    }

    /// The body of a JSON string for `s`, without the quotes.
    public static func escaped(_ s: String, escapingHTML: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<" where escapingHTML: out += "\\u003c"
            case ">" where escapingHTML: out += "\\u003e"
            case "&" where escapingHTML: out += "\\u0026"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
