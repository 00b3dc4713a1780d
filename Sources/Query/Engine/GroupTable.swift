import ColumnStore

/// Assigns a dense group id to each distinct key.
///
/// A single key column whose type packs (`PackedKey.packs`: INT64, TIMESTAMP, DATE, STRING) is kept
/// in a `PackedKeyTable`, each key in 16 bytes beside its id; its keys that do not pack (NULL, a
/// STRING over 15 bytes) go to the byte-key table as every other key does. Whether a key packs
/// depends only on the key, so no key is in both tables.
struct GroupTable {
    fileprivate var table = ByteKeyTable()
    fileprivate var noKeys = false
    /// Set by the first batch of one key column of a packing type; then `keyOf` holds each group's
    /// packed key, or `PackedKey.unpacked(i)` for key `i` of `table`, whose group is `byteGroup[i]`.
    fileprivate var packed: PackedKeyTable?
    fileprivate var keyOf: [PackedKey] = []
    fileprivate var byteGroup: [Int32] = []
    private let packedHashMask: UInt64
    var count: Int { noKeys ? 1 : packed != nil ? keyOf.count : table.count }

    /// A table whose packed keys' hashes keep only the bits of `packedHashMask` (tests force
    /// collisions with a small mask).
    init(packedHashMask: UInt64 = ~0) { self.packedHashMask = packedHashMask }

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
        if let packedKeys = keys.packed { return packedGroupIDs(keys, packedKeys, isNew: isNew) }
        precondition(packed == nil, "a GroupTable of packed keys was given keys that do not pack")
        let rows = keys.rows
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

    /// `groupIDs(_:isNew:)` of one key column that packs: the rows' home slots are read 16 at a time
    /// ahead of their finds, so the cache misses of a large table overlap.
    private mutating func packedGroupIDs(_ keys: HashedKeys, _ packedKeys: [PackedKey], isNew: (Int) -> Void) -> [Int32] {
        if packed == nil {
            precondition(table.count == 0, "a GroupTable of unpacked keys was given keys that pack")
            packed = PackedKeyTable(hashMask: packedHashMask)
        }
        // Moved out for the loop, so its slots stay uniquely referenced and are mutated in place.
        var p = packed.take()!
        defer { packed = p }
        let rows = keys.rows
        var out = [Int32](repeating: 0, count: rows)
        out.withUnsafeMutableBufferPointer { out in
            packedKeys.withUnsafeBufferPointer { pk in
                keys.hashes.withUnsafeBufferPointer { hashes in
                    keys.encoded.bytes.withUnsafeBytes { buf in
                        var start = 0
                        while start < rows {
                            let end = min(rows, start + 16)
                            p.touch(hashes, start..<end)
                            for i in start..<end {
                                let key = pk[i]
                                if key.isUnpacked {
                                    let (b, inserted) = table.findOrInsert(keys.encoded.key(i, in: buf), hash: hashes[i])
                                    if inserted {
                                        byteGroup.append(Int32(keyOf.count))
                                        keyOf.append(.unpacked(Int(b)))
                                        isNew(i)
                                    }
                                    out[i] = byteGroup[Int(b)]
                                } else {
                                    let (id, inserted) = p.findOrInsert(key, hash: hashes[i], newID: Int32(keyOf.count))
                                    if inserted { keyOf.append(key); isNew(i) }
                                    out[i] = id
                                }
                            }
                            start = end
                        }
                    }
                }
            }
        }
        return out
    }
}

/// A batch's keys encoded and hashed: the part of finding group ids that reads no table, so it can
/// run on one core while another inserts the previous batches' keys.
struct HashedKeys {
    let rows: Int
    /// The keys encoded (`KeyEncoder`); with `packed`, empty unless some row's key does not pack.
    var encoded: EncodedKeys
    /// Row i's hash: `PackedKey.hash` of a packed key, else `KeyEncoder.hash` of the encoded key.
    var hashes: [UInt64]
    /// Each row's key packed (`PackedKey.pack`), when there is one key column of a type that packs.
    var packed: [PackedKey]?

    init(_ keys: [Column], rows: Int) {
        self.rows = rows
        if keys.count == 1, let pack = PackedKey.pack(keys[0], rows: rows) {
            let packed = pack.keys
            self.packed = packed
            let encoded = pack.allPack ? EncodedKeys(bytes: [], offsets: [0], hasNull: [], hasNaN: []) : KeyEncoder.encode(keys, rows: rows)
            var hashes = [UInt64](repeating: 0, count: rows)
            packed.withUnsafeBufferPointer { pk in
                encoded.bytes.withUnsafeBytes { buf in
                    hashes.withUnsafeMutableBufferPointer { out in
                        for i in 0..<rows {
                            out[i] = pk[i].isUnpacked ? KeyEncoder.hash(encoded.key(i, in: buf)) : pk[i].hash
                        }
                    }
                }
            }
            self.encoded = encoded
            self.hashes = hashes
            return
        }
        let encoded = KeyEncoder.encode(keys, rows: rows)
        var hashes = [UInt64](repeating: 0, count: rows)
        encoded.bytes.withUnsafeBytes { buf in
            hashes.withUnsafeMutableBufferPointer { out in
                for i in 0..<rows { out[i] = KeyEncoder.hash(encoded.key(i, in: buf)) }
            }
        }
        self.encoded = encoded
        self.hashes = hashes
        packed = nil
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
        if packed != nil || other.packed != nil { return mergePacked(other) }
        var mapping = [Int32](repeating: 0, count: other.table.count)
        for g in 0..<other.table.count {
            mapping[g] = other.table.withKey(g) { table.findOrInsert($0).id }
        }
        return mapping
    }

    /// `merge` of tables of packed keys (either may be empty, not yet knowing its keys pack).
    private mutating func mergePacked(_ other: GroupTable) -> [Int32] {
        guard other.packed != nil else {
            precondition(other.table.count == 0, "merging unpacked keys into a GroupTable of packed keys")
            return []
        }
        if packed == nil {
            precondition(table.count == 0, "merging packed keys into a GroupTable of unpacked keys")
            packed = PackedKeyTable(hashMask: packedHashMask)
        }
        var p = packed.take()!
        defer { packed = p }
        let n = other.keyOf.count
        var mapping = [Int32](repeating: 0, count: n)
        var hashes = [UInt64](repeating: 0, count: 16)
        other.keyOf.withUnsafeBufferPointer { keys in
            var start = 0
            while start < n {
                let end = min(n, start + 16)
                for g in start..<end { hashes[g - start] = keys[g].hash }
                hashes.withUnsafeBufferPointer { p.touch($0, 0..<(end - start)) }
                for g in start..<end {
                    let key = keys[g]
                    if key.isUnpacked {
                        mapping[g] = other.table.withKey(Int(key.lo)) { bytes in
                            let (b, inserted) = table.findOrInsert(bytes)
                            if inserted {
                                byteGroup.append(Int32(keyOf.count))
                                keyOf.append(.unpacked(Int(b)))
                            }
                            return byteGroup[Int(b)]
                        }
                    } else {
                        let (id, inserted) = p.findOrInsert(key, hash: hashes[g - start], newID: Int32(keyOf.count))
                        if inserted { keyOf.append(key) }
                        mapping[g] = id
                    }
                }
                start = end
            }
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
        if packed != nil {
            for g in range { appendKey(g, to: &builders, types: types) }
        } else {
            table.withKeys(range) { GroupTable.append($0, to: &builders, types: types) }
        }
        return builders.indices.map { builders[$0].finish() }
    }

    /// Appends group `g`'s key values to `builders` (one per key column, of `types`), as
    /// `decodeKeys` decodes them.
    func appendKey(_ g: Int, to builders: inout [ColumnBuilder], types: [ColumnType]) {
        guard packed != nil else {
            table.withKey(g) { GroupTable.append($0, to: &builders, types: types) }
            return
        }
        let key = keyOf[g]
        if key.isUnpacked {
            table.withKey(Int(key.lo)) { GroupTable.append($0, to: &builders, types: types) }
            return
        }
        switch types[0] {
        case .int64, .timestamp: builders[0].appendInt64(Int64(bitPattern: key.lo))
        case .date: builders[0].appendDate(Int32(bitPattern: UInt32(truncatingIfNeeded: key.lo)))
        case .string:
            withUnsafeBytes(of: key) { b in builders[0].appendString(UnsafeRawBufferPointer(rebasing: b[0..<Int(b[15])])) }
        case .float64, .bool: preconditionFailure("a \(types[0]) key does not pack")
        }
    }

    /// Appends the values of the encoded `key` (`KeyEncoder.encode`'s layout) to `builders`.
    private static func append(_ key: UnsafeRawBufferPointer, to builders: inout [ColumnBuilder], types: [ColumnType]) {
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
}
