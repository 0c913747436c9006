/// Plan recommendation: from what the customer actually used, the plan that fits and what it saves.
public enum PlanRecommender {
    public struct Recommendation: Codable, Hashable, Sendable {
        public enum Kind: String, Codable, Sendable {
            case plan
            case broadbandUpgrade = "broadband_upgrade"
            case familyBundle = "family_bundle"
        }

        public var kind: Kind
        public var subscriptionId: String?
        public var currentPackage: String?
        public var suggestedPackage: String
        /// Positive: the customer pays less each month. Negative: more, for more service.
        public var monthlySavingFen: Int64
        public var reason: String
    }

    /// The customer's usual month: the 80th percentile (nearest rank) of what they used.
    public static func usual(_ values: [Int]) -> Int {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((0.8 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    static func gb(_ mb: Int) -> String {
        // One decimal, rounded, without Foundation's formatter.
        let tenths = (mb * 10 + 512) / 1024
        return tenths % 10 == 0 ? "\(tenths / 10)GB" : "\(tenths / 10).\(tenths % 10)GB"
    }

    /// The cheapest mobile plan covering the line's usual month, if it costs less than what the line costs now.
    public static func mobilePlan(
        subscription: Subscription, current: ServicePackage, usage: [UsageRecord], bills: [Bill], catalog: [ServicePackage]
    ) -> Recommendation? {
        let mobile: Set<ServicePackage.Category> = [.mobile4G, .mobile5G, .unlimited]
        guard mobile.contains(current.category), subscription.bundleId == nil else { return nil }
        let lineBills = bills.filter { $0.subscriptionId == subscription.id }
        // Whole months only: the month under way (not yet billed) would make the usual need look small.
        let billed = Set(lineBills.map(\.month))
        let months = usage.filter { $0.subscriptionId == subscription.id && (billed.isEmpty || billed.contains($0.month)) }
        guard !months.isEmpty else { return nil }
        let data = usual(months.map(\.dataMB))
        let voice = usual(months.map(\.voiceMinutes))
        // What the line really costs a month: the bills' average (overage included), else the plan's fee.
        let spend = lineBills.isEmpty ? current.monthlyFeeFen : lineBills.map(\.totalFen).reduce(0, +) / Int64(lineBills.count)
        let fits = catalog.filter {
            $0.active && mobile.contains($0.category) && $0.dataMB >= data && $0.voiceMinutes >= voice
        }
        guard let best = fits.min(by: { ($0.monthlyFeeFen, $0.code) < ($1.monthlyFeeFen, $1.code) }), best.code != current.code else {
            return nil
        }
        let saving = spend - best.monthlyFeeFen
        guard saving > 0 else { return nil }
        let reason = "近3个月您每月用流量约\(gb(data))、通话约\(voice)分钟（按80%的月份计）。"
            + "「\(best.name)」含\(gb(best.dataMB))流量、\(best.voiceMinutes)分钟通话，月费\(Money.format(fen: best.monthlyFeeFen))，"
            + "比您目前平均每月\(Money.format(fen: spend))的支出每月省\(Money.format(fen: saving))。"
        return Recommendation(
            kind: .plan, subscriptionId: subscription.id, currentPackage: current.code, suggestedPackage: best.code,
            monthlySavingFen: saving, reason: reason
        )
    }

    /// A faster broadband plan for a customer who reported slow broadband on 100M or less.
    public static func broadbandUpgrade(
        subscription: Subscription, current: ServicePackage, reportedSlow: Bool, catalog: [ServicePackage]
    ) -> Recommendation? {
        guard reportedSlow, current.category == .broadband, current.bandwidthMbps <= 100 else { return nil }
        let faster = catalog.filter { $0.active && $0.category == .broadband && $0.bandwidthMbps >= 300 }
        guard let best = faster.min(by: { ($0.monthlyFeeFen, $0.code) < ($1.monthlyFeeFen, $1.code) }) else { return nil }
        let extra = best.monthlyFeeFen - current.monthlyFeeFen
        let reason = "您反映过宽带网速慢，当前为\(current.bandwidthMbps)M。升级到「\(best.name)」（\(best.bandwidthMbps)M）"
            + "每月多\(Money.format(fen: extra))，高峰时段多设备同时上网更流畅。"
        return Recommendation(
            kind: .broadbandUpgrade, subscriptionId: subscription.id, currentPackage: current.code, suggestedPackage: best.code,
            monthlySavingFen: -extra, reason: reason
        )
    }

    /// A family bundle when several lines at one address (two mobiles, or a mobile and broadband) pay separately.
    public static func familyBundle(
        subscriptions: [Subscription], packages: [String: ServicePackage], catalog: [ServicePackage]
    ) -> Recommendation? {
        let open = subscriptions.filter { $0.status != .closed && $0.bundleId == nil }
        let mobiles = open.filter { $0.kind == .mobile }
        let broadband = open.filter { $0.kind == .broadband }
        guard mobiles.count >= 2 || (!mobiles.isEmpty && !broadband.isEmpty) else { return nil }
        let lines = mobiles + broadband + open.filter { $0.kind == .iptv }
        let paying = lines.compactMap { packages[$0.packageCode]?.monthlyFeeFen }.reduce(0, +)
        let needBandwidth = broadband.compactMap { packages[$0.packageCode]?.bandwidthMbps }.max() ?? 0
        let bundles = catalog.filter {
            $0.active && $0.category == .family && $0.maxLines >= mobiles.count && $0.bandwidthMbps >= needBandwidth
        }
        guard let best = bundles.min(by: { ($0.monthlyFeeFen, $0.code) < ($1.monthlyFeeFen, $1.code) }) else { return nil }
        let saving = paying - best.monthlyFeeFen
        guard saving > 0 else { return nil }
        let reason = "您在同一地址有\(mobiles.count)张手机卡\(broadband.isEmpty ? "" : "和宽带")，目前每月合计\(Money.format(fen: paying))。"
            + "「\(best.name)」月费\(Money.format(fen: best.monthlyFeeFen))，流量共享，每月省\(Money.format(fen: saving))。"
        return Recommendation(
            kind: .familyBundle, subscriptionId: nil, currentPackage: nil, suggestedPackage: best.code, monthlySavingFen: saving,
            reason: reason
        )
    }
}
