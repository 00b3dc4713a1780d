import ColumnStore

/// The group ids of single GROUP BY keys packed into 16 bytes (`PackedKey`): open-addressed slots
/// (linear probing) hold the key itself beside its id, so finding a group reads one slot and nothing
/// else (no key arena, no byte compare, no id → offset indirection). Ids are given by the caller
/// (`GroupTable` numbers packed and unpacked keys in one sequence).
struct PackedKeyTable {
    private struct Slot {
        var key: PackedKey
        /// The group id + 1; 0 = empty.
        var id: Int32
    }
    private var slots = [Slot](repeating: Slot(key: PackedKey(0), id: 0), count: 16)
    private var mask = 15
    private let hashMask: UInt64
    /// Keys in the table.
    private(set) var count = 0

    /// A table whose hashes keep only the bits of `hashMask` (tests force collisions with a small mask).
    init(hashMask: UInt64 = ~0) { self.hashMask = hashMask }

    /// The id of `key`, whose `PackedKey.hash` is `h`; when absent, `key` is inserted with id `newID`.
    @inline(__always)
    mutating func findOrInsert(_ key: PackedKey, hash h: UInt64, newID: Int32) -> (id: Int32, inserted: Bool) {
        let found: Int32? = slots.withUnsafeMutableBufferPointer { slots in
            var s = Int(truncatingIfNeeded: h & hashMask) & mask
            while true {
                let slot = slots[s]
                if slot.id == 0 {
                    slots[s] = Slot(key: key, id: newID + 1)
                    return nil
                }
                if slot.key == key { return slot.id - 1 }
                s = (s + 1) & mask
            }
        }
        if let found { return (found, false) }
        count += 1
        if count * 2 > slots.count { grow() }
        return (newID, true)
    }

    /// Reads the home slots of `hashes`: the loads are independent, so the CPU overlaps their cache
    /// misses, and the finds that follow (one at a time, since each may insert) hit the cache.
    @inline(__always)
    func touch(_ hashes: UnsafeBufferPointer<UInt64>, _ range: Range<Int>) {
        var any: Int32 = 0
        slots.withUnsafeBufferPointer { slots in
            for i in range { any |= slots[Int(truncatingIfNeeded: hashes[i] & hashMask) & mask].id }
        }
        keep(any)
    }

    /// Doubles the slots, placing each key again by its hash.
    private mutating func grow() {
        let size = slots.count * 2
        let old = slots
        slots = [Slot](repeating: Slot(key: PackedKey(0), id: 0), count: size)
        mask = size - 1
        slots.withUnsafeMutableBufferPointer { out in
            for e in old where e.id != 0 {
                var s = Int(truncatingIfNeeded: e.key.hash & hashMask) & mask
                while out[s].id != 0 { s = (s + 1) & mask }
                out[s] = e
            }
        }
    }
}

/// Keeps a value the optimizer would otherwise drop, with the loads that made it (`touch`).
@inline(never) @_optimize(none)
private func keep(_ value: Int32) {}

extension PackedKey {
    /// Stands for a key that does not pack (NULL, or a STRING longer than `maxStringBytes`), kept
    /// elsewhere under `index`. No packed key equals it: an INT64 / DATE key's upper word is 0, a
    /// STRING key's top byte is its length (at most 15).
    @inline(__always)
    static func unpacked(_ index: Int) -> PackedKey {
        var k = PackedKey(UInt64(index))
        k.hi = .max
        return k
    }

    /// Whether this stands for a key that does not pack (`unpacked(_:)`); its index is `lo`.
    @inline(__always)
    var isUnpacked: Bool { hi == .max }

    /// Whether a single key column of `type` packs (STRING values of up to `maxStringBytes` bytes).
    static func packs(_ type: ColumnType) -> Bool {
        switch type {
        case .int64, .timestamp, .date, .string: return true
        case .float64, .bool: return false
        }
    }

    /// Each row's key packed, `unpacked(0)` for a NULL or a STRING longer than `maxStringBytes`; nil
    /// when the column's type does not pack. `allPack` tells whether every row packed.
    static func pack(_ column: Column, rows: Int) -> (keys: [PackedKey], allPack: Bool)? {
        guard packs(column.type) else { return nil }
        var keys = [PackedKey](repeating: .unpacked(0), count: rows)
        var packed = 0
        keys.withUnsafeMutableBufferPointer { out in
            _ = forEach(in: column, rows: rows) { i, key in
                out[i] = key
                packed += 1
            }
        }
        return (keys, packed == rows)
    }
}
