/// The results of the last few date additions of one batch, each in a slot chosen by a hash of its
/// (date, amount): a lookup finds a pair's result only when that pair was remembered in its slot and
/// not overwritten since. Only successful additions are remembered, so an overflow is always reported.
struct RecentDateAdds {
    private static let slots = 64
    private var dates = [Int32](repeating: 0, count: slots)
    private var amounts = [Int64](repeating: 0, count: slots)
    private var results = [Int32](repeating: 0, count: slots)
    private var filled = [Bool](repeating: false, count: slots)

    private static func slot(_ d: Int32, _ n: Int64) -> Int {
        let h = UInt64(UInt32(bitPattern: d)) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: n) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(h >> 58)
    }

    /// The remembered result of adding `n` to `d`, if any.
    func result(_ d: Int32, _ n: Int64) -> Int32? {
        let i = Self.slot(d, n)
        return filled[i] && dates[i] == d && amounts[i] == n ? results[i] : nil
    }

    mutating func remember(_ d: Int32, _ n: Int64, _ r: Int32) {
        let i = Self.slot(d, n)
        dates[i] = d
        amounts[i] = n
        results[i] = r
        filled[i] = true
    }
}
