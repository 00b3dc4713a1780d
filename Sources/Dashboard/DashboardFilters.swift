/// What a dashboard page shows: the filters of the historical page and the window count of the
/// real-time page.
public struct DashboardFilters: Sendable, Equatable {
    /// Only this country (historical charts over tables with a `country` column). Default: all.
    public var country: String?
    /// Only this subscription plan (historical charts over tables with a `subscription_plan` column). Default: all.
    public var plan: String?
    /// How many of the latest stream windows the real-time page shows. Default: 30.
    public var windows: Int

    public static let defaultWindows = 30
    public static let maxWindows = 1440

    public init(country: String? = nil, plan: String? = nil, windows: Int = DashboardFilters.defaultWindows) {
        self.country = country
        self.plan = plan
        self.windows = windows
    }
}
