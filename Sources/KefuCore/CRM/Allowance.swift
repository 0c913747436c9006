/// What is left of a line's allowance in a month: the plan's data (with any carry-over) and minutes
/// against what was used so far. The lines of a family bundle share the primary line's data pool.
public struct Allowance: Hashable, Sendable {
    public var month: String
    /// The numbers drawing on this pool (one, unless a family bundle shares it).
    public var numbers: [String]
    public var shared: Bool
    public var dataQuotaMB: Int
    public var dataUsedMB: Int
    public var voiceQuota: Int
    public var voiceUsed: Int
    /// What using 1 GB or a minute beyond the plan costs, from the plan's rules.
    public var dataOverageFenPerGB: Int64
    public var voiceOverageFenPerMinute: Int64

    public var dataLeftMB: Int { max(dataQuotaMB - dataUsedMB, 0) }
    public var dataOverMB: Int { max(dataUsedMB - dataQuotaMB, 0) }
    public var voiceLeft: Int { max(voiceQuota - voiceUsed, 0) }
    public var voiceOver: Int { max(voiceUsed - voiceQuota, 0) }
    /// What the overage so far costs: per started GB and per minute, as the bill charges it.
    public var overageFen: Int64 {
        Int64((dataOverMB + 1023) / 1024) * dataOverageFenPerGB + Int64(voiceOver) * voiceOverageFenPerMinute
    }

    /// Each mobile line's allowance in `month`, a family bundle once for all its lines; lines with no
    /// usage recorded for the month count as unused.
    public static func of(_ view: Customer360, month: String) -> [Allowance] {
        let plans = Dictionary(view.packages.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let used = Dictionary(view.usage.filter { $0.month == month }.map { ($0.subscriptionId, $0) }, uniquingKeysWith: { first, _ in first })
        let mobile = view.subscriptions.filter { $0.kind == .mobile }
        var seen = Set<String>()
        var result: [Allowance] = []
        for line in mobile {
            let pool = line.bundleId.map { bundle in mobile.filter { $0.bundleId == bundle } } ?? [line]
            let key = line.bundleId ?? line.id
            guard !seen.contains(key) else { continue }
            seen.insert(key)
            // The bundle's plan is the primary line's: the one whose id is the bundle's.
            let primary = pool.first { $0.id == line.bundleId } ?? line
            guard let plan = plans[primary.packageCode] else { continue }
            let shared = pool.count > 1 && plan.sharedData
            let members = shared ? pool : [line]
            let carry = members.reduce(0) { $0 + ($1.carryOverMonth == month ? $1.carryOverMB ?? 0 : 0) }
            result.append(
                Allowance(
                    month: month, numbers: members.map(\.number), shared: shared,
                    dataQuotaMB: plan.dataMB + carry, dataUsedMB: members.reduce(0) { $0 + (used[$1.id]?.dataMB ?? 0) },
                    voiceQuota: plan.voiceMinutes, voiceUsed: members.reduce(0) { $0 + (used[$1.id]?.voiceMinutes ?? 0) },
                    dataOverageFenPerGB: plan.dataOverageFenPerGB, voiceOverageFenPerMinute: plan.voiceOverageFenPerMinute
                )
            )
        }
        return result
    }
}

/// Data amounts as people read them: GB with one decimal from 1 GB on, MB below.
public enum DataSize {
    public static func text(mb: Int) -> String {
        guard mb >= 1024 else { return "\(mb)MB" }
        let tenths = (mb * 10 + 512) / 1024
        return tenths % 10 == 0 ? "\(tenths / 10)GB" : "\(tenths / 10).\(tenths % 10)GB"
    }
}
