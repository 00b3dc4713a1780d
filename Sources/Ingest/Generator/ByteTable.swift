/// A fixed list of CSV field values stored once as contiguous ASCII bytes, so a row appends a
/// value with one `memcpy`. Values containing a comma, quote or newline are stored CSV-quoted.
final class ByteTable: @unchecked Sendable {
    let storage: UnsafeMutablePointer<UInt8>
    let offsets: UnsafeMutablePointer<Int32>
    let count: Int
    /// The unquoted values, for tests and diagnostics.
    let values: [String]

    init(_ values: [String]) {
        let fields = values.map(ByteTable.csvField)
        self.values = values
        count = values.count
        let total = fields.reduce(0) { $0 + $1.utf8.count }
        storage = .allocate(capacity: max(total, 1))
        offsets = .allocate(capacity: values.count + 1)
        var position = 0
        for (index, field) in fields.enumerated() {
            offsets[index] = Int32(position)
            for byte in field.utf8 {
                storage[position] = byte
                position += 1
            }
        }
        offsets[values.count] = Int32(position)
    }

    deinit {
        storage.deallocate()
        offsets.deallocate()
    }

    /// The longest stored field, in bytes.
    var maxLength: Int {
        (0..<count).map { Int(offsets[$0 + 1] - offsets[$0]) }.max() ?? 0
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A categorical distribution over a `ByteTable`, sampled with one random draw through a
/// 4,096-entry lookup table (weights are quantised to 1/4096).
final class Categorical: @unchecked Sendable {
    let names: ByteTable
    private let lookup: UnsafeMutablePointer<UInt8>
    static let resolution = 4096

    /// `weights` are relative (any positive scale) and line up with `names`.
    init(_ names: [String], weights: [Double]? = nil) {
        precondition(!names.isEmpty && names.count < 256)
        let weights = weights ?? Array(repeating: 1.0, count: names.count)
        precondition(weights.count == names.count)
        self.names = ByteTable(names)
        lookup = .allocate(capacity: Categorical.resolution)
        let total = weights.reduce(0, +)
        var cumulative = 0.0
        var filled = 0
        for (index, weight) in weights.enumerated() {
            cumulative += weight
            let end = index == weights.count - 1
                ? Categorical.resolution : Int((cumulative / total * Double(Categorical.resolution)).rounded())
            while filled < end {
                lookup[filled] = UInt8(index)
                filled += 1
            }
        }
    }

    deinit { lookup.deallocate() }

    @inline(__always)
    func pick(_ rng: inout SplitMix64) -> Int {
        Int(lookup[Int(truncatingIfNeeded: rng.next() >> 52)])
    }

    /// Appends one sampled value and returns its index.
    @inline(__always)
    @discardableResult
    func write(_ out: inout ByteWriter, _ rng: inout SplitMix64) -> Int {
        let index = pick(&rng)
        out.append(names, index)
        return index
    }
}
