import ColumnStore

/// Assigns a dense group id to each distinct key.
struct GroupTable {
    fileprivate var table = ByteKeyTable()
    fileprivate var noKeys = false
    var count: Int { noKeys ? 1 : table.count }

    /// The group id of each row of `keys` (new ids are numbered in first-seen order); `isNew` is
    /// called with the row of each new group.
    mutating func groupIDs(_ keys: [Column], rows: Int, isNew: (Int) -> Void) -> [Int32] {
        if keys.isEmpty {
            if !noKeys { noKeys = true; isNew(0) }
            return [Int32](repeating: 0, count: rows)
        }
        return groupIDs(HashedKeys(keys, rows: rows), isNew: isNew)
    }

    /// The group id of each row of `keys`, encoded and hashed ahead (perhaps on another core), as
    /// `groupIDs(_:rows:isNew:)` numbers them.
    mutating func groupIDs(_ keys: HashedKeys, isNew: (Int) -> Void) -> [Int32] {
        let rows = keys.encoded.count
        var out = [Int32](repeating: 0, count: rows)
        keys.encoded.bytes.withUnsafeBytes { buf in
            keys.hashes.withUnsafeBufferPointer { hashes in
                for i in 0..<rows {
                    let (id, inserted) = table.findOrInsert(keys.encoded.key(i, in: buf), hash: hashes[i])
                    out[i] = id
                    if inserted { isNew(i) }
                }
            }
        }
        return out
    }
}

/// A batch's keys encoded and hashed: the part of finding group ids that reads no table, so it can
/// run on one core while another inserts the previous batches' keys.
struct HashedKeys {
    var encoded: EncodedKeys
    /// Row i's `KeyEncoder.hash`.
    var hashes: [UInt64]

    init(_ keys: [Column], rows: Int) {
        let encoded = KeyEncoder.encode(keys, rows: rows)
        var hashes = [UInt64](repeating: 0, count: rows)
        encoded.bytes.withUnsafeBytes { buf in
            hashes.withUnsafeMutableBufferPointer { out in
                for i in 0..<rows { out[i] = KeyEncoder.hash(encoded.key(i, in: buf)) }
            }
        }
        self.encoded = encoded
        self.hashes = hashes
    }
}

extension GroupTable {
    /// Adds the groups of `other` (those new here are numbered after this table's, in `other`'s order)
    /// and returns, for each of its group ids, the id here.
    mutating func merge(_ other: GroupTable) -> [Int32] {
        if noKeys || other.noKeys {
            if !noKeys && other.noKeys { noKeys = true; return [0] }
            return other.noKeys ? [0] : []
        }
        var mapping = [Int32](repeating: 0, count: other.table.count)
        for g in 0..<other.table.count {
            mapping[g] = other.table.withKey(g) { table.findOrInsert($0).id }
        }
        return mapping
    }
}

extension GroupTable {
    /// The key columns of the groups `range`, decoded from their encoded keys (`KeyEncoder.encode`'s
    /// layout; `types` are the types the keys were encoded from). A FLOAT64 key comes back normalized
    /// as it was compared: -0.0 as 0.0, every NaN as one NaN.
    func decodeKeys(_ range: Range<Int>, types: [ColumnType]) -> [Column] {
        var builders = types.map { ColumnBuilder(type: $0, capacity: range.count) }
        table.withKeys(range) { key in
            var at = 0
            for k in builders.indices {
                let valid = key[at] != 0
                switch types[k] {
                case .int64, .timestamp:
                    if valid { builders[k].appendInt64(Int64(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: Int64.self))) } else { builders[k].appendNull() }
                    at += 9
                case .float64:
                    if valid {
                        builders[k].appendDouble(Double(bitPattern: UInt64(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: UInt64.self))))
                    } else { builders[k].appendNull() }
                    at += 9
                case .date:
                    if valid { builders[k].appendDate(Int32(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: Int32.self))) } else { builders[k].appendNull() }
                    at += 5
                case .bool:
                    if valid { builders[k].appendBool(key[at + 1] != 0) } else { builders[k].appendNull() }
                    at += 2
                case .string:
                    let n = Int(UInt32(littleEndian: key.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
                    if valid { builders[k].appendString(UnsafeRawBufferPointer(rebasing: key[(at + 5)..<(at + 5 + n)])) } else { builders[k].appendNull() }
                    at += 5 + n
                }
            }
        }
        return builders.indices.map { builders[$0].finish() }
    }
}
